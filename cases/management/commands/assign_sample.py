"""Assign an inspection's sample to assessors, as the assignment page does."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.sampling.services import assessments_assign
from inspections.models import Inspection


class Command(BaseCommand):
    help = "Assign the sampled cases not yet assigned, balanced, never to their own case manager."

    def add_arguments(self, parser):
        parser.add_argument("inspection_id", type=int)
        parser.add_argument("--assessors", required=True, help="Comma-separated usernames")
        parser.add_argument("--second-share", type=int, default=0, help="Per cent of cases for blind second marking")

    def handle(self, *args, inspection_id, assessors, second_share, **options):
        try:
            inspection = Inspection.objects.get(pk=inspection_id)
        except Inspection.DoesNotExist as missing:
            raise CommandError(f"No inspection with id {inspection_id}.") from missing
        usernames = [name.strip() for name in assessors.split(",") if name.strip()]
        people = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
        unknown = [name for name in usernames if name not in people]
        if unknown:
            raise CommandError(f"No such user: {', '.join(unknown)}.")
        try:
            done = assessments_assign(
                inspection=inspection, assessors=[people[n] for n in usernames], second_share=second_share, by=None
            )
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from refused
        self.stdout.write(
            self.style.SUCCESS(f"Assigned {done['first']} first markings and {done['second']} second markings.")
        )
        if done["unassigned"]:
            self.stderr.write(f"Nobody could take: {', '.join(done['unassigned'])}.")
