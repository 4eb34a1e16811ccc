"""The scoring page's reads built once per process (inspections.prepared): the same objects and rows
as the ORM's queries they stand for, scoped to the person's services."""

import pytest
from django.http import Http404

from cases import selectors
from cases.models import Answer, Assessment
from cases.programme import services as programme_services
from cases.programme.scope import question_scope
from inspections.models import Question, Role
from inspections.sign_in import MembershipBackend
from tests.cases.programme.helpers import MARCH, template_for
from tests.factories import AssessmentFactory, CaseFactory, FrameworkFactory, InspectionFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def signed_in(user):
    """The person as a request has them: read with their memberships (inspections.sign_in)."""
    return MembershipBackend().get_user(user.pk)


def fields(obj):
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def assert_same_assessment(read, expected):
    assert type(read) is Assessment and fields(read) == fields(expected)
    assert fields(read.case) == fields(expected.case)
    assert fields(read.case.inspection) == fields(expected.case.inspection)
    assert fields(read.assessor) == fields(expected.assessor)
    assert read._state.adding is False and read._state.db == expected._state.db


def orm_read(pk):
    return Assessment.objects.select_related("case__inspection__programme_audit", "assessor").get(pk=pk)


def test_the_assessment_is_read_with_its_case_inspection_and_assessor_as_the_orm_reads_them(
    officer, service, django_assert_num_queries
):
    assessment = AssessmentFactory(case=CaseFactory(inspection=InspectionFactory(service=service)), assessor=officer)
    person = signed_in(officer)
    with django_assert_num_queries(1):
        read = selectors.assessment_for_scoring_or_404(person, assessment.pk)
        # No query for what was read with it, nor for the programme audit it has not.
        assert question_scope(read.case.inspection) is None
        assert read.assessor.username == "olivia"
    assert_same_assessment(read, orm_read(assessment.pk))


def test_a_programme_audits_assessment_is_read_with_the_audit_that_scopes_its_questions(
    manager, officer, service, django_assert_num_queries
):
    framework = FrameworkFactory()
    chosen = list(Question.objects.filter(area__framework=framework).order_by("pk")[:2])
    template = template_for(service, manager, framework=framework, rhythm="monthly", questions=chosen)
    audit, _ = programme_services.programme_audit_create(template=template, period=MARCH, by=manager)
    assessment = AssessmentFactory(case=CaseFactory(inspection=audit.inspection), assessor=officer)
    person = signed_in(manager)
    with django_assert_num_queries(1):
        read = selectors.assessment_for_scoring_or_404(person, assessment.pk)
        scope = question_scope(read.case.inspection)
        assert read.case.inspection.programme_audit.inspection is read.case.inspection
    assert scope == {question.pk for question in chosen}
    expected = orm_read(assessment.pk)
    assert_same_assessment(read, expected)
    assert fields(read.case.inspection.programme_audit) == fields(expected.case.inspection.programme_audit)
    # The questions it is asked: only those of the audit's scope, as the ORM reads them.
    asked = [q.code for area in selectors.case_areas(read.case, scope) for q in area.asked]
    assert asked == list(
        Question.objects.filter(pk__in=scope).order_by("area__order", "area_id", "order").values_list("code", flat=True)
    )


def test_an_assessment_outside_the_persons_services_is_not_found(officer, other_service):
    elsewhere = AssessmentFactory(case=CaseFactory(inspection=InspectionFactory(service=other_service)))
    person = signed_in(officer)
    with pytest.raises(Http404):
        selectors.assessment_for_scoring_or_404(person, elsewhere.pk)
    # In two services, the other one's assessment is found.
    MembershipFactory(service=other_service, role=Role.OFFICER, user=officer)
    assert selectors.assessment_for_scoring_or_404(signed_in(officer), elsewhere.pk).pk == elsewhere.pk


def test_the_saved_answers_are_read_as_the_orm_reads_them(officer, service):
    assessment = AssessmentFactory(case=CaseFactory(inspection=InspectionFactory(service=service)), assessor=officer)
    questions = list(Question.objects.filter(area__framework=assessment.case.inspection.framework))
    Answer.objects.create(assessment=assessment, question=questions[0], value="no", note="Nothing <on> file")
    Answer.objects.create(assessment=assessment, question=questions[1], value="na")
    AssessmentFactory(case=CaseFactory(inspection=assessment.case.inspection), assessor=officer)  # none of its own
    assert selectors.answers_of(assessment) == {
        code: (value, note)
        for code, value, note in Answer.objects.filter(assessment=assessment).values_list(
            "question__code", "value", "note"
        )
    }
    assert selectors.answers_of(assessment) == {
        questions[0].code: ("no", "Nothing <on> file"),
        questions[1].code: ("na", ""),
    }
