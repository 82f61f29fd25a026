"""A small HTTP client for CBS's OData APIs: timeouts, retries, an on-disk cache.

Every GET goes through :meth:`CBSClient.get`:

- a cached answer for the exact URL is used without touching the network, so a
  re-run works offline (delete ``WORKSPACE/.cache/cbs`` to fetch fresh figures);
- otherwise the request is sent with a timeout and retried with exponential backoff
  on connection errors, time-outs, 5xx answers and bodies that are not complete JSON
  (never on 4xx: a 404 means the table or entity does not exist);
- a body is written to the cache only after it parsed as complete JSON, so an error
  page, a 5xx, a time-out or a truncated page never ends up in the cache.

Failures raise :class:`~wijkboekhouding.errors.CBSError` (``UnknownTableError`` for a
404) with the URL, what happened and what to do.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote, urlencode

import httpx

from ..errors import CBSError, UnknownTableError

CACHE_DIR = Path(".cache") / "cbs"
USER_AGENT = "wijkboekhouding (https://github.com/wijkboekhouding)"


@dataclass(frozen=True)
class Page:
    """One JSON answer: the URL asked, the raw body (hashed for provenance) and its parsed data."""

    url: str
    body: bytes
    data: dict
    retrieved_at: str
    from_cache: bool = False


def build_url(base: str, *parts: str, **params: str | None) -> str:
    """``build_url(base, '85984NED', 'TypedDataSet', filter="...")`` with OData's ``$`` options.

    The string is built here (not by httpx) so that the same request always has the
    same URL, which is the cache key.
    """
    url = "/".join([base.rstrip("/"), *(p.strip("/") for p in parts)])
    query = {f"${k}": v for k, v in params.items() if v is not None}
    if query:
        url += "?" + urlencode(query, quote_via=quote, safe="$,()'*")
    return url


class ResponseCache:
    """``<folder>/<sha256 of the URL>.json`` holds the body; ``.url`` beside it the URL."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, url: str) -> Path:
        return self.folder / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json")

    def get(self, url: str) -> tuple[bytes, str] | None:
        """The cached body and when it was downloaded, or None."""
        path = self._path(url)
        if not path.exists():
            return None
        return path.read_bytes(), _iso(path.stat().st_mtime)

    def put(self, url: str, body: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(url)
        path.with_suffix(".url").write_text(url + "\n", encoding="utf-8")
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(body)
        tmp.replace(path)  # atomic: a reader never sees half a body

    def entries(self) -> dict[str, bytes]:
        """``{url: body}`` of every cached answer (for tests and inspection)."""
        out = {}
        if self.folder.is_dir():
            for path in sorted(self.folder.glob("*.json")):
                url = path.with_suffix(".url").read_text(encoding="utf-8").strip()
                out[url] = path.read_bytes()
        return out


class CBSClient:
    """GET JSON from CBS through the cache.  Use as a context manager or call :meth:`close`."""

    def __init__(self, cache_dir: str | Path | None, *, timeout: float = 30.0, retries: int = 3,
                 backoff: float = 0.5, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.cache = ResponseCache(Path(cache_dir)) if cache_dir is not None else None
        self.timeout = float(timeout)
        self.retries = int(retries)
        self.backoff = backoff
        self._sleep = sleep
        self._http = httpx.Client(timeout=self.timeout, transport=transport, follow_redirects=True,
                                  headers={"Accept": "application/json", "User-Agent": USER_AGENT})

    @classmethod
    def for_workspace(cls, ws, **overrides) -> "CBSClient":
        """A client with the workspace's ``cbs_timeout``/``cbs_retries`` and its cache folder."""
        options = {"timeout": ws.settings["cbs_timeout"], "retries": ws.settings["cbs_retries"], **overrides}
        return cls(ws.path / CACHE_DIR, **options)

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- requests ----------------------------------------------------------------

    def get(self, url: str, table_id: str | None = None) -> Page:
        """The parsed JSON answer for ``url``, from the cache when it holds one."""
        if self.cache is not None:
            hit = self.cache.get(url)
            if hit is not None:
                return Page(url, hit[0], json.loads(hit[0]), hit[1], from_cache=True)
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                page = self._fetch(url, table_id, attempts)
            except _Retryable as e:
                if attempt == attempts:
                    raise CBSError(e.final_message(attempts)) from None
                self._sleep(self.backoff * 2 ** (attempt - 1))
                continue
            if self.cache is not None:
                self.cache.put(url, page.body)
            return page
        raise AssertionError("unreachable")  # pragma: no cover

    def pages(self, url: str, table_id: str | None = None,
              progress: Callable[[int], None] | None = None) -> Iterator[Page]:
        """``url`` and every page after it, following ``odata.nextLink`` (v3) or
        ``@odata.nextLink`` (v4).  ``progress(n)`` gets the row count of each page."""
        seen = set()
        while url:
            if url in seen:
                raise CBSError(f"CBS sent a next-page link that points back to {url}; the paging loops. "
                               "Report this to CBS (infoservice@cbs.nl) and try again later")
            seen.add(url)
            page = self.get(url, table_id)
            if progress is not None:
                progress(len(page.data.get("value") or ()))
            yield page
            url = page.data.get("odata.nextLink") or page.data.get("@odata.nextLink")

    def _fetch(self, url: str, table_id: str | None, attempts: int) -> Page:
        try:
            response = self._http.get(url)
        except httpx.TimeoutException:
            raise _Retryable(lambda n: f"CBS did not answer within {self.timeout:g} s at {url} "
                             f"({n} attempts); try again later or raise cbs_timeout in wijkboekhouding.toml")
        except httpx.TransportError as e:
            reason = f"{type(e).__name__}: {e}"
            raise _Retryable(lambda n: f"cannot reach CBS at {url} ({n} attempts: {reason}); "
                             "check the internet connection and cbs_base_url in wijkboekhouding.toml")
        status = response.status_code
        if status == 404:
            if table_id:
                error = UnknownTableError(f"CBS answered 404 for table {table_id} at {url}: no such table; "
                                          "check the table id on opendata.cbs.nl")
                error.url = url
                raise error
            raise CBSError(f"CBS answered 404 at {url}: CBS has no such entity; "
                           "check cbs_base_url in wijkboekhouding.toml")
        if status >= 500:
            raise _Retryable(lambda n: f"CBS answered {status} at {url} ({n} attempts); the CBS server failed: "
                             "try again later")
        if status >= 400:
            raise CBSError(f"CBS answered {status} at {url}: {_snippet(response.content)}; "
                           "check the table id and the filter")
        body = response.content
        try:
            data = json.loads(body)
        except ValueError as e:
            reason = str(e)
            raise _Retryable(lambda n: f"CBS sent an incomplete or invalid JSON page at {url} ({n} attempts; "
                             f"{len(body)} bytes; {reason}); nothing was cached or imported: try again later")
        if not isinstance(data, dict):
            raise CBSError(f"CBS sent JSON that is not an OData object at {url}: {_snippet(body)}; "
                           "check cbs_base_url in wijkboekhouding.toml")
        return Page(url, body, data, _iso(time.time()))


class _Retryable(Exception):
    """A failure worth another attempt; ``final_message(n)`` is raised after the last one."""

    def __init__(self, message: Callable[[int], str]):
        super().__init__()
        self.final_message = message


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _snippet(body: bytes, limit: int = 200) -> str:
    text = body.decode("utf-8", errors="replace").strip().replace("\r", " ").replace("\n", " ")
    return repr(text[:limit] + ("..." if len(text) > limit else ""))
