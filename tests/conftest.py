"""Shared fixtures.  Real files only: ../shared/data beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
KWB_2017 = SHARED_DATA / "kwb-2017-83765NED-typeddataset-extract" / "indicators_buurt_wijk_gemeente.csv"
KWB_2024_CSV = SHARED_DATA / "kwb-2024-85984NED-statline-csv" / "Kerncijfers_wijken_en_buurten_2024_geslachten.csv"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"{SHARED_DATA} is missing: the tests read CBS files from ../shared/data")
    return SHARED_DATA


@pytest.fixture
def workspace(tmp_path):
    """An empty whole-country workspace in a temporary folder."""
    from wijkboekhouding.workspace import Workspace

    return Workspace.init(tmp_path / "ws", [])
