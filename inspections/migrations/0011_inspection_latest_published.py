"""An index for a service's latest published inspection, on PostgreSQL.

The benchmark across services picks each service's latest published inspection
(`Inspection.objects.published()`, newest `published_on` first, nulls last, then `period_end`,
then id) for each of up to 150 services. With this index PostgreSQL reads each from the index
alone, in that order (EXPLAIN ANALYZE at national scale: 450 index-only lookups of 0.001 ms
instead of an index scan and a sort of 0.003 ms each; the query 2.8 -> 1.7 ms). SQLite cannot
index `NULLS LAST`, and its data sets are small: there the migration does nothing.
"""

from django.db import migrations

INDEX = "inspection_latest_published"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "inspections_inspection" '
            '("service_id", "published_on" DESC NULLS LAST, "period_end" DESC, "id" DESC) '
            "WHERE \"status\" IN ('published', 'closed')"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("inspections", "0010_service_require_single_sign_on")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
