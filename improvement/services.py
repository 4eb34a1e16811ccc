"""Every write to improvement plans, boards, reports and the glossary.

Keyword-only, one transaction each. Each records who did it (`by`) on the history so every
change to a plan is on record, whether it came from a page, a command or the demo.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from inspections.concurrency import claim_version
from inspections.models import Recommendation

from . import evidence as evidence_files
from .models import (
    Action,
    ActionStatus,
    Board,
    BoardReport,
    Brag,
    Evidence,
    ImprovementPlan,
    Meeting,
    PlanStatus,
    ProgressUpdate,
    ReminderSent,
    Term,
    Theme,
    add_months,
)
from .rules import is_lead_inspector


class CoverageIncomplete(ValidationError):
    """The plan cannot be submitted: some recommendations have no action."""

    def __init__(self, uncovered):
        self.uncovered = list(uncovered)
        super().__init__(
            f"Every recommendation needs at least one action: {len(self.uncovered)} "
            f"{'has' if len(self.uncovered) == 1 else 'have'} none",
            code="uncovered",
        )


class StaleAction(Exception):
    """The action changed since the person read it (at `version`): their save is refused, not merged."""

    def __init__(self, action):
        self.action = action
        super().__init__(f"Action {action.pk} changed since it was read")


def _claim_next_version(action, version):
    """Move the action's version on from `version`, or raise StaleAction if someone else did first.

    One conditional UPDATE: on PostgreSQL a second transaction doing the same waits for the first
    to commit, then finds the version moved on and updates nothing.
    """
    from django.db.models import F

    claimed = Action.objects.filter(pk=action.pk, version=version).update(version=F("version") + 1)
    if not claimed:
        raise StaleAction(Action.objects.select_related("plan").get(pk=action.pk))
    action.version = version + 1


def _by(instance, by):
    instance._history_user = by
    return instance


def _require_status(plan, *allowed):
    if plan.status not in allowed:
        raise ValidationError(f"The plan is {plan.get_status_display().lower()}, so this cannot be done now")


# Plans ---------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, inspection, by, reinspection_due=None):
    """Start the plan for a published inspection, with re-inspection due a year after publication."""
    if not inspection.is_published:
        raise ValidationError("A plan can only be written for a published inspection")
    if ImprovementPlan.objects.filter(inspection=inspection).exists():
        raise ValidationError("This inspection already has an improvement plan")
    if reinspection_due is None and inspection.published_on:
        reinspection_due = add_months(inspection.published_on, 12)
    plan = _by(ImprovementPlan(inspection=inspection, reinspection_due=reinspection_due), by)
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, plan, by, reinspection_due, version=None):
    """Change the re-inspection date; StaleEdit if the plan changed since `version` was read."""
    claim_version(plan, version)
    plan.reinspection_due = reinspection_due
    _by(plan, by).save()
    return plan


def uncovered_recommendations(plan):
    """The inspection's recommendations that no action of the plan answers (one query)."""
    return list(
        Recommendation.objects.filter(inspection_id=plan.inspection_id)
        .exclude(improvement_actions__plan=plan)
        .select_related("area")
    )


@transaction.atomic
def plan_submit(*, plan, by, today=None):
    plan = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
    _require_status(plan, PlanStatus.DRAFT)
    uncovered = uncovered_recommendations(plan)
    if uncovered:
        raise CoverageIncomplete(uncovered)
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_on = today or timezone.localdate()
    plan.submitted_by = by
    plan.returned_reason = ""
    _by(plan, by).save()
    return plan


@transaction.atomic
def plan_approve(*, plan, by, today=None):
    """Only the lead inspector of the plan's inspection approves; the date is recorded."""
    plan = ImprovementPlan.objects.select_for_update().select_related("inspection").get(pk=plan.pk)
    if not is_lead_inspector(by, plan):
        raise PermissionDenied("Only the lead inspector of this inspection can approve its plan")
    _require_status(plan, PlanStatus.SUBMITTED)
    plan.status = PlanStatus.APPROVED
    plan.approved_on = today or timezone.localdate()
    plan.approved_by = by
    _by(plan, by).save()
    return plan


@transaction.atomic
def plan_return(*, plan, by, reason):
    """The lead inspector sends a submitted plan back to the service with a reason."""
    plan = ImprovementPlan.objects.select_for_update().select_related("inspection").get(pk=plan.pk)
    if not is_lead_inspector(by, plan):
        raise PermissionDenied("Only the lead inspector of this inspection can send its plan back")
    _require_status(plan, PlanStatus.SUBMITTED)
    if not reason.strip():
        raise ValidationError("Enter why the plan is being sent back")
    plan.status = PlanStatus.DRAFT
    plan.returned_reason = reason.strip()
    _by(plan, by).save()
    return plan


@transaction.atomic
def plan_start(*, plan, by):
    _require_status(plan, PlanStatus.APPROVED)
    plan.status = PlanStatus.IN_PROGRESS
    _by(plan, by).save()
    return plan


@transaction.atomic
def plan_close(*, plan, by):
    _require_status(plan, PlanStatus.IN_PROGRESS)
    plan.status = PlanStatus.CLOSED
    _by(plan, by).save()
    return plan


# Themes --------------------------------------------------------------------------------------


@transaction.atomic
def theme_create(*, plan, by, title, order=None):
    if order is None:
        last = plan.themes.order_by("-order").values_list("order", flat=True).first()
        order = 0 if last is None else last + 1
    theme = _by(Theme(plan=plan, title=title, order=order), by)
    theme.save()
    return theme


@transaction.atomic
def theme_update(*, theme, by, title, order, version=None):
    claim_version(theme, version)
    theme.title, theme.order = title, order
    _by(theme, by).save()
    return theme


@transaction.atomic
def theme_delete(*, theme, by):
    if theme.actions.exists():
        raise ValidationError("Move or remove this theme's actions before removing the theme")
    _by(theme, by).delete()


# Actions -------------------------------------------------------------------------------------

ACTION_FIELDS = [
    "theme",
    "title",
    "description",
    "owner",
    "partner_name",
    "partner_agency",
    "partner_email",
    "due_on",
    "status",
    "brag",
    "success_measure",
    "completed_on",
    "audit_template",
]


def _settle_completion(action, today):
    """Complete means blue with a completion date; reopening clears both."""
    if action.status == ActionStatus.COMPLETE:
        action.brag = Brag.BLUE
        action.completed_on = action.completed_on or today
    else:
        if action.brag == Brag.BLUE:
            action.brag = Brag.GREEN
        action.completed_on = None


def _check_action(action, plan):
    if action.theme.plan_id != plan.pk:
        raise ValidationError("Choose a theme of this plan")
    if not action.owner_id and not action.partner_name:
        raise ValidationError("Choose an owner in the service, or name the owner in a partner agency")
    if action.audit_template_id and action.audit_template.service_id != plan.inspection.service_id:
        raise ValidationError("Choose a recurring audit of the plan's service")


@transaction.atomic
def action_create(*, plan, by, recommendations=(), areas=(), questions=(), today=None, **fields):
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown action fields: {sorted(unknown)}")
    action = Action(plan=plan, **fields)
    _check_action(action, plan)
    _settle_completion(action, today or timezone.localdate())
    _by(action, by).save()
    _set_targets(action, plan, recommendations, areas, questions)
    return action


@transaction.atomic
def action_update(*, action, by, version=None, recommendations=None, areas=None, questions=None, today=None, **fields):
    """Change an action. With `version` (the one the person's page showed), a change made by someone
    else since then refuses the save with StaleAction rather than overwriting it."""
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown action fields: {sorted(unknown)}")
    _claim_next_version(action, action.version if version is None else version)
    for name, value in fields.items():
        setattr(action, name, value)
    _check_action(action, action.plan)
    _settle_completion(action, today or timezone.localdate())
    _by(action, by).save()
    _set_targets(action, action.plan, recommendations, areas, questions)
    return action


def _set_targets(action, plan, recommendations, areas, questions):
    inspection = plan.inspection
    if recommendations is not None:
        if any(r.inspection_id != inspection.pk for r in recommendations):
            raise ValidationError("An action can only answer this inspection's recommendations")
        action.recommendations.set(recommendations)
    if areas is not None:
        if any(a.framework_id != inspection.framework_id for a in areas):
            raise ValidationError("Choose areas of this inspection's framework")
        action.areas.set(areas)
    if questions is not None:
        if any(q.framework_id != inspection.framework_id for q in questions):
            raise ValidationError("Choose questions of this inspection's framework")
        action.questions.set(questions)


# Progress updates and evidence ---------------------------------------------------------------


@transaction.atomic
def progress_update_create(*, action, by, date, brag, note, files=(), today=None):
    """Record progress; the action takes the update's BRAG (blue completes it on the update's date)."""
    if action.plan.status == PlanStatus.CLOSED:
        raise ValidationError("The plan is closed")
    update = _by(ProgressUpdate(action=action, date=date, author=by, brag=brag, note=note), by)
    update.save()
    stored = []
    try:
        for uploaded in files:
            kind = evidence_files.check_upload(uploaded)
            stored_name, size, sha256 = evidence_files.store(uploaded)
            stored.append(stored_name)
            Evidence.objects.create(
                update=update,
                original_name=evidence_files.clean_name(uploaded.name),
                stored_name=stored_name,
                content_type=kind.content_type,
                size=size,
                sha256=sha256,
                uploaded_by=by,
            )
    except Exception:
        for stored_name in stored:
            (evidence_files.evidence_folder() / stored_name).unlink(missing_ok=True)
        raise
    changed = False
    if brag == Brag.BLUE and action.status != ActionStatus.COMPLETE:
        action.status, action.brag, action.completed_on = ActionStatus.COMPLETE, Brag.BLUE, date
        changed = True
    elif brag != Brag.BLUE and action.brag != brag:
        if action.status == ActionStatus.COMPLETE:
            action.status, action.completed_on = ActionStatus.IN_PROGRESS, None
        action.brag = brag
        changed = True
    if action.status == ActionStatus.NOT_STARTED:
        action.status = ActionStatus.IN_PROGRESS
        changed = True
    if changed:
        current = Action.objects.select_for_update().values_list("version", flat=True).get(pk=action.pk)
        _claim_next_version(action, current)
        _by(action, by).save()
    return update


# Boards, meetings and reports ----------------------------------------------------------------


def _check_members(service, members):
    from inspections.models import Membership, Role

    allowed = set(
        Membership.objects.filter(service=service, role=Role.BOARD_MEMBER, user__in=members).values_list(
            "user_id", flat=True
        )
    )
    if any(m.pk not in allowed for m in members):
        raise ValidationError("Board members must hold the board member role in this service")


@transaction.atomic
def board_create(*, service, by, name, members=()):
    _check_members(service, members)
    board = _by(Board(service=service, name=name), by)
    board.save()
    board.members.set(members)
    return board


@transaction.atomic
def board_update(*, board, by, name, members, version=None):
    _check_members(board.service_id, members)
    claim_version(board, version)
    board.name = name
    _by(board, by).save()
    board.members.set(members)
    return board


@transaction.atomic
def meeting_create(*, board, by, held_on, notes=""):
    try:
        with transaction.atomic():
            return Meeting.objects.create(board=board, held_on=held_on, notes=notes)
    except IntegrityError:
        raise ValidationError("This board already has a meeting on that day") from None


@transaction.atomic
def board_report_issue(*, plan, meeting, by, base_url=None):
    """Store the report as it reads now (HTML and PDF), so it reads the same later. Issuing it again
    adds the next numbered version; every earlier one is kept."""
    from . import reports, selectors

    if meeting.board.service_id != plan.inspection.service_id:
        raise ValidationError("The meeting is not one of this service's boards")
    data = selectors.board_report_data(plan, meeting)
    html = reports.render_report_html(data, issued=True)
    pdf = reports.html_to_pdf(html, base_url=base_url)
    # Lock the meeting so two people issuing at once get numbers 2 and 3, never the same one.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    last = BoardReport.objects.filter(plan=plan, meeting=meeting).order_by("-number").values_list("number", flat=True)
    report = BoardReport(
        plan=plan,
        meeting=meeting,
        number=(last.first() or 0) + 1,
        html=html,
        pdf=pdf,
        brag_counts=data["brag_counts"],
        issued_at=timezone.now(),
        issued_by=by,
    )
    report._history_user = by
    report.save()
    return report


# Glossary ------------------------------------------------------------------------------------


def _own_term(entry):
    if entry.is_national:
        raise PermissionDenied("The national glossary terms are shipped with YOS Audit and cannot be changed here")


@transaction.atomic
def term_create(*, service, by, term, meaning, definition):
    """Add one of `service`'s own terms (read by that service only)."""
    entry = _by(Term(service=service, term=term, meaning=meaning, definition=definition), by)
    entry.save()
    return entry


@transaction.atomic
def term_update(*, entry, by, term, meaning, definition, version=None):
    _own_term(entry)
    claim_version(entry, version)
    entry.term, entry.meaning, entry.definition = term, meaning, definition
    _by(entry, by).save()
    return entry


@transaction.atomic
def term_delete(*, entry, by):
    _own_term(entry)
    _by(entry, by).delete()


# Reminders -----------------------------------------------------------------------------------

REMINDER_DAYS = 7


def reminders_send(*, today=None):
    """Email the owner of each open action due within 7 days or overdue, once per action per day.

    A ReminderSent row (unique per action and day) is written before the email goes, in the same
    transaction, so running again the same day sends nothing more. Returns how many were sent.
    """
    from datetime import timedelta

    from django.conf import settings

    today = today or timezone.localdate()
    due = (
        Action.objects.exclude(status=ActionStatus.COMPLETE)
        .exclude(plan__status=PlanStatus.CLOSED)
        .filter(due_on__lte=today + timedelta(days=REMINDER_DAYS))
        .exclude(reminders__sent_on=today)
        .select_related("owner", "plan__inspection__service")
    )
    sent = 0
    for action in due:
        to = action.owner_email
        if not to:
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(action=action, sent_on=today, to=to)
                overdue = action.due_on < today
                when = "was due" if overdue else "is due"
                send_mail(
                    subject=f"{'Overdue' if overdue else 'Due soon'}: {action.title}",
                    message=(
                        f"Hello {action.owner_display},\n\n"
                        f'The improvement plan action "{action.title}" for '
                        f"{action.plan.inspection.service.name} {when} on {action.due_on:%-d %B %Y}.\n"
                        f"Its BRAG rating is {action.get_brag_display()}.\n\n"
                        "Please record progress on the action in YOS Audit, or tell the manager who "
                        "keeps the plan.\n"
                    ),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[to],
                )
        except IntegrityError:
            continue  # another run sent it a moment ago
        sent += 1
    return sent
