"""The article's blocks in a list of line scores: the densest run, and the runs beside it
worth a share of it.

A line scores +words when it is prose and a negative cost when it is not; the best run
is the maximum subarray. The classifier (steps/classify.py) keeps what lies inside the
blocks; the rules (steps/rules.py) let "to-end" and "from-start" rules fire only outside
them, so that a comment count beside the byline cannot take the article with it.
"""

from __future__ import annotations

from collections.abc import Sequence


def max_subarray(scores: Sequence[float], lo: int, hi: int) -> tuple[float, int, int] | None:
    """(sum, first, last) of the best-scoring run within scores[lo:hi], or None."""
    best: tuple[float, int, int] | None = None
    running, start = 0.0, lo
    for i in range(lo, hi):
        if running <= 0:
            running, start = scores[i], i
        else:
            running += scores[i]
        if running > 0 and (best is None or running > best[0]):
            best = (running, start, i)
    return best


def blocks(scores: Sequence[float], secondary: float) -> list[tuple[int, int]]:
    """(first, last) of the densest run and of every further run, searched on each side
    of those found, that scores at least `secondary` times as much; in line order."""
    main = max_subarray(scores, 0, len(scores))
    if main is None:
        return []
    found: list[tuple[int, int]] = []
    intervals = [(0, len(scores))]  # each searched once, then split around its block
    while intervals:
        lo, hi = intervals.pop()
        best = max_subarray(scores, lo, hi)
        if best is None or best[0] < secondary * main[0]:
            continue
        _, first, last = best
        found.append((first, last))
        intervals += [(lo, first), (last + 1, hi)]
    return sorted(found)
