"""The figures' version (cases.FiguresVersion) and the triggers that keep it.

Every statement that changes the data behind an inspection's live figures (its cases, their
assessments and answers, the inspection, what publishing stored, its programme audit) adds one to
that inspection's row, and every change to what all inspections' figures read (people's names,
frameworks, their bands, areas and questions, audit templates) to the row of inspection 0: in the
database, in the change's own transaction, whatever code wrote it (save a draft's: see ANSWER_COUNTS).
A page part kept in the cache is keyed by both versions (cases/figures_version.py), so no kept part
can outlive the data it shows.

PostgreSQL: one trigger a statement (the rows changed read from its transition table, so a bulk
insert of millions of answers adds one a statement, not one a row). SQLite: one a row.
"""

from django.db import migrations, models

VERSIONS = "cases_figuresversion"

# Which changed rows move the version, where not every one does ({row}: the row changed, {before}: an
# updated row as it was). Only submitted assessments count in any figure (`counts_through`), and the
# kept pages show of the others only their status, marking, assessor and case (progress, the blind
# rule): so an answer moves it only if its assessment is submitted, and an assessment's update only if
# it was or is submitted or one of those changed. A draft save, most of the writes while officers
# score, moves nothing; its submission, a reopening, an assignment does.
ANSWER_COUNTS = "a.status = 'submitted'"
ASSESSMENT_SHOWN = (
    "({before}.status = 'submitted' OR {row}.status = 'submitted' OR {before}.status <> {row}.status"
    " OR {before}.marking <> {row}.marking OR {before}.assessor_id <> {row}.assessor_id"
    " OR {before}.case_id <> {row}.case_id)"
)

# (table, joins from the changed row, the changed row's inspection, {event: which rows count})
BY_INSPECTION = [
    ("cases_case", "", "{row}.inspection_id", {}),
    (
        "cases_assessment",
        "JOIN cases_case c ON c.id = {row}.case_id",
        "c.inspection_id",
        {"update": ASSESSMENT_SHOWN},
    ),
    (
        "cases_answer",
        "JOIN cases_assessment a ON a.id = {row}.assessment_id JOIN cases_case c ON c.id = a.case_id",
        "c.inspection_id",
        {"insert": ANSWER_COUNTS, "update": ANSWER_COUNTS, "delete": ANSWER_COUNTS},
    ),
    ("inspections_inspection", "", "{row}.id", {}),
    ("inspections_judgement", "", "{row}.inspection_id", {}),
    ("inspections_publishedquestionscore", "", "{row}.inspection_id", {}),
    ("cases_programmeaudit", "", "{row}.inspection_id", {}),
]
# (table, the columns whose change counts: None for any)
EVERYWHERE = [
    ("auth_user", ["first_name", "last_name", "username"]),
    ("inspections_framework", None),
    ("inspections_band", None),
    ("inspections_overallband", None),
    ("inspections_area", None),
    ("inspections_question", None),
    ("cases_audittemplate", None),
    ("cases_audittemplate_areas", None),
    ("cases_audittemplate_questions", None),
]
EVENTS = [("insert", "INSERT", "NEW"), ("update", "UPDATE", "NEW"), ("delete", "DELETE", "OLD")]
UPSERT = f"ON CONFLICT (inspection_id) DO UPDATE SET version = {VERSIONS}.version + 1"


def postgresql(create, by_inspection=BY_INSPECTION, everywhere=EVERYWHERE):
    """The statements that make (or, not `create`, drop) the triggers of `by_inspection` and `everywhere`
    (later migrations pass their own tables: improvement.0008)."""
    statements = []
    if create and everywhere:
        statements.append(
            "CREATE FUNCTION yos_figures_changed_everywhere() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO {VERSIONS} (inspection_id, version) VALUES (0, 1) {UPSERT}; RETURN NULL; END $$"
        )
    for table, joins, inspection, counts in by_inspection:
        for name, event, row in EVENTS:
            trigger, function = f"yos_figures_{table}_{name}", f"yos_figures_changed_{table}_{name}"
            if not create:
                statements.append(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
                statements.append(f"DROP FUNCTION IF EXISTS {function}()")
                continue
            condition = counts.get(name)
            before = "{before}" in (condition or "")
            # The rows changed, from the statement's transition table(s): one bump a statement.
            source = "changed " + joins.format(row="changed")
            if before:
                source += " JOIN was ON was.id = changed.id"
            where = f"WHERE {condition.format(row='changed', before='was')} " if condition else ""
            statements.append(
                f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"INSERT INTO {VERSIONS} (inspection_id, version) "
                f"SELECT DISTINCT {inspection.format(row='changed')}, 1 FROM {source} {where}"
                f"ORDER BY 1 {UPSERT}; RETURN NULL; END $$"
            )
            tables = "OLD TABLE AS was NEW TABLE AS changed" if before else f"{row} TABLE AS changed"
            statements.append(
                f"CREATE TRIGGER {trigger} AFTER {event} ON {table} REFERENCING {tables} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
    for table, columns in everywhere:
        event = "UPDATE OF " + ", ".join(columns) if columns else "INSERT OR UPDATE OR DELETE"
        statements.append(
            f"CREATE TRIGGER yos_figures_{table} AFTER {event} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION yos_figures_changed_everywhere()"
            if create
            else f"DROP TRIGGER IF EXISTS yos_figures_{table} ON {table}"
        )
    if not create and everywhere:
        statements.append("DROP FUNCTION IF EXISTS yos_figures_changed_everywhere()")
    return statements


def sqlite(create, by_inspection=BY_INSPECTION, everywhere=EVERYWHERE):
    statements = []
    for table, joins, inspection, counts in by_inspection:
        for name, event, row in EVENTS:
            trigger = f"yos_figures_{table}_{name}"
            if not create:
                statements.append(f"DROP TRIGGER IF EXISTS {trigger}")
                continue
            condition = (counts.get(name) or "true").format(row=row, before="OLD")
            source = f"FROM (SELECT 1) {joins.format(row=row)} " if joins else ""  # the joins from a one-row table
            statements.append(
                f"CREATE TRIGGER {trigger} AFTER {event} ON {table} FOR EACH ROW BEGIN "
                f"INSERT INTO {VERSIONS} (inspection_id, version) "
                f"SELECT {inspection.format(row=row)}, 1 {source}WHERE {condition} {UPSERT}; END"
            )
    for table, columns in everywhere:
        if not create:
            for name, _, _ in EVENTS:
                statements.append(f"DROP TRIGGER IF EXISTS yos_figures_{table}_{name}")
            continue
        events = [("update", "UPDATE OF " + ", ".join(columns), "NEW")] if columns else EVENTS
        for name, event, _ in events:
            statements.append(
                f"CREATE TRIGGER yos_figures_{table}_{name} AFTER {event} ON {table} FOR EACH ROW BEGIN "
                f"INSERT INTO {VERSIONS} (inspection_id, version) SELECT 0, 1 WHERE true {UPSERT}; END"
            )
    return statements


def trigger_names(vendor, by_inspection=BY_INSPECTION, everywhere=EVERYWHERE):
    """The names of the triggers this migration makes on `vendor`'s database (cases/figures_version.py
    checks, once per process, that they are all there before it keeps anything)."""
    names = [f"yos_figures_{table}_{name}" for table, *_ in by_inspection for name, _, _ in EVENTS]
    if vendor == "postgresql":
        return names + [f"yos_figures_{table}" for table, _ in everywhere]
    return names + [
        f"yos_figures_{table}_{name}"
        for table, columns in everywhere
        for name, _, _ in ([("update", None, None)] if columns else EVENTS)
    ]


def triggers(create, by_inspection=BY_INSPECTION, everywhere=EVERYWHERE):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = {"postgresql": postgresql, "sqlite": sqlite}[vendor](create, by_inspection, everywhere)
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_first_marking_submitted_index"),
        ("inspections", "0011_inspection_latest_published"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="FiguresVersion",
            fields=[
                ("inspection_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(triggers(create=True), triggers(create=False)),
    ]
