"""Every record made before its model's record of changes (findings, recommendations, memberships,
meetings, issued board reports, areas, questions...) gets its first history row (inspections/history.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from inspections.history import record_initial_history

    record_initial_history(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_merge_20261202_0534"),
        ("improvement", "0006_board_report_history"),
        ("inspections", "0009_finding_recommendation_history_version"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
