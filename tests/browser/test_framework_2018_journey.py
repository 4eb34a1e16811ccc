"""A 2018-style inspection in the browser: an officer scores a looked-after court case and an
out-of-court case, each asked only its own questions; a manager judges domain 1 once from
evidence on the judgements page and reads the overall rating (points out of 36 and its band),
which `inspection_report` gives too. Axe-clean on every page."""

import io
import json
from pathlib import Path

from django.core.management import call_command
from playwright.sync_api import expect

from cases.models import Assessment
from inspections.models import Framework, Role
from tests.factories import PASSWORD, AssessmentFactory, CaseFactory, InspectionFactory, ServiceFactory, member

FRAMEWORK_FILE = Path(__file__).resolve().parents[2] / "frameworks" / "hmip-2018.yaml"


def _score_every_question_asked(page, check_accessible=None):
    radios = page.locator("input[type=radio][value=yes]")
    for index in range(radios.count()):
        radios.nth(index).check()
    if check_accessible:
        check_accessible(page)
    page.get_by_role("button", name="Submit the case").click()


def test_a_2018_inspection_from_scoring_to_the_overall_rating(live_server, page, sign_in, check_accessible):
    call_command("load_framework", str(FRAMEWORK_FILE), stdout=io.StringIO())
    framework = Framework.objects.get(code="hmip2018")
    service = ServiceFactory(name="Eastbridge Youth Offending Service")
    officer = member(service, Role.OFFICER, username="olivia", first_name="Olivia", last_name="Officer")
    manager = member(service, Role.MANAGER, username="marcus", first_name="Marcus", last_name="Manager")
    inspection = InspectionFactory(service=service, framework=framework, status="moderation", title="Inspection 2019")
    court = AssessmentFactory(
        case=CaseFactory(
            inspection=inspection, reference="EB-COURT", disposal="community", looked_after=True, rosh="low"
        ),
        assessor=officer,
        status="not_started",
    )
    out_of_court = AssessmentFactory(
        case=CaseFactory(inspection=inspection, reference="EB-OOC", disposal="out_of_court", looked_after=False),
        assessor=officer,
        status="not_started",
    )

    sign_in(page, officer.username, PASSWORD)
    page.goto(f"{live_server.url}/assessments/{court.pk}/")
    expect(page.locator("#q-s2-1-a1-yes")).to_be_visible()  # court work
    expect(page.locator("#q-s2-1-a5-yes")).to_be_visible()  # the child is looked after
    expect(page.locator("#q-s2-2-p4-yes")).to_have_count(0)  # risk of serious harm is low
    expect(page.locator("#q-s3-1-a1-yes")).to_have_count(0)  # no out-of-court questions
    expect(page.locator("[id^=q-s1-]")).to_have_count(0)  # domain 1 is not asked of a case
    _score_every_question_asked(page, check_accessible)
    expect(page.get_by_text("submitted", exact=False).first).to_be_visible()

    page.goto(f"{live_server.url}/assessments/{out_of_court.pk}/")
    expect(page.locator("#q-s3-1-a1-yes")).to_be_visible()
    expect(page.locator("#q-s2-1-a1-yes")).to_have_count(0)
    expect(page.locator("#q-s3-1-a4-yes")).to_have_count(0)  # not looked after
    _score_every_question_asked(page)
    assert set(Assessment.objects.filter(case__inspection=inspection).values_list("status", flat=True)) == {"submitted"}
    court_codes = set(court.answers.values_list("question__code", flat=True))
    assert "s2-1-a5" in court_codes and not any(code.startswith(("s1-", "s3-")) for code in court_codes)
    assert not any(
        code.startswith(("s1-", "s2-")) for code in out_of_court.answers.values_list("question__code", flat=True)
    )

    page.context.clear_cookies()
    sign_in(page, manager.username, PASSWORD)
    page.goto(f"{live_server.url}/inspections/{inspection.pk}/judgements/")
    expect(page.locator("#judged-s1-1")).to_contain_text("not judged yet")
    expect(page.locator("#overall")).to_contain_text("every area needs a rating first")
    check_accessible(page)
    for code in ["s1-1", "s1-2", "s1-3", "s1-4"]:
        page.locator(f"#band-{code}").select_option("Good")
        page.locator(f"#reason-{code}").fill(f"Board minutes and policies for {code}")
        page.locator(f"#judged-{code} + details").get_by_role("button", name="Record the judgement").click()
        expect(page.locator(f"#judged-{code}")).to_contain_text("Good")
    # Every yes: the eight per-case standards Outstanding (3 each), domain 1 Good (2 each): 32 of 36.
    expect(page.locator("#overall")).to_contain_text("32 points out of 36")
    expect(page.locator("#overall")).to_contain_text("Outstanding")
    check_accessible(page)

    out = io.StringIO()
    call_command("inspection_report", inspection.pk, "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["overall"] == {"points": 32, "max_points": 36, "band": "Outstanding"}
