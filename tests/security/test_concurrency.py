"""Two people saving the same thing at once: one wins, the other is told; no update is lost silently.

The PostgreSQL tests use two real connections (one per thread) with overlapping transactions: the
second save starts while the first one's transaction is still open, waits for it on the row lock,
and must then be refused.
"""

import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from cases.models import Answer, Assessment
from cases.services import StaleAssessment, assessment_save
from improvement.models import Action
from improvement.services import StaleAction, action_update
from inspections.models import Role
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    CaseFactory,
    InspectionFactory,
    PlanFactory,
    ThemeFactory,
    member,
)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (row locks across two connections): set DATABASE_URL to a PostgreSQL database",
)


def race(first, second, hold=0.5):
    """Run `first` in a transaction held open `hold` seconds; start `second` once `first` has written.

    Each runs in its own thread, so on its own database connection. Returns {name: result or exception}
    and how long `second` took.
    """
    written = threading.Event()
    outcome = {}
    timing = {}

    def run_first():
        try:
            with transaction.atomic():
                outcome["first"] = first()
                written.set()
                time.sleep(hold)  # still uncommitted while the second save starts
        except Exception as error:
            outcome["first"] = error
            written.set()
        finally:
            connection.close()

    def run_second():
        written.wait(10)
        started = time.monotonic()
        try:
            outcome["second"] = second()
        except Exception as error:
            outcome["second"] = error
        finally:
            timing["second"] = time.monotonic() - started
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcome, timing


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_the_same_assessment_one_wins_and_the_other_is_told(service):
    inspection = InspectionFactory(service=service)
    assessor = member(service, Role.OFFICER, username="assessor-a")
    assessment = AssessmentFactory(case=CaseFactory(inspection=inspection), assessor=assessor)
    question_codes = list(inspection.framework.questions.values_list("code", flat=True))
    read_version = assessment.version

    def save(value):
        def run():
            mine = Assessment.objects.select_related("case__inspection").get(pk=assessment.pk)
            return assessment_save(
                assessment=mine,
                answers={code: (value, f"{value} from this tab") for code in question_codes},
                version=read_version,
                by=assessor,
            )

        return run

    outcome, timing = race(save("yes"), save("no"))

    assert isinstance(outcome["first"], Assessment)
    assert isinstance(outcome["second"], StaleAssessment), outcome["second"]
    assert timing["second"] >= 0.3  # it really waited for the first transaction
    assessment.refresh_from_db()
    assert assessment.version == read_version + 1
    assert set(Answer.objects.filter(assessment=assessment).values_list("value", flat=True)) == {"yes"}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_the_same_action_one_wins_and_the_other_is_told(service):
    manager = member(service, Role.MANAGER, username="manager-a")
    plan = PlanFactory(inspection__service=service)
    action = ActionFactory(theme=ThemeFactory(plan=plan), title="Original title")
    read_version = action.version

    def save(title):
        def run():
            mine = Action.objects.select_related("plan__inspection").get(pk=action.pk)
            return action_update(action=mine, by=manager, version=read_version, title=title)

        return run

    outcome, timing = race(save("First person's title"), save("Second person's title"))

    assert isinstance(outcome["first"], Action)
    assert isinstance(outcome["second"], StaleAction), outcome["second"]
    assert timing["second"] >= 0.3
    action.refresh_from_db()
    assert action.title == "First person's title"
    assert action.version == read_version + 1
    assert action.history.count() == 2  # created, then the one change: nothing written by the loser


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_connections_moderating_the_same_case_one_wins_and_the_other_is_told(service):
    from cases.oversight.moderation import moderation_settle
    from tests.factories import make_answers as answer

    inspection = InspectionFactory(service=service, status="moderation")
    first_marker = member(service, Role.OFFICER, username="first-m")
    second_marker = member(service, Role.OFFICER, username="second-m")
    moderators = [member(service, Role.MANAGER, username=f"moderator-{n}") for n in (1, 2)]
    case = CaseFactory(inspection=inspection)
    answer(AssessmentFactory(case=case, assessor=first_marker, marking="first"), {"roh-1": "yes"})
    answer(AssessmentFactory(case=case, assessor=second_marker, marking="second"), {"roh-1": "no"})

    def settle(moderator, value):
        def run():
            return moderation_settle(
                case=case, decisions={"roh-1": (value, f"{value} by {moderator}")}, by=moderator, version=0
            )

        return run

    outcome, timing = race(settle(moderators[0], "yes"), settle(moderators[1], "no"))

    assert isinstance(outcome["first"], Assessment), outcome["first"]
    assert isinstance(outcome["second"], StaleAssessment), outcome["second"]
    assert timing["second"] >= 0.3
    final = Assessment.objects.get(case=case, marking="final")
    assert final.assessor == moderators[0]
    assert final.answers.get(question__code="roh-1").value == "yes"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_connections_overriding_the_same_band_one_wins_and_the_other_is_told(service):
    from inspections.concurrency import StaleEdit
    from inspections.models import Judgement
    from inspections.services import judgement_override

    inspection = InspectionFactory(service=service, status="moderation")
    area = inspection.framework.areas.get(code="roh")
    people = [member(service, Role.MANAGER, username=f"overrider-{n}") for n in (1, 2)]
    Judgement.objects.create(inspection=inspection, area=area)

    def override(person, band):
        def run():
            return judgement_override(
                inspection=inspection, area=area, band_label=band, reason=f"{band} for me", by=person, version=0
            )

        return run

    outcome, timing = race(
        override(people[0], "Moderate improvement required"), override(people[1], "Drastic improvement required")
    )

    assert isinstance(outcome["first"], Judgement), outcome["first"]
    assert isinstance(outcome["second"], StaleEdit), outcome["second"]
    assert timing["second"] >= 0.3
    judgement = Judgement.objects.get(inspection=inspection, area=area)
    assert (judgement.override_band_label, judgement.overridden_by, judgement.version) == (
        "Moderate improvement required",
        people[0],
        1,
    )


def test_a_stale_action_save_is_refused_in_any_database(service):
    manager = member(service, Role.MANAGER, username="manager-b")
    action = ActionFactory(theme=ThemeFactory(plan=PlanFactory(inspection__service=service)))
    action_update(action=action, by=manager, version=0, title="Saved first")
    with pytest.raises(StaleAction):
        action_update(action=Action.objects.get(pk=action.pk), by=manager, version=0, title="Saved second")
    action.refresh_from_db()
    assert action.title == "Saved first"


def test_the_action_page_tells_the_person_and_keeps_their_input(client, service):
    manager = member(service, Role.MANAGER, username="manager-c", first_name="Mina", last_name="Shah")
    action = ActionFactory(theme=ThemeFactory(plan=PlanFactory(inspection__service=service)), title="Before")
    client.force_login(manager)
    url = reverse("improvement:action_edit", args=[action.pk])
    form = client.get(url).context["form"]
    posted = {
        "theme": action.theme_id,
        "title": "My careful rewording",
        "description": "",
        "partner_name": action.partner_name,
        "partner_agency": action.partner_agency,
        "partner_email": action.partner_email,
        "due_on_0": "31",
        "due_on_1": "3",
        "due_on_2": "2026",
        "status": "in_progress",
        "brag": "amber",
        "success_measure": "",
        "version": form.initial["version"],
    }
    # Meanwhile someone else saves the action.
    action_update(action=Action.objects.get(pk=action.pk), by=manager, title="Someone else's title")

    response = client.post(url, posted)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this action while you were editing it" in html
    assert "My careful rewording" in html  # their input is kept
    action.refresh_from_db()
    assert action.title == "Someone else's title"

    # Saving again, knowingly, replaces it.
    posted["version"] = action.version
    assert client.post(url, posted).status_code == 302
    action.refresh_from_db()
    assert action.title == "My careful rewording"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_connections_setting_the_safeguarding_roles_one_wins_and_the_other_is_told(service):
    from cases.safeguarding.services import safeguarding_roles, safeguarding_roles_set
    from inspections.concurrency import StaleEdit
    from inspections.models import Membership

    people = [member(service, Role.MANAGER, username=f"roles-{n}") for n in (1, 2)]
    version = safeguarding_roles(service).version

    def set_roles(person):
        def run():
            return safeguarding_roles_set(service=service, by=person, leads=[person], heads=[], version=version)

        return run

    outcome, timing = race(set_roles(people[0]), set_roles(people[1]))

    assert outcome["first"] is None, outcome["first"]
    assert isinstance(outcome["second"], StaleEdit), outcome["second"]
    assert timing["second"] >= 0.3
    leads = set(Membership.objects.filter(service=service, safeguarding_lead=True).values_list("user", flat=True))
    assert leads == {people[0].pk}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_services_that_lock_a_row_open_their_own_transaction(service):
    """Called outside any transaction (a view, a command), each locks inside its own."""
    from cases.feedback import services as feedback_services
    from cases.safeguarding.services import safeguarding_roles_set
    from tests.cases.feedback.helpers import final_case

    manager = member(service, Role.MANAGER, username="locker")
    holder = member(service, Role.OFFICER, username="holder")
    case = final_case(service, case_holder=holder, assessor=member(service, Role.OFFICER, username="ada"))
    feedback_services.case_holder_link(case=case, case_holder=holder, by=manager, version=None)
    feedback_services.feedback_give(case=case, by=manager, done_well="Clear plan", to_improve="", areas={})
    re_audit = feedback_services.re_audit_mark(case=case, by=manager, assessor=manager)
    feedback_services.re_audit_save(re_audit=re_audit, by=manager, answers={}, submit=False)
    safeguarding_roles_set(service=service, by=manager, leads=[holder], heads=[])
