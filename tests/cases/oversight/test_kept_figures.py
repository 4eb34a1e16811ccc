"""The dashboard's markup kept in the cache (cases/figures_version.py) is never out of date: the
database's triggers move an inspection's figures' version on every change to what its figures read,
whatever code makes it (a page's save, a bulk update, a delete), and a reader sees a change at once."""

import functools
import logging
import re

import pytest
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection
from django.test import Client
from django.urls import reverse

from cases.figures_version import _triggers_in_place, triggers_in_place, versions
from cases.models import Answer, Assessment, Case
from cases.services import inspection_publish
from improvement.views import PLAN_MIGRATION
from inspections.models import Inspection, Question, Role
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    FrameworkFactory,
    InspectionFactory,
    make_answers,
    member,
)

pytestmark = pytest.mark.django_db

YES_TO_ALL = {"roh-1": "yes", "roh-2": "yes", "roh-3": "yes", "saf-1": "yes", "saf-2": "yes", "saf-3": "yes"}


@pytest.fixture
def inspection(service):
    return InspectionFactory(service=service, status="scoring", title="Mock 2016", framework=FrameworkFactory())


@pytest.fixture
def assessor(service):
    return member(service, Role.OFFICER, username="first1", first_name="Ada", last_name="Jones")


def scored(inspection, assessor, values, **case_fields):
    assessment = AssessmentFactory(case=CaseFactory(inspection=inspection, **case_fields), assessor=assessor)
    return make_answers(assessment, values)


def moved(inspection, change):
    """Whether `change()` moved the inspection's figures' version (and which of the two moved)."""
    everywhere, own = versions(inspection.pk)
    change()
    after_everywhere, after_own = versions(inspection.pk)
    return after_everywhere != everywhere, after_own != own


def test_every_change_to_an_inspections_figures_moves_its_version_and_no_other(inspection, assessor, service):
    other = InspectionFactory(service=service, framework=inspection.framework)
    others_version = versions(other.pk)[1]
    assessment = scored(inspection, assessor, {"roh-1": "yes"})
    answer = assessment.answers.get()
    question = Question.objects.get(framework=inspection.framework, code="roh-2")
    changes = {
        "a case added": lambda: CaseFactory(inspection=inspection),
        "a case's team changed by a bulk update": lambda: Case.objects.filter(inspection=inspection).update(team="X"),
        "an assessment submitted by a bulk update": lambda: Assessment.objects.filter(pk=assessment.pk).update(
            status="submitted"
        ),
        "an answer added": lambda: Answer.objects.create(assessment=assessment, question=question, value="no"),
        "an answer changed": lambda: Answer.objects.filter(pk=answer.pk).update(value="no"),
        "an answer deleted": lambda: Answer.objects.filter(pk=answer.pk).delete(),
        "the inspection renamed": lambda: Inspection.objects.filter(pk=inspection.pk).update(title="Renamed"),
        "a case deleted": lambda: Case.objects.filter(inspection=inspection).first().delete(),
    }
    for what, change in changes.items():
        assert moved(inspection, change) == (False, True), what
    # The other inspection's version did not move with this one's.
    assert versions(other.pk)[1] == others_version


def test_a_drafts_answers_move_nothing_its_start_submission_and_reopening_do(client, officer, inspection):
    """Only submitted assessments count in a figure, and of the others the pages show their status,
    marking, assessor and case: the officers' draft saves, most writes while scoring, keep what is kept."""
    assessment = AssessmentFactory(case=CaseFactory(inspection=inspection), assessor=officer)
    url = reverse("cases:assessment", args=[assessment.pk])
    client.force_login(officer)

    def save(action, version, value):
        return lambda: client.post(url, {"version": version, "action": action, "q-roh-1": value, "note-roh-1": ""})

    assert moved(inspection, save("draft", 0, "yes")) == (False, True)  # started: progress shows a draft
    assert moved(inspection, save("draft", 1, "no")) == (False, False)  # a draft's answers: nothing shown
    answer = Answer.objects.get(assessment=assessment)
    assert moved(inspection, lambda: Answer.objects.filter(pk=answer.pk).update(value="yes")) == (False, False)
    submit = {"version": 2, "action": "submit"}
    for code in inspection.framework.questions.values_list("code", flat=True):
        submit[f"q-{code}"], submit[f"note-{code}"] = "yes", ""
    assert moved(inspection, lambda: client.post(url, submit)) == (False, True)
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    # A submitted assessment's answers count: any change to them moves it, however made.
    assert moved(inspection, lambda: Answer.objects.filter(pk=answer.pk).update(value="no")) == (False, True)
    assert moved(inspection, lambda: Assessment.objects.filter(pk=assessment.pk).update(status="draft")) == (
        False,
        True,
    )


def test_names_and_frameworks_move_every_inspections_version_and_a_sign_in_does_not(inspection, assessor):
    question = Question.objects.get(framework=inspection.framework, code="roh-1")
    assert moved(inspection, lambda: Question.objects.filter(pk=question.pk).update(text="Reworded?")) == (True, False)
    assessor.first_name = "Adah"
    assert moved(inspection, assessor.save) == (True, False)
    # Signing in writes the person's last sign-in time: nothing any figure shows.
    assert moved(inspection, lambda: update_last_login(None, assessor)) == (False, False)


def test_publishing_moves_the_inspections_version(inspection, assessor):
    for _ in range(5):
        assessment = scored(inspection, assessor, YES_TO_ALL)
        Assessment.objects.filter(pk=assessment.pk).update(status="submitted")
    Inspection.objects.filter(pk=inspection.pk).update(status="moderation")
    inspection.refresh_from_db()
    assert moved(inspection, lambda: inspection_publish(inspection=inspection, by=assessor)) == (False, True)


def text(response):
    """The page's main content (the header's sign-out form holds a token new to each page), spaces folded."""
    return re.sub(r"\s+", " ", response.content.decode().split("<main")[1].split("</main>")[0])


def progress(page, key):
    return re.search(rf"<dt class=\"govuk-summary-list__key\">{key}</dt><dd[^>]*>(\d+)", page).group(1)


def test_the_dashboard_shows_a_save_a_rename_and_another_readers_blind_cases_at_once(
    client, manager, officer, inspection, assessor, service
):
    for _ in range(5):
        assessment = scored(inspection, assessor, YES_TO_ALL)
        Assessment.objects.filter(pk=assessment.pk).update(status="submitted")
    url = reverse("cases:inspection_dashboard", args=[inspection.pk])
    client.force_login(manager)
    first = text(client.get(url))
    assert progress(first, "Submitted") == "5" and "Figures from 5 submitted cases" in first
    assert text(client.get(url)) == first  # read again, nothing changed: the same page, from what was kept

    # The officer submits a sixth case through the scoring page.
    draft = AssessmentFactory(case=CaseFactory(inspection=inspection), assessor=officer)
    client.force_login(officer)
    data = {"version": draft.version, "action": "submit"}
    for question in inspection.framework.questions.all():
        data[f"q-{question.code}"] = "yes"
        data[f"note-{question.code}"] = ""
    assert client.post(reverse("cases:assessment", args=[draft.pk]), data).status_code == 302
    client.force_login(manager)
    after_save = text(client.get(url))
    assert progress(after_save, "Submitted") == "6" and "Figures from 6 submitted cases" in after_save

    # The assessor's name, shown in the progress table, changed on their profile.
    assessor.first_name = "Adaline"
    assessor.save()
    renamed = text(client.get(url))
    assert "Adaline Jones" in renamed and "Ada Jones" not in renamed

    # Another manager who marks a case second is blind to its first marking: left out of their figures,
    # whatever the first manager's read kept.
    second_marker = member(service, Role.MANAGER, username="second")
    AssessmentFactory(case=draft.case, assessor=second_marker, marking="second")
    client.force_login(second_marker)
    theirs = text(client.get(url))
    assert "Figures from 5 submitted cases" in theirs and 'id="blind-left-out"' in theirs
    client.force_login(manager)
    assert "Figures from 6 submitted cases" in text(client.get(url))


def test_the_cases_behind_the_figures_show_a_change_at_once(client, manager, inspection, assessor):
    for number in range(5):
        assessment = scored(inspection, assessor, YES_TO_ALL, reference=f"NS-{number}", team="North")
        Assessment.objects.filter(pk=assessment.pk).update(status="submitted")
    client.force_login(manager)
    url = reverse("cases:dashboard_cases", args=[inspection.pk]) + "?team=North"

    def listed():
        return sorted(set(re.findall(r"NS-\d", text(client.get(url)))))

    assert listed() == ["NS-0", "NS-1", "NS-2", "NS-3", "NS-4"]
    assert listed() == ["NS-0", "NS-1", "NS-2", "NS-3", "NS-4"]  # read again: kept
    # A sixth case joins the team (scored in the ORM, as an import would: no page's own save).
    scored(inspection, assessor, YES_TO_ALL, reference="NS-5", team="South")
    Case.objects.filter(reference="NS-5").update(team="North")
    assert listed() == ["NS-0", "NS-1", "NS-2", "NS-3", "NS-4", "NS-5"]


def test_a_change_makes_a_new_entry_and_the_old_one_is_not_read(client, manager, inspection, assessor):
    """An entry kept before a change is under the old version's key: the next read keeps a new one."""
    for _ in range(5):
        assessment = scored(inspection, assessor, YES_TO_ALL)
        Assessment.objects.filter(pk=assessment.pk).update(status="submitted")
    client.force_login(manager)
    url = reverse("cases:inspection_dashboard", args=[inspection.pk])
    client.get(url)
    kept = set(cache._cache)  # the local memory cache of the tests
    Case.objects.filter(inspection=inspection).update(team="Renamed team")
    page = text(client.get(url))
    assert "Renamed team" in page
    assert len(set(cache._cache) - kept) == 1  # a new entry under the new version


def test_the_test_database_has_every_trigger_that_keeps_the_version():
    _triggers_in_place.cache_clear()
    assert triggers_in_place(DEFAULT_DB_ALIAS)
    assert triggers_in_place(DEFAULT_DB_ALIAS, PLAN_MIGRATION)  # the improvement plan's (improvement.0008)


def test_without_the_triggers_nothing_is_kept_and_a_change_is_shown(
    client, manager, inspector, inspection, assessor, monkeypatch, caplog
):
    """A database restored without its triggers (or migrated with --fake): the version would not
    move, so nothing may be kept; the error is logged once."""
    with connection.cursor() as cursor:
        on_table = " ON cases_case" if connection.vendor == "postgresql" else ""
        cursor.execute(f"DROP TRIGGER yos_figures_cases_case_update{on_table}")
    _triggers_in_place.cache_clear()
    monkeypatch.setattr("cases.figures_version._triggers_in_place", functools.cache(_triggers_in_place.__wrapped__))
    for _ in range(5):
        assessment = scored(inspection, assessor, YES_TO_ALL)
        Assessment.objects.filter(pk=assessment.pk).update(status="submitted")
    client.force_login(manager)
    url = reverse("cases:inspection_dashboard", args=[inspection.pk])
    with caplog.at_level(logging.ERROR, logger="cases.figures_version"):
        client.get(url)
        Case.objects.filter(inspection=inspection).update(team="Renamed team")  # no trigger moves the version
        assert "Renamed team" in text(client.get(url))
        # The inspector's home: its progress counts are not kept either.
        client.force_login(inspector)
        assert re.search(r'numeric">5</td>\s*<td[^>]*numeric">5</td>', text(client.get(reverse("home"))))
        Case.objects.filter(inspection=inspection, pk__in=[c.pk for c in Case.objects.all()[:2]]).update(
            in_sample=False
        )
        assert re.search(r'numeric">3</td>\s*<td[^>]*numeric">3</td>', text(client.get(reverse("home"))))
    assert not list(cache._cache)
    assert ["1 triggers missing" in record.getMessage() for record in caplog.records] == [True]


def test_the_judgements_page_is_kept_with_no_readers_token_and_each_reader_posts_with_their_own(
    inspection, assessor, manager, service
):
    """The judgements page's forms (overrides, publishing) are in its kept part: what is kept holds a
    stand-in for the CSRF token, each reader's page their own token, so their forms work and no reader
    is ever served another's token; a judgement recorded shows at once."""
    for _ in range(5):
        assessment = scored(inspection, assessor, YES_TO_ALL)
        Assessment.objects.filter(pk=assessment.pk).update(status="submitted")
    url = reverse("cases:judgements", args=[inspection.pk])
    roh = inspection.framework.areas.get(code="roh")
    readers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    readers[0].force_login(manager)
    readers[1].force_login(member(service, Role.MANAGER, username="colleague"))
    pages = [text(reader.get(url)) for reader in readers]
    kept = [cache.get(key.split(":", 2)[2]) for key in cache._cache if ":kept:judgements:" in key]  # ":1:kept:..."
    assert len(kept) == 1  # the colleague read what the first manager's read kept
    assert kept[0].count('name="csrfmiddlewaretoken" value="<kept-csrf-token>"') >= 2  # publish and override forms
    assert not re.search(r'name="csrfmiddlewaretoken" value="(?!<kept-csrf-token>)', kept[0])
    tokens = [re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page) for page in pages]
    assert all(len(found) >= 2 and "<kept-csrf-token>" not in found for found in tokens)

    def override(reader, token, reason):
        data = {"area": roh.pk, "band_label": "Moderate improvement required", "reason": reason, "version": "0"}
        return reader.post(url, {**data, "csrfmiddlewaretoken": token})

    # Each reader's own token works; the other's is refused (its secret is the other reader's cookie).
    assert override(readers[1], tokens[0][-1], "Not my token").status_code == 403
    assert override(readers[1], tokens[1][-1], "Thin files").status_code == 302
    assert "Moderate improvement required</strong> (override)" in text(readers[0].get(url))
    assert "Thin files" in text(readers[0].get(url))


def test_the_service_trend_shows_a_change_to_any_of_its_inspections_at_once(
    client, manager, inspection, assessor, service
):
    """The trend's markup is kept under the versions of every inspection it shows: a change to any
    of them, or a new inspection of the service, shows on the next read."""
    framework = inspection.framework
    earlier = InspectionFactory(service=service, framework=framework, status="moderation", title="Audit 2015")
    for _ in range(5):
        Assessment.objects.filter(pk=scored(earlier, assessor, YES_TO_ALL).pk).update(status="submitted")
        Assessment.objects.filter(pk=scored(inspection, assessor, YES_TO_ALL).pk).update(status="submitted")
    inspection_publish(inspection=earlier, by=manager)
    client.force_login(manager)
    url = reverse("cases:service_trends")

    def row(page, title):
        return re.search(rf">{title}</a>.*?</tr>", page).group(0)

    first = text(client.get(url))
    assert "Live" in row(first, "Mock 2016") and "100%" in row(first, "Mock 2016")
    assert text(client.get(url)) == first  # read again, nothing changed: kept
    # The live inspection's answers changed in bulk (no page's save): its live figure moves at once.
    Answer.objects.filter(assessment__case__inspection=inspection, question__code="roh-1").update(value="no")
    assert "67%" in row(text(client.get(url)), "Mock 2016")
    # The published inspection renamed: the trend shows the new title.
    Inspection.objects.filter(pk=earlier.pk).update(title="Audit 2015 (full joint)")
    assert "Audit 2015 (full joint)" in text(client.get(url))
    # A new audit of the service, scored: a new row.
    later = InspectionFactory(service=service, framework=inspection.framework, status="scoring", title="Audit 2017")
    Assessment.objects.filter(pk=scored(later, assessor, YES_TO_ALL).pk).update(status="submitted")
    assert "100%" in row(text(client.get(url)), "Audit 2017")
