"""The security checks CI runs: bandit finds nothing of high severity; pip-audit's exceptions are justified."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_bandit_finds_no_high_severity_problem():
    result = subprocess.run(
        [
            BIN / "bandit",
            "--quiet",
            "--recursive",
            "inspections",
            "cases",
            "improvement",
            "yos_audit",
            "--severity-level",
            "high",
            "--format",
            "custom",
            "--msg-template",
            "{relpath}:{line} {test_id} {msg}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_ignored_vulnerability_has_a_reason():
    for number, line in enumerate((ROOT / "security" / "pip-audit-ignore.txt").read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        match = re.fullmatch(r"(PYSEC-\d{4}-\d+|GHSA(-[0-9a-z]{4}){3}|CVE-\d{4}-\d+|OSV-\S+)\s+(.{20,})", line)
        assert match, f"security/pip-audit-ignore.txt line {number}: give the ID, then why it is safe to ignore"


def test_ci_runs_bandit_and_pip_audit():
    makefile = (ROOT / "Makefile").read_text()
    test_target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "bandit" in test_target
    assert "scripts/pip_audit.sh" in makefile
    assert "make audit" in (ROOT / ".ci" / "run").read_text()
    for tool in ("bandit==", "pip-audit=="):
        assert tool in (ROOT / "requirements-dev.in").read_text()
