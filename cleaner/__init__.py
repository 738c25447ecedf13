"""cleaner: rule-based cleaning of web-archive text.

>>> from cleaner import clean_text
>>> doc = clean_text("Headline here\\n\\nA sentence of the article.\\n\\nAdd new comment")
>>> doc.text, doc.metadata["title"]
"""

__version__ = "0.1.0"

from cleaner.config import Config, OutputFormat
from cleaner.document import Document, Line, Removal
from cleaner.errors import CleanerError, DocumentError, RuleError, UsageError
from cleaner.pipeline import Cleaner, clean_text, document_record
from cleaner.ruleset.loader import RuleSet, load_rules
from cleaner.runner import run

__all__ = [
    "Cleaner",
    "CleanerError",
    "Config",
    "Document",
    "DocumentError",
    "Line",
    "OutputFormat",
    "Removal",
    "RuleError",
    "RuleSet",
    "UsageError",
    "__version__",
    "clean_text",
    "document_record",
    "load_rules",
    "run",
]
