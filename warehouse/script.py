"""Reports written in traditional characters, read through a simplified view.

The catalog's phrasings and the gazetteer's names are simplified Chinese. A report in
traditional characters (a Big5 page, the 繁體 version of a government site) is read through
a copy in which every traditional character is replaced by its simplified form, one
character for one, so offsets are the same in both; evidence and names are then taken
back from the original. The character tables are OpenCC's.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

# frequent characters of the genre that only traditional text writes this way
_SIGNS = re.compile("[國會個這們為發後關與經縣區員調糾紛訴訟務機構實現進黨義處條報數據]")
_SAMPLE_CHARS = 3000
_MIN_SIGNS = 10


def simplified(text: str) -> str | None:
    """`text` in simplified characters, same length; None when it is not traditional."""
    if len(_SIGNS.findall(text, 0, _SAMPLE_CHARS)) < _MIN_SIGNS:
        return None
    return text.translate(_table("TSCharacters.txt"))


def as_written(value: str | None, view: str, original: str) -> str | None:
    """A name or subject found in the simplified view, in the original's characters; a
    name the text omits (a province the gazetteer supplies) stays in its official form."""
    if not value:
        return value
    at = view.find(value)
    return original[at : at + len(value)] if at >= 0 else value


@cache
def _table(name: str) -> dict[int, str]:
    """One character for one: the first reading OpenCC lists for each character."""
    lines = (files("opencc") / "dictionary" / name).read_text(encoding="utf-8").splitlines()
    return {
        ord(source): target
        for source, _, targets in (line.partition("\t") for line in lines)
        if len(source) == 1 and len(target := targets.split(" ")[0]) == 1
    }
