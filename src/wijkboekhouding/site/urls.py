"""The one URL builder of the site: templates and the writer both use it.

Every address is relative to the site root and ends in ``/`` for a page (its
``index.html``).  Templates prefix them with the page's ``root`` (``../../``), so a
built site works at any base path and from disk.

    NL00                 nederland/
    PV25 Gelderland      provincie/PV25-gelderland/
    GM0202 Arnhem        gemeente/GM0202-arnhem/
    WK020202             wijk/WK020202-spijkerkwartier/
    BU02020211           buurt/BU02020211-spijkerbuurt/
    custom area          gebied/oosterbeek/
    another year         wijk/WK020202-spijkerkwartier/2017/
    embed                embed/v1/WK020202/wonen/
    big screen           scherm/WK020202/
"""

from __future__ import annotations

import re
import unicodedata

EMBED_VERSION = "v1"
LEVEL_PREFIX = {"land": "nederland", "provincie": "provincie", "gemeente": "gemeente", "wijk": "wijk",
                "buurt": "buurt", "gebied": "gebied"}
_WIJK_PREFIX = re.compile(r"^wijk\s+(\d{1,2})\s+(?=\S)", re.IGNORECASE)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def display_name(code: str, name: str | None) -> str:
    """The name to show: CBS's 2024 wijk names carry a "Wijk 02 " prefix repeating the
    code's last digits; strip it only when those digits match the code (then it is sure)."""
    if not name:
        return code
    name = " ".join(name.split())
    m = _WIJK_PREFIX.match(name)
    if m and code.startswith("WK") and int(m.group(1)) == int(code[-2:]):
        return name[m.end():]
    return name


def slugify(text: str) -> str:
    """Lower-case ASCII with hyphens: ``'s-Hertogenbosch`` -> ``s-hertogenbosch``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


def area_slug(code: str, name: str | None) -> str:
    slug = slugify(display_name(code, name))
    return f"{code}-{slug}" if slug and slug != code.lower() else code


def area_url(level: str, code: str, name: str | None, year: int | None = None) -> str:
    """The page of an area (the latest year), or of one of its other years."""
    if level == "land":
        base = "nederland/"
    elif level == "gebied":
        base = f"gebied/{slugify(code)}/"
    else:
        base = f"{LEVEL_PREFIX[level]}/{area_slug(code, name)}/"
    return base if year is None else f"{base}{year}/"


def twin_url(page_url: str, fmt: str) -> str:
    return f"{page_url}data.{fmt}"


def embed_url(code: str, section: str) -> str:
    return f"embed/{EMBED_VERSION}/{code}/{section}/"


def screen_url(code: str) -> str:
    return f"scherm/{code}/"


def static_url(name: str) -> str:
    return f"static/{name}"


def root_of(url: str) -> str:
    """The relative prefix from a page at ``url`` back to the site root."""
    return "../" * url.count("/")


def output_path(url: str) -> str:
    """The file the writer writes for ``url``."""
    return url + "index.html" if url.endswith("/") or url == "" else url
