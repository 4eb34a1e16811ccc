"""Drawing the sample: reproducible, stratified, stored with its seed and cohort hash; replacements."""

import json
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cases.models import Assessment, Case, SampleChange, SampleDraw
from cases.sampling.selectors import case_stratum
from cases.sampling.services import sample_draw, sample_replace
from inspections.models import Role
from tests.factories import AssessmentFactory, InspectionFactory, make_cohort, make_sampling_inspection, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(service):
    return make_sampling_inspection(service)


@pytest.fixture
def cohort(inspection):
    return make_cohort(inspection, 60)


def sampled(inspection):
    return sorted(Case.objects.filter(inspection=inspection, in_sample=True).values_list("reference", flat=True))


def values(case):
    return {f: getattr(case, f) for f in ("disposal", "rosh", "gender", "looked_after", "team")}


def test_a_draw_stores_seed_parameters_hash_and_result_and_marks_the_cases(manager, inspection, cohort):
    drawn = sample_draw(inspection=inspection, method="number", size=34, seed="1234", by=manager)
    assert drawn.seed == "1234"
    assert drawn.drawn_by == manager
    assert len(drawn.cohort_hash) == 64
    assert drawn.parameters["strata"] == ["disposal", "rosh", "girls"]
    assert drawn.parameters["cohort_size"] == 60
    assert drawn.result["references"] == sampled(inspection)
    assert len(drawn.result["references"]) == 34
    assert sum(s["sample"] for s in drawn.result["strata"]) == 34
    inspection.refresh_from_db()
    assert inspection.status == "sampling"


def test_the_same_cohort_parameters_and_seed_give_the_same_sample(manager, inspection, cohort):
    first = sample_draw(inspection=inspection, method="number", size=20, seed="42", by=manager)
    second = sample_draw(inspection=inspection, method="number", size=20, seed="42", by=manager)
    third = sample_draw(inspection=inspection, method="number", size=20, seed="43", by=manager)
    assert first.result["references"] == second.result["references"]
    assert first.cohort_hash == second.cohort_hash == third.cohort_hash
    assert first.result["references"] != third.result["references"]
    assert sampled(inspection) == sorted(third.result["references"])


def test_the_same_seed_gives_the_same_sample_in_another_inspection_with_the_same_cohort(manager, service):
    a, b = make_sampling_inspection(service), make_sampling_inspection(service)
    make_cohort(a, 40)
    make_cohort(b, 40)
    first = sample_draw(inspection=a, method="yjb", seed="7", by=manager)
    second = sample_draw(inspection=b, method="yjb", seed="7", by=manager)
    assert first.result["references"] == second.result["references"]
    assert first.cohort_hash == second.cohort_hash


def test_the_cohort_hash_changes_when_the_cohort_does(manager, inspection, cohort):
    before = sample_draw(inspection=inspection, method="number", size=10, seed="1", by=manager)
    Case.objects.filter(pk=cohort[0].pk).update(excluded_reason="Moved away")
    after = sample_draw(inspection=inspection, method="number", size=10, seed="1", by=manager)
    assert before.cohort_hash != after.cohort_hash
    assert cohort[0].reference not in after.result["references"]


@pytest.mark.parametrize(
    ("arguments", "size"),
    [
        ({"method": "margin", "confidence": 95, "margin": 5}, 53),
        ({"method": "margin", "confidence": 0.95, "margin": 0.10}, 38),
        ({"method": "yjb"}, 20),
        ({"method": "number", "size": 12}, 12),
    ],
)
def test_the_size_methods(manager, inspection, cohort, arguments, size):
    drawn = sample_draw(inspection=inspection, seed="s", by=manager, **arguments)
    assert len(drawn.result["references"]) == size


def test_girls_are_their_own_stratum_and_allocation_is_proportional(manager, inspection, cohort):
    drawn = sample_draw(inspection=inspection, method="number", size=30, seed="9", by=manager)
    strata = {s["key"]: s for s in drawn.result["strata"]}
    assert "Girls" in strata
    girls = [c for c in cohort if c.gender == "female"]
    assert strata["Girls"]["cohort"] == len(girls)
    for stratum in strata.values():
        share = 30 * stratum["cohort"] / 60
        assert abs(stratum["sample"] - share) < 1
    for case in Case.objects.filter(inspection=inspection, in_sample=True):
        key = case_stratum(values(case), ["disposal", "rosh", "girls"])
        assert (key == "Girls") == (case.gender == "female")


def test_chosen_strata_are_used(manager, inspection, cohort):
    drawn = sample_draw(inspection=inspection, method="number", size=10, seed="9", strata=["team"], by=manager)
    assert {s["key"] for s in drawn.result["strata"]} == {"North", "South"}
    assert [s["sample"] for s in drawn.result["strata"]] == [5, 5]
    with pytest.raises(ValidationError, match="Unknown strata"):
        sample_draw(inspection=inspection, method="number", size=10, seed="9", strata=["shoe size"], by=manager)


def test_the_cap_per_case_manager_is_respected(manager, service, inspection):
    managers = [member(service, Role.OFFICER) for _ in range(4)]
    cases = make_cohort(inspection, 40)
    for i, case in enumerate(cases):
        case.case_manager = managers[0] if i < 25 else managers[1 + i % 3]
        case.save()
    sample_draw(inspection=inspection, method="number", size=20, seed="3", cap=8, strata=[], by=manager)
    per_manager = Counter(
        Case.objects.filter(inspection=inspection, in_sample=True).values_list("case_manager", flat=True)
    )
    assert max(per_manager.values()) <= 8
    assert sum(per_manager.values()) == 20


def test_no_draw_once_the_inspection_is_past_sampling(manager, service):
    inspection = InspectionFactory(service=service, status="scoring")
    make_cohort(inspection, 10)
    with pytest.raises(ValidationError, match="only while the inspection is Planned or Sampling; it is Scoring"):
        sample_draw(inspection=inspection, method="yjb", seed="1", by=manager)


def test_no_new_draw_once_scoring_has_started(manager, inspection, cohort):
    sample_draw(inspection=inspection, method="number", size=10, seed="1", by=manager)
    case = Case.objects.filter(inspection=inspection, in_sample=True).first()
    AssessmentFactory(case=case, status="draft")
    with pytest.raises(ValidationError, match="Scoring has started"):
        sample_draw(inspection=inspection, method="number", size=10, seed="2", by=manager)


def test_a_new_draw_removes_unstarted_assignments_of_cases_that_leave(manager, officer, inspection, cohort):
    sample_draw(inspection=inspection, method="number", size=10, seed="1", by=manager)
    for case in Case.objects.filter(inspection=inspection, in_sample=True):
        AssessmentFactory(case=case, assessor=officer)
    sample_draw(inspection=inspection, method="number", size=10, seed="2", by=manager)
    assert set(Assessment.objects.values_list("case__reference", flat=True)) <= set(sampled(inspection))


def test_an_empty_cohort_or_too_large_a_size_is_refused(manager, inspection):
    with pytest.raises(ValidationError, match="The cohort is empty"):
        sample_draw(inspection=inspection, method="yjb", seed="1", by=manager)
    make_cohort(inspection, 5)
    with pytest.raises(ValidationError, match="holds 5 cases"):
        sample_draw(inspection=inspection, method="number", size=6, seed="1", by=manager)


# --- replacing a case ------------------------------------------------------------------------


def test_a_sampled_case_is_replaced_by_the_next_of_its_stratum(manager, officer, inspection, cohort):
    drawn = sample_draw(inspection=inspection, method="number", size=20, seed="5", by=manager)
    strata = drawn.parameters["strata"]
    case = Case.objects.filter(inspection=inspection, in_sample=True, gender="male").first()
    assessment = AssessmentFactory(case=case, assessor=officer)
    change = sample_replace(case=case, reason="The file cannot be found", by=manager)
    case.refresh_from_db()
    added = change.added
    assert not case.in_sample
    assert added.in_sample
    assert case_stratum(values(added), strata) == case_stratum(values(case), strata)
    assert change.reason == "The file cannot be found"
    assert change.changed_by == manager
    assert len(sampled(inspection)) == 20
    assessment.refresh_from_db()
    assert assessment.case == added  # the unstarted assignment moved with it


def test_replacements_are_reproducible_and_never_bring_back_a_removed_case(manager, service):
    outcomes = []
    for _ in range(2):
        inspection = make_sampling_inspection(service)
        make_cohort(inspection, 60)
        sample_draw(inspection=inspection, method="number", size=20, seed="5", by=manager)
        case = Case.objects.filter(inspection=inspection, in_sample=True).order_by("reference").first()
        first = sample_replace(case=case, reason="Missing", by=manager)
        second = sample_replace(case=first.added, reason="Also missing", by=manager)
        assert second.added != case
        outcomes.append((first.added.reference, second.added.reference))
    assert outcomes[0] == outcomes[1]


def test_a_replacement_needs_a_reason_and_an_unstarted_case(manager, inspection, cohort):
    sample_draw(inspection=inspection, method="number", size=20, seed="5", by=manager)
    case = Case.objects.filter(inspection=inspection, in_sample=True).first()
    with pytest.raises(ValidationError, match="Enter why"):
        sample_replace(case=case, reason=" ", by=manager)
    AssessmentFactory(case=case, status="submitted")
    with pytest.raises(ValidationError, match="has started"):
        sample_replace(case=case, reason="x", by=manager)
    assert not SampleChange.objects.exists()


def test_a_stratum_with_nobody_left_says_so(manager, inspection):
    make_cohort(inspection, 2, gender="female")
    sample_draw(inspection=inspection, method="number", size=2, seed="1", by=manager)
    case = Case.objects.filter(inspection=inspection).first()
    with pytest.raises(ValidationError, match="No other case"):
        sample_replace(case=case, reason="x", by=manager)


# --- pages -----------------------------------------------------------------------------------


def test_work_out_the_size_shows_the_size_without_drawing(client, manager, inspection, cohort):
    client.force_login(manager)
    page = client.get(reverse("cases:sample_draw", args=[inspection.pk])).content.decode()
    assert "The cohort holds <strong>60 cases</strong>" in page
    data = {"method": "margin", "confidence": "95", "margin": "5", "strata": ["disposal", "rosh", "girls"]}
    response = client.post(reverse("cases:sample_draw", args=[inspection.pk]), {**data, "seed": "77", "action": "size"})
    assert response.status_code == 200
    assert "53 cases" in response.content.decode()
    assert not SampleDraw.objects.exists()


def test_drawing_from_the_page_shows_cohort_and_sample_side_by_side(client, manager, inspection, cohort):
    client.force_login(manager)
    data = {"method": "number", "size": "34", "strata": ["disposal", "rosh", "girls"], "seed": "2015", "action": "draw"}
    response = client.post(reverse("cases:sample_draw", args=[inspection.pk]), data)
    assert response["Location"] == reverse("cases:sample_result", args=[inspection.pk])
    drawn = SampleDraw.objects.get()
    assert drawn.drawn_by == manager
    page = client.get(response["Location"]).content.decode()
    assert "2015" in page
    assert drawn.cohort_hash in page
    assert "Cohort and sample by stratum" in page
    assert "Girls" in page
    assert "34 cases drawn from a cohort of 60" in page


def test_the_draw_form_reports_a_missing_size(client, manager, inspection, cohort):
    client.force_login(manager)
    response = client.post(
        reverse("cases:sample_draw", args=[inspection.pk]), {"method": "number", "seed": "1", "action": "draw"}
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter how many cases to sample" in page
    assert not SampleDraw.objects.exists()


def test_the_draw_page_says_clearly_when_drawing_is_closed(client, manager, service):
    inspection = InspectionFactory(service=service, status="scoring")
    client.force_login(manager)
    page = client.get(reverse("cases:sample_draw", args=[inspection.pk])).content.decode()
    assert "A sample can be drawn only while an inspection is Planned or Sampling" in page
    client.post(reverse("cases:sample_draw", args=[inspection.pk]), {"method": "yjb", "seed": "1", "action": "draw"})
    assert not SampleDraw.objects.exists()


def test_replacing_from_the_page(client, manager, inspection, cohort):
    sample_draw(inspection=inspection, method="number", size=20, seed="5", by=manager)
    case = Case.objects.filter(inspection=inspection, in_sample=True).first()
    client.force_login(manager)
    url = reverse("cases:sample_replace", args=[inspection.pk, case.pk])
    page = client.get(url).content.decode()
    assert "the next case of the same stratum" in page
    assert "Enter why the case is taken out" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Case file lost"}).status_code == 302
    page = client.get(reverse("cases:sample_result", args=[inspection.pk])).content.decode()
    assert "Case file lost" in page


# --- the command -----------------------------------------------------------------------------


def test_the_command_prints_json_with_references_and_strata(inspection, cohort, capsys):
    call_command("draw_sample", inspection.pk, "--size", "34", "--seed", "2015", "--format", "json")
    out = json.loads(capsys.readouterr().out)
    assert len(out["references"]) == 34
    assert out["seed"] == "2015"
    assert sum(s["cohort"] for s in out["strata"]) == 60
    assert sum(s["sample"] for s in out["strata"]) == 34
    call_command("draw_sample", inspection.pk, "--size", "34", "--seed", "2015", "--format", "json")
    assert json.loads(capsys.readouterr().out)["references"] == out["references"]


def test_the_command_takes_confidence_margin_strata_and_cap(inspection, cohort, capsys):
    call_command(
        "draw_sample",
        inspection.pk,
        "--confidence",
        "95",
        "--margin",
        "5",
        "--strata",
        "team,looked_after",
        "--cap",
        "30",
    )
    out = capsys.readouterr().out
    assert "Drew 53 of 60 cases" in out
    assert "Looked after / North" in out
    with pytest.raises(CommandError, match="--confidence needs --margin"):
        call_command("draw_sample", inspection.pk, "--confidence", "95")


def test_the_command_refuses_clearly(service, capsys):
    inspection = InspectionFactory(service=service, status="published")
    with pytest.raises(CommandError, match="it is Published"):
        call_command("draw_sample", inspection.pk, "--yjb")


# --- permissions and query counts ------------------------------------------------------------


@pytest.fixture
def drawn(manager, inspection, cohort):
    return sample_draw(inspection=inspection, method="number", size=10, seed="5", by=manager)


def page_urls(inspection):
    case = Case.objects.filter(inspection=inspection, in_sample=True).first()
    return [
        reverse("cases:sample_draw", args=[inspection.pk]),
        reverse("cases:sample_result", args=[inspection.pk]),
        reverse("cases:sample_replace", args=[inspection.pk, case.pk]),
    ]


@pytest.mark.parametrize(
    ("who", "status"), [("manager", 200), ("inspector", 200), ("officer", 403), ("board_member", 403)]
)
def test_who_may_open_the_sample_pages(request, client, inspection, drawn, who, status):
    client.force_login(request.getfixturevalue(who))
    for url in page_urls(inspection):
        assert client.get(url).status_code == status, url


def test_officers_cannot_draw_or_replace(client, officer, inspection, drawn):
    client.force_login(officer)
    draw_url, _, replace_url = page_urls(inspection)
    assert client.post(draw_url, {"method": "yjb", "seed": "1", "action": "draw"}).status_code == 403
    assert client.post(replace_url, {"reason": "x"}).status_code == 403
    assert SampleDraw.objects.count() == 1
    assert not SampleChange.objects.exists()


def test_other_services_and_outsiders_get_404_and_signed_out_signs_in(
    client, other_service, outsider, inspection, drawn
):
    urls = page_urls(inspection)
    for person in (member(other_service, Role.INSPECTOR), outsider):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 404, url
    client.logout()
    for url in urls:
        assert client.get(url)["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["cases:sample_draw", "cases:sample_result"])
def test_sample_page_query_counts_do_not_grow_with_the_cohort(
    client, manager, service, name, django_assert_max_num_queries
):
    small, large = make_sampling_inspection(service), make_sampling_inspection(service)
    make_cohort(small, 10, case_manager=manager)
    make_cohort(large, 100, case_manager=manager)
    sample_draw(inspection=small, method="number", size=5, seed="1", by=manager)
    sample_draw(inspection=large, method="number", size=50, seed="1", by=manager)
    client.force_login(manager)
    with django_assert_max_num_queries(15) as counted:
        client.get(reverse(name, args=[small.pk]))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(reverse(name, args=[large.pk]))


# --- the demo --------------------------------------------------------------------------------


def test_the_demo_cohort_is_imported_drawn_and_assigned_once(service):
    from cases.sampling.demo import create_demo_cohort_and_sample

    inspection = InspectionFactory(service=service, status="scoring")
    managers = [member(service, Role.OFFICER, first_name="Chloe", last_name="Adeyemi"), member(service, Role.OFFICER)]
    assessors = [member(service, Role.OFFICER, first_name="Olivia", last_name="Okafor"), member(service, Role.OFFICER)]
    drawn = create_demo_cohort_and_sample(inspection, assessors=assessors, case_managers=managers, seed="20150119")
    assert inspection.cases.count() == 60
    assert len(drawn.result["references"]) == 34
    assert Assessment.objects.filter(marking="first").count() == 34
    assert Assessment.objects.filter(marking="second").count() == 7
    assert Case.objects.filter(case_manager=managers[0]).count() == 13  # named in the file
    assert Case.objects.filter(case_manager=managers[1]).exists()  # took over a name
    assert Case.objects.filter(case_manager=assessors[0]).exists()
    for assessment in Assessment.objects.select_related("case"):
        assert assessment.assessor_id != assessment.case.case_manager_id
    again = create_demo_cohort_and_sample(inspection, assessors=assessors, case_managers=managers, seed="20150119")
    assert again is None
    assert inspection.cases.count() == 60
