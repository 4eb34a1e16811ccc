"""Write a plan's board report for a meeting to a file, as PDF or HTML."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from improvement import reports, selectors
from improvement.models import BoardReport, ImprovementPlan, Meeting


class Command(BaseCommand):
    help = (
        "Write the board report of PLAN_ID for the meeting on --meeting (YYYY-MM-DD). The report as issued "
        "for that meeting if there is one, else as the plan stands."
    )

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--meeting", required=True, help="Date of the meeting, YYYY-MM-DD")
        parser.add_argument("--board", help="The board's name, when several boards met that day")
        parser.add_argument("--format", choices=["pdf", "html"], default="pdf")
        parser.add_argument("-o", "--output", required=True, help="File to write ('-' for standard output, HTML only)")

    def handle(self, *args, plan_id, meeting, board, format, output, **options):
        try:
            held_on = datetime.date.fromisoformat(meeting)
        except ValueError:
            raise CommandError(f"--meeting must be a date as YYYY-MM-DD, not {meeting!r}") from None
        plan = ImprovementPlan.objects.select_related("inspection__service").filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"There is no improvement plan {plan_id}")
        meetings = Meeting.objects.filter(board__service_id=plan.inspection.service_id, held_on=held_on).select_related(
            "board"
        )
        if board:
            meetings = meetings.filter(board__name__iexact=board)
        meetings = list(meetings)
        if not meetings:
            raise CommandError(f"No board of {plan.inspection.service} met on {held_on:%-d %B %Y}")
        if len(meetings) > 1:
            names = ", ".join(m.board.name for m in meetings)
            raise CommandError(f"Several boards met that day ({names}): choose one with --board")
        chosen = meetings[0]
        issued = (
            BoardReport.objects.filter(plan=plan, meeting=chosen).order_by("-number").first()
        )  # the current version
        body = issued.html if issued else reports.render_report_html(selectors.board_report_data(plan, chosen))
        title = f"Board report: {chosen}"
        if format == "pdf":
            if output == "-":
                raise CommandError("Write a PDF to a file with -o FILE")
            content = bytes(issued.pdf) if issued else reports.html_to_pdf(body, title=title)
            Path(output).write_bytes(content)
        else:
            content = reports.render_print_document(body, title)
            if output == "-":
                self.stdout.write(content)
                return
            Path(output).write_text(content, encoding="utf-8")
        state = "as issued" if issued else "as the plan stands (not issued)"
        self.stdout.write(self.style.SUCCESS(f"Wrote the report for {chosen} {state} to {output}"))
