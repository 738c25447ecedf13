"""cleaner: rule-based cleaning of web-archive text.

>>> from cleaner import clean_text
>>> doc = clean_text("Headline here\\n\\nA sentence of the article.\\n\\nAdd new comment")
>>> doc.text, doc.metadata["title"]

`clean_text(text, url=...)`, `clean_html(html, url=...)`, `clean(document)`, a reusable
`Cleaner` (same methods, built once), and `clean_batch` for `datasets.map`. Every result's
`metadata` has every key (None where unknown), as the written files do.
"""

__version__ = "0.1.0"

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cleaner.batch import clean_batch
    from cleaner.config import Config, OutputFormat
    from cleaner.document import Document, Line, Removal
    from cleaner.errors import CleanerError, DocumentError, RuleError, UsageError
    from cleaner.pipeline import Cleaner, clean, clean_html, clean_text, document_record
    from cleaner.readers.options import ReadOptions
    from cleaner.ruleset.loader import RuleSet, load_rules
    from cleaner.runner import run
    from cleaner.schema import Audit

#: Where each public name lives: imported when first used, so that `import cleaner` (and
#: the console script, which installs its signal handlers first) starts in milliseconds.
_PUBLIC = {
    "Config": "cleaner.config",
    "OutputFormat": "cleaner.config",
    "Document": "cleaner.document",
    "Line": "cleaner.document",
    "Removal": "cleaner.document",
    "CleanerError": "cleaner.errors",
    "DocumentError": "cleaner.errors",
    "RuleError": "cleaner.errors",
    "UsageError": "cleaner.errors",
    "Cleaner": "cleaner.pipeline",
    "clean_text": "cleaner.pipeline",
    "clean_html": "cleaner.pipeline",
    "clean": "cleaner.pipeline",
    "clean_batch": "cleaner.batch",
    "ReadOptions": "cleaner.readers.options",
    "Audit": "cleaner.schema",
    "document_record": "cleaner.pipeline",
    "RuleSet": "cleaner.ruleset.loader",
    "load_rules": "cleaner.ruleset.loader",
    "run": "cleaner.runner",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])

__all__ = [
    "Audit",
    "Cleaner",
    "CleanerError",
    "Config",
    "Document",
    "DocumentError",
    "Line",
    "OutputFormat",
    "ReadOptions",
    "Removal",
    "RuleError",
    "RuleSet",
    "UsageError",
    "__version__",
    "clean",
    "clean_batch",
    "clean_html",
    "clean_text",
    "document_record",
    "load_rules",
    "run",
]
