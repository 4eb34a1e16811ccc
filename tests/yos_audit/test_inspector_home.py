"""The inspector's home: every inspection of their services, filtered, 25 to a page, with progress counts."""

import re

import pytest
from django.urls import reverse

from inspections.models import Membership, Role
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    FrameworkFactory,
    InspectionFactory,
    ServiceFactory,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(db):
    return FrameworkFactory()


def rows(page):
    return page.count('<tr class="govuk-table__row">') - 1  # less the header row


def test_thirty_inspections_come_25_to_a_page_with_a_link_to_the_rest(client, inspector, service, framework):
    for n in range(30):
        InspectionFactory(service=service, framework=framework, title=f"Audit number {n:02d}")
    client.force_login(inspector)
    first = client.get(reverse("home")).content.decode()
    assert rows(first) == 25
    assert "Showing 1 to 25 of 30 inspections" in first
    assert 'href="?page=2" rel="next"' in first
    second = client.get(reverse("home"), {"page": 2}).content.decode()
    assert rows(second) == 5
    assert "Showing 26 to 30 of 30 inspections" in second
    assert 'rel="prev"' in second
    shown = {line for page in (first, second) for line in page.split("\n") if "Audit number" in line}
    assert len(shown) == 30  # every inspection on one page or the other


def test_the_counts_are_each_inspections_own(client, inspector, service, framework, officer):
    busy = InspectionFactory(service=service, framework=framework, title="Busy audit")
    InspectionFactory(service=service, framework=framework, title="Quiet audit")
    for n in range(3):
        case = CaseFactory(inspection=busy)
        AssessmentFactory(case=case, assessor=officer, status="submitted" if n < 2 else "draft")
        AssessmentFactory(case=case, assessor=member(service), marking="second", status="submitted")
    CaseFactory(inspection=busy, in_sample=False)
    client.force_login(inspector)
    page = client.get(reverse("home")).content.decode()
    busy_row = page[page.index("Busy audit") : page.index("</tr>", page.index("Busy audit"))]
    quiet_row = page[page.index("Quiet audit") : page.index("</tr>", page.index("Quiet audit"))]
    # 3 sampled (the fourth case is not), 2 first markings submitted (second markings do not count).
    assert [cell.split("<")[0] for cell in busy_row.split('numeric">')[1:]] == ["3", "2"]
    assert [cell.split("<")[0] for cell in quiet_row.split('numeric">')[1:]] == ["0", "0"]


def test_filters_narrow_the_list_by_service_status_and_title(client, inspector, service, other_service, framework):
    Membership.objects.create(user=inspector, service=other_service, role=Role.INSPECTOR)
    InspectionFactory(service=service, framework=framework, title="Northshire audit", status="scoring")
    InspectionFactory(service=other_service, framework=framework, title="Eastbridge audit", status="published")
    client.force_login(inspector)
    by_service = client.get(reverse("home"), {"service": other_service.pk}).content.decode()
    assert "Eastbridge audit" in by_service and "Northshire audit" not in by_service
    assert "Service: Eastbridge Youth Offending Service" in by_service  # the selected filter, said
    by_status = client.get(reverse("home"), {"status": "scoring"}).content.decode()
    assert "Northshire audit" in by_status and "Eastbridge audit" not in by_status
    by_title = client.get(reverse("home"), {"title": "eastbr"}).content.decode()
    assert "Eastbridge audit" in by_title and "Northshire audit" not in by_title


def test_another_services_inspections_are_never_listed_even_when_asked_for(client, inspector, framework):
    elsewhere = ServiceFactory(name="Westmoor Youth Justice Service")
    InspectionFactory(service=elsewhere, framework=framework, title="Westmoor audit")
    client.force_login(inspector)
    page = client.get(reverse("home"), {"service": elsewhere.pk}).content.decode()
    assert "Westmoor audit" not in page
    assert "Select a valid choice" in page


def test_the_query_count_is_the_same_for_3_and_60_inspections(client, inspector, service, framework):
    from django.db import DEFAULT_DB_ALIAS, connection
    from django.test.utils import CaptureQueriesContext

    from cases.figures_version import triggers_in_place

    others = [ServiceFactory() for _ in range(3)]
    for other in others:
        Membership.objects.create(user=inspector, service=other, role=Role.INSPECTOR)
    for _ in range(3):
        CaseFactory(inspection=InspectionFactory(service=service, framework=framework))
    client.force_login(inspector)
    triggers_in_place(DEFAULT_DB_ALIAS)  # asked once per process: not a query of any page's

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("home")).content.decode()
        return len(captured), page

    few = [queries()[0] for _ in ("first", "again")]
    for other in others:
        for _ in range(19):
            CaseFactory.create_batch(2, inspection=InspectionFactory(service=other, framework=framework))
    (first, page), (again, _) = queries(), queries()
    assert "of 60 inspections" in page
    # The session, the person with their memberships, the page's rows with the number of inspections
    # and each one's figures' version; on a first read, the counts of the inspections changed since
    # their counts were kept (all of them here), in one more query; read again, nothing changed, none.
    assert few == [first, again] == [4, 3]


def test_a_change_to_an_inspections_cases_shows_in_its_counts_at_once(client, inspector, service, framework, officer):
    audit = InspectionFactory(service=service, framework=framework, title="Busy audit")
    cases = CaseFactory.create_batch(2, inspection=audit)
    client.force_login(inspector)

    def counts():
        page = client.get(reverse("home")).content.decode()
        row = page[page.index("Busy audit") : page.index("</tr>", page.index("Busy audit"))]
        return [cell.split("<")[0] for cell in row.split('numeric">')[1:]]

    assert counts() == counts() == ["2", "0"]  # read again: kept
    assessment = AssessmentFactory(case=cases[0], assessor=officer)
    assert counts() == ["2", "0"]  # a first marking started: not submitted
    type(assessment).objects.filter(pk=assessment.pk).update(status="submitted")  # however it is written
    assert counts() == ["2", "1"]
    type(cases[1]).objects.filter(pk=cases[1].pk).update(in_sample=False)
    assert counts() == ["1", "1"]


@pytest.mark.parametrize("query", [{}, {"service": "SERVICE", "status": "scoring", "title": 'North "<&>"'}])
def test_the_filter_fields_written_in_python_are_crispys_markup(client, inspector, service, query):
    from django.template import Context, Template
    from django.test import RequestFactory

    from yos_audit.home_pages import InspectionFilterForm

    service.name = "Northshire <b>&</b> YJS"
    service.save()
    query = {name: service.pk if value == "SERVICE" else value for name, value in query.items()}
    client.force_login(inspector)
    page = client.get(reverse("home"), query).content.decode()
    form = InspectionFilterForm(RequestFactory().get("/", query).GET or None, services=[service])
    assert not form.errors
    crispy = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))

    def normalised(html):
        return re.sub(r"\s+", " ", html).strip()

    assert normalised(crispy) in normalised(page)
    assert "Northshire &lt;b&gt;&amp;&lt;/b&gt; YJS" in page


# The rows of templates/includes/inspection_table.html as they were before inspection_rows wrote them.
INSPECTION_ROWS_TEMPLATE = """
  {% for inspection in inspections %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'inspections:inspection_detail' inspection.pk %}">{{ inspection.title }}</a></td>
      {% if show_service %}<td class="govuk-table__cell">{{ inspection.service.name }}</td>{% endif %}
      <td class="govuk-table__cell">{{ inspection.get_kind_display }}</td>
      <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--grey">{{ inspection.get_status_display }}</strong></td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ inspection.sampled }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ inspection.submitted }}</td>
    </tr>
  {% empty %}
    <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{% if show_service %}6{% else %}5{% endif %}">No inspections yet.</td></tr>
  {% endfor %}
"""  # noqa: E501 (the former template, verbatim)


@pytest.mark.parametrize("show_service", [True, False])
@pytest.mark.parametrize("how_many", [0, 3])
def test_the_rows_written_from_values_are_the_former_templates_markup(framework, show_service, how_many):
    from django.template import Context, Template

    from yos_audit.home_pages import inspection_rows, inspection_rows_html

    service = ServiceFactory(name='Northshire <b>"&"</b> YJS')
    inspections = [
        InspectionFactory(service=service, framework=framework, title=f"Audit <{n}> & 'more'", status=status, kind=kind)
        for n, (status, kind) in enumerate(
            [("scoring", "internal_audit"), ("published", "hmip_inspection"), ("moderation", "yjb_mock")]
        )
    ][:how_many]
    for n, inspection in enumerate(inspections):
        inspection.sampled, inspection.submitted = 60 - n, 7 * n
    values = [
        (i.pk, i.title, i.service.name if show_service else "", i.kind, i.status, i.sampled, i.submitted)
        for i in inspections
    ]
    former = Template(INSPECTION_ROWS_TEMPLATE).render(
        Context({"inspections": inspections, "show_service": show_service})
    )

    def normalised(html):
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()

    assert normalised(inspection_rows_html(values, show_service)) == normalised(former)
    assert normalised(inspection_rows(inspections, show_service)) == normalised(former)
    if how_many:
        assert "Audit &lt;0&gt; &amp; &#x27;more&#x27;" in inspection_rows_html(values, show_service)


@pytest.mark.parametrize("query", [{"status": "scoring"}, {"title": "scoring"}, {"status": "scoring", "title": "ring"}])
def test_a_filtered_list_comes_a_page_at_a_time_with_its_own_count(client, inspector, service, framework, query):
    for n in range(40):
        status = "published" if n % 4 == 0 else "scoring"  # 30 scoring, 10 published
        InspectionFactory(service=service, framework=framework, title=f"Audit {status} {n:02d}", status=status)
    client.force_login(inspector)
    first = client.get(reverse("home"), query).content.decode()
    assert rows(first) == 25 and "Showing 1 to 25 of 30 inspections" in first
    for page in (2, 9):  # 9 is out of range: the last page
        last = client.get(reverse("home"), {**query, "page": page}).content.decode()
        assert rows(last) == 5 and "Showing 26 to 30 of 30 inspections" in last
    listed = {line for line in first.split("\n") + last.split("\n") if "Audit " in line and "</a>" in line}
    assert len(listed) == 30 and not any("Audit published" in line for line in listed)
