"""Before the load test: each service's live inspection, plan, board meeting, an officer's draft and a
second-marked case, and a signed-in session per benchmark account, written as JSON for the locustfile.

    DATABASE_URL=... python loadtest/prepare.py loadtest/targets.json

The sessions go in the app's own session store (the database, or Redis with REDIS_URL), holding what
django.contrib.auth.login puts there: 50 Argon2 password checks at once would measure the password
hashing (slow on purpose) rather than the pages.
"""

import json
import os
import sys
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yos_audit.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402

from cases.models import Assessment, AssessmentStatus, Case, Marking  # noqa: E402
from improvement.models import ImprovementPlan, Meeting  # noqa: E402
from inspections.models import Inspection, InspectionStatus  # noqa: E402


def targets():
    found = {}
    for inspection in Inspection.objects.filter(status=InspectionStatus.SCORING).select_related("service"):
        found.setdefault(inspection.service.slug, {})["live"] = inspection.pk
    for plan in ImprovementPlan.objects.select_related("inspection__service"):
        found.setdefault(plan.inspection.service.slug, {})["plan"] = plan.pk
    for meeting in Meeting.objects.select_related("board__service"):
        found.setdefault(meeting.board.service.slug, {})["meeting"] = meeting.pk
    drafts = Assessment.objects.filter(
        status=AssessmentStatus.DRAFT, marking=Marking.FIRST, assessor__username__endswith="-officer3"
    ).select_related("case__inspection__service")
    for assessment in drafts:
        found.setdefault(assessment.case.inspection.service.slug, {}).setdefault("drafts", []).append(assessment.pk)
    second_marked = Case.objects.filter(
        inspection__status=InspectionStatus.SCORING, assessments__marking=Marking.SECOND
    ).select_related("inspection__service")
    for case in second_marked:
        found[case.inspection.service.slug].setdefault("second_marked", case.pk)
    return found


def sessions():
    store = import_module(settings.SESSION_ENGINE).SessionStore
    wanted = [f"service-{n:03d}-{kind}" for n in range(1, 151) for kind in ("officer3", "manager", "board")]
    made = {}
    for user in get_user_model().objects.filter(username__in=wanted):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "inspections.sign_in.MembershipBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        made[user.username] = session.session_key
    return made


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps({"targets": targets(), "sessions": sessions()}))
