"""Email the owners of actions and case actions due within 7 days or overdue (once per action per
day, however often it runs), and tell the head of service about each safeguarding concern not
acknowledged within one working day (once per concern).

Cron, every morning at 7 (running it more often, e.g. hourly, escalates concerns sooner and sends
no reminder twice):
    0 7 * * *  cd /srv/yos-audit && .venv/bin/python manage.py send_reminders
"""

from django.core.management.base import BaseCommand

from cases.feedback.services import case_action_reminders_send
from cases.safeguarding.services import concerns_escalate
from improvement.services import reminders_send


def _plural(count, word):
    return f"{count} {word}{'s' if count != 1 else ''}"


class Command(BaseCommand):
    help = (
        "Email the owners of plan actions and case actions due within 7 days or overdue (at most once per "
        "action per day), and escalate safeguarding concerns not acknowledged within one working day."
    )

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"Sent {_plural(sent, 'reminder')}.")
        case_actions = case_action_reminders_send()
        self.stdout.write(f"Sent {_plural(case_actions, 'case action reminder')}.")
        escalated = concerns_escalate()
        self.stdout.write(f"Escalated {_plural(escalated, 'safeguarding concern')} to the head of service.")
