"""The attack: a 2 KB workbook whose sheet declares a million rows (or rows far down, or a zip that
unpacks to gigabytes) made one cohort upload take about 1 GB of memory. Uploads are read row by row with
hard limits, ignoring the declared size, and what is over a limit is refused with a clear message."""

import io
import re
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from cases.sampling import cohort
from cases.sampling.cohort import UnreadableFile, read_cells
from tests.factories import InspectionFactory

HEADER = cohort.COLUMNS
CASE = ["NS-2015-0001", "Community", "Low", "Female", "1999-02-14", "Mixed", "No", "2014-04-20", "Tom", "South"]
MB = 1024 * 1024


def workbook_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def rewrite_sheet(data, change):
    """The same workbook with its first sheet's XML passed through `change` (what an attacker edits)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def million_row_bomb():
    """Two real rows; the sheet declares A1:J1048576."""
    return rewrite_sheet(
        workbook_bytes([HEADER, CASE]),
        lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:J1048576"', xml),
    )


def peak_extra_memory(function):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        try:
            result = function()
        except UnreadableFile as refused:
            result = refused
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak - start


def test_a_workbook_declaring_a_million_rows_reads_only_what_it_holds_in_little_memory():
    bomb = million_row_bomb()
    assert len(bomb) < 8 * 1024
    cells, peak = peak_extra_memory(lambda: read_cells(bomb, "cohort.xlsx"))
    assert peak < 100 * MB
    assert cells == [HEADER, CASE]


def test_a_workbook_with_a_cell_a_million_rows_down_is_refused_in_little_memory():
    far = rewrite_sheet(
        workbook_bytes([HEADER, CASE]),
        lambda xml: xml.replace(
            "</sheetData>", '<row r="1048576"><c r="J1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        ),
    )
    refused, peak = peak_extra_memory(lambda: read_cells(far, "cohort.xlsx"))
    assert peak < 100 * MB
    assert isinstance(refused, UnreadableFile)
    assert "at most 20,000 cases" in str(refused)


def test_more_rows_than_the_limit_are_refused_saying_so(monkeypatch):
    assert (cohort.MAX_ROWS, cohort.MAX_COLUMNS, cohort.MAX_CELL_CHARS) == (20_001, 50, 1_000)
    monkeypatch.setattr(cohort, "MAX_ROWS", 11)  # the same code path as 20,000 cases, quicker
    monkeypatch.setattr(cohort, "MAX_ROWS_READ", 55)
    rows = [HEADER] + [[f"NS-{n}", *CASE[1:]] for n in range(12)]
    with pytest.raises(UnreadableFile, match=r"cases on row 12; a cohort can have at most 10 cases"):
        read_cells(workbook_bytes(rows), "cohort.xlsx")
    text = "\n".join(",".join(row) for row in rows).encode()
    with pytest.raises(UnreadableFile, match=r"cases on row 12"):
        read_cells(text, "cohort.csv")
    assert len(read_cells(workbook_bytes(rows[:11] + [[""]] * 30), "cohort.xlsx")) == 11  # empty rows at the end


def test_a_csv_of_empty_lines_is_refused_without_building_them():
    refused, peak = peak_extra_memory(lambda: read_cells(b"reference\n" + b"\n" * (4 * MB), "cohort.csv"))
    assert isinstance(refused, UnreadableFile) and "goes on past row 100,005" in str(refused)
    assert peak < 100 * MB


def test_too_many_columns_and_too_long_cells_are_refused():
    with pytest.raises(UnreadableFile, match="at most 50 columns"):
        read_cells(workbook_bytes([HEADER, CASE + ["x"] * 60]), "cohort.xlsx")
    wide = rewrite_sheet(
        workbook_bytes([HEADER, CASE]),
        lambda xml: xml.replace(
            "</row></sheetData>", '<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        ),
    )
    with pytest.raises(UnreadableFile, match="Row 2 has something in column 16,384"):
        read_cells(wide, "cohort.xlsx")
    with pytest.raises(UnreadableFile, match="Row 2, column 1 has 5,000 characters"):
        read_cells(("reference\n" + "x" * 5000 + "\n").encode(), "cohort.csv")


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_opening():
    data = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook_bytes([HEADER, CASE]))) as source,
        zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/padding.xml", b" " * (60 * MB))
    assert len(data.getvalue()) < 200 * 1024
    with pytest.raises(UnreadableFile, match="unpacks to 60.0 MB"):
        read_cells(data.getvalue(), "cohort.xlsx")


@pytest.mark.django_db
def test_the_upload_page_reads_the_bomb_without_using_the_memory(client, manager, service):
    inspection = InspectionFactory(service=service, status="sampling")
    client.force_login(manager)
    bomb = million_row_bomb()

    def upload():
        return client.post(
            reverse("cases:cohort_upload", args=[inspection.pk]),
            {"file": SimpleUploadedFile("cohort.xlsx", bomb, content_type="application/octet-stream")},
        )

    response, peak = peak_extra_memory(upload)
    assert peak < 100 * MB
    assert response.status_code == 302  # two real rows: on to the preview
