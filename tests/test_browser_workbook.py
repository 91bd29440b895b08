"""One workbook of the page (issue 21) in Chromium, opened by LibreOffice.

The Unit page of B01 with the records behind R_ONTIME draws three tables (indicators,
units below, records); its "download this page" gives one XLSX: a cover, then a sheet
per table titled in the page's language, every cell a value (no formula, no link). Real
LibreOffice (``soffice --headless --convert-to csv``, every sheet) reads each sheet
back with the table's own header and rows.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import QUERY, no_errors, openness, openness_env, seed_tiny, serving, settle

from queries.model.catalogue import INDICATORS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright = pytest.importorskip("playwright.sync_api")
openpyxl = pytest.importorskip("openpyxl")

SOFFICE = "/usr/bin/soffice"
# LibreOffice's CSV filter: comma, double quote, UTF-8, from row 1, ..., every sheet (-1)
EVERY_SHEET = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("workbook")
    url = seed_tiny(tmp)
    with serving(tmp, url) as base:
        yield base, tmp


def _download(base: str, browser: object, lang: str, button: str, folder: Path) -> tuple[Path, str]:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1440, "height": 1400},
        locale="zh-CN" if lang == "zh" else "en-US",
        accept_downloads=True,
    )
    page = context.new_page()
    page.goto(f"{base}/unit?unit=B01&records=R_ONTIME&{QUERY}&lang={lang}")
    settle(page)
    no_errors(page)
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    download = info.value
    name = download.suggested_filename
    path = folder / name
    download.save_as(path)
    context.close()
    return path, name


def test_the_unit_page_as_one_workbook_read_by_libreoffice(
    served: tuple[str, Path], browser: object, tmp_path: Path
) -> None:
    base, tmp = served
    path, name = _download(base, browser, "zh", "下载本页（Excel 工作簿）", tmp_path)
    assert name == "page_unit_2026-Q2_B01.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["封面", "指标", "记录 R_ONTIME", "下级单位"]
    cover = {r[0].value: r[1].value for r in book["封面"].iter_rows()}
    assert cover["页面"] == "单位详情"
    assert cover["统计周期"] == "2026年第二季度 (2026-Q2)"
    assert cover["截至"] == "2026-06-30 23:59:59"
    assert cover["下载人"] == "local (管理员)"
    assert cover["工作表"] == "指标, 记录 R_ONTIME, 下级单位"
    assert "period=2026-Q2" in cover["筛选"] and "asof=2026-06-30" in cover["筛选"]
    assert cover["单位"].endswith("(B01)")
    # values only: no formula and no link in any sheet
    for sheet in book.worksheets:
        assert not sheet._hyperlinks
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row), sheet.title
    # the indicator sheet: one row per indicator of the catalogue, Chinese header
    indicators = list(book["指标"].iter_rows(values_only=True))
    assert indicators[0][:2] == ("维度", "指标") and len(indicators) == 1 + len(INDICATORS)
    records = list(book["记录 R_ONTIME"].iter_rows(values_only=True))

    # LibreOffice, for real: every sheet to CSV, each with its table's header and rows
    out = tmp_path / "csv"
    profile = tmp_path / "lo-profile"
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            EVERY_SHEET,
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    sheets = {p.stem.removeprefix(f"{path.stem}-"): p for p in out.glob("*.csv")}
    assert set(sheets) == {"封面", "指标", "下级单位", "记录 R_ONTIME"}, (sheets, done.stdout)
    for title in ("指标", "下级单位", "记录 R_ONTIME"):
        rows = list(csv.reader(io.StringIO(sheets[title].read_text(encoding="utf-8"))))
        want = list(book[title].iter_rows(values_only=True))
        assert rows[0] == [str(h) for h in want[0]], title
        assert len(rows) == len(want), title
    lo_records = list(csv.reader(io.StringIO(sheets["记录 R_ONTIME"].read_text(encoding="utf-8"))))
    assert len(lo_records) == len(records) > 1

    # audited as one download, named after the workbook
    trail = openness(
        "audit",
        "--format",
        "json",
        "--db",
        f"sqlite:///{tmp / 'openness.db'}",
        env=openness_env(tmp),
    )
    downloads = [e for e in json.loads(trail.stdout) if e["event"] == "download"]
    assert [e["detail"] for e in downloads] == [name]


def test_english_sheet_titles(served: tuple[str, Path], browser: object, tmp_path: Path) -> None:
    base, _ = served
    path, _ = _download(base, browser, "en", "Download this page (Excel workbook)", tmp_path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Cover", "Indicators", "Records R_ONTIME", "Units below"]
