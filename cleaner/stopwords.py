"""Stop-word lists by language code, from jusText's lists (100 languages, built from
Wikipedia word frequencies for exactly this measure)."""

from __future__ import annotations

import justext

# langdetect's ISO 639-1 codes -> jusText's list names.
_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan",
    "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "et": "Estonian", "fa": "Persian", "fi": "Finnish",
    "fr": "French", "gu": "Gujarati", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "kn": "Kannada", "ko": "Korean",
    "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian", "ml": "Malayalam",
    "mr": "Marathi", "ne": "Nepali", "nl": "Dutch", "no": "Norwegian_Bokmal",
    "pa": "Punjabi", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "so": "Somali", "sq": "Albanian", "sv": "Swedish",
    "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "tl": "Tagalog", "tr": "Turkish",
    "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese",
}  # fmt: skip


class Stopwords:
    """Stop words per language, each list read once by the object that needs it."""

    def __init__(self) -> None:
        self._lists: dict[str, frozenset[str] | None] = {}

    def get(self, language: str | None) -> frozenset[str] | None:
        """The case-folded stop words of a language, or None when there is no list for it."""
        key = language or ""
        if key not in self._lists:
            name = _NAMES.get(key)
            words = justext.get_stoplist(name) if name in justext.get_stoplists() else None
            self._lists[key] = frozenset(w.casefold() for w in words) if words else None
        return self._lists[key]
