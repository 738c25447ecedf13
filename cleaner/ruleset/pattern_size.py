"""How big a rule pattern is once compiled, judged before it is compiled.

The `regex` module parses groups recursively (990 nested groups raise RecursionError) and
unrolls counted repeats: `(?:(?:a{1000}){1000}){100}` asked for 9 GB before MemoryError.
A scan of the pattern's text bounds both, so such a rule fails at load with a one-line
error naming its file and line, like any other invalid pattern.
"""

from __future__ import annotations

import re

#: Deepest nesting of groups a pattern may have; real rules use three or four.
MAX_NESTING = 50
#: Most characters a pattern may stand for once its counted repeats are unrolled
#: (`a{1000}` is 1,000; `(?:a{1000}){1000}` 1,000,000, which took 270 MB to compile).
MAX_UNROLLED = 100_000

_COUNTED = re.compile(r"\{(\d*)(?:,(\d*))?\}")


class PatternTooBig(ValueError):
    """A pattern that would take too deep a recursion or too much memory to compile."""


def check_pattern_size(pattern: str) -> None:
    """Raise PatternTooBig when `pattern` nests groups too deeply or unrolls too far."""
    # Each frame: [characters so far in this group, size of its last atom].
    frames: list[list[int]] = [[0, 0]]
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index = _atom(frames, index + 2)
            continue
        if char == "[":
            index = _atom(frames, _class_end(pattern, index))
            continue
        if char == "(":
            frames.append([0, 0])
            if len(frames) - 1 > MAX_NESTING:
                raise PatternTooBig(
                    f"pattern nests groups more than {MAX_NESTING} deep; simplify it"
                )
            index += 1
            continue
        if char == ")" and len(frames) > 1:
            size = frames.pop()[0]
            frames[-1][0] += size
            frames[-1][1] = size
            index += 1
            continue
        if char == "|":
            frames[-1][1] = 0
            index += 1
            continue
        counted = _COUNTED.match(pattern, index) if char == "{" else None
        if counted is not None and counted.group(1):
            _repeat(frames[-1], int(counted.group(1)))
            index = counted.end()
            continue
        if char in "*+?":
            frames[-1][1] = 0 if char != "+" else frames[-1][1]
            index += 1
            continue
        index = _atom(frames, index + 1)
    if len(frames) > 1:
        return  # an unclosed group: the compiler says so in its own words


def _atom(frames: list[list[int]], end: int) -> int:
    frames[-1][0] += 1
    frames[-1][1] = 1
    return end


def _repeat(frame: list[int], count: int) -> None:
    """The last atom repeated `count` times (its least count: what gets unrolled)."""
    last = frame[1]
    frame[0] += last * (count - 1)
    frame[1] = last * count
    if frame[0] > MAX_UNROLLED:
        raise PatternTooBig(
            f"pattern's counted repeats stand for over {MAX_UNROLLED:,} characters; "
            "use + or * or smaller counts"
        )


def _class_end(pattern: str, start: int) -> int:
    """The index just past the character class opening at `start`."""
    index = start + 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1  # a ] first in the class is a character of it
    while index < len(pattern):
        if pattern[index] == "\\":
            index += 2
            continue
        if pattern[index] == "]":
            return index + 1
        index += 1
    return index
