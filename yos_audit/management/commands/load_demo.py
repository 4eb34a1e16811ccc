"""Load fictional demo data: services, one account per role, and (as later floors add them)
frameworks, inspections, scored cases and plans. Refuses to run when DEBUG is off."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases import demo as cases_demo
from cases.feedback import demo as feedback_demo
from cases.programme import demo as programme_demo
from improvement import demo as improvement_demo
from inspections import demo as inspections_demo


class Command(BaseCommand):
    help = "Create (or refresh) the demo services, accounts and data. Development only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo creates accounts with a known password, so it runs only with DEBUG=1 "
                "(a development machine). It did nothing."
            )
        password = os.environ.get("DEMO_PASSWORD") or settings.DEMO_PASSWORD_DEFAULT
        services, people, accounts = inspections_demo.create_services_and_people(password)
        inspections_demo.load_shipped_frameworks()
        inspections = cases_demo.create_demo_inspections(services, people)
        framework_2018 = cases_demo.create_demo_2018_inspection(services, people)
        published = inspections["published"]
        plan = improvement_demo.create_demo_plan(
            published,
            manager=people["manager"],
            lead_inspector=people["inspector"],
            board_members=[people["board"]],
            today=None,
        )
        monthly = programme_demo.create_demo_programme(services["northshire"], people)
        improvement_demo.link_demo_action_to_programme(plan, monthly)
        feedback_demo.create_demo_feedback(published, inspections["mock"], people)

        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at http://127.0.0.1:8000 with:"))
        width = max(len(username) for username, _ in accounts)
        for username, described in accounts:
            self.stdout.write(f"  {username.ljust(width)}  {described}")
        if os.environ.get("DEMO_PASSWORD"):
            self.stdout.write("Password: the value of DEMO_PASSWORD.")
        else:
            self.stdout.write(f"Password for every account: {password}  (set DEMO_PASSWORD to choose another)")
        self.stdout.write(
            f"Published inspection: {published.title} (id {published.pk}); "
            f"scoring now: {inspections['mock'].title} (id {inspections['mock'].pk})."
        )
        if framework_2018 is not None:
            self.stdout.write(
                f"2018-style framework: {framework_2018.title} (id {framework_2018.pk}, Eastbridge): domain 1 judged "
                "once from evidence, the overall rating on its judgements page (inspector, inspector2, manager2)."
            )
