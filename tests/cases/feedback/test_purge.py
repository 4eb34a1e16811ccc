"""purge_expired removes feedback, case actions, re-audits and safeguarding concerns with the case data,
and their records (the retention choice in docs/security.md)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.feedback import services
from cases.models import CaseAction, Feedback, ReAudit, SafeguardingConcern
from cases.safeguarding.services import concern_raise
from inspections.models import Role
from tests.factories import member

from .helpers import final_case

pytestmark = pytest.mark.django_db


def test_purge_removes_feedback_and_concerns_of_an_expired_inspection(service, officer, manager):
    assessor = member(service, Role.OFFICER, username="ada")
    case = final_case(service, case_holder=officer, assessor=assessor)
    feedback = services.feedback_give(case=case, by=manager, done_well="Good", to_improve="", areas={})
    services.case_action_add(feedback=feedback, by=manager, text="Fix", due_on=dt.date(2026, 1, 1))
    services.re_audit_mark(case=case, by=manager, assessor=manager)
    concern_raise(assessment=case.assessments.get(), by=assessor, found="F", why_now="W", recommended="R")
    kept = final_case(service, case_holder=officer, assessor=assessor, reference="KEPT1")
    services.feedback_give(case=kept, by=manager, done_well="Kept", to_improve="", areas={})

    inspection = case.inspection
    inspection.status = "closed"
    inspection.closed_at = timezone.now() - dt.timedelta(days=7 * 365)
    inspection.save()
    call_command("purge_expired", "--apply")

    assert list(Feedback.objects.values_list("case__reference", flat=True)) == ["KEPT1"]
    assert not CaseAction.objects.exists() and not ReAudit.objects.exists()
    assert not SafeguardingConcern.objects.exists()
    assert not SafeguardingConcern.history.exists()
    assert not CaseAction.history.exists() and not ReAudit.history.exists()
    assert list(Feedback.history.values_list("case_id", flat=True)) == [kept.pk]
