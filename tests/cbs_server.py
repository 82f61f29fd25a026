"""A loopback stand-in for CBS's OData v3 and v4 APIs, speaking CBS's exact wire format.

A real threaded HTTP server on 127.0.0.1 (a free port).  It serves

- the real samples in ``../shared/data`` byte for byte: ``84489NED_TypedDataSet.json``
  (``/ODataApi/odata/84489NED/TypedDataSet``); table 80137ned from ``CBSOData3.jl-test``
  (service document, TableInfos, CategoryGroups, Persoonskenmerken, BedrijfstakkenSBI93,
  Perioden, DataProperties, TypedDataSet = ``meta_1`` ... ``meta_8``); 83599NED's paged
  ``UntypedDataSet`` (``tables_2``/``tables_3``, the host of ``odata.nextLink`` rewritten to
  this server); v4 table 80072ned from ``CBSOData4.jl-test`` (``meta_0`` ... ``meta_11``);
- KWB tables assembled in the v3 format of ``84489NED_TypedDataSet.json`` (CRLF, one object
  per line, ASCII escapes): 85984NED (2024) from ``cbsRotterdamSnapshot.json`` (its ``rows``
  and its ``names`` as the ``WijkenEnBuurten`` code list) and 83765NED (2017) from the
  TypedDataSet CSV extract.  The snapshot comes from a different revision of 85984NED than
  the staged ``DataProperties.json`` (e.g. income per inhabitant is ``_78`` there, ``_83``
  here), so the served DataProperties are the staged items re-keyed to the snapshot's
  columns by key stem and occurrence; the 14 snapshot columns the staged revision lacks get
  their key stem as title, in the group of the column before them.  83765NED's
  DataProperties borrow titles, units and groups from the 2024 items with the same stem.
  TypedDataSet pages hold ``page_size`` rows with an ``odata.nextLink``; ``$filter``
  (``startswith(K,'..')`` and ``K eq '..'`` joined by ``or``), ``$skip``, ``$top`` and
  ``$format=json`` are honoured.

Fault injection per test: ``server.fail(match, kind, times)`` with kind ``404``, ``500``,
``delay`` (answer after ``server.delay`` seconds), ``truncate`` (half the body, with a
matching Content-Length) for requests whose path and query contain ``match``.
"""

from __future__ import annotations

import csv
import json
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest

from conftest import KWB_2017, SHARED_DATA

V3_SAMPLES = SHARED_DATA / "odata3-wire-samples"
V3_JL = V3_SAMPLES / "CBSOData3.jl-test"
V4_JL = SHARED_DATA / "odata4-wire-samples" / "CBSOData4.jl-test"
KWB_META = SHARED_DATA / "kwb-2024-85984NED-odata3-meta"
ROTTERDAM = SHARED_DATA / "kwb-2024-rotterdam-typeddataset" / "cbsRotterdamSnapshot.json"
CBS_HOST = "https://opendata.cbs.nl"

_STEM = re.compile(r"_\d+$")


# -- the v3 wire format ----------------------------------------------------------------------

def _object_line(obj: dict) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=True)[1:-1]


def v3_body(metadata_url: str, items: list[dict], next_link: str | None = None) -> bytes:
    """CBS's v3 pretty print: CRLF, one object per line, ``},{`` between objects."""
    head = "{\r\n  " + json.dumps("odata.metadata") + ":" + json.dumps(metadata_url) + ',"value":['
    rows = "\r\n    },{\r\n".join("      " + _object_line(o) for o in items)
    body = head + ("\r\n    {\r\n" + rows + "\r\n    }" if items else "") + "\r\n  ]"
    if next_link:
        body += ',"odata.nextLink":' + json.dumps(next_link)
    return (body + "\r\n}").encode("ascii")


# -- assembled KWB tables --------------------------------------------------------------------

def _stem(key: str) -> str:
    return _STEM.sub("", key)


def describe_columns(keys: list[str], reference: list[dict], map_year: int, text_keys: set[str],
                     samples: dict[str, list]) -> list[dict]:
    """DataProperties for ``keys``: the reference Topic with the same stem and occurrence
    (re-keyed), else a Topic titled by its stem in the group of the column before it."""
    groups = [dict(p) for p in reference if p["Type"] in ("TopicGroup",)]
    by_stem: dict[str, list[dict]] = {}
    for p in reference:
        if p["Type"] == "Topic":
            by_stem.setdefault(_stem(p["Key"]), []).append(p)
    geo = next(p for p in reference if p["Type"] == "GeoDetail")
    out = [{**geo, "MapYear": map_year}] + groups
    next_id = max(p["ID"] for p in reference) + 1
    used: dict[str, int] = {}
    parent = None
    for position, key in enumerate(keys, start=1):
        stem = _stem(key)
        n = used.get(stem, 0)
        used[stem] = n + 1
        candidates = by_stem.get(stem, [])
        if n < len(candidates):
            item = {**candidates[n], "Key": key, "Position": position}
        else:
            values = [v for v in samples.get(key, ()) if v is not None]
            datatype = "String" if key in text_keys else (
                "Long" if all(isinstance(v, int) for v in values) else "Double")
            item = {"odata.type": "Cbs.OData.Topic", "ID": next_id, "Position": position, "ParentID": parent,
                    "Type": "Topic", "Key": key, "Title": stem, "Description": None, "Datatype": datatype,
                    "Unit": "", "Decimals": 0, "Default": "Impossible", "PresentationType": ""}
            next_id += 1
        parent = item["ParentID"]
        out.append(item)
    return out


@lru_cache(maxsize=None)
def kwb_2024() -> dict:
    snapshot = json.loads(ROTTERDAM.read_text(encoding="utf-8"))
    reference = json.loads((KWB_META / "DataProperties.json").read_text(encoding="utf-8"))
    rows = snapshot["rows"]
    keys = [k for k in rows[0] if k not in ("ID", "WijkenEnBuurten")]
    text = {k for k in keys if any(isinstance(r[k], str) for r in rows)}
    properties = describe_columns(keys, reference, 2024, text, {k: [r[k] for r in rows] for k in keys})
    return {
        "TableInfos": json.loads((KWB_META / "TableInfos.json").read_text(encoding="utf-8")),
        "DataProperties": properties,
        "CategoryGroups": [],
        "WijkenEnBuurten": [{**n, "Key": n["Key"].ljust(10)} for n in snapshot["names"]],
        "TypedDataSet": rows,
    }


def _typed(text: str):
    s = text.strip()
    if s in ("", "."):
        return None
    try:
        return int(s)
    except ValueError:
        return float(s)


@lru_cache(maxsize=None)
def kwb_2017() -> dict:
    with open(KWB_2017, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        records = list(reader)
    text = {k for k in header if _stem(k) in ("Gemeentenaam", "SoortRegio", "Codering",
                                              "IndelingswijzigingWijkenEnBuurten")}
    rows = []
    for rec in records:
        row = {"ID": int(rec[0]), "WijkenEnBuurten": rec[1].ljust(10)}
        for key, cell in zip(header[2:], rec[2:]):
            row[key] = cell if key in text else _typed(cell)
        rows.append(row)
    keys = header[2:]
    reference = json.loads((KWB_META / "DataProperties.json").read_text(encoding="utf-8"))
    properties = describe_columns(keys, reference, 2017, text, {k: [r[k] for r in rows[:2000]] for k in keys})
    names = [{"Key": r["WijkenEnBuurten"], "Title": r["Gemeentenaam_1"].strip(), "Description": None,
              "Municipality": r["WijkenEnBuurten"][:6] if r["WijkenEnBuurten"].startswith("GM") else None,
              "DetailRegionCode": r["WijkenEnBuurten"].strip()}
             for r in rows if r["WijkenEnBuurten"][:2] in ("NL", "GM")]
    info = {"ID": 0, "Title": "Kerncijfers wijken en buurten 2017", "ShortTitle": "Kerncijfers wijken en buurten 2017",
            "Identifier": "83765NED", "Period": "2017", "Catalog": "CBS", "Language": "nl"}
    return {"TableInfos": [info], "DataProperties": properties, "CategoryGroups": [],
            "WijkenEnBuurten": names, "TypedDataSet": rows}


# -- filters --------------------------------------------------------------------------------

_TERM = re.compile(r"startswith\((\w+),'([^']*)'\)|(\w+) eq '([^']*)'")


def parse_filter(text: str):
    """The simple filters the client sends: ``startswith(K,'P')`` and ``K eq 'V'`` joined by ``or``."""
    terms = []
    for m in _TERM.finditer(text):
        if m.group(1):
            terms.append((m.group(1), "startswith", m.group(2)))
        else:
            terms.append((m.group(3), "eq", m.group(4)))
    rest = _TERM.sub("", text).replace("(", "").replace(")", "").split()
    if not terms or any(word != "or" for word in rest):
        raise ValueError(f"unsupported $filter: {text}")

    def keep(obj: dict) -> bool:
        for field_name, op, operand in terms:
            value = str(obj.get(field_name, ""))
            if value.startswith(operand) if op == "startswith" else value == operand:
                return True
        return False

    return keep


# -- the server -----------------------------------------------------------------------------

@dataclass
class Fault:
    match: str
    kind: str  # 404 | 500 | delay | truncate
    times: int | None = 1  # None: every matching request


@dataclass
class CBSStandIn:
    page_size: int = 25
    v4_page_size: int | None = None  # None: the 80072ned sample as one page, byte for byte
    delay: float = 1.0
    faults: list[Fault] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    v4_attributes: dict = field(default_factory=dict)  # observation Id -> ValueAttribute (Value becomes null)

    def start(self) -> "CBSStandIn":
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                stand_in._handle(self)

            def log_message(self, *args):
                pass

        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]  # kept after stop(): tests name the URLs that failed
        self._server.handle_error = lambda request, address: None  # a client that gave up closed the socket
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._stop.set()
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    _server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def v3_base(self) -> str:
        return self.url + "/ODataApi/odata"

    @property
    def feed_base(self) -> str:
        return self.url + "/ODataFeed/odata"

    @property
    def v4_base(self) -> str:
        return self.url + "/odata/v1/CBS"

    def fail(self, match: str, kind: str, times: int | None = 1) -> None:
        self.faults.append(Fault(match, kind, times))

    # -- request handling ----------------------------------------------------------------

    def _fault_for(self, target: str) -> Fault | None:
        for fault in self.faults:
            if fault.match in target and (fault.times is None or fault.times > 0):
                if fault.times is not None:
                    fault.times -= 1
                return fault
        return None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        target = handler.path
        self.requests.append(target)
        fault = self._fault_for(target)
        if fault is not None and fault.kind == "delay":
            self._stop.wait(self.delay)
        if fault is not None and fault.kind in ("404", "500"):
            status = int(fault.kind)
            return self._send(handler, status, _error_body(status, target))
        try:
            status, body = self._route(target)
        except ValueError as e:
            status, body = 400, _error_body(400, str(e))
        if fault is not None and fault.kind == "truncate":
            body = body[: len(body) // 2]
        self._send(handler, status, body)

    @staticmethod
    def _send(handler, status: int, body: bytes) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json;charset=utf-8")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _route(self, target: str) -> tuple[int, bytes]:
        parts = urlsplit(target)
        segments = [s for s in parts.path.split("/") if s]
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        lowered = [s.lower() for s in segments]
        if lowered[:2] in (["odataapi", "odata"], ["odatafeed", "odata"]) and len(segments) >= 3:
            return self._v3(segments[2], segments[3] if len(segments) > 3 else "", query, parts.path)
        if lowered[:3] == ["odata", "v1", "cbs"]:
            return self._v4(segments[3:], query)
        return 404, _error_body(404, target)

    def _v3(self, table: str, entity: str, query: dict, path: str) -> tuple[int, bytes]:
        key = table.upper()
        if key == "84489NED" and entity == "TypedDataSet":
            return 200, (V3_SAMPLES / "84489NED_TypedDataSet.json").read_bytes()
        if key == "80137NED":
            names = {"": "meta_1", "TableInfos": "meta_2", "CategoryGroups": "meta_3",
                     "Persoonskenmerken": "meta_4", "BedrijfstakkenSBI93": "meta_5", "Perioden": "meta_6",
                     "DataProperties": "meta_7", "TypedDataSet": "meta_8"}
            if entity in names:
                return 200, (V3_JL / f"{names[entity]}.json").read_bytes()
        if key == "83599NED" and entity == "UntypedDataSet":
            page = "tables_3" if query.get("$skip") == "10000" else "tables_2"
            body = (V3_JL / f"{page}.json").read_bytes()
            return 200, body.replace(b'"odata.nextLink":"' + CBS_HOST.encode(), b'"odata.nextLink":"' + self.url.encode())
        tables = {"85984NED": kwb_2024, "83765NED": kwb_2017}
        if key in tables and entity in tables[key]():
            return 200, self._v3_entity(path, table, entity, tables[key]()[entity], query)
        return 404, _error_body(404, path)

    def _v3_entity(self, path: str, table: str, entity: str, items: list[dict], query: dict) -> bytes:
        if query.get("$filter"):
            keep = parse_filter(query["$filter"])
            items = [o for o in items if keep(o)]
        skip = int(query.get("$skip") or 0)
        top = int(query["$top"]) if query.get("$top") else None
        end = len(items) if top is None else min(len(items), skip + top)
        take = end - skip if entity != "TypedDataSet" else min(end - skip, self.page_size)
        next_link = None
        if skip + take < end:
            rest = {k: v for k, v in query.items() if k != "$skip"}
            rest["$skip"] = str(skip + take)
            next_link = self.url + path + "?" + urlencode(rest, quote_via=quote, safe="$,()'")
        metadata = f"{self.v3_base}/{table}/$metadata#Cbs.OData.WebAPI.{entity}"
        return v3_body(metadata, items[skip:skip + take], next_link)

    def _v4(self, segments: list[str], query: dict) -> tuple[int, bytes]:
        if not segments:
            return 200, (V4_JL / "meta_1.json").read_bytes()
        if segments == ["Datasets"]:
            return 200, (V4_JL / "meta_0.json").read_bytes()
        if segments[0].lower() != "80072ned":
            return 404, _error_body(404, "/".join(segments))
        entity = segments[1] if len(segments) > 1 else ""
        names = {"": "meta_2", "MeasureCodes": "meta_5", "Dimensions": "meta_6", "Properties": "meta_7",
                 "PeriodenGroups": "meta_8", "PeriodenCodes": "meta_9", "BedrijfskenmerkenSBI2008Groups": "meta_10",
                 "BedrijfskenmerkenSBI2008Codes": "meta_11"}
        if entity in names:
            return 200, (V4_JL / f"{names[entity]}.json").read_bytes()
        if entity != "Observations":
            return 404, _error_body(404, "/".join(segments))
        if query.get("$count") == "true" and query.get("$top") == "1":
            return 200, (V4_JL / "meta_3.json").read_bytes()
        raw = (V4_JL / "meta_4.json").read_bytes()
        if self.v4_page_size is None and not self.v4_attributes:
            return 200, raw
        data = json.loads(raw)
        values = [{**o, "Value": None, "ValueAttribute": self.v4_attributes[o["Id"]]}
                  if o["Id"] in self.v4_attributes else o for o in data["value"]]
        skip = int(query.get("$skip") or 0)
        size = self.v4_page_size or len(values)
        page = {"@odata.context": data["@odata.context"], "value": values[skip:skip + size]}
        if skip + size < len(values):
            page["@odata.nextLink"] = f"{self.v4_base}/80072ned/Observations?$skip={skip + size}"
        return 200, json.dumps(page, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _error_body(status: int, what: str) -> bytes:
    message = {404: f"Resource not found for the segment '{what}'.", 500: "An error has occurred.",
               400: what}[status]
    return json.dumps({"odata.error": {"code": "", "message": {"lang": "en-US", "value": message}}}).encode()


@pytest.fixture
def cbs_server():
    """A fresh CBS stand-in on 127.0.0.1 for one test; stopped afterwards."""
    server = CBSStandIn().start()
    try:
        yield server
    finally:
        server.stop()
