"""A case whose counting assessment is final, with some No answers, for the feedback and concern tests."""

from cases.models import Answer, Assessment
from tests.factories import AssessmentFactory, CaseFactory, FrameworkFactory, InspectionFactory


def final_case(service, *, case_holder, assessor, framework=None, team="North team", second=None, **case_fields):
    """A case held by `case_holder`, its first marking by `assessor` submitted: roh-1 and saf-2 No (with
    notes), the rest Yes. With `second`, a second marking is assigned (not submitted): not final."""
    framework = framework or FrameworkFactory()
    inspection = case_fields.pop("inspection", None) or InspectionFactory(service=service, framework=framework)
    case = CaseFactory(inspection=inspection, case_manager=case_holder, team=team, **case_fields)
    first = AssessmentFactory(case=case, assessor=assessor, status="submitted")
    for question in inspection.framework.questions.all():
        no = question.code in ("roh-1", "saf-2")
        Answer.objects.create(
            assessment=first,
            question=question,
            value="no" if no else "yes",
            note=f"Not evident for {question.code}" if no else "",
        )
    Assessment.objects.filter(pk=first.pk).update(answered=6, yes=4, no=2)
    if second is not None:
        AssessmentFactory(case=case, assessor=second, marking="second")
    return case
