"""The loader: all-or-nothing, idempotent, history-keeping."""

import pytest

from conftest import KWB_2017
from wijkboekhouding.errors import InvalidDataError
from wijkboekhouding.warehouse.imports import import_cbs_file


def test_reimporting_the_same_file_changes_nothing(workspace):
    first = import_cbs_file(workspace, KWB_2017, table_id="83765NED")
    assert not first.unchanged and first.rows == 16667
    with workspace.warehouse() as wh:
        before = wh.count_observations()
    second = import_cbs_file(workspace, KWB_2017, table_id="83765NED")
    assert second.unchanged and second.version == 1
    with workspace.warehouse() as wh:
        assert wh.count_observations() == before
        assert len(wh.sources()) == 1


def test_spijkerkwartier_2017_values_equal_the_file(workspace):
    import_cbs_file(workspace, KWB_2017, table_id="83765NED")
    with workspace.warehouse() as wh:
        obs = {o.indicator_id: o for o in wh.observations("WK020202", 2017)}
    # WK020202 row of the CBS file: AantalInwoners_5 = 6540, GemiddeldeWoningwaarde_35 = 155
    assert obs["inwoners"].value == 6540 and obs["inwoners"].status == "value"
    assert obs["woz_gemiddeld"].value == 155


def test_a_file_with_a_bad_cell_imports_nothing(workspace, tmp_path):
    lines = KWB_2017.read_text(encoding="utf-8-sig").splitlines()
    lines[3] = lines[3].replace(",3545,", ",35x45,", 1)
    assert "35x45" in lines[3]
    bad = tmp_path / "kwb_bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidDataError) as e:
        import_cbs_file(workspace, bad, table_id="83765NED")
    assert "kwb_bad.csv, row 4, column 'AantalInwoners_5': '35x45' is not a number." in str(e.value)
    with workspace.warehouse() as wh:
        assert wh.count_observations() == 0 and wh.sources() == {} and wh.areas() == []
