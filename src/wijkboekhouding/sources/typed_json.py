"""Reader for JSON dumps of an OData v3 ``TypedDataSet`` as a list of records.

``pandas.to_json(orient="records")`` and ``cbsodata`` write the ``value`` array without
the ``odata.metadata`` envelope: ``[{"ID": 0, "Btw": "A048944", "Perioden": "2018MM01",
"Transporttarief_1": 179.74, ...}, ...]``; ``null`` is a missing value.  An enveloped
response (``{"value": [...]}``) is accepted too.  Rows are the same as the CSV variant's
(:func:`typed_csv.typed_table`); the row number is the record's 1-based position + 1, as if
the keys were a header line.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import SourceError
from .records import SourceMeta, SourceTable
from .report import Report
from .typed_csv import typed_table


def read_typed_json(path: str | Path, meta: SourceMeta, report: Report | None = None) -> SourceTable:
    path = Path(path)
    report = report or Report()
    try:
        with open(path, encoding="utf-8-sig") as f:
            data = json.load(f)
    except json.JSONDecodeError as e:
        raise SourceError(f"{path.name}: not valid JSON at line {e.lineno}, column {e.colno} ({e.msg}); "
                          "the file may be cut off. Download it again.") from None
    if isinstance(data, dict) and isinstance(data.get("value"), list):
        data = data["value"]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise SourceError(f"{path.name}: expected a list of TypedDataSet records ([{{\"ID\": 0, ...}}, ...]); "
                          "see docs/sources.md")
    header = list(data[0]) if data else []

    def records():
        for n, record in enumerate(data, start=2):
            if set(record) != set(header):
                differ = sorted(set(record) ^ set(header))
                report.error("wrong-field-count", path.name, n, None,
                             f"record {n - 1} has other keys than the first record ({', '.join(differ)}).",
                             "Every record of a TypedDataSet has the same keys; download the table again.")
                continue
            yield n, [record[k] for k in header]

    return typed_table(path.name, header, records(), meta, report)
