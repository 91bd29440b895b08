"""`openness import`: exit codes and messages (docs/spec/cli.md), through the real command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from openness.cli import app

UNITS = (
    "unit_id,name,parent_id,level,kind\nSJ,市局,,bureau,management\nPCS1,派出所,SJ,station,window\n"
)
FEEDBACK = (
    "case_id,unit_id,kind,channel,received_at,closed_at,phone\n"
    "C1,PCS1,complaint,hotline,2026-03-02,2026-03-05,13912345678\n"
    "C2,PCS1,complaint,hotline,2016-12-20,2016-12-01,13912345678\n"
)


# rejected-row files under a per-test data folder (conftest.py)
pytestmark = pytest.mark.usefixtures("data_folder")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["import", *args])
    return result.exit_code, result.stderr


def count(db_url: str, table: str) -> int:
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        n = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
    engine.dispose()
    return int(n or 0)


def test_exit_0_when_every_row_is_accepted(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    code, err = run(str(tmp_path / "units.csv"), "--db", db_url)
    assert code == 0, err
    assert "2 rows read, 2 accepted, 0 rejected" in err
    assert count(db_url, "units") == 2


def test_exit_1_with_rejected_rows_and_the_rejects_path_printed(
    db_url: str, tmp_path: Path, data_folder: Path
) -> None:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "2026-03_feedback.csv").write_text(FEEDBACK, encoding="utf-8")
    code, err = run(
        str(tmp_path / "2026-03_feedback.csv"), str(tmp_path / "units.csv"), "--db", db_url
    )
    assert code == 1, err
    rejects = sorted((data_folder / "rejects").glob("*/*.csv"))
    assert len(rejects) == 1 and str(rejects[0]) in err
    assert (
        "row 3 (C2), closed_at:" in err
        and "closed_at 2016-12-01 is before received_at 2016-12-20" in err
    )
    assert count(db_url, "feedback") == 1

    # --strict: the same file writes nothing more (C1 is there from before, unchanged)
    code, err = run(str(tmp_path / "2026-03_feedback.csv"), "--strict", "--db", db_url)
    assert code == 1 and "rolled back" in err
    assert count(db_url, "feedback") == 1


def test_exit_2_for_unusable_input(db_url: str, tmp_path: Path) -> None:
    garbage = tmp_path / "feedback.csv"
    garbage.write_bytes(bytes(range(256)) * 4)
    code, err = run(str(garbage), "--db", db_url)
    assert code == 2 and str(garbage) in err and "binary data" in err
    assert len(err.strip().splitlines()) == 1  # a one-line reason
    # in Chinese first, then English, like the rejected rows' reasons
    assert "二进制数据，不是 CSV 文本或工作簿 / binary data" in err
    assert "未导入任何内容 / nothing imported from it" in err

    wrong = tmp_path / "units.csv"
    wrong.write_text("id,title\n1,x\n", encoding="utf-8")
    code, err = run(str(wrong), "--db", db_url)
    assert code == 2 and "missing required column(s) unit_id, name, level, kind" in err
    assert "不是“单位”记录文件：缺少必填列 unit_id, name, level, kind" in err

    (tmp_path / "complaints.csv").write_text("a,b\n", encoding="utf-8")
    code, err = run(str(tmp_path / "complaints.csv"), "--db", db_url)
    assert code == 2 and "请用 --kind / " in err and "use --kind" in err
    # a file that is not there is named as missing, whatever its name
    code, err = run(str(tmp_path / "nowhere.csv"), "--db", db_url)
    assert code == 2 and "文件不存在 / no such file" in err and "--kind" not in err
    assert count(db_url, "units") == 0 and count(db_url, "feedback") == 0


def test_kind_option_overrides_the_name(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(UNITS, encoding="utf-8")
    code, err = run(str(path), "--kind", "units", "--db", db_url)
    assert code == 0, err
    assert count(db_url, "units") == 2


def test_installed_command(tmp_path: Path) -> None:
    """The console script itself, in a subprocess: exit status 1 on rejects."""
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "feedback.csv").write_text(FEEDBACK, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    openness = Path(sys.executable).with_name("openness")
    proc = subprocess.run(
        [str(openness), "import", str(tmp_path / "feedback.csv"), str(tmp_path / "units.csv")],
        env={"OPENNESS_DB": url, "OPENNESS_DATA": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "1 rejected" in proc.stderr and proc.stdout == ""
