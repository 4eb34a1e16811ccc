"""Scoring a case: draft, submit, read-only, conflicts, self-scoring, access, the record, query counts."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases.models import Answer, Assessment
from inspections.models import Role
from tests.factories import AssessmentFactory, CaseFactory, FrameworkFactory, InspectionFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(service, officer):
    inspection = InspectionFactory(service=service)
    return AssessmentFactory(case=CaseFactory(inspection=inspection, reference="NS-0001"), assessor=officer)


def codes(assessment):
    return list(
        assessment.case.inspection.framework.questions.order_by("area__order", "order").values_list("code", flat=True)
    )


def all_answered(assessment, value="yes", **overrides):
    data = {"version": assessment.version, "action": "submit"}
    for code in codes(assessment):
        data[f"q-{code}"] = value
        data[f"note-{code}"] = ""
    data.update(overrides)
    return data


def test_officer_sees_the_case_on_their_home_page(client, officer, assessment):
    client.force_login(officer)
    page = client.get(reverse("home")).content.decode()
    assert "NS-0001" in page
    assert "Not started" in page


def test_the_scoring_page_shows_questions_by_area_and_stage_with_progress(client, officer, assessment):
    client.force_login(officer)
    page = client.get(reverse("cases:assessment", args=[assessment.pk])).content.decode()
    assert "Answered 0 of 6 questions" in page
    assert page.index("Risk of harm to others") < page.index("Safeguarding")
    assert page.count('type="radio"') == 18
    assert "Guidance" in page


def test_a_partial_draft_is_kept_and_shown_again(client, officer, assessment):
    client.force_login(officer)
    response = client.post(
        reverse("cases:assessment", args=[assessment.pk]),
        {
            "version": 0,
            "action": "draft",
            "q-roh-1": "no",
            "note-roh-1": "No RoSH screening on file",
            "note-saf-2": "half",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Your draft is saved" in page
    assert "Answered 1 of 6 questions" in page
    assert "No RoSH screening on file" in page
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    assert assessment.no == 1


def test_submit_needs_every_answer_and_lists_each_missing_one(client, officer, assessment):
    client.force_login(officer)
    data = all_answered(assessment)
    del data["q-saf-2"]
    data["q-roh-3"] = "no"  # No without a note
    response = client.post(reverse("cases:assessment", args=[assessment.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "<title>Error: Case" in page
    assert 'href="#q-saf-2-yes"' in page
    assert 'href="#note-roh-3"' in page  # "add a note" goes to the note box
    assert "Answer question 5 (saf-2)" in page
    assert "Add a note to question 3 (roh-3)" in page
    assert page.count("checked") == 5  # what was typed is kept
    assert not Answer.objects.exists()
    assessment.refresh_from_db()
    assert assessment.status == "not_started"


def test_a_submitted_case_is_read_only_until_a_manager_reopens_it(client, officer, manager, assessment):
    client.force_login(officer)
    response = client.post(reverse("cases:assessment", args=[assessment.pk]), all_answered(assessment), follow=True)
    assert "is submitted" in response.content.decode()
    page = client.get(reverse("cases:assessment", args=[assessment.pk])).content.decode()
    assert 'type="radio"' not in page
    assert "can no longer be changed" in page
    assert client.post(reverse("cases:assessment", args=[assessment.pk]), all_answered(assessment)).status_code == 403

    client.force_login(manager)
    client.post(
        reverse("cases:assessment_reopen", args=[assessment.pk]), {"reason": "Q3 answered against the wrong case"}
    )
    assessment.refresh_from_db()
    assert assessment.status == "draft"

    client.force_login(officer)
    assert 'type="radio"' in client.get(reverse("cases:assessment", args=[assessment.pk])).content.decode()


def test_an_officer_cannot_reopen(client, officer, assessment):
    assessment.status = "submitted"
    assessment.save()
    client.force_login(officer)
    assert client.post(reverse("cases:assessment_reopen", args=[assessment.pk]), {"reason": "x"}).status_code == 403


def test_save_draft_returns_to_the_question_in_view_and_submitting_offers_the_next_case(client, officer, assessment):
    client.force_login(officer)
    url = reverse("cases:assessment", args=[assessment.pk])
    draft = client.post(url, {"version": 0, "action": "draft", "q-roh-1": "yes", "return_to": "question-saf-2"})
    assert draft.url == f"{url}#question-saf-2"
    odd = client.post(url, {"version": 1, "action": "draft", "return_to": '"><script>'})
    assert odd.url == url
    later = AssessmentFactory(
        case=CaseFactory(inspection=assessment.case.inspection, reference="ZZ-9"), assessor=officer
    )
    done = client.post(url, {**all_answered(assessment), "version": 2}, follow=True)
    page = done.content.decode()
    assert "is submitted" in page
    assert "Next case: ZZ-9" in page and reverse("cases:assessment", args=[later.pk]) in page


def test_a_stale_save_is_refused_and_keeps_what_was_typed(client, officer, assessment):
    client.force_login(officer)
    # The same page open in two tabs: the first save wins ...
    client.post(reverse("cases:assessment", args=[assessment.pk]), {"version": 0, "action": "draft", "q-roh-1": "yes"})
    # ... the second, made from the page as it was loaded, is refused.
    response = client.post(
        reverse("cases:assessment", args=[assessment.pk]),
        {"version": 0, "action": "draft", "q-roh-1": "no", "note-roh-1": "typed in the other tab"},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Your answers were not saved" in page
    assert "typed in the other tab" in page
    assert Answer.objects.get().value == "yes"


def test_nobody_scores_a_case_they_manage(client, officer, service):
    case = CaseFactory(inspection=InspectionFactory(service=service), case_manager=officer)
    assessment = AssessmentFactory(case=case, assessor=officer)
    client.force_login(officer)
    response = client.post(
        reverse("cases:assessment", args=[assessment.pk]),
        {"version": 0, "action": "draft", "q-roh-1": "yes"},
        follow=True,
    )
    assert "manages case" in response.content.decode()
    assert not Answer.objects.exists()


def test_access_owner_colleague_in_another_service_outsider_and_signed_out(
    client, assessment, other_officer, outsider, service
):
    url = reverse("cases:assessment", args=[assessment.pk])
    client.force_login(other_officer)
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(member(service, Role.OFFICER))  # an officer of the same service, not the assessor
    assert client.get(url).status_code == 403
    client.force_login(member(service, Role.BOARD_MEMBER))
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_every_answer_change_submission_and_reopening_is_on_record(client, officer, manager, assessment):
    client.force_login(officer)
    url = reverse("cases:assessment", args=[assessment.pk])
    client.post(url, {"version": 0, "action": "draft", "q-roh-1": "yes"})
    client.post(url, {"version": 1, "action": "draft", "q-roh-1": "no", "note-roh-1": "no plan"})
    client.post(url, all_answered(assessment, version=2))
    client.force_login(manager)
    client.post(reverse("cases:assessment_reopen", args=[assessment.pk]), {"reason": "check roh-2"})
    page = client.get(reverse("cases:assessment_record", args=[assessment.pk])).content.decode()
    assert "Answer changed" in page
    assert "No: no plan" in page  # old value shown beside the new one
    assert "Submitted" in page
    assert "Reopened: check roh-2" in page
    assert escape(officer.get_full_name()) in page
    client.force_login(officer)
    assert client.get(reverse("cases:assessment_record", args=[assessment.pk])).status_code == 403


def test_a_save_puts_each_new_and_changed_answer_and_the_assessment_as_stored_on_record(client, officer, assessment):
    client.force_login(officer)
    url = reverse("cases:assessment", args=[assessment.pk])
    client.post(url, {"version": 0, "action": "draft", "q-roh-1": "yes", "q-roh-2": "no", "note-roh-2": "no plan"})
    answer_history = Answer.history.model.objects
    first_records = answer_history.count()
    # One answer changed, one unchanged, one new: two answer records, one assessment record.
    response = client.post(
        url,
        {"version": 1, "action": "draft", "q-roh-1": "na", "q-roh-2": "no", "note-roh-2": "no plan", "q-roh-3": "yes"},
    )
    assert response.status_code == 302
    records = {
        r.question.code: (r.history_type, r.history_change_reason, r.value, r.note, r.history_user)
        for r in answer_history.order_by("history_id")[first_records:]
    }
    assert records == {
        "roh-1": ("~", "Changed", "na", "", officer),
        "roh-3": ("+", "Answered", "yes", "", officer),
    }
    stored = Assessment.objects.get(pk=assessment.pk)
    assert (stored.version, stored.status, stored.answered) == (2, "draft", 3)
    assert (stored.yes, stored.no, stored.na) == (1, 1, 1)
    last = stored.history.order_by("-history_id").first()
    assert (last.history_type, last.history_change_reason, last.history_user) == ("~", "Draft saved", officer)
    tracked = [f.attname for f in type(last).tracked_fields]
    assert {name: getattr(last, name) for name in tracked} == {name: getattr(stored, name) for name in tracked}
    assert stored.history.count() == 3  # assigned, and one record for each save

    client.post(url, all_answered(assessment, version=2))
    stored = Assessment.objects.get(pk=assessment.pk)
    last = stored.history.order_by("-history_id").first()
    assert (stored.status, stored.answered, stored.version) == ("submitted", 6, 3)
    assert stored.submitted_at is not None and last.history_change_reason == "Submitted"
    assert {name: getattr(last, name) for name in tracked} == {name: getattr(stored, name) for name in tracked}


def test_a_save_after_the_case_was_given_to_someone_else_is_refused(officer, assessment, service):
    page_version = assessment.version
    # Not started, so a manager may move it; the page opened before that still shows the old assessor.
    Assessment.objects.filter(pk=assessment.pk).update(assessor=member(service, Role.OFFICER))
    from cases.services import StaleAssessment, assessment_save

    with pytest.raises(StaleAssessment):
        assessment_save(assessment=assessment, answers={"roh-1": ("yes", "")}, version=page_version, by=officer)
    assert not Answer.objects.exists()


@pytest.mark.parametrize("questions_per_area", [3, 15])
def test_scoring_page_queries_do_not_grow_with_questions(
    client, officer, service, questions_per_area, django_assert_num_queries
):
    framework = FrameworkFactory(structure=questions_per_area)
    inspection = InspectionFactory(service=service, framework=framework)
    assessment = AssessmentFactory(case=CaseFactory(inspection=inspection), assessor=officer)
    client.force_login(officer)
    client.post(reverse("cases:assessment", args=[assessment.pk]), {"version": 0, "action": "draft", "q-roh-1": "yes"})
    # The session, the person with their memberships, the assessment with its case, inspection, assessor
    # and the inspection's programme audit if any, the questions with their areas, the answers.
    with django_assert_num_queries(5):
        response = client.get(reverse("cases:assessment", args=[assessment.pk]))
    assert response.status_code == 200
    assert Assessment.objects.count() == 1


def test_a_draft_save_takes_the_same_queries_with_3_and_with_15_questions_an_area(client, officer, service):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for questions_per_area in (3, 15):
        framework = FrameworkFactory(structure=questions_per_area)
        inspection = InspectionFactory(service=service, framework=framework)
        assessment = AssessmentFactory(case=CaseFactory(inspection=inspection), assessor=officer)
        client.force_login(officer)
        url = reverse("cases:assessment", args=[assessment.pk])
        every_answer = {f"q-{q.code}": "yes" for q in framework.questions.all()}
        client.post(url, {"version": 0, "action": "draft", **every_answer})
        changed = {**every_answer, **{code: "na" for code in list(every_answer)[::2]}}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"version": 1, "action": "draft", **changed})
        assert response.status_code == 302
        assert Answer.objects.filter(assessment=assessment, value="na").count() == len(list(every_answer)[::2])
        counts.append(len(queries))
    # The questions are read once (not again by the save): session, person, assessment (with the
    # programme audit that scopes the questions), the questions with their areas, the saved answers,
    # savepoint, the version claimed with the new state (one conditional UPDATE), the answers' update
    # and their history, the assessment's history, release.
    assert counts[0] == counts[1] == 11
