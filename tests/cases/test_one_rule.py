"""Each rule has one definition, and every page, export and command agrees with it:

- which assessment counts (`Assessment.objects.counting()`),
- "both markings submitted" (`cases.models.both_markings_submitted`),
- the blind-marking rule (`cases.rules.is_blind_to` / `blind_case_ids`),
- re-counting an assessment's yes / no / n-a (`Assessment.recount`).
"""

import csv
import io
import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.assessment_import import assessments_import
from cases.judgements import inspection_judgements
from cases.models import Answer, Assessment, AssessmentStatus, Case, Marking, counting_marking
from cases.oversight.agreement import moderation_lines
from cases.oversight.dashboard import dashboard, drill_down
from cases.oversight.exports import answers_table, summary_tables
from cases.oversight.moderation import case_comparison, moderation_settle
from cases.rules import blind_case_ids, is_blind_to
from cases.services import assessment_save
from inspections.models import Role
from tests.factories import AssessmentFactory, CaseFactory, FrameworkFactory, InspectionFactory, make_answers, member

pytestmark = pytest.mark.django_db

ALL = ["roh-1", "roh-2", "roh-3", "saf-1", "saf-2", "saf-3"]


def values(yes=(), na=()):
    return {code: "yes" if code in yes else "na" if code in na else "no" for code in ALL}


@pytest.fixture
def world(service):
    """Five cases: A moderated, B first marking only, C moderation in draft, D second marking in
    draft, E both markings submitted and not yet moderated."""
    inspection = InspectionFactory(service=service, status="scoring", framework=FrameworkFactory())
    first = member(service, Role.MANAGER, username="marker1")
    second = member(service, Role.MANAGER, username="marker2")
    moderator = member(service, Role.INSPECTOR, username="moderator")
    cases = {ref: CaseFactory(inspection=inspection, reference=ref, team="North team") for ref in "ABCDE"}

    def mark(ref, marking, assessor, vals, submit=True):
        assessment = AssessmentFactory(case=cases[ref], assessor=assessor, marking=marking)
        make_answers(assessment, vals)
        if not submit:
            Assessment.objects.filter(pk=assessment.pk).update(status="draft")
        return assessment

    marks = {
        "A1": mark("A", "first", first, values(yes=ALL)),
        "A2": mark("A", "second", second, values()),
        "Af": mark("A", "final", moderator, values(yes=["roh-2", "saf-1"], na=["saf-3"])),
        "B1": mark("B", "first", first, values(yes=["roh-1", "roh-2", "saf-1"])),
        "C1": mark("C", "first", first, values(na=["roh-3"])),
        "C2": mark("C", "second", second, values(yes=ALL)),
        "Cf": mark("C", "final", moderator, values(yes=ALL), submit=False),
        "D1": mark("D", "first", first, values(yes=["saf-2"])),
        "D2": mark("D", "second", second, values(yes=ALL), submit=False),
        "E1": mark("E", "first", second, values(yes=ALL, na=["roh-1"])),
        "E2": mark("E", "second", first, values(yes=["roh-3"])),
    }
    return inspection, cases, marks, (first, second, moderator)


def tallied(tally):
    return (tally.yes, tally.no, tally.na)


def expected_tallies(assessments):
    """{question code: (yes, no, na)} over the answers of `assessments`."""
    counts = Counter(
        (a.question.code, a.value) for a in Answer.objects.filter(assessment__in=assessments).select_related("question")
    )
    return {code: (counts[(code, "yes")], counts[(code, "no")], counts[(code, "na")]) for code in ALL}


def test_which_assessment_counts_is_one_rule_and_pages_exports_and_commands_agree(client, world):
    inspection, cases, marks, (first, _, _) = world
    counting = set(Assessment.objects.counting().filter(case__inspection=inspection))
    # The rule: the moderated assessment once submitted, else the first marking.
    assert counting == {marks["Af"], marks["B1"], marks["C1"], marks["D1"], marks["E1"]}
    expected = expected_tallies(counting)

    figures = dashboard(inspection)
    assert {line.question.code: tallied(line.tally) for line in figures.questions} == expected
    judged = inspection_judgements(inspection)
    assert {q.question.code: tallied(q.tally) for a in judged.areas for q in a.questions} == expected

    exported = next(t for t in summary_tables(figures) if t.name == "Questions")
    assert {row[0]: tuple(row[5:8]) for row in exported.rows} == expected

    out = io.StringIO()
    call_command("inspection_report", str(inspection.pk), "--format", "csv", stdout=out)
    areas = {row["code"]: row for row in csv.DictReader(io.StringIO(out.getvalue())) if row["kind"] == "area"}
    for code in ("roh", "saf"):
        totals = [sum(v[i] for q, v in expected.items() if q.startswith(code)) for i in range(3)]
        assert [int(areas[code][k]) for k in ("yes", "no", "na")] == totals

    lines = {line.case.reference: line.counting for line in drill_down(Case.objects.filter(inspection=inspection))}
    assert lines == {ref: next(a.pk for a in counting if a.case_id == case.pk) for ref, case in cases.items()}

    client.force_login(first)
    page = client.get(reverse("cases:judgements", args=[inspection.pk]))
    assert page.status_code == 200
    shown = {q.question.code: tallied(q.tally) for a in page.context["figures"].areas for q in a.questions}
    assert shown == expected


def test_the_counting_rule_on_statuses_read_agrees_with_the_queryset_for_every_combination(service):
    """`counting_marking` (the dashboard's, on statuses already read) picks the assessment that
    `Assessment.objects.counting()` picks, for every combination of markings and statuses."""
    inspection = InspectionFactory(service=service, status="scoring", framework=FrameworkFactory())
    assessor = member(service, Role.MANAGER, username="marker")
    choices = [None, *AssessmentStatus.values]
    expected = {}
    for first in choices:
        for second in choices:
            for final in choices:
                case = CaseFactory(inspection=inspection)
                statuses = {
                    m: s for m, s in ((Marking.FIRST, first), (Marking.SECOND, second), (Marking.FINAL, final)) if s
                }
                for marking, status in statuses.items():
                    AssessmentFactory(case=case, assessor=assessor, marking=marking, status=status)
                expected[case.pk] = counting_marking(statuses)
    counting = dict(Assessment.objects.counting().filter(case__inspection=inspection).values_list("case_id", "marking"))
    assert {case_id: counting.get(case_id) for case_id in expected} == expected
    assert set(expected.values()) == {Marking.FINAL, Marking.FIRST, None}


def test_both_markings_submitted_is_one_rule_and_moderation_progress_and_import_agree(client, world):
    inspection, cases, marks, (_, _, moderator) = world
    both = set(Case.objects.filter(inspection=inspection).both_markings_submitted())
    assert both == {cases["A"], cases["C"], cases["E"]}  # D's second marking is a draft

    assert {line.case_id for line in moderation_lines(inspection)} == {case.pk for case in both}
    assert {ref for ref, case in cases.items() if case_comparison(case).ready} == {"A", "C", "E"}
    # Ready to moderate: both submitted and no submitted moderated assessment (C's is a draft).
    assert dashboard(inspection).progress.ready_to_moderate == 2

    client.force_login(moderator)
    for ref, case in cases.items():
        url = reverse("cases:moderation_case", args=[inspection.pk, case.pk])
        assert client.get(url).status_code == (200 if case in both else 404), ref

    # The assessment import refuses a moderated marking unless both are submitted: D is refused, E not.
    header = "case_reference,marking,assessor,status,question_code,answer,note\n"
    rows = "".join(f"{{ref}},final,moderator,draft,{code},yes,\n" for code in ALL)
    refused = assessments_import(inspection=inspection, text=header + rows.format(ref="D"), by=moderator)
    assert any("both submitted" in p.reason for p in refused.problems)
    accepted = assessments_import(inspection=inspection, text=header + rows.format(ref="E"), by=moderator)
    assert not [p for p in accepted.problems if "both submitted" in p.reason]


def test_the_blind_rule_is_one_predicate_and_lists_exports_and_records_agree(client, world):
    inspection, cases, marks, (first, second, _) = world
    # D: the second marking is a draft, so both its markers are blind to the other's marking. B has
    # no second marking yet: its first marker counts as blind too, though there is nothing to hide.
    assert blind_case_ids(first, inspection) == {cases["B"].pk, cases["D"].pk}
    assert blind_case_ids(second, inspection) == {cases["D"].pk}
    for person in (first, second):
        others = [a for a in Assessment.objects.filter(case__inspection=inspection) if a.assessor_id != person.pk]
        blind = {a.case_id for a in others if is_blind_to(person, a)}
        assert blind == {cases["D"].pk}
        assert blind == blind_case_ids(person, inspection) & {a.case_id for a in others}

    client.force_login(first)
    drill = client.get(reverse("cases:dashboard_cases", args=[inspection.pk])).content.decode()
    assert ">D<" not in drill.replace(" ", "") and ">E<" in drill.replace(" ", "")
    table = answers_table(inspection, first)
    exported = {(row[0], row[8]) for row in table.rows}
    assert ("D", "Second marking") not in exported
    assert ("D", "First marking") in exported and ("E", "First marking") in exported
    assert client.get(reverse("cases:assessment", args=[marks["D2"].pk])).status_code == 403
    assert client.get(reverse("cases:assessment", args=[marks["E1"].pk])).status_code == 200
    record = client.get(reverse("cases:case_record", args=[cases["D"].pk]))
    assert record.context["assessments"] == [marks["D1"]]  # the other marking, and who made it, stay hidden
    record = client.get(reverse("cases:case_record", args=[cases["E"].pk]))
    assert set(record.context["assessments"]) == {marks["E1"], marks["E2"]}


def _stored(assessment):
    assessment.refresh_from_db()
    return (assessment.answered, assessment.yes, assessment.no, assessment.na)


def _recounted(assessment):
    fresh = Assessment.objects.get(pk=assessment.pk).recount()
    return (fresh.answered, fresh.yes, fresh.no, fresh.na)


def test_recounting_yes_no_na_is_one_method_used_by_scoring_moderation_and_import(world, service):
    inspection, cases, marks, (first, second, moderator) = world
    # Scoring page's service.
    d2 = Assessment.objects.get(pk=marks["D2"].pk)
    saved = assessment_save(
        assessment=d2,
        answers={code: ("yes" if code == "roh-1" else "na", "") for code in ALL[:4]},
        version=d2.version,
        by=second,
    )
    assert _stored(saved) == _recounted(saved) == (6, 3, 0, 3)  # four changed, two Yes kept from before
    # Moderation.
    comparison = case_comparison(cases["E"])
    decisions = {q.question.code: ("na", "Settled") for q in comparison.disagreements}
    final = moderation_settle(case=cases["E"], decisions=decisions, by=moderator)
    assert _stored(final) == _recounted(final)
    assert final.na >= len(decisions)
    # Import.
    officer = member(service, Role.OFFICER, username="importer")
    new = CaseFactory(inspection=inspection, reference="F")
    header = "case_reference,marking,assessor,status,question_code,answer,note\n"
    text = header + "".join(
        f"F,first,importer,submitted,{code},{v},{'Missing' if v == 'no' else ''}\n"
        for code, v in zip(ALL, ["yes", "no", "na", "yes", "yes", "no"], strict=True)
    )
    result = assessments_import(inspection=inspection, text=text, by=officer)
    assert not result.problems, result.problems
    imported = Assessment.objects.get(case=new, marking="first")
    assert _stored(imported) == _recounted(imported) == (6, 3, 2, 1)
    assert json.dumps(_stored(imported))  # plain numbers, shown as they are on the case list


def test_the_cases_of_each_area_agree_on_the_judgements_page_and_the_dashboard(world):
    """ "Cases with an answer other than N/A in the area": added up by the database for the judgements
    (cases/judgements.py `_live_tallies`), in Python for the dashboard (`counted.figures`). A case
    answering N/A to every question of an area is not one of its cases."""
    inspection, cases, _, (first, *_) = world
    only_na = CaseFactory(inspection=inspection, reference="F", team="North team")
    make_answers(
        AssessmentFactory(case=only_na, assessor=first, marking="first"),
        values(na=["saf-1", "saf-2", "saf-3"]),
    )
    judged = {a.area.code: a.cases for a in inspection_judgements(inspection).areas}
    assert judged == {line.area.code: line.cases for line in dashboard(inspection).areas}
    assert judged == {"roh": 6, "saf": 5}


def test_the_moderation_list_compares_what_marking_pairs_compares(world):
    """Each line's questions compared and agreed are those of `marking_pairs` (the one definition of
    what is compared), also when each marking left different questions unanswered."""
    from cases.oversight.agreement import marking_pairs

    inspection, cases, _, (first, second, _) = world
    partial = CaseFactory(inspection=inspection, reference="F", team="North team")
    make_answers(
        AssessmentFactory(case=partial, assessor=first, marking="first"),
        {"roh-1": "yes", "roh-2": "no", "saf-1": "na", "saf-2": "yes"},
    )
    make_answers(
        AssessmentFactory(case=partial, assessor=second, marking="second"),
        {"roh-2": "no", "saf-1": "yes", "saf-2": "yes", "saf-3": "no"},
    )
    pairs = marking_pairs(Case.objects.filter(inspection=inspection))
    expected = {
        case.pk: (
            sum(1 for c, *_, a, b in pairs if c == case.pk and a == b),
            sum(1 for c, *_ in pairs if c == case.pk),
        )
        for case in [*cases.values(), partial]
    }
    lines = {line.case_id: (line.agreed, line.compared) for line in moderation_lines(inspection)}
    assert lines == {pk: counts for pk, counts in expected.items() if counts[1]}
    assert lines[partial.pk] == (2, 3)  # roh-2 and saf-2 agree, saf-1 does not; four answered in each
    assert lines[cases["E"].pk] == (1, 6)


def test_hidden_first_markings_on_markings_read_agree_with_the_query_for_every_combination(service):
    """`hidden_first_markings_read` (the judgements page's, on the markings its live figures read)
    hides the cases `hidden_first_markings` hides, for every combination of markings, statuses and
    who made them, and the page leaves those cases out."""
    from collections import defaultdict

    from cases.judgements import inspection_judgements
    from cases.rules import hidden_first_markings, hidden_first_markings_read

    inspection = InspectionFactory(service=service, status="scoring", framework=FrameworkFactory())
    reader = member(service, Role.MANAGER, username="reader")
    other = member(service, Role.MANAGER, username="other")
    choices = [None, *AssessmentStatus.values]
    read, expected = defaultdict(dict), set()
    for first in choices:
        for second in choices:
            for final in (None, AssessmentStatus.SUBMITTED):
                for second_by, first_by in ((reader, other), (other, reader), (other, other)):
                    case = CaseFactory(inspection=inspection)
                    read[case.pk]  # noqa: B018 (every case, marked or not)
                    for marking, status, by in (
                        (Marking.FIRST, first, first_by),
                        (Marking.SECOND, second, second_by),
                        (Marking.FINAL, final, other),
                    ):
                        if status:
                            AssessmentFactory(case=case, assessor=by, marking=marking, status=status)
                            read[case.pk][marking] = (status, by.pk)
                    both = first == second == AssessmentStatus.SUBMITTED
                    if second and second_by == reader and not both:
                        expected.add(case.pk)
    hidden = hidden_first_markings(reader, [inspection.pk])
    assert hidden_first_markings_read(reader, read) == hidden
    assert hidden == expected  # marked second by the reader, the two markings not both submitted
    assert inspection_judgements(inspection, hidden_from=reader).left_out == hidden
    assert inspection_judgements(inspection, hidden_from=other).left_out == hidden_first_markings(
        other, [inspection.pk]
    )
