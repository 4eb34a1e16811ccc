"""The improvement plan's data moves the figures' version of its inspection (cases.FiguresVersion), as
the inspection's own data does (cases migration 0006, whose trigger writer this one uses): a statement
that changes a plan, its themes, actions (and the questions, areas and recommendations they answer),
progress updates, their evidence, the actions' history (what a board report reads "as at" its
meeting) or a board report adds one to the row of the plan's inspection; one that changes a board or
its meetings, to the row of every inspection of its service; a glossary term, to every inspection of
its service (a national term: to the row of inspection 0, what every inspection's pages read); a
recommendation, to its inspection's. A draft board report is kept under those versions
(improvement/views.py), so none can outlive what it shows.
"""

import importlib

from django.db import migrations

FIGURES = importlib.import_module("cases.migrations.0006_figures_version")

TO_PLAN = "JOIN improvement_improvementplan p ON p.id = {row}.plan_id"
TO_ACTION = "JOIN improvement_action a ON a.id = {row}.action_id JOIN improvement_improvementplan p ON p.id = a.plan_id"

# (table, joins from the changed row, the changed row's inspection, {event: which rows count})
BY_INSPECTION = [
    ("improvement_improvementplan", "", "{row}.inspection_id", {}),
    ("improvement_theme", TO_PLAN, "p.inspection_id", {}),
    ("improvement_action", TO_PLAN, "p.inspection_id", {}),
    ("improvement_historicalaction", TO_PLAN, "p.inspection_id", {}),
    ("improvement_action_questions", TO_ACTION, "p.inspection_id", {}),
    ("improvement_action_areas", TO_ACTION, "p.inspection_id", {}),
    ("improvement_action_recommendations", TO_ACTION, "p.inspection_id", {}),
    ("improvement_progressupdate", TO_ACTION, "p.inspection_id", {}),
    (
        "improvement_evidence",
        "JOIN improvement_progressupdate u ON u.id = {row}.update_id " + TO_ACTION.format(row="u"),
        "p.inspection_id",
        {},
    ),
    ("improvement_boardreport", TO_PLAN, "p.inspection_id", {}),
    (
        "improvement_meeting",
        "JOIN improvement_board b ON b.id = {row}.board_id JOIN inspections_inspection i ON i.service_id = b.service_id",
        "i.id",
        {},
    ),
    ("improvement_board", "JOIN inspections_inspection i ON i.service_id = {row}.service_id", "i.id", {}),
    # A national term (no service) moves row 0; a service's, every inspection of the service.
    ("improvement_term", "LEFT JOIN inspections_inspection i ON i.service_id = {row}.service_id", "COALESCE(i.id, 0)", {}),
    ("inspections_recommendation", "", "{row}.inspection_id", {}),
]


def trigger_names(vendor):
    """The names of the triggers this migration makes (cases/figures_version.py checks they are there)."""
    return FIGURES.trigger_names(vendor, BY_INSPECTION, [])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_figures_version"),
        ("improvement", "0007_record_initial_history"),
        ("inspections", "0011_inspection_latest_published"),
    ]

    operations = [
        migrations.RunPython(FIGURES.triggers(True, BY_INSPECTION, []), FIGURES.triggers(False, BY_INSPECTION, [])),
    ]
