"""Email the owners of actions due within 7 days or overdue. Once per action per day, however often it runs.

Cron, every morning at 7:
    0 7 * * *  cd /srv/yos-audit && .venv/bin/python manage.py send_reminders
"""

from django.core.management.base import BaseCommand

from improvement.services import reminders_send


class Command(BaseCommand):
    help = "Email the owners of actions due within 7 days or overdue (at most once per action per day)."

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
