"""Who may reach each improvement URL: board members read and change nothing (every URL, every
method); the service's manager reaches every page; a colleague in another service gets 404; a
signed-out visitor is sent to sign in."""

import pytest
from django.apps import apps
from django.urls import reverse

from improvement import urls

from .helpers import GET_ONLY, POST_ONLY, READ_ONLY, SERVICE_WIDE, all_urls, full_plan

pytestmark = pytest.mark.django_db

METHODS = ["get", "post", "put", "patch", "delete"]


@pytest.fixture
def objects(plan, manager, lead_inspector):
    return full_plan(plan, manager)


def snapshot():
    """Row counts of every improvement table (history tables included) and every plan's state."""
    counts = {
        model._meta.label: model._default_manager.count() for model in apps.get_app_config("improvement").get_models()
    }
    plans = list(apps.get_model("improvement", "ImprovementPlan").objects.values_list("status", "reinspection_due"))
    actions = list(apps.get_model("improvement", "Action").objects.values_list("title", "brag", "status"))
    terms = list(apps.get_model("improvement", "Term").objects.values_list("term", "definition"))
    return counts, plans, actions, terms


def test_every_url_of_the_app_is_covered_by_these_tests():
    names = {pattern.name for pattern in urls.urlpatterns}
    assert names >= READ_ONLY
    assert len(names) == len(urls.urlpatterns)


@pytest.mark.parametrize("method", METHODS)
def test_board_members_read_and_cannot_change_anything(client, objects, board_member, method):
    client.force_login(board_member)
    before = snapshot()
    for name, url in all_urls(objects):
        response = getattr(client, method)(url, data={"title": "Changed", "decision": "approve", "name": "X"})
        if method == "get" and name == "board_report_pdf":
            assert response.status_code == 404, (name, url)  # not issued yet: board members read issued reports only
        elif method == "get" and name in READ_ONLY:
            assert response.status_code == 200, (name, url)
        else:
            assert response.status_code in (403, 405), (name, method, response.status_code)
    assert snapshot() == before


def test_the_manager_reaches_every_page(client, objects, manager):
    client.force_login(manager)
    for name, url in all_urls(objects):
        if name == "plan_approve":
            continue  # the lead inspector's page: below
        response = client.get(url)
        expected = 405 if name in POST_ONLY else 200
        assert response.status_code == expected, (name, url, response.status_code)


def test_the_lead_inspector_reaches_the_approval_page_of_a_submitted_plan(client, objects, manager, lead_inspector):
    from improvement import services

    services.plan_submit(plan=objects["plan"], by=manager)
    client.force_login(lead_inspector)
    assert client.get(reverse("improvement:plan_approve", args=[objects["plan"].pk])).status_code == 200
    assert client.get(reverse("improvement:plan_detail", args=[objects["plan"].pk])).status_code == 200
    assert client.get(reverse("improvement:plan_history", args=[objects["plan"].pk])).status_code == 200


def test_a_colleague_in_another_service_gets_404(client, objects, other_manager):
    client.force_login(other_manager)
    for name, url in all_urls(objects):
        if name in SERVICE_WIDE:
            continue
        if name not in POST_ONLY:
            assert client.get(url).status_code == 404, name
        if name not in GET_ONLY:
            assert client.post(url).status_code == 404, name


def test_service_wide_pages_show_another_service_nothing_of_ours(client, objects, other_manager):
    client.force_login(other_manager)
    page = client.get(reverse("improvement:plan_list")).content.decode()
    assert objects["plan"].inspection.title not in page
    page = client.get(reverse("improvement:board_list")).content.decode()
    assert "Improvement board" not in page


def test_signed_out_visitors_are_sent_to_sign_in(client, objects):
    for name, url in all_urls(objects):
        for method in ["get", "post"]:
            response = getattr(client, method)(url)
            assert response.status_code in (302, 405), (name, method)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("account_login")), name


def test_an_officer_reads_but_cannot_write_the_plan(client, objects, officer):
    client.force_login(officer)
    assert client.get(reverse("improvement:plan_detail", args=[objects["plan"].pk])).status_code == 200
    assert client.get(reverse("improvement:action_create", args=[objects["plan"].pk])).status_code == 403
    assert client.post(reverse("improvement:plan_submit", args=[objects["plan"].pk])).status_code == 403


def test_the_owner_of_an_action_may_record_progress_on_it(client, objects, officer):
    from improvement import services

    action = objects["action"]
    services.action_update(action=action, by=None, owner=officer)
    client.force_login(officer)
    assert client.get(reverse("improvement:update_create", args=[action.pk])).status_code == 200
