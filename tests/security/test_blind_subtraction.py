"""The attack: a manager who is the blind second marker of a case downloads the case-level answers (which
leave that case out) and a summary (whose Yes/No/N-A counts included it) and subtracts one from the other,
recovering every first-marking answer of the case. While someone is blind to a case, no figure they can
read (pages, exports of every kind and format, dashboards, drill-down, judgements, trends) includes it.

Each summary is checked twice: the subtraction itself (summary counts minus the counts in the answers
export must be nothing), and against the same summary read by a manager who is not blind, with the case
removed altogether (so every figure, not only the counts, leaves the case out)."""

import csv
import io
import re
from collections import Counter

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Assessment, Case
from cases.oversight import exports
from inspections.models import Role
from tests.factories import FrameworkFactory, InspectionFactory, member
from tests.factories import make_scored_cases as build_scored_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(service):
    first = member(service, Role.OFFICER, username="first-marker")
    blind_manager = member(service, Role.MANAGER, username="blind-manager")
    other_manager = member(service, Role.MANAGER, username="other-manager")
    inspection = InspectionFactory(service=service, status="scoring", framework=FrameworkFactory())
    cases = build_scored_cases(inspection, 14, first, seed=7)
    target = cases[3]
    # The manager has started the blind second marking of one case, not yet submitted.
    Assessment.objects.create(case=target, assessor=blind_manager, marking="second", status="draft")
    return {"inspection": inspection, "target": target, "blind": blind_manager, "other": other_manager}


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def export(client, inspection, kind, fmt="csv"):
    response = client.get(reverse("cases:inspection_export", args=[inspection.pk, kind, fmt]))
    assert response.status_code == 200
    return response


def xlsx_values(response):
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def main_text(response):
    """The page's main content as text, without the notice saying cases are left out."""
    html = response.content.decode()
    html = html.split("<main", 1)[1].split("</main>", 1)[0]
    html = re.sub(r'<div class="govuk-inset-text"[^>]*>[^<]*you are marking[^<]*</div>', "", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_subtracting_the_answers_export_from_a_summary_recovers_nothing(client, world):
    inspection, target = world["inspection"], world["target"]
    client.force_login(world["blind"])
    answers = csv_rows(export(client, inspection, "answers"))
    header, body = answers[0], answers[1:]
    col = {name: i for i, name in enumerate(header)}
    assert body and target.reference not in {row[col["Case"]] for row in body}
    values = {"Yes": "yes", "No": "no", "Not applicable": "na"}
    from_answers = Counter(
        (row[col["Question code"]], values[row[col["Answer"]]])
        for row in body
        if row[col["Marking"]] == "First marking" and row[col["Status"]] == "Submitted"
    )

    summaries = {
        "questions.csv": [row[1:] for row in csv_rows(export(client, inspection, "summary")) if row[0] == "Questions"],
        "questions only.csv": csv_rows(export(client, inspection, "questions"))[1:],
        "questions.xlsx": xlsx_values(export(client, inspection, "summary", "xlsx"))["Questions"][1:],
    }
    for name, rows in summaries.items():
        assert rows, name
        for row in rows:
            code, yes, no, na = row[0], row[5], row[6], row[7]
            recovered = (
                int(yes) - from_answers[(code, "yes")],
                int(no) - from_answers[(code, "no")],
                int(na) - from_answers[(code, "na")],
            )
            assert recovered == (0, 0, 0), f"{name}: question {code} gives away {recovered}"

    dashboard = client.get(reverse("cases:inspection_dashboard", args=[inspection.pk]))
    assert "1 case you are marking is left out" in dashboard.content.decode()
    for line in dashboard.context["figures"].questions:
        tally = line.tally
        assert (tally.yes, tally.no, tally.na) == tuple(
            from_answers[(line.question.code, value)] for value in ("yes", "no", "na")
        ), f"dashboard: {line.question.code}"
    judgements = client.get(reverse("cases:judgements", args=[inspection.pk]))
    for area in judgements.context["figures"].areas:
        for question in area.questions:
            tally = question.tally
            assert (tally.yes, tally.no, tally.na) == tuple(
                from_answers[(question.question.code, value)] for value in ("yes", "no", "na")
            ), f"judgements: {question.question.code}"
    assert "1 case you are marking is left out" in judgements.content.decode()
    drill = client.get(reverse("cases:dashboard_cases", args=[inspection.pk]))
    assert target.reference not in {line.case.reference for line in drill.context["lines"]}


def test_every_summary_the_blind_marker_reads_is_the_one_without_the_case(client, world):
    """Pages and every export, as the blind marker, equal what another manager reads with the case gone."""
    inspection = world["inspection"]
    pages = [
        reverse("cases:inspection_dashboard", args=[inspection.pk]),
        reverse("cases:inspection_dashboard", args=[inspection.pk]) + "?team=North+team",
        reverse("cases:dashboard_cases", args=[inspection.pk]),
        reverse("cases:judgements", args=[inspection.pk]),
        reverse("cases:service_trends"),
    ]
    kinds = [kind for kind in exports.KINDS if kind != "answers"]

    def read_all(person):
        client.force_login(person)
        seen = {url: main_text(client.get(url)) for url in pages}
        for kind in kinds:
            seen[f"{kind}.csv"] = csv_rows(export(client, inspection, kind))
            seen[f"{kind}.xlsx"] = xlsx_values(export(client, inspection, kind, "xlsx"))
        return seen

    as_blind = read_all(world["blind"])
    with transaction.atomic():
        Case.objects.filter(pk=world["target"].pk).delete()
        without_the_case = read_all(world["other"])
        transaction.set_rollback(True)
    for name in as_blind:
        assert as_blind[name] == without_the_case[name], f"{name} includes the case the reader marks blind"
    # And the case does count for everyone else.
    client.force_login(world["other"])
    assert csv_rows(export(client, inspection, "summary")) != as_blind["summary.csv"]
