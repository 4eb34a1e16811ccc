"""send_reminders: owners of actions due within 7 days or overdue, once per action per day."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from improvement.models import ReminderSent
from tests.factories import ActionFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actions(plan, manager):
    theme = ThemeFactory(plan=plan)
    return {
        "overdue": ActionFactory(
            theme=theme, title="Overdue", owner=manager, partner_name="", due_on=datetime.date(2026, 3, 1)
        ),
        "soon": ActionFactory(
            theme=theme, title="Soon", partner_email="sam@partner.invalid", due_on=datetime.date(2026, 3, 17)
        ),
        "later": ActionFactory(
            theme=theme, title="Later", owner=manager, partner_name="", due_on=datetime.date(2026, 3, 18)
        ),
        "done": ActionFactory(
            theme=theme,
            title="Done",
            due_on=datetime.date(2026, 3, 1),
            status="complete",
            brag="blue",
            completed_on=datetime.date(2026, 2, 1),
        ),
        "no_email": ActionFactory(theme=theme, title="No email", partner_email="", due_on=datetime.date(2026, 3, 12)),
    }


def test_reminders_go_once_per_action_per_day(actions, manager):
    with time_machine.travel(datetime.date(2026, 3, 10), tick=False):
        call_command("send_reminders")
        call_command("send_reminders")
    assert sorted(message.subject for message in mail.outbox) == ["Due soon: Soon", "Overdue: Overdue"]
    recipients = {message.subject: message.to for message in mail.outbox}
    assert recipients["Overdue: Overdue"] == [manager.email]
    assert recipients["Due soon: Soon"] == ["sam@partner.invalid"]
    assert ReminderSent.objects.count() == 2

    with time_machine.travel(datetime.date(2026, 3, 11), tick=False):
        call_command("send_reminders")
    assert len(mail.outbox) == 5  # the next day: overdue, soon and now later (due in 7 days)
