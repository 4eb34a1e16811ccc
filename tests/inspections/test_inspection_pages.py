"""Frameworks load from YAML; inspections are set up, changed and moved on; findings and recommendations."""

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from inspections.models import Framework, Inspection, Question
from tests.factories import CaseFactory, InspectionFactory, date_fields
from tests.pages import unmarked

pytestmark = pytest.mark.django_db
FRAMEWORKS = Path(__file__).resolve().parents[2] / "frameworks"


def test_shipped_frameworks_load_and_loading_again_changes_nothing(capsys):
    call_command("load_framework", str(FRAMEWORKS / "cci-2009.yaml"), str(FRAMEWORKS / "hmip-2018.yaml"))
    assert "45 questions" in capsys.readouterr().out
    cci = Framework.objects.get(code="cci")
    assert cci.rule == "pooled"
    assert cci.areas.count() == 3
    assert set(cci.questions.values_list("stage", flat=True)) == {
        "assessment",
        "planning",
        "delivery",
        "review",
        "oversight",
    }
    hmip = Framework.objects.get(code="hmip2018")
    assert hmip.overall_bands.count() == 4
    assert hmip.bands.get(label="Outstanding").points == 3
    call_command("load_framework", str(FRAMEWORKS / "cci-2009.yaml"))
    assert Question.objects.filter(framework__code="cci").count() == 45


def test_a_bad_framework_file_reports_where_and_loads_nothing(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "code: local\nname: Local audit\nversion: 1\nrule: pooled\n"
        "bands: [{label: Good, min_percent: 10}]\n"
        "areas:\n  - code: a\n    name: Area\n    questions:\n"
        "      - {code: q1, stage: planing, text: Was it done}\n"
        "      - {code: q1, stage: review, text: Again}\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("load_framework", str(path))
    message = str(error.value)
    assert "'planing' is not a stage" in message
    assert "questions[1] (q1) > code: 'q1' is already used" in message
    assert "the lowest band starts at 10%" in message
    assert not Framework.objects.exists()


def test_a_framework_in_use_cannot_change_only_be_versioned(tmp_path):
    source = (FRAMEWORKS / "cci-2009.yaml").read_text()
    call_command("load_framework", str(FRAMEWORKS / "cci-2009.yaml"))
    InspectionFactory(framework=Framework.objects.get(code="cci"))
    changed = tmp_path / "cci.yaml"
    changed.write_text(source.replace("Risk of harm to others", "Risk of harm", 1))
    with pytest.raises(CommandError, match="new version"):
        call_command("load_framework", str(changed))
    assert Framework.objects.get(code="cci").areas.filter(name="Risk of harm to others").exists()
    changed.write_text(changed.read_text().replace('version: "2009"', 'version: "2009.1"'))
    call_command("load_framework", str(changed))
    assert Framework.objects.filter(code="cci").count() == 2


def test_create_inspection_command_prints_the_id(service, capsys):
    call_command("load_framework", str(FRAMEWORKS / "cci-2009.yaml"))
    first = InspectionFactory(service=service)
    call_command(
        "create_inspection",
        "--service",
        service.slug,
        "--framework",
        "cci:2009",
        "--kind",
        "yjb_mock",
        "--title",
        "Mock inspection 2016",
        "--follows",
        str(first.pk),
    )
    inspection = Inspection.objects.get(pk=int(capsys.readouterr().out.strip().splitlines()[-1]))
    assert (inspection.title, inspection.follows, inspection.framework.code) == ("Mock inspection 2016", first, "cci")
    with pytest.raises(CommandError, match="No service"):
        call_command(
            "create_inspection", "--service", "nowhere", "--framework", "cci", "--kind", "yjb_mock", "--title", "x"
        )


def test_a_manager_sets_up_and_changes_an_inspection(client, manager, service):
    call_command("load_framework", str(FRAMEWORKS / "cci-2009.yaml"))
    framework = Framework.objects.get(code="cci")
    client.force_login(manager)
    response = client.post(
        reverse("inspections:inspection_create"),
        {
            "title": "Core case inspection 2015",
            "kind": "hmip_inspection",
            "framework": framework.pk,
            **date_fields("period_start", 1, 1, 2014),
            **date_fields("period_end", 31, 12, 2014),
        },
    )
    inspection = Inspection.objects.get()
    assert response["Location"] == reverse("inspections:inspection_detail", args=[inspection.pk])
    assert inspection.service == service
    response = client.post(
        reverse("inspections:inspection_edit", args=[inspection.pk]),
        {
            "title": "Core case inspection 2015",
            "kind": "hmip_inspection",
            "framework": framework.pk,
            **date_fields("period_start", 1, 1, 2015),
            **date_fields("period_end", 31, 12, 2014),
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "must be on or after its start" in response.content.decode()
    assert 'name="period_start_2" value="2015"' in response.content.decode()  # what was typed is kept


def test_changing_only_the_title_keeps_every_date(client, manager, service):
    inspection = InspectionFactory(
        service=service,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 8),
        notified_on=datetime.date(2025, 4, 2),
        fieldwork_start=datetime.date(2025, 4, 14),
        fieldwork_end=datetime.date(2025, 4, 17),
    )
    client.force_login(manager)
    page = client.get(reverse("inspections:inspection_edit", args=[inspection.pk])).content.decode()
    assert 'name="period_end_0" value="8"' in page and 'name="period_end_1" value="3"' in page
    assert 'type="date"' not in page
    response = client.post(
        reverse("inspections:inspection_edit", args=[inspection.pk]),
        {
            "title": "Renamed",
            "kind": inspection.kind,
            "framework": inspection.framework_id,
            **date_fields("period_start", 1, 1, 2025),
            **date_fields("period_end", 8, 3, 2025),
            **date_fields("notified_on", 2, 4, 2025),
            **date_fields("fieldwork_start", 14, 4, 2025),
            **date_fields("fieldwork_end", 17, 4, 2025),
        },
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.title, inspection.period_end, inspection.fieldwork_end) == (
        "Renamed",
        datetime.date(2025, 3, 8),
        datetime.date(2025, 4, 17),
    )


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "3", "2025", "First day of fieldwork must include a day"),
        ("8", "", "", "First day of fieldwork must include a month and a year"),
        ("31", "2", "2025", "First day of fieldwork must be a real date"),
        ("8", "March", "2025", "First day of fieldwork must be a real date, in numbers"),
        ("8", "3", "25", "Year must include 4 numbers"),
    ],
)
def test_a_partly_filled_or_impossible_date_is_refused_with_a_message_that_says_what_to_do(
    client, manager, service, day, month, year, message
):
    inspection = InspectionFactory(service=service)
    client.force_login(manager)
    response = client.post(
        reverse("inspections:inspection_edit", args=[inspection.pk]),
        {
            "title": "Renamed",
            "kind": inspection.kind,
            "framework": inspection.framework_id,
            **date_fields("fieldwork_start", day, month, year),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.title != "Renamed"


def test_status_moves_on_one_step_at_a_time(client, manager, service):
    inspection = InspectionFactory(service=service, status="planned")
    client.force_login(manager)
    client.post(reverse("inspections:inspection_status", args=[inspection.pk]), {"status": "scoring"})
    inspection.refresh_from_db()
    assert inspection.status == "planned"
    client.post(
        reverse("inspections:inspection_status", args=[inspection.pk]), {"status": "sampling", "confirmed": "yes"}
    )
    inspection.refresh_from_db()
    assert inspection.status == "sampling"


def test_findings_and_recommendations_are_added_in_order(client, manager, service):
    inspection = InspectionFactory(service=service)
    client.force_login(manager)
    roh = inspection.framework.areas.get(code="roh")
    client.post(
        reverse("inspections:recommendation_add", args=[inspection.pk]),
        {"text": "Improve RoSH assessments", "area": roh.pk, "order": 2},
    )
    client.post(
        reverse("inspections:recommendation_add", args=[inspection.pk]),
        {"text": "Strengthen oversight", "area": "", "order": 1},
    )
    client.post(
        reverse("inspections:finding_add", args=[inspection.pk]), {"text": "Plans were late", "area": "", "order": 1}
    )
    page = client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).content.decode()
    assert unmarked(page).index("Strengthen oversight") < unmarked(page).index("Improve RoSH assessments")
    assert "Plans were late" in page


@pytest.mark.parametrize(
    "url_name", ["inspections:inspection_edit", "inspections:finding_add", "inspections:recommendation_add"]
)
def test_officers_and_board_members_cannot_change_inspections(client, officer, board_member, service, url_name):
    inspection = InspectionFactory(service=service)
    for person in (officer, board_member):
        client.force_login(person)
        assert client.get(reverse(url_name, args=[inspection.pk])).status_code == 403
        assert client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).status_code == 200


def test_another_services_inspection_is_404_and_signed_out_is_sent_to_sign_in(client, other_officer, outsider, service):
    inspection = InspectionFactory(service=service)
    for person in (other_officer, outsider):
        client.force_login(person)
        assert client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).status_code == 302


def test_a_case_is_added_and_assigned_but_not_to_its_own_case_manager(client, manager, officer, service):
    inspection = InspectionFactory(service=service)
    client.force_login(manager)
    data = {
        "reference": "NS-0042",
        "disposal": "community",
        "rosh": "high",
        "gender": "female",
        "case_manager": officer.pk,
        "assessor": officer.pk,
    }
    response = client.post(reverse("cases:case_create", args=[inspection.pk]), data)
    assert "cannot score their own case" in response.content.decode()
    data["case_manager"] = ""
    client.post(reverse("cases:case_create", args=[inspection.pk]), data)
    case = inspection.cases.get()
    assert case.assessments.get().assessor == officer
    CaseFactory(inspection=inspection)
    assert client.get(reverse("cases:case_list", args=[inspection.pk])).status_code == 200


def test_form_errors_say_which_field_and_what_to_do_and_lists_have_a_real_first_option(client, manager, service):
    client.force_login(manager)
    form = client.get(reverse("inspections:inspection_create")).content.decode()
    assert "---------" not in form
    assert "Choose the framework" in form
    response = client.post(reverse("inspections:inspection_create"), {"title": ""})
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "This field is required" not in page
    # every problem at once, each naming its field
    assert "Enter the title" in page and "Select the kind" in page and "Select the framework" in page
