"""Reader for CBS's "Gemeenten alfabetisch" list: which provincie each gemeente lies in.

``Gemeentecode;GemeentecodeGM;Gemeentenaam;Provinciecode;ProvinciecodePV;Provincienaam``,
one row per gemeente (``0193;GM0193;Zwolle;23;PV23;Overijssel``).  KWB rows do not name
their provincie; this list fills the warehouse's ``gemeente_provincie`` table.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .report import Report

REQUIRED = ("Gemeentenaam", "Provincienaam")
_GM = re.compile(r"^GM\d{4}$")
_PV = re.compile(r"^PV\d{2}$")


class GemeenteProvincie(NamedTuple):
    line: int
    gemeente_code: str
    gemeente_name: str
    provincie_code: str
    provincie_name: str


def is_gemeentelijst_header(header: list[str]) -> bool:
    names = {h.strip() for h in header}
    return all(k in names for k in REQUIRED) and bool(names & {"Gemeentecode", "GemeentecodeGM"})


@dataclass
class GemeentelijstResult:
    file: str
    rows: int
    report: Report = field(default_factory=Report)

    def summary(self) -> str:
        return f"{self.file}: provincie of {self.rows} gemeenten written"


def read_gemeentelijst(path: str | Path, encoding: str = "utf-8-sig", report: Report | None = None
                       ) -> tuple[list[GemeenteProvincie], Report]:
    """All rows (the list is small); problems go to the report."""
    path = Path(path)
    report = report or Report()
    with open(path, encoding=encoding, newline="") as f:
        first = f.readline()
        f.seek(0)
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        reader = csv.DictReader(f, delimiter=delimiter)
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        out = []
        for line, rec in enumerate(reader, start=2):
            gm = (rec.get("GemeentecodeGM") or "").strip()
            if not gm and (rec.get("Gemeentecode") or "").strip().isdigit():
                gm = f"GM{int(rec['Gemeentecode']):04d}"
            pv = (rec.get("ProvinciecodePV") or "").strip()
            if not pv and (rec.get("Provinciecode") or "").strip().isdigit():
                pv = f"PV{int(rec['Provinciecode']):02d}"
            if not _GM.match(gm):
                report.error("unknown-area", path.name, line, "GemeentecodeGM",
                             f"{gm!r} is not a gemeente code such as GM0193.", "Correct the code.")
                continue
            if not _PV.match(pv):
                report.error("unknown-area", path.name, line, "ProvinciecodePV",
                             f"{pv!r} is not a provincie code such as PV23.", "Correct the code.")
                continue
            out.append(GemeenteProvincie(line, gm, (rec.get("Gemeentenaam") or "").strip(), pv,
                                         (rec.get("Provincienaam") or "").strip()))
    return out, report
