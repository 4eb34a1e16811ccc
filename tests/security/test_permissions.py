"""Permissions are named once: each app's `Perm` constants are exactly the permissions registered
with `rules`, each is used outside rules.py, and views check access only through
inspections/access.py or `has_perm` (never by calling a predicate)."""

import re
from pathlib import Path

import pytest
from rules.permissions import permissions

from cases.rules import Perm as CasesPerm
from improvement.rules import Perm as ImprovementPerm
from inspections.rules import Perm as InspectionsPerm

ROOT = Path(__file__).resolve().parents[2]
PERMS = {"inspections": InspectionsPerm, "cases": CasesPerm, "improvement": ImprovementPerm}


def constants(perm_class):
    return {name: value for name, value in vars(perm_class).items() if name.isupper()}


@pytest.mark.parametrize("app", PERMS)
def test_the_perm_constants_are_the_registered_permissions(app):
    registered = {name for name in permissions if name.startswith(f"{app}.")}
    assert set(constants(PERMS[app]).values()) == registered


@pytest.mark.parametrize("app", PERMS)
def test_every_permission_is_used_outside_rules(app):
    sources = "\n".join(
        path.read_text()
        for path in ROOT.glob("*/**/*.py")
        if path.name != "rules.py" and ".venv" not in path.parts and "tests" not in path.parts
    )
    unused = [name for name in constants(PERMS[app]) if not re.search(rf"Perm\.{name}\b", sources)]
    assert unused == []


def test_no_view_calls_a_predicate_or_names_a_permission_as_a_string():
    offenders = []
    for path in ROOT.glob("*/**/views.py"):
        if ".venv" in path.parts:
            continue
        text = path.read_text()
        if re.search(r"\.test\(request\.user|from \S*rules import [^\n]*\bis_", text):
            offenders.append(f"{path}: calls a predicate")
        if re.search(r"""has_perm\(["']|require\([^,]+, ["']|my_inspection\([^)]*["']\w+\.\w+["']""", text):
            offenders.append(f"{path}: a permission named by string")
    assert offenders == []
