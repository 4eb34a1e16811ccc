"""The demo's programme: six past months drifting upwards, this month open, a quarterly looked-after
children audit of Safeguarding only, the plan's action linked; the manager's pages show it."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.judgements import inspection_judgements
from cases.models import AuditTemplate, ProgrammeAudit
from improvement.models import Action

pytestmark = pytest.mark.django_db


def test_the_demo_programme(settings, client, django_user_model):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")  # idempotent: nothing twice
    monthly = AuditTemplate.objects.get(name="Monthly case audits")
    audits = list(ProgrammeAudit.objects.filter(template=monthly).select_related("inspection"))
    assert len(audits) == 7
    past, current = audits[:6], audits[6]
    assert all(a.inspection.is_published for a in past) and current.inspection.status == "scoring"
    assert current.inspection.cases.filter(in_sample=True).count() == 6  # two per case manager

    def overall(audit):
        figures = inspection_judgements(audit.inspection)
        return sum(a.score for a in figures.areas) / len(figures.areas)

    scores = [overall(a) for a in past]
    assert scores[-1] - scores[0] >= 15, scores  # drifting upwards

    quarterly = ProgrammeAudit.objects.get(template__name="Looked-after children")
    figures = inspection_judgements(quarterly.inspection)
    assert [a.area.code for a in figures.areas] == ["saf"] and quarterly.inspection.is_published
    assert all(c.looked_after for c in quarterly.inspection.cases.filter(in_sample=True))

    action = Action.objects.get(title__startswith="Introduce a quality assurance framework")
    assert action.audit_template == monthly

    client.force_login(django_user_model.objects.get(username="manager"))
    assert "Monthly case audits" in client.get(reverse("cases:programme")).content.decode()
    charts = client.get(reverse("cases:programme_run_charts", args=[monthly.pk]))
    assert charts.status_code == 200 and b"Median of the audits" in charts.content
    plan_page = client.get(reverse("improvement:plan_detail", args=[action.plan_id])).content.decode()
    assert "Audits the plan promised" in plan_page
