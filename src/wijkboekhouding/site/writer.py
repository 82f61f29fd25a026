"""Writing the site: into a new sibling folder, then swapped in atomically.

:class:`Writer` refuses to write one output path twice (that catches two areas whose
code and slug lead to the same address).  :func:`atomic_site` builds into
``.<name>.new-<pid>`` beside the target and only on success renames the old site away
and the new one into place; a failed build removes its half-written folder and leaves
the previous site untouched.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import BuildError
from .urls import output_path


class Writer:
    def __init__(self, root: Path):
        self.root = root
        self.written: dict[str, str] = {}
        self.bytes = 0
        self._dirs: set[str] = set()

    def write(self, url: str, content: str | bytes, what: str = "") -> None:
        """Write the page (``…/``) or file at ``url``; ``what`` names it in the collision error."""
        rel = output_path(url)
        key = rel.casefold()  # two addresses differing only in case collide on some disks
        if key in self.written:
            raise BuildError(
                f"two pages want the same output path {rel!r}: {self.written[key]} and {what or url}. "
                "Two areas lead to the same address (code and name slug); fix the area names or codes in the "
                "warehouse and build again.")
        self.written[key] = what or url
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = self.root / rel
        parent = str(path.parent)
        if parent not in self._dirs:
            os.makedirs(parent, exist_ok=True)
            self._dirs.add(parent)
        with open(path, "wb") as f:
            f.write(data)
        self.bytes += len(data)

    @property
    def files(self) -> int:
        return len(self.written)


@contextmanager
def atomic_site(out_dir: Path) -> Iterator[Path]:
    """Yield a fresh folder beside ``out_dir``; on success it replaces ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    new = out_dir.with_name(f".{out_dir.name}.new-{os.getpid()}")
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    for leftover in (new, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    new.mkdir()
    try:
        yield new
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    had_old = out_dir.exists()
    if had_old:
        os.rename(out_dir, old)
    try:
        os.rename(new, out_dir)
    except OSError as e:
        if had_old:
            os.rename(old, out_dir)
        shutil.rmtree(new, ignore_errors=True)
        raise BuildError(f"could not move the new site into {out_dir}: {e}; the previous site is untouched") from None
    if had_old:
        shutil.rmtree(old, ignore_errors=True)
