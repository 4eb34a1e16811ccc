"""The 2018-style framework as HMIP runs it: domain 1 judged once on the inspection from evidence,
cases asked only the per-case standards, and the overall rating (points out of 36 and its band) on
the judgements page, in `inspection_report` and in the exports."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.models import Answer, Assessment
from inspections.models import Framework, Judgement, Role
from tests.factories import AssessmentFactory, CaseFactory, InspectionFactory, member

pytestmark = pytest.mark.django_db

FRAMEWORK_FILE = Path(__file__).resolve().parents[2] / "frameworks" / "hmip-2018.yaml"


@pytest.fixture
def framework():
    call_command("load_framework", str(FRAMEWORK_FILE))
    return Framework.objects.get(code="hmip2018")


@pytest.fixture
def inspection(service, framework):
    return InspectionFactory(service=service, framework=framework, status="moderation", title="Inspection 2019")


def test_domain_1_is_judged_once_and_cases_are_not_asked_its_questions(client, inspection, officer, manager):
    assert set(inspection.framework.areas.filter(judged_once=True).values_list("code", flat=True)) == {
        "s1-1",
        "s1-2",
        "s1-3",
        "s1-4",
    }
    assessment = AssessmentFactory(case=CaseFactory(inspection=inspection), assessor=officer, status="draft")
    client.force_login(officer)
    page = client.get(reverse("cases:assessment", args=[assessment.pk])).content.decode()
    assert 'name="q-s2-1-a1"' in page
    assert 'name="q-s1-1-o1"' not in page and "Governance and leadership" not in page
    # Answering every per-case question submits: domain 1 is not asked, so nothing is missing.
    per_case = inspection.framework.questions.filter(area__judged_once=False)
    data = {"version": assessment.version, "action": "submit", **{f"q-{q.code}": "yes" for q in per_case}}
    assert client.post(reverse("cases:assessment", args=[assessment.pk]), data).status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"


def test_a_judged_once_area_needs_evidence_and_counts_in_the_overall_rating(client, inspection, manager, capsys):
    per_case = list(inspection.framework.questions.filter(area__judged_once=False).select_related("area"))
    for disposal in ["community", "out_of_court"]:  # each answers only the standards that apply to it
        case = CaseFactory(inspection=inspection, disposal=disposal)
        assessment = AssessmentFactory(case=case, status="submitted")
        Answer.objects.bulk_create(
            Answer(assessment=assessment, question=q, value="yes") for q in per_case if q.applies_to_case(case)
        )
    client.force_login(manager)
    url = reverse("cases:judgements", args=[inspection.pk])
    page = client.get(url).content.decode()
    assert "Judged once for the inspection from evidence" in page and "not judged yet" in page
    assert "every area needs a rating first" in page  # no overall until domain 1 is judged

    s11 = inspection.framework.areas.get(code="s1-1")
    refused = client.post(url, {"area": s11.pk, "band_label": "Good", "reason": "", "version": "0"})
    assert refused.status_code == 400 and "Give the evidence the judgement rests on" in refused.content.decode()
    assert not Judgement.objects.filter(area=s11).exclude(judged_band_label="").exists()

    for area in inspection.framework.areas.filter(judged_once=True):
        response = client.post(
            url, {"area": area.pk, "band_label": "Good", "reason": f"Board minutes for {area.code}", "version": "0"}
        )
        assert response.status_code == 302
    judged = Judgement.objects.get(area=s11)
    assert (judged.judged_band_label, judged.evidence_note, judged.judged_by) == (
        "Good",
        "Board minutes for s1-1",
        manager,
    )

    # 4 standards Good (2 points each) + 8 standards at 100% Outstanding (3 each) = 32: Outstanding.
    page = client.get(url).content.decode()
    assert "32 points out of 36: <strong>Outstanding</strong>" in page
    assert "Evidence: Board minutes for s1-1" in page

    call_command("inspection_report", inspection.pk, "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert report["overall"] == {"points": 32, "max_points": 36, "band": "Outstanding"}
    s11_line = next(a for a in report["areas"] if a["code"] == "s1-1")
    assert (s11_line["judged"], s11_line["band"], s11_line["evidence"]) == ("once", "Good", "Board minutes for s1-1")
    call_command("inspection_report", inspection.pk, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {"kind": "overall", "score": "32", "band": "Outstanding"}.items() <= rows[-1].items()

    export = client.get(reverse("cases:inspection_export", args=[inspection.pk, "areas", "csv"]))
    lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert ["Overall rating", "32 points out of 36", "Outstanding", "", "", "", ""] in lines


def test_only_the_lead_inspector_or_a_manager_judges_from_evidence(client, inspection, service):
    s11 = inspection.framework.areas.get(code="s1-1")
    url = reverse("cases:judgements", args=[inspection.pk])
    client.force_login(member(service, Role.BOARD_MEMBER, username="bea"))
    assert client.post(url, {"area": s11.pk, "band_label": "Good", "reason": "x", "version": "0"}).status_code == 403
    assert not Judgement.objects.filter(area=s11).exists()


@pytest.mark.parametrize(
    "disposal,asked,not_asked",
    [("community", "s2-1-a1", "s3-1-a1"), ("custody", "s2-1-a1", "s3-1-a1"), ("out_of_court", "s3-1-a1", "s2-1-a1")],
)
def test_court_and_out_of_court_cases_are_asked_only_their_questions(
    client, inspection, officer, disposal, asked, not_asked
):
    case = CaseFactory(inspection=inspection, disposal=disposal)
    assessment = AssessmentFactory(case=case, assessor=officer, status="draft")
    client.force_login(officer)
    url = reverse("cases:assessment", args=[assessment.pk])
    page = client.get(url).content.decode()
    assert f'name="q-{asked}"' in page and f'name="q-{not_asked}"' not in page
    # Submitting needs every question that applies, and only those.
    applying = [q for q in inspection.framework.questions.select_related("area") if not q.area.judged_once]
    applying = [q for q in applying if q.applies_to_case(case)]
    data = {"version": assessment.version, "action": "submit", **{f"q-{q.code}": "yes" for q in applying[1:]}}
    refused = client.post(url, data)
    refused_page = refused.content.decode()
    assert refused.status_code == 200 and f"#q-{applying[0].code}-yes" in refused_page
    assert f"#q-{not_asked}-yes" not in refused_page
    data[f"q-{applying[0].code}"] = "yes"
    assert client.post(url, {**data, "version": Assessment.objects.get(pk=assessment.pk).version}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    assert not assessment.answers.filter(question__code=not_asked).exists()


def test_import_refuses_a_question_that_does_not_apply_to_the_case(tmp_path, inspection, officer, capsys):
    CaseFactory(inspection=inspection, reference="OOC-1", disposal="out_of_court")
    path = tmp_path / "answers.csv"
    path.write_text("case_reference,assessor,marking,question_code,answer,note\nOOC-1,olivia,first,s2-1-a1,yes,\n")
    with pytest.raises(CommandError):
        call_command("import_assessments", inspection.pk, str(path))
    assert "row 2, column question_code: s2-1-a1 does not apply to case OOC-1" in capsys.readouterr().err


# --- questions only for some cases: looked after, risk of serious harm high ------------------

ONLY_SOME = {"s2-1-a5": {"looked_after": True}, "s2-2-p4": {"rosh": "high"}, "s2-4-r4": {"rosh": "very_high"}}


def test_the_shipped_file_asks_some_questions_only_where_the_case_is_looked_after_or_rosh_is_high(framework):
    rules = {q.code: q.applies_to for q in framework.questions.exclude(applies_to={})}
    assert rules["s2-1-a5"] == {"looked_after": True} and rules["s3-1-a4"] == {"looked_after": True}
    assert rules["s2-2-p4"] == {"rosh": ["high", "very_high"]} == rules["s2-4-r4"]
    assert not framework.questions.filter(code__in=list(rules), key=True).exists()  # HMIP's key questions stay


@pytest.mark.parametrize(
    "facts,asked,not_asked",
    [
        ({"looked_after": True, "rosh": "low"}, ["s2-1-a5", "s2-3-d4"], ["s2-2-p4", "s2-4-r4"]),
        ({"looked_after": False, "rosh": "high"}, ["s2-2-p4", "s2-4-r4"], ["s2-1-a5", "s2-3-d4"]),
        ({"looked_after": False, "rosh": "medium"}, [], ["s2-1-a5", "s2-3-d4", "s2-2-p4", "s2-4-r4"]),
    ],
)
def test_a_court_case_is_asked_the_looked_after_and_high_risk_questions_only_when_they_apply(
    client, inspection, officer, facts, asked, not_asked
):
    case = CaseFactory(inspection=inspection, disposal="community", **facts)
    assessment = AssessmentFactory(case=case, assessor=officer, status="draft")
    client.force_login(officer)
    url = reverse("cases:assessment", args=[assessment.pk])
    page = client.get(url).content.decode()
    assert all(f'name="q-{code}"' in page for code in asked)
    assert not any(f'name="q-{code}"' in page for code in not_asked)
    # The submission check wants the ones asked and nothing else.
    court = inspection.framework.questions.filter(area__code__startswith="s2-")
    data = {"version": assessment.version, "action": "submit"}
    data.update({f"q-{q.code}": "yes" for q in court if q.code not in ONLY_SOME and q.code != "s2-3-d4"})
    if asked:
        refused = client.post(url, data).content.decode()
        assert all(f"#q-{code}-yes" in refused for code in asked)
        assert not any(f"#q-{code}-yes" in refused for code in not_asked)
        data.update({f"q-{code}": "no" for code in asked})
        data.update({f"note-{code}": "Not on the file" for code in asked})
        data["version"] = Assessment.objects.get(pk=assessment.pk).version
    assert client.post(url, data).status_code == 302
    assert set(
        assessment.answers.filter(question__code__in=[*asked, *not_asked]).values_list("question__code", flat=True)
    ) == set(asked)


def test_a_question_for_looked_after_children_counts_only_their_cases_on_the_dashboard(client, inspection, manager):
    from cases.oversight.dashboard import dashboard

    questions = {q.code: q for q in inspection.framework.questions.filter(area__judged_once=False)}
    for n, looked_after in enumerate([True, False, False, True, False, False]):
        case = CaseFactory(inspection=inspection, disposal="community", looked_after=looked_after, rosh="low")
        assessment = AssessmentFactory(case=case, status="submitted")
        Answer.objects.bulk_create(
            Answer(assessment=assessment, question=q, value="no" if code == "s2-1-a5" and n == 0 else "yes")
            for code, q in questions.items()
            if q.applies_to_case(case)
        )
    lines = {line.question.code: line for line in dashboard(inspection).questions}
    assert (lines["s2-1-a5"].tally.yes, lines["s2-1-a5"].tally.no) == (1, 1)
    assert lines["s2-1-a5"].suppressed and lines["s2-1-a5"].score is None  # 2 children: not shown
    assert lines["s2-1-a1"].tally.yes == 6  # every court case
    assert lines["s2-2-p4"].score is None  # no case with a high risk of serious harm: not rated, never 0%


# --- questions asked of few cases ----------------------------------------------------------------


def _three_looked_after_children(inspection):
    """8 court cases answering Yes throughout; the 3 looked-after children answer No to s2-1-a5 (the
    only cases asked it)."""
    questions = {q.code: q for q in inspection.framework.questions.filter(area__judged_once=False)}
    for n in range(8):
        case = CaseFactory(inspection=inspection, disposal="community", looked_after=n < 3, rosh="low")
        assessment = AssessmentFactory(case=case, status="submitted")
        Answer.objects.bulk_create(
            Answer(assessment=assessment, question=q, value="no" if code == "s2-1-a5" else "yes")
            for code, q in questions.items()
            if q.applies_to_case(case)
        )


def _export(client, inspection, kind, fmt):
    response = client.get(reverse("cases:inspection_export", args=[inspection.pk, kind, fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    return [
        list(row)
        for row in book[{"questions": "Questions", "areas": "Areas", "stages": "Area by stage"}[kind]].iter_rows(
            values_only=True
        )
    ]


def test_the_dashboard_does_not_show_the_answers_of_a_question_asked_of_fewer_than_5_children(
    client, inspection, manager
):
    _three_looked_after_children(inspection)
    client.force_login(manager)
    page = client.get(reverse("cases:inspection_dashboard", args=[inspection.pk])).content.decode()
    # Its 0% would lead the weakest questions, with its 3 No answers and a link to those children.
    assert "s2-1-a5" not in page
    weakest = page.split('id="weakest"')[1].split("</table>")[0]
    assert weakest.count("100%") == 5  # the weakest are the other questions, all at 100%
    # The area-by-stage cell holding it would be its score less the other questions' shown counts.
    matrix = page.split('id="area-stage"')[1].split("</table>")[0]
    assert "hidden" in matrix


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_do_not_show_a_question_asked_of_fewer_than_5_children_nor_its_area_counts(
    client, inspection, manager, fmt
):
    _three_looked_after_children(inspection)
    client.force_login(manager)
    questions = {row[0]: row for row in _export(client, inspection, "questions", fmt)[1:]}
    assert questions["s2-1-a5"][4:] in (["fewer than 5", "", "", ""], ["fewer than 5", None, None, None])
    assert [str(cell) for cell in questions["s2-1-a1"][4:]] == ["100", "8", "0", "0"]  # asked of every child
    # The area's Yes / No / N/A less its other questions' shown counts would be s2-1-a5's own.
    area_name = inspection.framework.areas.get(code="s2-1").name
    areas = {row[0]: row for row in _export(client, inspection, "areas", fmt)[1:]}
    assert [cell or "" for cell in areas[area_name][4:]] == ["", "", ""]
    assert str(areas[area_name][3]) == "8"  # the area's score, band and cases stay
    stages = {row[0]: row for row in _export(client, inspection, "stages", fmt)[1:]}
    assert "hidden" in stages[area_name]


def test_the_judgements_page_shows_few_childrens_answers_only_to_those_rating_the_inspection(
    client, inspection, manager, inspector
):
    _three_looked_after_children(inspection)
    url = reverse("cases:judgements", args=[inspection.pk])
    client.force_login(manager)  # rates the inspection: needs every count to judge
    page = client.get(url).content.decode()
    assert "Asked of fewer than 5 cases" not in page
    row = page.split("s2-1-a5.")[1].split("</tr>")[0]
    assert ">0%<" in row and ">3<" in row
    client.force_login(inspector)  # reads the page, does not rate
    page = client.get(url).content.decode()
    row = page.split("s2-1-a5.")[1].split("</tr>")[0]
    assert "Asked of fewer than 5 cases" in row and ">3<" not in row and "0%" not in row
    area_row = page.split('id="area-judgements"')[1].split("</table>")[0]
    assert "hidden" in area_row
    other = page.split("s2-1-a1.")[1].split("</tr>")[0]
    assert ">8<" in other  # a question asked of every child keeps its counts


def test_a_board_member_reads_the_published_judgements_without_few_childrens_answers(
    client, inspection, manager, board_member
):
    from cases.services import inspection_publish

    _three_looked_after_children(inspection)
    inspection_publish(inspection=inspection, by=manager)
    client.force_login(board_member)
    page = client.get(reverse("cases:judgements", args=[inspection.pk])).content.decode()
    row = page.split("s2-1-a5.")[1].split("</tr>")[0]
    assert "Asked of fewer than 5 cases" in row and ">3<" not in row
    assert "hidden" in page.split('id="area-judgements"')[1].split("</table>")[0]
