"""Uploads on the Data page in Chromium, signed in through the real OpenID Connect
provider (issue 21; access.md, "Added with jobs, uploads, goals and notes").

A head of the station B01-S01 uploads an XLSX ledger: the preview says what the importer
will read, the import runs with its progress bar, and the rows of another branch's
station (B02-S01) are rejected with that reason in the rejects file they download; the
liaison office is offered no upload. The reach itself is tested where the import writes
(tests/test_access_uploads.py, both databases).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import QUERY, settle, shot
from import_helpers import FEEDBACK_HEADER
from signin_support import WAIT, World, new_page, sign_in, signed_in_world, trail

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

HEAD = "head.s01@bureau.test"  # unit head of the station B01-S01
LIAISON = "liaison@bureau.test"
PEOPLE: dict[str, tuple[str, str | None]] = {
    HEAD: ("unit_head", "B01-S01"),
    LIAISON: ("liaison", None),
}
# the station's ledger: two rows of its own, two of B02-S01 (another branch's station)
LEDGER = [
    ("UP-1", "B01-S01", "complaint", "hotline", "2026-06-02 09:00"),
    ("UP-2", "B01-S01", "enquiry", "online", "2026-06-03 10:30"),
    ("UP-3", "B02-S01", "complaint", "hotline", "2026-06-04 11:00"),
    ("UP-4", "B02-S01", "report", "online", "2026-06-05 08:15"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("uploads")
    with signed_in_world(tmp, PEOPLE) as w:
        yield w


def _ledger(folder: Path) -> Path:
    """The ledger as a clerk's workbook: a title row above the header, then the rows."""
    import xlsxwriter

    path = folder / "2026-06_feedback.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("六月台账")
    sheet.write_row(0, 0, ["城关派出所 2026年6月 群众诉求台账"])
    header = FEEDBACK_HEADER.split(",")
    sheet.write_row(1, 0, header)
    for i, row in enumerate(LEDGER, start=2):
        sheet.write_row(i, 0, list(row) + [""] * (len(header) - len(row)))
    book.close()
    return path


def test_a_unit_head_uploads_a_ledger_and_gets_the_rejects_back(
    world: World, browser: object
) -> None:
    page = new_page(browser, "zh")
    sign_in(page, world, HEAD, "zh")
    page.goto(f"{world.base}/data?{QUERY}&lang=zh")  # type: ignore[attr-defined]
    expect(page.get_by_text("上传记录文件")).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    expect(page.get_by_text("（B01-S01）及其下属单位", exact=False)).to_be_visible()  # type: ignore[attr-defined]
    settle(page, WAIT)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(  # type: ignore[attr-defined]
        str(_ledger(world.tmp))
    )
    # the preview: kind, format, the sheet and the title row above the header, row count
    expect(page.get_by_text("类型：群众诉求 · 格式：XLSX · 记录行数：4")).to_be_visible(  # type: ignore[attr-defined]
        timeout=WAIT
    )
    expect(page.get_by_text("读取工作表：六月台账（表头上方跳过 1 行）")).to_be_visible()  # type: ignore[attr-defined]
    expect(page.get_by_text(FEEDBACK_HEADER.replace(",", " | "))).to_be_visible()  # type: ignore[attr-defined]
    settle(page, WAIT)
    shot(page, "upload_preview_zh")
    page.get_by_role("button", name="导入", exact=True).click()  # type: ignore[attr-defined]
    done = page.get_by_text("“2026-06_feedback.xlsx”已导入：读取 4 行，接收 2 行，拒绝 2 行。")  # type: ignore[attr-defined]
    expect(done).to_be_visible(timeout=WAIT)
    expect(page.locator('[data-testid="stProgress"]')).to_be_visible()  # type: ignore[attr-defined]
    settle(page, WAIT)
    shot(page, "upload_result_zh")
    with page.expect_download(timeout=WAIT) as info:  # type: ignore[attr-defined]
        page.get_by_role("button", name="下载被拒行文件", exact=False).click()  # type: ignore[attr-defined]
    download = info.value
    assert download.suggested_filename.endswith("_2026-06_feedback_rejects.csv")
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    # the command line's rejects file: row, key, columns, reasons, then the record
    assert list(rows[0])[:6] == ["row", "key", "columns", "reasons", "case_id", "unit_id"]
    # spreadsheet rows: title 1, header 2, UP-1 3 ... UP-4 6
    assert [(r["row"], r["key"], r["columns"], r["unit_id"]) for r in rows] == [
        ("5", "UP-3", "unit_id", "B02-S01"),
        ("6", "UP-4", "unit_id", "B02-S01"),
    ]
    assert rows[0]["reasons"] == (
        "单位“B02-S01”不在上传人的范围内（B01-S01 及其下属单位）/ unit_id 'B02-S01' is "
        "outside the uploader's reach (B01-S01 and the units below it)"
    )
    events = [(e["event"], e["detail"]) for e in trail(world, HEAD)]
    assert ("upload", "2026-06_feedback.xlsx: feedback, 2 accepted / 2 rejected") in events
    assert ("download", download.suggested_filename) in events


def test_the_liaison_office_sees_no_upload(world: World, browser: object) -> None:
    page = new_page(browser, "en")
    sign_in(page, world, LIAISON, "en")
    page.goto(f"{world.base}/data?{QUERY}&lang=en")  # type: ignore[attr-defined]
    # the Data page is refused whole (its imports are out of reach), with no uploader
    expect(page.get_by_text("Not in your reach")).to_be_visible(timeout=WAIT)  # type: ignore[attr-defined]
    settle(page, WAIT)
    shot(page, "upload_liaison_en")
    assert page.locator('[data-testid="stFileUploader"]').count() == 0  # type: ignore[attr-defined]
    assert page.get_by_text("Upload a record file").count() == 0  # type: ignore[attr-defined]
