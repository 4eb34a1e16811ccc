"""Records made before their model was put on record get a first history row (a migration once,
then `record_initial_history` at every deploy), and every model people change keeps history."""

import pytest
from django.apps import apps
from django.core.management import call_command

from improvement.models import Action, BoardReport, Meeting
from inspections.history import REASON, record_initial_history
from inspections.models import Area, Finding, Membership, Question, Recommendation, Role
from tests.factories import InspectionFactory, member

pytestmark = pytest.mark.django_db


def test_records_without_history_are_put_on_record_once(service, manager, capsys):
    finding = Finding.objects.create(inspection=InspectionFactory(service=service), text="Plans were thin")
    newcomer = member(service, Role.OFFICER, username="newcomer")
    membership = Membership.objects.get(user=newcomer)
    # As a row that existed before history was added to its model: no history at all.
    finding.history.all().delete()
    membership.history.all().delete()

    call_command("record_initial_history")

    first = finding.history.get()
    assert (first.history_type, first.history_change_reason, first.text) == ("+", REASON, "Plans were thin")
    assert membership.history.get().role == Role.OFFICER
    assert "records put on record in all" in capsys.readouterr().out
    # Run again at the next deploy: nothing more is written.
    assert record_initial_history(apps) == {}
    assert finding.history.count() == 1


def test_a_record_already_on_record_is_left_alone(service):
    finding = Finding.objects.create(inspection=InspectionFactory(service=service), text="Plans were thin")
    before = list(finding.history.values_list("history_id", flat=True))
    record_initial_history(apps)
    assert list(finding.history.values_list("history_id", flat=True)) == before


@pytest.mark.parametrize("model", [Finding, Recommendation, Meeting, BoardReport, Membership, Area, Question, Action])
def test_every_model_people_change_keeps_a_record_of_changes(model):
    assert hasattr(model, "history"), model


def test_the_links_between_actions_and_recommendations_are_on_record():
    links = apps.get_model("improvement", "HistoricalAction_recommendations")
    assert {"action", "recommendation"} <= {f.name for f in links._meta.get_fields()}
