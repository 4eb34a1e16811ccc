"""The plan's and the report's action rows write their dates once per day and process
(improvement.presenters.short_date): the same words as the template's date filter, and each action
linked to its own page."""

import datetime
from types import SimpleNamespace

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import translation

from improvement.presenters import plan_action_rows, short_date


def test_short_date_writes_what_the_date_filter_writes():
    day = datetime.date(2025, 12, 25)
    for offset in range(0, 800, 7):
        shown = day + datetime.timedelta(days=offset)
        assert short_date(shown) == date_filter(shown, "j M Y")
    assert short_date(datetime.date(2026, 1, 5)) == "5 Jan 2026"


def test_short_date_follows_the_language():
    with translation.override("fr"):
        assert short_date(datetime.date(2026, 2, 5)) == date_filter(datetime.date(2026, 2, 5), "j M Y")
    assert short_date(datetime.date(2026, 2, 5)) == "5 Feb 2026"


def test_each_action_row_links_its_own_page_with_its_dates():
    actions = [
        SimpleNamespace(
            pk=pk,
            title=f"Action <{pk}>",
            owner_display="Jo & Co",
            due_on=datetime.date(2026, 3, pk),
            status="complete",
            completed_on=datetime.date(2026, 4, pk) if pk == 2 else None,
            overdue_now=False,
            completed_late=pk == 2,
            brag="blue",
        )
        for pk in (1, 2, 17)
    ]
    html = plan_action_rows(actions)
    for action in actions:
        assert f'href="{reverse("improvement:action_detail", args=[action.pk])}"' in html
    assert "Action &lt;17&gt;" in html and "Jo &amp; Co" in html
    assert "17 Mar 2026" in html and "on 2 Apr 2026" in html
