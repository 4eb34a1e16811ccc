"""Cohort import: every mistake reported with row, column and reason, nothing imported meanwhile."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from cases.models import Case
from cases.sampling.cohort import check_cells, read_cells, reference_problem
from cases.sampling.services import CohortImportError, case_exclude, case_restore, cohort_import
from inspections.models import Role
from tests.factories import (
    EXAMPLES,
    CaseFactory,
    InspectionFactory,
    csv_bytes,
    make_cohort,
    make_sampling_inspection,
    member,
    row,
    rows,
    upload,
)
from tests.pages import unmarked

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(service):
    return make_sampling_inspection(service)


def post_file(client, inspection, content, name="cohort.csv"):
    return client.post(reverse("cases:cohort_upload", args=[inspection.pk]), {"file": upload(content, name)})


def confirm(client, inspection, accept=False):
    token = client.session[f"cohort-upload-{inspection.pk}"]["token"]
    data = {"token": token}
    if accept:
        data["accept_warnings"] = "on"
    return client.post(reverse("cases:cohort_preview", args=[inspection.pk]), data)


# --- the clean path --------------------------------------------------------------------------


def test_the_clean_example_uploads_previews_and_imports(client, manager, inspection):
    client.force_login(manager)
    response = post_file(client, inspection, (EXAMPLES / "cohort-clean.csv").read_bytes())
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:cohort_preview", args=[inspection.pk])
    assert Case.objects.count() == 0

    preview = client.get(reverse("cases:cohort_preview", args=[inspection.pk])).content.decode()
    assert "60 cases" in preview
    assert "Out of court" in preview
    assert Case.objects.count() == 0  # nothing until confirmed

    response = confirm(client, inspection)
    assert response.status_code == 302
    assert Case.objects.filter(inspection=inspection).count() == 60
    assert f"cohort-upload-{inspection.pk}" not in client.session
    page = client.get(reverse("cases:cohort", args=[inspection.pk])).content.decode()
    assert "60 cases imported" in page


def test_import_stores_age_at_start_not_the_date_of_birth(manager, inspection):
    cells = read_cells(csv_bytes([row(date_of_birth="15/04/1999", start_date="14/04/2014")]))
    (case,) = cohort_import(inspection=inspection, cells=cells, by=manager)
    case.refresh_from_db()
    assert case.age_at_start == 14  # the day before the 15th birthday
    assert not any("birth" in f.name for f in Case._meta.get_fields())


def test_who_imported_is_recorded(manager, inspection):
    cohort_import(inspection=inspection, cells=read_cells(csv_bytes([row()])), by=manager)
    assert Case.history.get().history_user == manager


def test_case_managers_are_matched_by_username_or_full_name_else_kept_as_names(manager, inspection, service):
    chloe = member(service, Role.OFFICER, username="cadeyemi", first_name="Chloe", last_name="Adeyemi")
    daniel = member(service, Role.OFFICER, username="dmurphy", first_name="Daniel", last_name="Murphy")
    stranger = member(InspectionFactory().service, Role.OFFICER, first_name="Priya", last_name="Natarajan")
    cells = read_cells(
        csv_bytes(
            [
                row(reference="NS-1", case_manager="chloe  ADEYEMI"),
                row(reference="NS-2", case_manager="DMurphy"),
                row(reference="NS-3", case_manager="Priya Natarajan"),
            ]
        )
    )
    cohort_import(inspection=inspection, cells=cells, by=manager)
    cases = {c.reference: c for c in Case.objects.all()}
    assert cases["NS-1"].case_manager == chloe
    assert cases["NS-2"].case_manager == daniel
    assert cases["NS-3"].case_manager is None  # someone of another service is never matched
    assert cases["NS-3"].case_manager_name == "Priya Natarajan"
    assert stranger.pk


def test_bom_trailing_blanks_and_spreadsheet_spellings_are_accepted(client, manager, inspection):
    spellings = [
        row(reference="NS-1 ", disposal="out-of-court", rosh="very high", gender="F", looked_after="Yes "),
        row(reference="NS-2", disposal="OUT_OF_COURT", rosh="Very_High", gender="female", looked_after="TRUE"),
        row(reference="NS-3", disposal="Out of court", rosh="VERYHIGH", gender="Girl", looked_after="1"),
        row(reference="NS-4", disposal=" custody ", rosh="LOW", gender="m", looked_after="Y", start_date="2014-05-01"),
        row(reference="NS-5", disposal="Community", rosh="high", gender="Male", looked_after="no"),
        row(reference="NS-6", disposal="community", rosh="medium", gender="other", looked_after=""),
    ]
    content = csv_bytes(spellings, bom=True) + b",,,,,,,,,\r\n\r\n"  # trailing blank rows from a spreadsheet
    client.force_login(manager)
    assert post_file(client, inspection, content).status_code == 302
    confirm(client, inspection)
    cases = {c.reference: c for c in Case.objects.all()}
    assert sorted(cases) == ["NS-1", "NS-2", "NS-3", "NS-4", "NS-5", "NS-6"]
    assert {cases[r].disposal for r in ("NS-1", "NS-2", "NS-3")} == {"out_of_court"}
    assert {cases[r].rosh for r in ("NS-1", "NS-2", "NS-3")} == {"very_high"}
    assert [cases[r].looked_after for r in sorted(cases)] == [True, True, True, True, False, False]
    assert cases["NS-6"].gender == "other"


def test_headings_are_matched_loosely(manager, inspection):
    columns = ["Reference", "Disposal", "RoSH", "Gender", "Date of birth", "Ethnicity", "Looked-after", "Start date"]
    columns += ["Case manager", "TEAM"]
    cells = read_cells(csv_bytes([list(row().values())], columns=columns))
    assert len(cohort_import(inspection=inspection, cells=cells, by=manager)) == 1


def test_an_xlsx_workbook_imports(client, manager, inspection):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(row().keys()))
    sheet.append(["NS-2015-0001", "Community", "Low", "Female", dt.datetime(1999, 2, 14), "Mixed", True])
    sheet["H2"] = dt.datetime(2014, 4, 20)
    sheet["I2"] = "Tom Whitfield"
    sheet["J2"] = "South"
    sheet.append(["NS-2015-0002", "Custody", "High", "Male", dt.date(1998, 1, 1), "", "No", "01/06/2014", "", 7])
    data = io.BytesIO()
    workbook.save(data)
    client.force_login(manager)
    assert post_file(client, inspection, data.getvalue(), "cohort.xlsx").status_code == 302
    confirm(client, inspection)
    first, second = Case.objects.order_by("reference")
    assert (first.gender, first.looked_after, first.start_date, first.age_at_start) == (
        "female",
        True,
        dt.date(2014, 4, 20),
        15,
    )
    assert second.team == "7"


def test_an_unreadable_xlsx_is_reported(client, manager, inspection):
    client.force_login(manager)
    page = post_file(client, inspection, b"PK\x03\x04 not really a zip", "cohort.xlsx").content.decode()
    assert "could not be read as an Excel workbook" in page
    assert Case.objects.count() == 0


# --- every mistake, with row, column and reason, and nothing imported ------------------------


MISTAKES = [
    pytest.param(
        csv_bytes([row()], columns=[c for c in row() if c != "team"]),
        [("1", "team", "The column team is missing")],
        id="missing-column",
    ),
    pytest.param(
        csv_bytes([{**row(), "nickname": "x"}], columns=[*row(), "nickname"]),
        [("1", "nickname", "&#x27;nickname&#x27; is not a column of a cohort file")],
        id="unknown-column",
    ),
    pytest.param(
        csv_bytes([row(disposal="Referral")]),
        [("2", "disposal", "&#x27;Referral&#x27; is not a disposal we know")],
        id="unknown-disposal",
    ),
    pytest.param(
        csv_bytes([row(rosh="Severe")]),
        [("2", "rosh", "&#x27;Severe&#x27; is not a risk of serious harm level (rosh) we know")],
        id="unknown-risk",
    ),
    pytest.param(
        csv_bytes([row(gender="Boy?")]),
        [("2", "gender", "&#x27;Boy?&#x27; is not a gender we know")],
        id="unknown-gender",
    ),
    pytest.param(
        csv_bytes([row(looked_after="Maybe")]),
        [("2", "looked_after", "&#x27;Maybe&#x27; is not Yes or No")],
        id="unknown-yes-no",
    ),
    pytest.param(
        csv_bytes([row(), row(reference="NS-2", start_date="31/02/2014")]),
        [("3", "start_date", "&#x27;31/02/2014&#x27; is not a real date")],
        id="bad-date",
    ),
    pytest.param(
        csv_bytes([row(date_of_birth="01/01/2090")]),
        [("2", "date_of_birth", "01/01/2090 is in the future")],
        id="future-date",
    ),
    pytest.param(
        csv_bytes([row(rosh="")]),
        [("2", "rosh", "Enter the risk of serious harm level (rosh)")],
        id="missing-value",
    ),
    pytest.param(
        csv_bytes([row(reference="NS-7"), row(reference="NS-8"), row(reference="ns-7")]),
        [("4", "reference", "ns-7 appears twice: it is also on row 2")],
        id="duplicate-in-file",
    ),
    pytest.param(
        csv_bytes([row(reference="NS-1"), [""] * 10, row(reference="NS-2")]),
        [("3", "-", "The row is empty")],
        id="empty-row",
    ),
    pytest.param(
        csv_bytes([row(reference="Jordan Smith")]),
        [("2", "reference", "&#x27;Jordan Smith&#x27; looks like a person&#x27;s name")],
        id="name-as-reference",
    ),
    pytest.param(
        csv_bytes([row(reference="NS-1", case_manager="Siobhán Ó Briain")], encoding="cp1252"),
        [("2", "-", "The file is not UTF-8 text")],
        id="wrong-encoding",
    ),
    pytest.param(b"", [("Whole file", "-", "The file is empty")], id="empty-file"),
]


@pytest.mark.parametrize(("content", "expected"), MISTAKES)
def test_each_mistake_is_reported_with_row_column_and_reason_and_nothing_is_imported(
    client, manager, inspection, content, expected
):
    CaseFactory(inspection=inspection, reference="NS-EXISTING")
    client.force_login(manager)
    response = post_file(client, inspection, content)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'class="govuk-error-summary"' in page
    for row_number, column, message in expected:
        assert message in page
        # The problems table shows the row and the column beside the reason.
        assert f'<td class="govuk-table__cell">{row_number}</td>' in page
        assert f'<td class="govuk-table__cell">{column}</td>' in page
    assert list(Case.objects.values_list("reference", flat=True)) == ["NS-EXISTING"]
    assert f"cohort-upload-{inspection.pk}" not in client.session


def test_a_reference_already_in_the_inspection_is_refused(client, manager, inspection):
    CaseFactory(inspection=inspection, reference="NS-2015-0002")
    client.force_login(manager)
    page = post_file(client, inspection, csv_bytes(rows(3))).content.decode()
    assert "NS-2015-0002 is already in this inspection&#x27;s cohort" in page
    assert Case.objects.count() == 1


def test_the_mistakes_example_reports_every_mistake(client, manager, inspection):
    client.force_login(manager)
    page = post_file(client, inspection, (EXAMPLES / "cohort-with-mistakes.csv").read_bytes()).content.decode()
    for text in [
        "Jordan Smith",
        "Comunity",
        "31/02/2014",
        "Enter the risk of serious harm level",
        "appears twice",
        "is in the future",
        "The row is empty",
    ]:
        assert text in page
    assert Case.objects.count() == 0


def test_a_file_over_the_limit_is_refused(client, manager, inspection, settings):
    settings.UPLOAD_MAX_BYTES = 200
    client.force_login(manager)
    page = post_file(client, inspection, csv_bytes(rows(5))).content.decode()
    assert "The file must be smaller than" in page
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("reference", "looks_like_a_name"),
    [
        ("Jordan Smith", True),
        ("jordan smith", True),
        ("Smith", True),
        ("O'Neill, Ryan", True),
        ("NS-2015-0001", False),
        ("YP00012", False),
        ("12345", False),
        ("NS/2015/17", False),
    ],
)
def test_references_that_look_like_names_are_refused(reference, looks_like_a_name):
    assert bool(reference_problem(reference)) == looks_like_a_name


def test_a_start_date_outside_the_period_is_a_warning_that_must_be_accepted(client, manager, inspection):
    client.force_login(manager)
    content = csv_bytes([row(reference="NS-1"), row(reference="NS-2", start_date="20/11/2013")])
    assert post_file(client, inspection, content).status_code == 302
    preview = client.get(reverse("cases:cohort_preview", args=[inspection.pk])).content.decode()
    assert "The start date 20/11/2013 is outside the inspection&#x27;s period" in preview
    assert "I have checked the warnings" in preview

    response = confirm(client, inspection)
    assert response.status_code == 200
    assert "Tick the box to confirm you have checked the warnings" in response.content.decode()
    assert Case.objects.count() == 0

    assert confirm(client, inspection, accept=True).status_code == 302
    assert Case.objects.count() == 2


def test_the_preview_is_checked_again_on_confirming(client, manager, inspection):
    client.force_login(manager)
    post_file(client, inspection, csv_bytes(rows(3)))
    CaseFactory(inspection=inspection, reference="NS-2015-0003")  # imported meanwhile by someone else
    response = confirm(client, inspection)
    assert "NS-2015-0003 is already in this inspection" in response.content.decode()
    assert Case.objects.count() == 1


def test_a_stale_or_forged_token_imports_nothing(client, manager, inspection):
    client.force_login(manager)
    post_file(client, inspection, csv_bytes(rows(3)))
    response = client.post(reverse("cases:cohort_preview", args=[inspection.pk]), {"token": "forged"})
    assert "replaced by a newer one" in response.content.decode()
    assert Case.objects.count() == 0


def test_confirming_without_an_upload_goes_back_to_the_upload(client, manager, inspection):
    client.force_login(manager)
    response = client.post(reverse("cases:cohort_preview", args=[inspection.pk]), {"token": "x"})
    assert response["Location"] == reverse("cases:cohort_upload", args=[inspection.pk])


def test_cancelling_the_preview_imports_nothing(client, manager, inspection):
    client.force_login(manager)
    post_file(client, inspection, csv_bytes(rows(3)))
    client.post(reverse("cases:cohort_preview", args=[inspection.pk]), {"action": "cancel"})
    assert Case.objects.count() == 0
    assert f"cohort-upload-{inspection.pk}" not in client.session


def test_no_import_once_scoring_has_begun(client, manager, service):
    inspection = InspectionFactory(service=service, status="scoring")
    client.force_login(manager)
    page = client.get(reverse("cases:cohort_upload", args=[inspection.pk])).content.decode()
    assert "cases can be imported only while it is Planned or Sampling" in page
    post_file(client, inspection, csv_bytes(rows(2)))
    assert Case.objects.count() == 0


def test_the_service_refuses_problems_atomically(manager, inspection):
    cells = read_cells(csv_bytes([row(reference="NS-1"), row(reference="NS-2", disposal="Unknown")]))
    with pytest.raises(CohortImportError) as refused:
        cohort_import(inspection=inspection, cells=cells, by=manager)
    assert [(p.row, p.column) for p in refused.value.check.errors] == [(3, "disposal")]
    assert Case.objects.count() == 0


def test_checking_reports_every_problem_not_only_the_first():
    cells = read_cells(csv_bytes([row(reference="Jo Bloggs", disposal="x", rosh="y", gender="z")]))
    check = check_cells(cells, today=dt.date(2015, 1, 1))
    assert {p.column for p in check.errors} == {"reference", "disposal", "rosh", "gender"}


# --- the command -----------------------------------------------------------------------------


def test_the_command_prints_problems_exits_non_zero_and_imports_nothing(inspection, capsys):
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_cohort", inspection.pk, str(EXAMPLES / "cohort-with-mistakes.csv"))
    err = capsys.readouterr().err
    assert "Error: row 6, column reference: 'Jordan Smith' looks like a person's name" in err
    assert "Error: row 11, column disposal" in err
    assert Case.objects.count() == 0


def test_the_command_imports_the_clean_example(inspection, capsys):
    call_command("import_cohort", inspection.pk, str(EXAMPLES / "cohort-clean.csv"))
    assert "Imported 60 cases" in capsys.readouterr().out
    assert Case.objects.filter(inspection=inspection).count() == 60


def test_the_command_needs_accept_warnings_for_warnings(inspection, tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_bytes(csv_bytes([row(start_date="20/11/2013")]))
    with pytest.raises(CommandError, match="--accept-warnings"):
        call_command("import_cohort", inspection.pk, str(path))
    assert Case.objects.count() == 0
    call_command("import_cohort", inspection.pk, str(path), "--accept-warnings")
    assert Case.objects.count() == 1


# --- exclusion -------------------------------------------------------------------------------


def test_a_case_is_excluded_with_a_reason_and_restored(client, manager, inspection):
    (case,) = make_cohort(inspection, 1)
    client.force_login(manager)
    url = reverse("cases:cohort_case_exclude", args=[inspection.pk, case.pk])
    assert "Enter why the case is left out" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Transferred to another YOS"}).status_code == 302
    case.refresh_from_db()
    assert case.excluded_reason == "Transferred to another YOS"
    assert case.history.first().history_user == manager
    page = client.get(reverse("cases:cohort", args=[inspection.pk])).content.decode()
    assert "Transferred to another YOS" in unmarked(page)
    client.post(reverse("cases:cohort_case_restore", args=[inspection.pk, case.pk]))
    case.refresh_from_db()
    assert case.excluded_reason == ""


def test_a_sampled_case_cannot_be_excluded(manager, inspection):
    (case,) = make_cohort(inspection, 1, in_sample=True)
    with pytest.raises(Exception, match="Replace it in the sample first"):
        case_exclude(case=case, reason="x", by=manager)
    case_restore(case=case, by=manager)


def test_the_cohort_page_filters(client, manager, inspection):
    make_cohort(inspection, 12)
    client.force_login(manager)
    page = client.get(reverse("cases:cohort", args=[inspection.pk]), {"disposal": "custody"}).content.decode()
    assert "3 cases match the filters" in page
    assert "moj-filter-layout" in page
    page = client.get(reverse("cases:cohort", args=[inspection.pk]), {"gender": "female"}).content.decode()
    assert "NS-2015-0004" in page
    assert "NS-2015-0001<" not in page


# --- permissions and query counts ------------------------------------------------------------


@pytest.fixture
def case(inspection):
    return make_cohort(inspection, 1)[0]


PAGES = ["cases:cohort", "cases:cohort_upload", "cases:cohort_preview", "cases:cohort_case_exclude"]


def page_url(name, inspection, case):
    if name == "cases:cohort_case_exclude":
        return reverse(name, args=[inspection.pk, case.pk])
    return reverse(name, args=[inspection.pk])


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", {200, 302}), ("inspector", {200, 302}), ("officer", {403}), ("board_member", {403})],
)
def test_who_may_open_the_cohort_pages(request, client, inspection, case, name, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(page_url(name, inspection, case)).status_code in status


@pytest.mark.parametrize("name", PAGES)
def test_another_services_people_and_outsiders_get_404(client, other_service, outsider, inspection, case, name):
    colleague_elsewhere = member(other_service, Role.MANAGER)
    for person in (colleague_elsewhere, outsider):
        client.force_login(person)
        assert client.get(page_url(name, inspection, case)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_signed_out_goes_to_sign_in(client, inspection, case, name):
    response = client.get(page_url(name, inspection, case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_officer_cannot_upload_or_restore(client, officer, inspection, case):
    client.force_login(officer)
    assert post_file(client, inspection, csv_bytes(rows(1, start=5))).status_code == 403
    assert client.post(reverse("cases:cohort_case_restore", args=[inspection.pk, case.pk])).status_code == 403
    assert Case.objects.count() == 1


def test_the_cohort_page_query_count_does_not_grow_with_the_cohort(
    client, manager, service, django_assert_max_num_queries
):
    small = make_sampling_inspection(service)
    large = make_sampling_inspection(service)
    make_cohort(small, 10, case_manager=manager)
    make_cohort(large, 100, case_manager=manager)
    client.force_login(manager)
    with django_assert_max_num_queries(15) as counted:
        client.get(reverse("cases:cohort", args=[small.pk]))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(reverse("cases:cohort", args=[large.pk]))
