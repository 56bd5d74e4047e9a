"""Static HTML audit pages: a report's text with every fact's evidence highlighted.

Evidence spans may overlap or nest. Highlights are nested `<mark>` elements; where two spans
cross, the inner one is closed at the crossing and reopened as a continuation, so the markup
stays well formed. Each fact owns exactly one anchor (`id="f{n}"`, on its first piece); every
piece carries `data-fact="f{n}"`, and the pieces of a fact together cover exactly its span.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, Template

from warehouse.contract import Fact, Report

INDEX_NAME = "index.html"
_UNSAFE_CLASS = re.compile(r"[^A-Za-z0-9_-]")
_UNSAFE_NAME = re.compile(r"[/\\\x00]")


@dataclass(frozen=True, slots=True)
class FactView:
    """One fact as shown on the page: its number, clamped span and display strings."""

    n: int
    fact: Fact
    start: int
    end: int
    matches: bool

    @property
    def anchor(self) -> str:
        return f"f{self.n}"

    @property
    def css(self) -> str:
        metric = self.fact.metric
        return f"fact metric-{_UNSAFE_CLASS.sub('-', metric)} {domain_class(metric)}"

    @property
    def value(self) -> str:
        return format_value(self.fact.value)

    @property
    def raw_value(self) -> str:
        return format(_decimal(self.fact.value), "f")

    @property
    def title(self) -> str:
        f = self.fact
        parts = (f.metric, f.breakdown, f"{self.value} {f.unit}", f.qualifier, str(f.period))
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class Token:
    """A piece of the highlighted text: `text`, `open` (a mark) or `close`."""

    kind: Literal["text", "open", "close"]
    text: str = ""
    view: FactView | None = None
    first: bool = False


def domain_class(metric: str) -> str:
    """The CSS class that colours a metric by its domain (`disputes`, `legal_aid`, ...)."""
    return f"domain-{_UNSAFE_CLASS.sub('-', metric.split('.', 1)[0])}"


def format_value(value: float) -> str:
    """A number for people: thousands separators, no trailing zeros (221,506,800; 96.8)."""
    return format(_decimal(value), ",f")


def _decimal(value: float) -> Decimal:
    return Decimal(str(value)).normalize()


def fact_views(text: str, facts: Sequence[Fact]) -> list[FactView]:
    """Facts in reading order, numbered from 1, spans clamped to the text."""
    ordered = sorted(facts, key=lambda f: (f.start, -f.end))
    return [_view(n, fact, text) for n, fact in enumerate(ordered, start=1)]


def _view(n: int, fact: Fact, text: str) -> FactView:
    start = min(max(fact.start, 0), len(text))
    end = min(max(fact.end, start), len(text))
    matches = (start, end) == (fact.start, fact.end) and text[start:end] == fact.evidence
    return FactView(n=n, fact=fact, start=start, end=end, matches=matches)


def highlight_tokens(text: str, views: Sequence[FactView]) -> list[Token]:
    """The text split at every span boundary, with properly nested open/close marks."""
    starting: dict[int, list[FactView]] = defaultdict(list)
    for view in views:
        starting[view.start].append(view)
    bounds = sorted({0, len(text)} | {v.start for v in views} | {v.end for v in views})
    stack: list[FactView] = []
    tokens: list[Token] = []
    for pos, following in zip(bounds, [*bounds[1:], None], strict=True):
        reopen = _close_at(pos, stack, tokens)
        spans = [v for v in starting[pos] if v.end > pos]
        for view in sorted(reopen + spans, key=lambda v: (-v.end, v.n)):
            stack.append(view)
            tokens.append(Token("open", view=view, first=view.start == pos))
        for view in (v for v in starting[pos] if v.end == pos):
            tokens += [Token("open", view=view, first=True), Token("close")]
        if following is not None:
            tokens.append(Token("text", text=text[pos:following]))
    return tokens


def _close_at(pos: int, stack: list[FactView], tokens: list[Token]) -> list[FactView]:
    """Close every mark ending at `pos` and those nested in it; return the ones to reopen."""
    ending = [i for i, view in enumerate(stack) if view.end == pos]
    if not ending:
        return []
    closed = stack[ending[0] :]
    del stack[ending[0] :]
    tokens += [Token("close")] * len(closed)
    return [view for view in closed if view.end != pos]


def render_review(text: str, report: Report, facts: Sequence[Fact]) -> str:
    """One self-contained HTML page auditing the facts extracted from one report."""
    views = fact_views(text, facts)
    counts = [(m, domain_class(m), n) for m, n in sorted(Counter(f.metric for f in facts).items())]
    return _template().render(
        report=report,
        attributes=_attributes(report),
        counts=counts,
        views=views,
        tokens=highlight_tokens(text, views),
    )


def _attributes(report: Report) -> list[tuple[str, str]]:
    row = report.to_dict()
    row["masked"] = "yes" if report.masked else "no"
    return [(key, "—" if value is None else str(value)) for key, value in row.items()]


def review_file_name(doc: str) -> str:
    """A file name for a report's page: the doc with path separators replaced, plus .html."""
    return (_UNSAFE_NAME.sub("_", doc).lstrip(".") or "_") + ".html"


def write_reviews(items: Iterable[tuple[str, Report, Sequence[Fact]]], out_dir: Path) -> list[Path]:
    """Write one review page per report and an index linking them; return the paths written."""
    rows = list(items)
    names = [review_file_name(report.doc) for _, report, _ in rows]
    _check_names(names)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (text, report, facts) in zip(names, rows, strict=True):
        path = out_dir / name
        path.write_text(render_review(text, report, facts), encoding="utf-8")
        paths.append(path)
    pages = [(quote(n), r, len(f)) for n, (_, r, f) in zip(names, rows, strict=True)]
    index = out_dir / INDEX_NAME
    index.write_text(_template().render(pages=pages), encoding="utf-8")
    return [*paths, index]


def _check_names(names: list[str]) -> None:
    clashes = sorted(n for n, k in Counter([*names, INDEX_NAME]).items() if k > 1)
    if clashes:
        raise ValueError(f"review pages would overwrite each other: {clashes}")


@cache
def _template() -> Template:
    env = Environment(loader=PackageLoader("warehouse", "templates"), autoescape=True)
    return env.get_template("review.html.j2")
