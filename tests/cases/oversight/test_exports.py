"""Exports: CSV and XLSX attachments, formula neutralisation, small-number suppression, permissions."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.oversight.exports import neutralise
from inspections.models import Role
from inspections.people import display_name
from tests.factories import AssessmentFactory, CaseFactory, InspectionFactory, make_answers, member

pytestmark = pytest.mark.django_db

VALUES = {"roh-1": "yes", "roh-2": "no", "roh-3": "yes", "saf-1": "yes", "saf-2": "na", "saf-3": "yes"}


@pytest.fixture
def inspection(service):
    return InspectionFactory(service=service, status="scoring", title="Mock 2016")


def scored(inspection, assessor, note="Not on file", **case_fields):
    case = CaseFactory(inspection=inspection, **case_fields)
    return make_answers(AssessmentFactory(case=case, assessor=assessor), VALUES, note=note)


@pytest.mark.parametrize(
    "value,expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Plain note", "Plain note"),
        (42, 42),
        (-5, -5),
        (None, ""),
        (True, "Yes"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx_rows(response, sheet=None):
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in (book[sheet] if sheet else book.active).iter_rows(values_only=True)]


def test_answers_export_neutralises_formulas_in_csv_and_xlsx(client, manager, inspection, officer):
    scored(inspection, officer, note='=HYPERLINK("http://evil.example","click")', team="+North", reference="@YP1")
    client.force_login(manager)
    response = client.get(reverse("cases:inspection_export", args=[inspection.pk, "answers", "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="mock-2016-answers.csv"'
    rows = _csv_rows(response)
    assert rows[0][:3] == ["Case", "Team", "Case manager"]
    no_row = next(r for r in rows[1:] if r[13] == "roh-2")
    assert no_row[0] == "'@YP1" and no_row[1] == "'+North"
    assert no_row[16] == '\'=HYPERLINK("http://evil.example","click")'
    xlsx = client.get(reverse("cases:inspection_export", args=[inspection.pk, "answers", "xlsx"]))
    assert xlsx["Content-Disposition"] == 'attachment; filename="mock-2016-answers.xlsx"'
    cells = [c for row in _xlsx_rows(xlsx) for c in row if isinstance(c, str)]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_exports_read_as_the_pages_do_with_numbers_as_numbers(client, manager, inspection, officer):
    for _ in range(5):
        scored(inspection, officer, team="North team")
    client.force_login(manager)
    answers = _csv_rows(client.get(reverse("cases:inspection_export", args=[inspection.pk, "answers", "csv"])))
    assert answers[0] == [
        "Case",
        "Team",
        "Case manager",
        "Disposal",
        "Risk of serious harm",
        "Gender",
        "Ethnicity",
        "Looked after",
        "Marking",
        "Assessor",
        "Status",
        "Area",
        "Stage",
        "Question code",
        "Question",
        "Answer",
        "Note",
    ]
    row = next(r for r in answers[1:] if r[13] == "roh-2")
    assert row[8:13] == ["First marking", display_name(officer), "Submitted", "Risk of harm to others", "Planning"]
    assert row[14:16] == ["Risk of harm to others: question 2?", "No"]
    assert row[3] in {"Out of court", "Community", "Custody"} and row[4] in {"Low", "Medium", "High", "Very high"}
    assert row[7] in {"Yes", "No"}
    workbook = io.BytesIO(
        client.get(reverse("cases:inspection_export", args=[inspection.pk, "summary", "xlsx"])).content
    )
    book = load_workbook(workbook)
    areas = [list(r) for r in book["Areas"].iter_rows(values_only=True)]
    assert areas[0] == ["Area", "Score (%)", "Band", "Cases", "Yes", "No", "Not applicable"]
    assert areas[1][:4] == ["Risk of harm to others", 67, "Moderate improvement required", 5]
    assert book["Areas"]["B2"].data_type == "n" and book["Areas"]["D2"].data_type == "n"
    stages = [list(r) for r in book["Area by stage"].iter_rows(values_only=True)]
    assert stages[0][0] == "Area" and all(heading.endswith("(%)") for heading in stages[0][1:])
    assert all(isinstance(cell, int) or cell in ("Not rated", "fewer than 5") for row in stages[1:] for cell in row[1:])
    assert [list(r) for r in book["Questions"].iter_rows(values_only=True)][0][:5] == [
        "Question code",
        "Area",
        "Stage",
        "Question",
        "Score (%)",
    ]
    breakdowns = [list(r) for r in book["Breakdowns"].iter_rows(values_only=True)]
    assert breakdowns[0][:4] == ["Breakdown", "Group", "Cases", "Risk of harm to others: score (%)"]
    assert breakdowns[[r[1] for r in breakdowns].index("North team")][:3] == ["Team", "North team", 5]
    assert [list(r) for r in book["Agreement"].iter_rows(values_only=True)][0] == [
        "Figure",
        "Group",
        "Pairs",
        "Percentage agreement (%)",
        "Cohen's kappa",
    ]


def test_summary_exports_suppress_small_groups_and_the_next_smallest(client, manager, inspection, officer):
    for _ in range(6):
        scored(inspection, officer, team="North team")
    for _ in range(5):
        scored(inspection, officer, team="East team")
    for _ in range(2):
        scored(inspection, officer, team="South team")
    client.force_login(manager)
    rows = _xlsx_rows(
        client.get(reverse("cases:inspection_export", args=[inspection.pk, "summary", "xlsx"])), "Breakdowns"
    )
    teams = {row[1]: row for row in rows if row[0] == "Team"}
    assert teams["North team"][2] == 6 and teams["North team"][3] == 67
    assert teams["South team"][2:] == ["fewer than 5", "fewer than 5", "fewer than 5"]
    # 13 cases in all, 6 shown: were East shown, South would be 13 - 6 - 5 = 2.
    assert teams["East team"][2:] == ["hidden", "hidden", "hidden"]
    csv_rows = _csv_rows(client.get(reverse("cases:inspection_export", args=[inspection.pk, "breakdowns", "csv"])))
    assert ["Team", "South team", "fewer than 5", "fewer than 5", "fewer than 5"] in csv_rows
    assert ["Team", "East team", "hidden", "hidden", "hidden"] in csv_rows


def test_every_summary_is_in_the_workbook(client, manager, inspection, officer):
    scored(inspection, officer)
    client.force_login(manager)
    book = load_workbook(
        io.BytesIO(client.get(reverse("cases:inspection_export", args=[inspection.pk, "summary", "xlsx"])).content)
    )
    assert book.sheetnames == ["Areas", "Questions", "Area by stage", "Breakdowns", "Progress", "Agreement"]
    for kind in ["areas", "questions", "stages", "progress", "agreement"]:
        response = client.get(reverse("cases:inspection_export", args=[inspection.pk, kind, "csv"]))
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")


def test_export_permissions(client, inspection, manager, inspector, officer, board_member, other_service):
    url = reverse("cases:inspection_export", args=[inspection.pk, "answers", "csv"])
    assert client.get(url).status_code == 302
    for person, status in [(manager, 200), (inspector, 200), (officer, 403), (board_member, 403)]:
        client.force_login(person)
        assert client.get(url).status_code == status
    client.force_login(member(other_service, Role.MANAGER))
    assert client.get(url).status_code == 404
    client.force_login(manager)
    assert client.get(reverse("cases:inspection_export", args=[inspection.pk, "secrets", "csv"])).status_code == 404
    assert client.get(reverse("cases:inspection_export", args=[inspection.pk, "answers", "exe"])).status_code == 404
