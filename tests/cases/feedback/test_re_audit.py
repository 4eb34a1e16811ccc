"""Re-audit: a manager marks a case, the re-auditor answers the questions answered No again, the case
page shows before and after, the figures count No -> Yes (issue 14)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.feedback import services
from cases.models import ReAudit
from inspections.models import Role
from tests.factories import member

from .helpers import final_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessor(service):
    return member(service, Role.OFFICER, username="ada")


@pytest.fixture
def case(service, officer, assessor):
    return final_case(service, case_holder=officer, assessor=assessor)


def test_a_manager_marks_a_case_and_it_is_assigned_to_the_re_auditor(client, case, manager, assessor):
    client.force_login(manager)
    response = client.post(reverse("cases:re_audit_mark", args=[case.pk]), {"assessor": assessor.pk})
    assert response.status_code == 302
    re_audit = ReAudit.objects.get(case=case)
    assert sorted(re_audit.answers.values_list("question__code", flat=True)) == ["roh-1", "saf-2"]
    client.force_login(assessor)
    home = client.get(reverse("home")).content.decode()
    # Listed as the re-auditor's to do: the case, its inspection and the re-audit's state.
    assert (
        f'<li><a class="govuk-link" href="{reverse("cases:re_audit", args=[re_audit.pk])}">Case {case.reference}</a> '
        f"({case.inspection.title}): not started</li>"
    ) in home


def test_the_case_holder_cannot_re_audit_their_own_case(case, manager, officer):
    with pytest.raises(ValidationError):
        services.re_audit_mark(case=case, by=manager, assessor=officer)
    assert not ReAudit.objects.exists()


def test_only_a_final_case_can_be_re_audited(service, officer, assessor, manager):
    second = member(service, Role.OFFICER, username="second")
    case = final_case(service, case_holder=officer, assessor=assessor, second=second)
    with pytest.raises(ValidationError, match="final"):
        services.re_audit_mark(case=case, by=manager, assessor=second)


def test_the_re_audit_is_submitted_and_the_case_page_shows_before_and_after(client, case, manager, assessor):
    re_audit = services.re_audit_mark(case=case, by=manager, assessor=assessor)
    roh, saf = (row.question_id for row in re_audit.answers.order_by("question__code"))
    client.force_login(assessor)
    url = reverse("cases:re_audit", args=[re_audit.pk])
    refused = client.post(url, {f"q{roh}": "yes", "action": "submit"})
    assert refused.status_code == 400 and "Answer every question" in refused.content.decode()
    re_audit.refresh_from_db()
    assert re_audit.status == "not_started"  # nothing half-saved
    assert (
        client.post(url, {f"q{roh}": "yes", f"n{roh}": "Reviewed", f"q{saf}": "no", "action": "submit"}).status_code
        == 302
    )
    re_audit.refresh_from_db()
    assert re_audit.status == "submitted"

    client.force_login(manager)
    page = client.get(reverse("cases:case_feedback", args=[case.pk]))
    table = page.content.decode().split('id="before-and-after"')[1]
    assert (
        "Reviewed" in table and table.count(">No<") == 3 and table.count(">Yes") == 1
    )  # before: No, No; after: Yes, No
    figures = client.get(reverse("cases:feedback_figures", args=[case.inspection.pk])).context["figures"]
    assert (figures.re_audited_answers, figures.moved_no_to_yes) == (2, 1)


def test_only_the_re_auditor_records_answers(client, case, manager, assessor):
    re_audit = services.re_audit_mark(case=case, by=manager, assessor=assessor)
    client.force_login(manager)
    assert client.get(reverse("cases:re_audit", args=[re_audit.pk])).status_code == 200
    assert client.post(reverse("cases:re_audit", args=[re_audit.pk]), {"action": "submit"}).status_code == 403


def test_a_stale_re_audit_save_is_refused_and_keeps_the_choices(client, case, manager, assessor):
    import re

    re_audit = services.re_audit_mark(case=case, by=manager, assessor=assessor)
    roh, saf = (row.question_id for row in re_audit.answers.order_by("question__code"))
    client.force_login(assessor)
    url = reverse("cases:re_audit", args=[re_audit.pk])
    version = re.search(r'name="version" value="(\d+)"', client.get(url).content.decode()).group(1)
    # Another tab saves a draft first.
    services.re_audit_save(re_audit=re_audit, by=assessor, answers={roh: ("no", "Other tab")}, submit=False)

    data = {f"q{roh}": "yes", f"n{roh}": "Reviewed in this tab", "action": "save", "version": version}
    refused = client.post(url, data)
    html = refused.content.decode()
    assert refused.status_code == 400 and "This re-audit changed while you were editing it" in html
    assert "Reviewed in this tab" in html and f'id="q{roh}-yes" name="q{roh}" type="radio" value="yes" checked' in html
    assert re_audit.answers.get(question_id=roh).note == "Other tab"  # the other save stands

    data["version"] = re.search(r'name="version" value="(\d+)"', html).group(1)
    assert client.post(url, data).status_code == 302
    assert re_audit.answers.get(question_id=roh).note == "Reviewed in this tab"
