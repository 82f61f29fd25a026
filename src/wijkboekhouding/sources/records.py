"""The normalised records every reader yields, whatever the source format.

A reader produces a :class:`SourceTable`: metadata, the list of topics (columns) it
carries, and an iterator of :class:`SourceRow`.  Values stay aligned with ``topics``
so that a whole row is one tuple, not one object per cell (imports handle millions
of cells).  Readers never write; the warehouse loader maps topics to indicators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, NamedTuple

from .report import Report

CBS_LICENCE = "CC BY 4.0"
CBS_ATTRIBUTION = "Bron: CBS"

LEVELS = ("land", "provincie", "gemeente", "wijk", "buurt")
_LEVEL_BY_PREFIX = {"NL": "land", "PV": "provincie", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}

# Value statuses stored with every observation.
VALUE, SUPPRESSED, MISSING, PROVISIONAL = "value", "suppressed", "missing", "provisional"
STATUSES = (VALUE, SUPPRESSED, MISSING, PROVISIONAL)

_KEY_SUFFIX = re.compile(r"_\d+$")


def key_stem(key: str) -> str:
    """``GemiddeldeWOZWaardeVanWoningen_39`` -> ``GemiddeldeWOZWaardeVanWoningen``.

    CBS renumbers the suffix every year and even between revisions of one table.  Only
    CBS's CamelCase keys carry it: lower-case short names such as the KWB spreadsheet's
    ``a_00_14`` are kept whole.
    """
    key = key.strip()
    return _KEY_SUFFIX.sub("", key) if any(c.isupper() for c in key) else key


def normalise_area_code(raw: str) -> str:
    """Strip CBS padding; map the regional tables' ``NL01`` to the KWB code ``NL00``."""
    code = raw.strip()
    return "NL00" if code == "NL01" else code


def level_of(code: str) -> str | None:
    """The area level a CBS code denotes, or None for codes we do not keep (LD, CR, ...)."""
    return _LEVEL_BY_PREFIX.get(code[:2])


def gemeente_of(code: str) -> str | None:
    """``BU02020211`` -> ``GM0202``; ``WK020202`` -> ``GM0202``."""
    level = level_of(code)
    if level in ("gemeente", "wijk", "buurt"):
        return "GM" + code[2:6]
    return None


def wijk_of(code: str) -> str | None:
    """``BU02020211`` -> ``WK020202``."""
    return "WK" + code[2:8] if level_of(code) == "buurt" else None


@dataclass(frozen=True)
class Topic:
    """One value column of a source table.

    ``key`` is the source's column key (``AantalInwoners_5``, ``aantal_inwoners`` or a
    StatLine header); ``path`` is the title path (``Bevolking/Aantal inwoners``) where
    the source gives one; ``nth`` is the 1-based occurrence of this key stem in the
    table (``Appartement_54`` is electricity, ``Appartement_62`` gas).
    """

    key: str
    title: str = ""
    path: str = ""
    unit: str = ""
    nth: int = 1

    @property
    def stem(self) -> str:
        return key_stem(self.key)


def number_topics(topics: list[Topic]) -> list[Topic]:
    """Set ``nth`` on each topic: the occurrence count of its key stem so far."""
    seen: dict[str, int] = {}
    numbered = []
    for t in topics:
        seen[t.stem] = seen.get(t.stem, 0) + 1
        numbered.append(Topic(t.key, t.title, t.path, t.unit, seen[t.stem]))
    return numbered


@dataclass(frozen=True)
class SourceMeta:
    """Where a table came from: enough to cite it on every page."""

    table_id: str  # CBS table id (85984NED) or a local dataset slug
    title: str
    publisher: str = "CBS"
    licence: str = CBS_LICENCE
    url: str = ""
    file_name: str = ""
    retrieved_at: str = ""  # ISO timestamp
    period: str = ""  # default period when rows carry none (KWB: the table's year)
    kind: str = "cbs"  # cbs | local


class AreaRecord(NamedTuple):
    code: str
    year: int
    name: str | None
    level: str
    gemeente_code: str | None = None
    wijk_code: str | None = None
    indeling_change: str | None = None  # CBS IndelingswijzigingWijkenEnBuurten: 1 unchanged, 2/3 changed


class SourceRow(NamedTuple):
    """One source row: an area, a period, extra dimensions, and values aligned with topics.

    ``values[i]`` is a float or None; ``statuses[i]`` one of STATUSES.
    ``dims`` holds the non-region, non-period dimension codes (e.g. ``Woningkenmerken``).
    """

    line: int
    area: AreaRecord
    period: str
    dims: tuple[tuple[str, str], ...]
    values: list
    statuses: list


@dataclass
class SourceTable:
    meta: SourceMeta
    topics: list[Topic]
    rows: Iterator[SourceRow]
    report: Report = field(default_factory=Report)
