"""No lost updates: every form people edit refuses a save over someone else's later change, says
what changed, keeps what the person typed, and saves when they submit again knowingly."""

import datetime
import re

import pytest
from django.urls import reverse

from improvement import services as improvement_services
from improvement.models import Board, ImprovementPlan, Term, Theme
from inspections import services as inspection_services
from inspections.models import Finding, Inspection, Recommendation, Role
from tests.factories import BoardFactory, InspectionFactory, PlanFactory, ThemeFactory, member

pytestmark = pytest.mark.django_db


def _version(html):
    return re.search(r'name="version" value="(\d+)"', html).group(1)


@pytest.fixture
def colleague(service):
    return member(service, Role.MANAGER, username="cora", first_name="Cora", last_name="Jones")


def _plan(service):
    return PlanFactory(inspection__service=service)


def _inspection_data(inspection):
    return {"title": "My careful title", "kind": inspection.kind, "framework": inspection.framework_id}


CASES = {
    "plan": (
        _plan,
        "improvement:plan_edit",
        lambda plan: {"reinspection_due_0": "1", "reinspection_due_1": "7", "reinspection_due_2": "2027"},
        lambda plan, by: improvement_services.plan_update(plan=plan, by=by, reinspection_due=datetime.date(2027, 2, 1)),
        lambda plan: ImprovementPlan.objects.get(pk=plan.pk).reinspection_due,
        datetime.date(2027, 2, 1),
        "1",
    ),
    "theme": (
        lambda service: ThemeFactory(plan=_plan(service)),
        "improvement:theme_edit",
        lambda theme: {"title": "My careful title", "order": "3"},
        lambda theme, by: improvement_services.theme_update(theme=theme, by=by, title="Their title", order=0),
        lambda theme: Theme.objects.get(pk=theme.pk).title,
        "Their title",
        "My careful title",
    ),
    "board": (
        lambda service: BoardFactory(service=service),
        "improvement:board_edit",
        lambda board: {"name": "My careful title"},
        lambda board, by: improvement_services.board_update(board=board, by=by, name="Their title", members=[]),
        lambda board: Board.objects.get(pk=board.pk).name,
        "Their title",
        "My careful title",
    ),
    "term": (
        lambda service: Term.objects.create(service=service, term="QAF", meaning="", definition="Theirs before"),
        "improvement:term_edit",
        lambda term: {"term": "QAF", "meaning": "", "definition": "My careful title"},
        lambda term, by: improvement_services.term_update(
            entry=term, by=by, term="QAF", meaning="", definition="Their title"
        ),
        lambda term: Term.objects.get(pk=term.pk).definition,
        "Their title",
        "My careful title",
    ),
    "inspection": (
        lambda service: InspectionFactory(service=service),
        "inspections:inspection_edit",
        _inspection_data,
        lambda inspection, by: inspection_services.inspection_update(
            inspection=inspection, changed_by=by, title="Their title"
        ),
        lambda inspection: Inspection.objects.get(pk=inspection.pk).title,
        "Their title",
        "My careful title",
    ),
    "finding": (
        lambda service: Finding.objects.create(inspection=InspectionFactory(service=service), text="Before"),
        "inspections:finding_edit",
        lambda item: {"text": "My careful title", "area": "", "order": "1"},
        lambda item, by: inspection_services.report_item_save(item=item, by=by, text="Their title"),
        lambda item: Finding.objects.get(pk=item.pk).text,
        "Their title",
        "My careful title",
    ),
    "recommendation": (
        lambda service: Recommendation.objects.create(inspection=InspectionFactory(service=service), text="Before"),
        "inspections:recommendation_edit",
        lambda item: {"text": "My careful title", "area": "", "order": "1"},
        lambda item, by: inspection_services.report_item_save(item=item, by=by, text="Their title"),
        lambda item: Recommendation.objects.get(pk=item.pk).text,
        "Their title",
        "My careful title",
    ),
}


def _url(name, obj):
    if name.startswith("inspections:") and name != "inspections:inspection_edit":
        return reverse(name, kwargs={"pk": obj.inspection_id, "item_pk": obj.pk})
    return reverse(name, args=[obj.pk])


@pytest.mark.parametrize("what", list(CASES))
def test_a_stale_save_is_refused_says_what_changed_and_keeps_the_input(client, service, manager, colleague, what):
    make, url_name, typed, theirs, saved, their_value, mine_shown = CASES[what]
    if what == "inspection":
        manager = member(service, Role.INSPECTOR, username="ines")
    obj = make(service)
    url = _url(url_name, obj)
    client.force_login(manager)
    page = client.get(url)
    assert page.status_code == 200
    data = {**typed(obj), "version": _version(page.content.decode())}

    theirs(type(obj).objects.get(pk=obj.pk), colleague)  # someone else saves first

    refused = client.post(url, data)
    html = refused.content.decode()
    assert refused.status_code == 200, html
    assert f"Someone else changed this {what} while you were editing it" in html
    if hasattr(type(obj), "history"):  # who did it, from the record of changes
        assert f"Someone else changed this {what} while you were editing it (Cora Jones" in html
    assert "What changed:" in html
    assert mine_shown in html  # what they typed is still on the page
    assert saved(obj) == their_value  # nothing of theirs was overwritten

    data["version"] = _version(html)  # submitting again, knowingly, replaces the other change
    assert client.post(url, data).status_code == 302
    assert saved(obj) != their_value


# --- records kept without a version column: the page carries a fingerprint of what it read ----


def _refused(response, what):
    html = response.content.decode()
    assert response.status_code == 400, html
    assert f"Someone else changed this {what} while you were editing it (Cora Jones" in html
    assert "What changed:" in html
    return html


def test_safeguarding_roles_refuse_a_stale_save_and_keep_the_choice(client, service, manager, colleague, officer):
    from cases.safeguarding import services as safeguarding_services
    from inspections.models import Membership

    other = member(service, Role.OFFICER, username="olga", first_name="Olga", last_name="Price")
    url = reverse("cases:safeguarding_roles")
    client.force_login(manager)
    data = {"leads": [officer.pk], "heads": [manager.pk], "version": _version(client.get(url).content.decode())}

    safeguarding_services.safeguarding_roles_set(service=service, by=colleague, leads=[other], heads=[colleague])

    html = _refused(client.post(url, data), "set of safeguarding roles")
    assert "Safeguarding leads is now olga" in html
    assert re.search(rf'value="{officer.pk}"[^>]*checked', html)  # their choice is still ticked
    assert Membership.objects.get(user=other).safeguarding_lead  # the colleague's change stands
    assert not Membership.objects.get(user=officer).safeguarding_lead

    data["version"] = _version(html)
    assert client.post(url, data).status_code == 302
    assert Membership.objects.get(user=officer).safeguarding_lead
    assert not Membership.objects.get(user=other).safeguarding_lead


def test_feedback_refuses_a_stale_save_and_keeps_what_was_typed(client, service, manager, colleague, officer):
    from cases.feedback import services as feedback_services
    from cases.models import Feedback
    from tests.cases.feedback.helpers import final_case

    case = final_case(service, case_holder=officer, assessor=member(service, Role.OFFICER, username="ada"))
    url = reverse("cases:feedback_write", args=[case.pk])
    client.force_login(manager)
    data = {"done_well": "My careful words", "to_improve": "", "version": _version(client.get(url).content.decode())}

    feedback_services.feedback_give(case=case, by=colleague, done_well="Their words", to_improve="", areas={})

    html = _refused(client.post(url, data), "feedback")
    assert "What was done well is now Their words" in html and "My careful words" in html
    assert Feedback.objects.get(case=case).done_well == "Their words"

    data["version"] = _version(html)
    assert client.post(url, data).status_code == 302
    assert Feedback.objects.get(case=case).done_well == "My careful words"


def test_the_case_holder_link_refuses_a_stale_save(client, service, manager, colleague, officer):
    from cases.feedback import services as feedback_services
    from cases.models import Case
    from tests.factories import CaseFactory

    case = CaseFactory(inspection=InspectionFactory(service=service))
    other = member(service, Role.OFFICER, username="olga")
    url = reverse("cases:case_holder_link", args=[case.pk])
    client.force_login(manager)
    data = {"case_holder": officer.pk, "version": _version(client.get(url).content.decode())}

    feedback_services.case_holder_link(case=case, case_holder=other, by=colleague)

    html = _refused(client.post(url, data), "case holder")
    assert "Case holder is now olga" in html
    assert Case.objects.get(pk=case.pk).case_manager == other

    data["version"] = _version(html)
    assert client.post(url, data).status_code == 302
    assert Case.objects.get(pk=case.pk).case_manager == officer
