"""Readers: find the inputs of a run and turn each into Documents."""

from cleaner.readers.discover import InputFile, discover_inputs
from cleaner.readers.text import read_text_file

__all__ = ["InputFile", "discover_inputs", "read_text_file"]
