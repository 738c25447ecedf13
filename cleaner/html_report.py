"""An HTML page of a finished run: what was removed, by which rule, shown in the text itself.

One self-contained file (inline CSS and a little JS, nothing fetched) that can be mailed
or attached to a review. It is built from OUT alone, in any of the three layouts, so it
works on any run's output without cleaning anything again; same OUT, same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from cleaner.document import Removal
from cleaner.errors import UsageError
from cleaner.outputs import UnreadableOutput, no_audit_kept, read_outputs, read_report
from cleaner.writers import atomic_write

TOP_RULES = 15  # bars in the chart; the rest are summed in one line
LIST_LIMIT = 1000  # failures, warnings and notes shown; the rest are counted


# ---------------------------------------------------------------------------- data model


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """The parts of a document record (`document_record`) the report needs, validated."""

    id: str
    title: str | None
    url: str | None
    words: int
    kept_lines: tuple[int, ...]
    removed: tuple[Removal, ...]

    @classmethod
    def from_dict(cls, data: Any) -> DocumentRecord:
        """Raises ValueError naming the first field that is missing or of the wrong type."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        kept = _field(data, "kept_lines", list)
        if not all(type(n) is int for n in kept):
            raise ValueError("'kept_lines' holds something other than line numbers")
        removed = _field(data, "removed", list)
        return cls(
            id=_field(data, "id", str),
            title=_optional_str(data, "title"),
            url=_optional_str(data, "url"),
            words=_field(data, "words", int),
            kept_lines=tuple(kept),
            removed=tuple(_removed(item) for item in removed),
        )

    @property
    def removed_words(self) -> int:
        return sum(len(item.text.split()) for item in self.removed)


def _field(data: dict[str, Any], key: str, kind: type) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"field '{key}' is missing or not a {kind.__name__}")
    return value


def _optional_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _removed(item: Any) -> Removal:
    if not isinstance(item, dict):
        raise ValueError("an entry of 'removed' is not a JSON object")
    line = item.get("line")
    if line is not None and type(line) is not int:
        raise ValueError("an entry of 'removed' has a 'line' that is not a line number")
    return Removal(
        rule=_field(item, "rule", str),
        step=_field(item, "step", str),
        text=_field(item, "text", str),
        line=line,
        reason=reason if isinstance(reason := item.get("reason"), str) else "",
    )


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text on one input line: kept (`removal` is None) or removed."""

    text: str
    removal: Removal | None = None


@dataclass(frozen=True, slots=True)
class LineView:
    """One input line as the report shows it; `number` is None for removals without a line."""

    number: int | None
    segments: tuple[Segment, ...]

    @property
    def kept(self) -> bool:
        return any(segment.removal is None for segment in self.segments)


@dataclass(frozen=True, slots=True)
class DocumentView:
    """A document's input lines in order, each kept, cut or dropped."""

    id: str
    title: str | None
    url: str | None
    words: int
    removed_words: int
    lines: tuple[LineView, ...]

    @property
    def removals(self) -> list[Removal]:
        return [s.removal for line in self.lines for s in line.segments if s.removal]

    @property
    def rules(self) -> list[str]:
        return sorted({removal.rule for removal in self.removals})


def build_view(record: DocumentRecord, text: str) -> DocumentView:
    """Put kept paragraphs and removed text back in input line order.

    The text holds the kept paragraphs; `kept_lines` gives each one's input line and every
    removal carries its own. Removals of one line are in the order they happened: a dropped
    line's text is its last removal (nothing is cut after a drop), and each earlier one is a
    cut that took the tail of the line, so the cuts follow the line's text newest first.
    Raises ValueError when the text and `kept_lines` disagree (a text edited after the run).
    """
    pieces = text.rstrip("\n").split("\n\n") if text.strip() else []
    paragraphs = _paragraphs(pieces, len(record.kept_lines))
    if len(paragraphs) != len(record.kept_lines):
        raise ValueError(
            f"{len(paragraphs)} paragraphs but {len(record.kept_lines)} numbers in "
            "'kept_lines' (was the text edited after the run?)"
        )
    kept = dict(zip(record.kept_lines, paragraphs, strict=True))
    by_line: dict[int | None, list[Removal]] = {}
    for removal in record.removed:
        by_line.setdefault(removal.line, []).append(removal)
    lines = [LineView(None, (Segment(r.text, r),)) for r in by_line.pop(None, [])]
    numbers: set[int] = {n for n in kept.keys() | by_line.keys() if n is not None}
    for number in sorted(numbers):
        removals = by_line.get(number, [])
        if number in kept:
            head, cuts = Segment(kept[number]), removals
        else:
            head, cuts = Segment(removals[-1].text, removals[-1]), removals[:-1]
        tail = tuple(Segment(r.text, r) for r in reversed(cuts))
        lines.append(LineView(number, (head, *tail)))
    return DocumentView(
        id=record.id,
        title=record.title,
        url=record.url,
        words=record.words,
        removed_words=record.removed_words,
        lines=tuple(lines),
    )


_SENTENCE_END = re.compile(r"[.!?:;…。！？][\"'”’)\]]*$")


def _paragraphs(pieces: list[str], count: int) -> list[str]:
    """The text's paragraphs: its pieces between blank lines, or, where code blocks kept
    blank lines of their own (more pieces than kept lines), the pieces joined again at
    the blank lines most like a code block's: the next piece indented, the one before
    not ending like a sentence, the next not starting like one. A guess, which keeps the
    document in the report (it was left out) with its text whole."""
    extra = len(pieces) - count
    if extra <= 0:
        return pieces

    def inside_block(gap: int) -> int:
        before, after = pieces[gap], pieces[gap + 1]
        return (
            2 * after[:1].isspace()
            + (_SENTENCE_END.search(before) is None)
            + (not after[:1].isupper())
        )

    joins = set(sorted(range(len(pieces) - 1), key=lambda gap: (-inside_block(gap), gap))[:extra])
    paragraphs = [pieces[0]]
    for gap, piece in enumerate(pieces[1:]):
        if gap in joins:
            paragraphs[-1] += "\n\n" + piece
        else:
            paragraphs.append(piece)
    return paragraphs


@dataclass(slots=True)
class RunView:
    """Everything the page shows: report.json, the first documents, totals over all of them."""

    out: Path
    report: dict[str, Any]
    documents: list[DocumentView]
    records: int = 0  # readable document records in OUT
    words_kept: int = 0
    words_removed: int = 0
    notes: list[str] = field(default_factory=list)  # records left out, and why


def load_run(out: Path, max_documents: int = 1000, state: Path | None = None) -> RunView:
    """Read OUT: the report, views of the first `max_documents` documents, totals of all
    (`state`: OUT's state folder, as the run took it).

    A record that cannot be read is left out with a note, so one damaged file costs one
    document, not the page."""
    if max_documents < 0:
        raise UsageError(f"max_documents must be 0 or more, not {max_documents}")
    view = RunView(out=out, report=read_report(out, state), documents=[])
    for entry in read_outputs(out):
        if isinstance(entry, UnreadableOutput):
            view.notes.append(f"{entry.where}: {entry.reason}")
            continue
        if entry.lacks_audit:
            raise UsageError(no_audit_kept(out))  # not one note per record
        try:
            record = DocumentRecord.from_dict(entry.data)
            if len(view.documents) < max_documents:
                view.documents.append(build_view(record, entry.load_text()))
        except (OSError, ValueError) as exc:
            view.notes.append(f"{entry.where}: skipped: {exc}")
            continue
        view.records += 1
        view.words_kept += record.words
        view.words_removed += record.removed_words
    return view


# ---------------------------------------------------------------------------- rendering


def hue(name: str) -> int:
    """A stable colour (HSL hue) per rule or step: the same rule looks the same in every
    report, without a palette that runs out."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big") % 360


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "–"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def _duration(seconds: Any) -> str:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return "–"
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(round(seconds), 60)
    return (
        f"{minutes // 60} h {minutes % 60:02d} min"
        if minutes >= 60
        else f"{minutes} min {rest:02d} s"
    )


def _counts(value: Any) -> list[tuple[str, int]]:
    """A {name: count} mapping of report.json as (name, count), largest first."""
    if not isinstance(value, dict):
        return []
    pairs = [(str(k), v) for k, v in value.items() if type(v) is int and v > 0]
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))


def _summary(view: RunView) -> str:
    report = view.report
    found = report.get("counts")
    counts: dict[str, Any] = found if isinstance(found, dict) else {}
    digest = str(report.get("rules_sha256", ""))
    removals = sum(count for _, count in _counts(report.get("removals_by_rule")))
    stats = [
        ("Documents", _number(counts.get("documents"))),
        ("Written", _number(counts.get("written"))),
        ("Failed", _number(counts.get("failed"))),
        ("Inputs", _number(counts.get("inputs"))),
        ("Words kept", _number(view.words_kept)),
        ("Words removed", _number(view.words_removed)),
        ("Removals", _number(removals)),
        ("Wall time", _duration(report.get("wall_seconds"))),
        ("Version", escape(str(report.get("version", "–")))),
        ("Rules", f'<code title="{escape(digest)}">{escape(digest[:12]) or "–"}</code>'),
    ]
    items = "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>" for name, value in stats)
    return f'<section id="summary"><h2>Run</h2><dl class="stats">{items}</dl></section>'


def _bar_chart(pairs: list[tuple[str, int]], attribute: str, caption: str) -> str:
    """A horizontal SVG bar chart; each bar carries its name and count as data attributes."""
    if not pairs:
        return f"<figure><figcaption>{caption}</figcaption><p class='empty'>None.</p></figure>"
    label, bar, row = 230, 420, 24
    top = pairs[0][1]
    rows = []
    for index, (name, count) in enumerate(pairs):
        width = max(2, round(bar * count / top))
        shown = name if len(name) <= 30 else name[:29] + "…"
        rows.append(
            f'<g class="bar" data-{attribute}="{escape(name)}" data-count="{count}" '
            f'transform="translate(0 {index * row})"><title>{escape(name)}: {count}</title>'
            f'<text x="{label - 8}" y="16" text-anchor="end">{escape(shown)}</text>'
            f'<rect x="{label}" y="4" width="{width}" height="16" rx="3" '
            f'style="fill:hsl({hue(name)} 60% 55%)"/>'
            f'<text x="{label + width + 6}" y="16" class="count">{count:,}</text></g>'
        )
    height = len(pairs) * row
    chart_rows = "\n".join(rows)
    return (
        f"<figure><figcaption>{caption}</figcaption>"
        f'<svg class="chart" role="img" aria-label="{escape(caption)}" '
        f'viewBox="0 0 {label + bar + 60} {height}" width="{label + bar + 60}" '
        f'height="{height}">{chart_rows}</svg></figure>'
    )


def _charts(report: dict[str, Any]) -> str:
    rules = _counts(report.get("removals_by_rule"))
    top, rest = rules[:TOP_RULES], rules[TOP_RULES:]
    caption = f"By rule (top {len(top)} of {len(rules)})" if rest else "By rule"
    more = (
        f'<p class="more">and {len(rest)} more rules with '
        f"{sum(count for _, count in rest):,} removals</p>"
        if rest
        else ""
    )
    steps = _bar_chart(_counts(report.get("removals_by_step")), "step", "By step")
    return (
        '<section id="removals"><h2>Removals</h2><div class="charts">'
        f"{_bar_chart(top, 'rule', caption)}{more}{steps}</div></section>"
    )


def _del(removal: Removal) -> str:
    tip = f"{removal.rule} ({removal.step})" + (f": {removal.reason}" if removal.reason else "")
    return (
        f'<del data-rule="{escape(removal.rule)}" data-step="{escape(removal.step)}" '
        f'title="{escape(tip)}" style="--h:{hue(removal.rule)}">{escape(removal.text)}</del>'
    )


def _line(line: LineView) -> str:
    parts = [
        escape(segment.text) if segment.removal is None else _del(segment.removal)
        for segment in line.segments
    ]
    kind = "dropped" if not line.kept else "cut" if len(parts) > 1 else "kept"
    number = "" if line.number is None else str(line.number)
    return f'<p class="{kind}"><span class="no">{number}</span>{" ".join(parts)}</p>'


def _url(url: str | None) -> str:
    if not url:
        return ""
    if url.startswith(("http://", "https://")):  # never a javascript: link
        return f'<p class="url"><a href="{escape(url)}" rel="noreferrer">{escape(url)}</a></p>'
    return f'<p class="url">{escape(url)}</p>'


def _document(index: int, doc: DocumentView) -> str:
    removals = doc.removals
    title = f' <span class="title">{escape(doc.title)}</span>' if doc.title else ""
    meta = (
        f"{doc.words:,} words kept · {len(removals)} removals ({doc.removed_words:,} words)"
        if removals
        else f"{doc.words:,} words kept · nothing removed"
    )
    lines = "\n".join(_line(line) for line in doc.lines)
    return (
        f'<details class="doc" id="doc-{index}" data-id="{escape(doc.id)}" '
        f'data-rules="{escape(json.dumps(doc.rules))}"><summary><code>{escape(doc.id)}</code>'
        f'{title} <span class="meta">{meta}</span></summary>'
        f'{_url(doc.url)}<div class="text">{lines or "<p>(empty)</p>"}</div></details>'
    )


def rule_counts(documents: Iterable[DocumentView]) -> Counter[str]:
    """Removals per rule over `documents` (what the filter offers)."""
    return Counter(r.rule for doc in documents for r in doc.removals)


def _documents(view: RunView) -> str:
    hits = rule_counts(view.documents)
    options = "".join(
        f'<option value="{escape(rule)}">{escape(rule)} ({count})</option>'
        for rule, count in sorted(hits.items())
    )
    legend = "".join(
        f'<li><button type="button" data-filter="{escape(rule)}">'
        f'<s class="chip" style="--h:{hue(rule)}">{escape(rule)}</s> {count}</button></li>'
        for rule, count in sorted(hits.items(), key=lambda pair: (-pair[1], pair[0]))
    )
    shown = len(view.documents)
    scope = f"the first {shown:,} of {view.records:,}" if shown < view.records else f"all {shown:,}"
    docs = "\n".join(_document(i, doc) for i, doc in enumerate(view.documents))
    return (
        f'<section id="documents"><h2>Documents</h2><p>Showing {scope} documents. '
        "Struck-through text was removed; hover it for the rule and the reason.</p>"
        '<div class="toolbar"><label for="rule-filter">Show documents where</label> '
        f'<select id="rule-filter"><option value="">any rule or none</option>{options}</select>'
        f' <span id="filter-status" aria-live="polite">{shown:,} documents</span></div>'
        f'<ul class="legend">{legend}</ul>{docs}</section>'
    )


def _list(title: str, items: list[str], anchor: str) -> str:
    if not items:
        return f'<h3 id="{anchor}">{title}</h3><p class="empty">None.</p>'
    shown = "\n".join(f"<li>{item}</li>" for item in items[:LIST_LIMIT])
    more = f"<li>… and {len(items) - LIST_LIMIT:,} more</li>" if len(items) > LIST_LIMIT else ""
    return f'<h3 id="{anchor}">{title} ({len(items):,})</h3><ul class="problems">{shown}{more}</ul>'


def _sourced(value: Any) -> list[str]:
    """report.json's [{source, reason}] as list items."""
    items = value if isinstance(value, list) else []
    return [
        f"<code>{escape(str(item.get('source', '')))}</code>: {escape(str(item.get('reason', '')))}"
        for item in items
        if isinstance(item, dict)
    ]


def _problems(view: RunView) -> str:
    never = view.report.get("rules_never_fired")
    never_items = [f"<code>{escape(str(rule))}</code>" for rule in never or []]
    notes = [escape(note) for note in view.notes]
    return (
        '<section id="problems"><h2>Failures, warnings, rules</h2>'
        + _list("Failures", _sourced(view.report.get("failures")), "failures")
        + _list("Warnings", _sourced(view.report.get("warnings")), "warnings")
        + (_list("Records this page left out", notes, "notes") if notes else "")
        + _list("Rules that never fired", never_items, "never-fired")
        + "</section>"
    )


def render(view: RunView) -> str:
    """The whole page."""
    name = escape(view.out.resolve().name)
    body = "\n".join((_summary(view), _charts(view.report), _documents(view), _problems(view)))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>cleaner run: {name}</title><style>{_CSS}</style></head>"
        f"<body><header><h1>cleaner run: {name}</h1></header><main>{body}</main>"
        f"<script>{_JS}</script></body></html>\n"
    )


def write_html_report(
    out: Path, destination: Path, max_documents: int = 1000, state: Path | None = None
) -> int:
    """Write the report of the run in `out` (its state in `state`, as the run took it) to
    `destination`; returns the documents shown."""
    view = load_run(out, max_documents, state)
    try:
        atomic_write(destination, render(view).encode("utf-8"))
    except OSError as exc:
        raise UsageError(
            f"{destination}: cannot write ({exc.strerror}); choose another path"
        ) from None
    return len(view.documents)


_CSS = """
:root{color-scheme:light;--fg:#1d2330;--muted:#5d6675;--line:#dde1e8;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--fg);background:var(--bg)}
header{background:#24303f;color:#fff;padding:14px 28px}
header h1{margin:0;font-size:20px;font-weight:600}
main{max-width:1180px;margin:0 auto;padding:8px 28px 40px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:4px 20px 16px;
margin:16px 0}
h2{font-size:17px;margin:14px 0 10px}h3{font-size:15px;margin:14px 0 6px}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:0}
.stats div{background:var(--bg);border-radius:6px;padding:8px 12px}
.stats dt{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.stats dd{margin:2px 0 0;font-size:20px;font-weight:600}
.stats dd code{font-size:15px}
.charts figure{margin:0 0 12px}
.charts figcaption{font-weight:600;color:var(--muted);margin-bottom:4px}
.chart{max-width:100%;height:auto;font-size:13px;fill:var(--fg)}
.chart .count{fill:var(--muted)}
.more,.empty{color:var(--muted);margin:4px 0 12px}
.toolbar{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin:8px 0}
select{font:inherit;padding:3px 6px}
#filter-status{color:var(--muted)}
.legend{list-style:none;padding:0;margin:8px 0 14px;display:flex;flex-wrap:wrap;gap:6px}
.legend button{font:inherit;font-size:12px;line-height:1.6;border:1px solid var(--line);
background:#fff;border-radius:12px;padding:0 8px;cursor:pointer;color:var(--muted)}
details.doc{border-top:1px solid var(--line);padding:6px 0}
details.doc summary{cursor:pointer}
details.doc .title{font-weight:600}
details.doc .meta{color:var(--muted);font-size:13px;margin-left:6px}
.url{margin:6px 0;font-size:13px;word-break:break-all}
.text{margin:8px 0 4px;border-left:3px solid var(--line)}
.text p{margin:0 0 6px;padding-left:52px;text-indent:-44px;white-space:pre-wrap}
.text .no{display:inline-block;width:36px;margin-right:8px;text-align:right;text-indent:0;
color:#9aa2ae;font:12px ui-monospace,monospace;user-select:none}
del,.chip{color:hsl(var(--h) 65% 30%);background:hsl(var(--h) 85% 92%);
text-decoration-color:hsl(var(--h) 65% 40%);border-radius:3px;padding:0 2px}
del.hit{outline:2px solid hsl(var(--h) 70% 40%);font-weight:600}
del.faded{opacity:.4}
.problems{padding-left:20px;margin:4px 0}
.problems li{margin:2px 0}
#never-fired+ul{display:flex;flex-wrap:wrap;gap:4px 14px;list-style:none;padding:0}
"""

_JS = """
(() => {
  const select = document.getElementById("rule-filter");
  const status = document.getElementById("filter-status");
  const docs = [...document.querySelectorAll("details.doc")];
  const dels = [...document.querySelectorAll(".text del")];
  function apply() {
    const rule = select.value;
    let shown = 0;
    for (const doc of docs) {
      const match = !rule || JSON.parse(doc.dataset.rules).includes(rule);
      doc.hidden = !match;
      if (match) shown++;
      if (rule && match) doc.open = true;
    }
    for (const del of dels) {
      del.classList.toggle("hit", !!rule && del.dataset.rule === rule);
      del.classList.toggle("faded", !!rule && del.dataset.rule !== rule);
    }
    status.textContent = rule
      ? shown + " of " + docs.length + " documents with " + rule
      : docs.length + " documents";
  }
  select.addEventListener("change", apply);
  for (const button of document.querySelectorAll("[data-filter]")) {
    button.addEventListener("click", () => {
      select.value = select.value === button.dataset.filter ? "" : button.dataset.filter;
      apply();
    });
  }
  apply();
})();
"""
