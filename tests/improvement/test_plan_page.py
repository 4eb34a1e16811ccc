"""The plan page: each meeting says whether the plan's report for it has been issued; each
recommendation lists the actions answering it in the plan's order (both read with other rows)."""

import datetime

import pytest
from django.urls import reverse

from improvement.models import BoardReport
from tests.factories import ActionFactory, BoardFactory, MeetingFactory, PlanFactory, ThemeFactory
from tests.pages import unmarked

pytestmark = pytest.mark.django_db


def test_each_meeting_says_whether_the_plans_report_for_it_is_issued(client, plan, manager):
    board = BoardFactory(service=plan.inspection.service, name="Improvement board")
    issued = MeetingFactory(board=board, held_on=datetime.date(2026, 1, 15))
    waiting = MeetingFactory(board=board, held_on=datetime.date(2026, 2, 12))
    BoardReport.objects.create(plan=plan, meeting=issued, html="<p>Issued</p>", pdf=b"%PDF", issued_by=manager)
    # Another plan's report for the later meeting does not make this plan's issued.
    other_plan = PlanFactory(inspection__service=plan.inspection.service)
    BoardReport.objects.create(plan=other_plan, meeting=waiting, html="<p>Other</p>", pdf=b"%PDF", issued_by=manager)
    client.force_login(manager)
    page = client.get(reverse("improvement:plan_detail", args=[plan.pk])).content.decode()
    reports = page.split('<h2 class="govuk-heading-m">Board reports</h2>')[1]
    assert reports.index("12 February 2026") < reports.index("15 January 2026")  # latest first
    assert "Improvement board, 12 February 2026</a> (not issued yet)" in reports
    assert "Improvement board, 15 January 2026</a> (issued)" in reports


def test_each_recommendation_lists_the_actions_answering_it_in_the_plans_order(client, plan, manager):
    first, second = plan.inspection.recommendations.order_by("order")
    later = ThemeFactory(plan=plan, title="Later theme", order=2)
    earlier = ThemeFactory(plan=plan, title="Earlier theme", order=1)
    b = ActionFactory(theme=later, title="Answer B")
    a = ActionFactory(theme=earlier, title="Answer A")
    c = ActionFactory(theme=earlier, title="Not answering")
    for action in (b, a):
        action.recommendations.add(first)
    assert c
    client.force_login(manager)
    page = unmarked(client.get(reverse("improvement:plan_detail", args=[plan.pk])).content.decode())
    table = page.split("The inspection's recommendations and the actions that answer them</caption>")[1]
    body = table.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]
    first_row, second_row = body.split('<tr class="govuk-table__row">')[1:]
    assert first.text in first_row and second.text in second_row
    assert first_row.index("Answer A") < first_row.index("Answer B")
    assert "Not answering" not in first_row
    assert "No action yet" in second_row and "Answer" not in second_row


def test_each_action_row_shows_its_owner_due_date_status_and_brag_escaped(client, plan, manager):
    theme = ThemeFactory(plan=plan, title="Oversight")
    action = ActionFactory(
        theme=theme,
        title="Audit <RoSH> & review",
        partner_name="Sam <Patel>",
        partner_agency="Children's social care",
        due_on=datetime.date(2026, 1, 31),
        status="complete",
        brag="blue",
        completed_on=datetime.date(2026, 2, 10),
    )
    client.force_login(manager)
    page = unmarked(client.get(reverse("improvement:plan_detail", args=[plan.pk])).content.decode())
    table = page.split('<caption class="govuk-table__caption govuk-visually-hidden">Actions under Oversight</caption>')[
        1
    ]
    row = table.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]
    href = reverse("improvement:action_detail", args=[action.pk])
    assert f'<a class="govuk-link" href="{href}">Audit &lt;RoSH&gt; &amp; review</a>' in row
    assert "Sam &lt;Patel&gt; (Children&#x27;s social care)" in row
    assert "31 Jan 2026" in row
    assert "Complete on 10 Feb 2026" in row and ">Completed late<" in row and ">Overdue<" not in row
    assert 'Blue<span class="govuk-visually-hidden">: complete</span>' in row
