"""A rule's pattern rewritten for RE2 so that it matches wherever the `regex` module's does.

The RE2 set is only a prefilter: a line it rejects is never tried with the real pattern, so
the RE2 form must match a superset of what the rule matches; matching more only costs a
bounded `regex` search. Taken verbatim it does not: RE2's `\\w`, `\\d`, `\\s` and `\\b` know
ASCII only, so "José says:" or a Cyrillic phrase slipped past every rule with `\\w` in it.

The rewrite, which only ever widens a pattern:
  - `\\w`, `\\d`, `\\s` (and `\\p{..}`, whose RE2 tables are older than `regex`'s) also accept
    any non-ASCII character: a simple byte range, cheap for RE2's automaton; in a negated
    class they stay ASCII, since the complement of a narrower class is wider (`[^\\w]+`);
  - `\\b` and `\\B` are dropped (no assertion matches more);
  - a literal i (or a class holding one) also takes Turkish İ and ı, which the `regex`
    module's case-insensitive matching equates with i and I;
  - a counted repeat `{m,n}` becomes `+` (or `*` when m is 0, or absent: `{,n}`):
    `[\\w .]{1,60}` would otherwise copy a character class sixty times into the
    automaton, which then takes a long time to warm up on real text.
Where no widening is safe (`\\W`, `\\D`, `\\S` or `\\p` inside a negated class, POSIX classes) the
answer is None, and the rule runs on every line under the time bound, as for patterns RE2
cannot parse at all.
"""

from __future__ import annotations

import re

_NON_ASCII = r"\x{80}-\x{10FFFF}"
#: Inside a character class: the ASCII members of the `regex` module's class, then all the rest.
_WIDENED = {
    "w": "0-9A-Za-z_" + _NON_ASCII,
    "d": "0-9" + _NON_ASCII,
    "s": r"\t\n\x0b\f\r \x1c-\x1f" + _NON_ASCII,
}
#: `{m}`, `{m,}`, `{m,n}`, and the `regex` module's `{,n}` and `{,}` (from 0); `{}` is literal.
#: Turkish İ and ı, which the `regex` module's case-insensitive matching takes for i and I
#: and RE2's does not: a literal i, and a class that holds one (or a range over it), take
#: them in too ("giriş yap" matches "GİRİŞ YAP").
_DOTTED_I = "İı"
_HOLDS_I = re.compile(r"[iI]|[ -h]-[i-~]|[ -H]-[I-~]")
#: The start of a group that names or flags it: "(?i:", "(?i)", "(?P<name>", "(?<name>",
#: "(?P=name)", "(?-i:".
_GROUP_HEADER = re.compile(r"\(\?(?:P?<(?![=!])\w+>|P=\w+\)|[a-zA-Z-]+[:)])")
_COUNTED_REPEAT = re.compile(r"\{(\d+)(?:,(\d*))?\}|\{,(\d*)\}")
_BRACED_ESCAPE = re.compile(r"\\[xpPN]\{[^}]*\}")


def re2_superset(pattern: str) -> str | None:
    """`pattern` widened for an RE2 prefilter (see the module docstring), or None."""
    out: list[str] = []
    i, in_class, negated, class_start = 0, False, False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            braced = _BRACED_ESCAPE.match(pattern, i)
            escape = braced.group() if braced else pattern[i : i + 2]
            if escape[1] in "pP" and not braced:
                escape = pattern[i : i + 3]  # \pL: one letter names the property
            i += len(escape)
            name = escape[1]
            if in_class and negated:
                if name in "WDSpP":
                    return None  # RE2's would be narrower, and so its complement wider
                out.append(escape)  # RE2's \w is narrower, so its complement is wider
            elif name in _WIDENED:
                out.append(_WIDENED[name] if in_class else f"[{_WIDENED[name]}]")
            elif name == "p":
                out.append(escape + _NON_ASCII if in_class else f"[{escape}{_NON_ASCII}]")
            elif name in "bB" and not in_class:
                continue
            else:
                out.append(escape)
            continue
        if in_class:
            if char == "[":
                if pattern.startswith("[:", i):
                    return None  # POSIX classes are ASCII-only in RE2
                out.append(r"\[")
            elif char == "]":
                out.append(char)
                content = "".join(out[class_start:-1])
                if not negated and _HOLDS_I.search(content) and _NON_ASCII not in content:
                    # (?:[...]|[İı]): added inside, a letter could join a range ("’-]")
                    out[class_start - 1] = "(?:" + out[class_start - 1]
                    out.append(f"|[{_DOTTED_I}])")
                in_class = False
            else:
                out.append(char)
            i += 1
            continue
        if char == "[":
            negated = pattern.startswith("[^", i)
            start = i + (2 if negated else 1)
            out.append(pattern[i:start])
            class_start = len(out)
            i, in_class = start, True
            if pattern.startswith("]", i):  # a "]" first in a class is a literal
                out.append(r"\]")
                i += 1
            continue
        header = _GROUP_HEADER.match(pattern, i) if char == "(" else None
        if header:  # "(?i:", "(?P<name>": syntax, not letters to widen
            out.append(header.group())
            i = header.end()
            continue
        repeat = _COUNTED_REPEAT.match(pattern, i) if char == "{" else None
        if repeat:
            out.append("+" if int(repeat.group(1) or 0) else "*")
            i = repeat.end()
            continue
        out.append(f"[iI{_DOTTED_I}]" if char in "iI" else char)
        i += 1
    return "".join(out)
