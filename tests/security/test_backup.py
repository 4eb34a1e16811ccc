"""Backup and restore (docs/backup.md): a pg_dump of a populated database, restored into an empty one,
gives the same reports. Runs on PostgreSQL with throwaway databases of its own."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (pg_dump and pg_restore): set DATABASE_URL to a PostgreSQL database",
)

BOARD_REPORTS = """
import hashlib, json
from improvement import reports, selectors
from improvement.models import BoardReport, ImprovementPlan, Meeting
out = {}
for plan in ImprovementPlan.objects.select_related("inspection").order_by("pk"):
    for meeting in Meeting.objects.filter(board__service_id=plan.inspection.service_id).order_by("pk"):
        html = reports.render_report_html(selectors.board_report_data(plan, meeting))
        out[f"{plan.pk}/{meeting.pk}"] = hashlib.sha256(html.encode()).hexdigest()
for report in BoardReport.objects.order_by("pk"):
    out[f"issued {report.pk}"] = hashlib.sha256(report.html.encode() + bytes(report.pdf)).hexdigest()
print(json.dumps(out, sort_keys=True))
"""

INSPECTION_IDS = (
    "from inspections.models import Inspection; "
    "print(list(Inspection.objects.order_by('pk').values_list('pk', flat=True)))"
)


@pytest.fixture
def server():
    s = connection.settings_dict
    return {"host": s["HOST"] or "127.0.0.1", "port": str(s["PORT"] or 5432), "user": s["USER"] or "postgres"}


@pytest.fixture
def throwaway_databases(server):
    names = [f"yos_audit_backup_{kind}_{uuid.uuid4().hex[:10]}" for kind in ("source", "restored")]
    yield names
    for name in names:
        subprocess.run(
            [
                "dropdb",
                "--if-exists",
                "--force",
                "-h",
                server["host"],
                "-p",
                server["port"],
                "-U",
                server["user"],
                name,
            ],
            check=False,
            capture_output=True,
        )


def manage(database_url, *args):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DEBUG="1", DATABASE_URL=database_url)
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def reports_of(url):
    ids = json.loads(manage(url, "shell", "--no-imports", "-c", INSPECTION_IDS))
    assert ids, "the demo made no inspections"
    figures = {pk: json.loads(manage(url, "inspection_report", str(pk), "--format", "json")) for pk in ids}
    boards = json.loads(manage(url, "shell", "--no-imports", "-c", BOARD_REPORTS))
    return figures, boards


def test_a_dump_restored_into_an_empty_database_gives_identical_reports(server, throwaway_databases, tmp_path):
    source, restored = throwaway_databases
    pg = ["-h", server["host"], "-p", server["port"], "-U", server["user"]]
    url = f"postgres://{server['user']}@{server['host']}:{server['port']}/"
    subprocess.run(["createdb", *pg, source], check=True)
    manage(url + source, "migrate", "--no-input", "-v", "0")
    manage(url + source, "load_demo")
    before = reports_of(url + source)

    # What docs/backup.md says to do.
    dump = tmp_path / "yos_audit.dump"
    subprocess.run(["pg_dump", *pg, "--format=custom", "--no-owner", "--file", str(dump), source], check=True)
    subprocess.run(["createdb", *pg, restored], check=True)
    subprocess.run(["pg_restore", *pg, "--no-owner", "--exit-on-error", "--dbname", restored, str(dump)], check=True)

    after = reports_of(url + restored)
    assert after[0] == before[0]  # every inspection's judgements, area and question figures
    assert after[1] == before[1] and before[1]  # every board report, as rendered now and as issued
    # And the restored database is complete: no migration is missing, the app checks clean.
    assert "[ ]" not in manage(url + restored, "showmigrations")
