"""Top floor: improvement plans, their themes, actions and progress updates, boards, board
reports and the glossary. Builds on inspections (and may use cases); nothing below imports it."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from inspections.models import Area, Inspection, Question, Recommendation, Service
from inspections.people import display_name


def add_months(day, months):
    """`day` plus whole months, the last day of the month when the day does not exist (29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"


APPROVED_STATUSES = [PlanStatus.APPROVED, PlanStatus.IN_PROGRESS, PlanStatus.CLOSED]


class Brag(models.TextChoices):
    """BRAG: the RAG rating with blue for complete."""

    BLUE = "blue", "Blue: complete"
    GREEN = "green", "Green: on track"
    AMBER = "amber", "Amber: at risk"
    RED = "red", "Red: off track"


BRAG_ORDER = [Brag.BLUE, Brag.GREEN, Brag.AMBER, Brag.RED]
BRAG_TAG_CLASSES = {
    Brag.BLUE: "govuk-tag--blue",
    Brag.GREEN: "govuk-tag--green",
    Brag.AMBER: "govuk-tag--orange",
    Brag.RED: "govuk-tag--red",
}


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


class ImprovementPlan(models.Model):
    """The plan a service writes after a published inspection; one per inspection."""

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="improvement_plan")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    reinspection_due = models.DateField(
        "re-inspection due", null=True, blank=True, help_text="Normally 12 months after the report is published"
    )
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_on = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_reason = models.TextField(blank=True, help_text="Why the lead inspector sent the plan back")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=0, help_text="Goes up with every change; refuses stale saves")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-inspection__published_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[choice.value for choice in PlanStatus]), name="plan_status_is_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=[s.value for s in APPROVED_STATUSES])
                | (models.Q(approved_on__isnull=False) & models.Q(approved_by__isnull=False)),
                name="approved_plan_records_who_and_when",
            ),
        ]

    def __str__(self):
        return f"Improvement plan: {self.inspection.title}"

    def get_absolute_url(self):
        return reverse("improvement:plan_detail", args=[self.pk])

    @property
    def service_id(self):
        return self.inspection.service_id

    def days_to_reinspection(self, today=None):
        if self.reinspection_due is None:
            return None
        return (self.reinspection_due - (today or timezone.localdate())).days


class Theme(models.Model):
    """A heading of the plan, e.g. Leadership and partnership. Ordered."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="themes")
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0, help_text="Themes are listed from the lowest number")
    version = models.PositiveIntegerField(default=0, help_text="Goes up with every change; refuses stale saves")

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "title"], name="theme_title_unique_in_plan")]

    def __str__(self):
        return self.title


class Action(models.Model):
    """What the service will do, by when, who owns it and how it is going (BRAG)."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="actions")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="improvement_actions")
    areas = models.ManyToManyField(Area, blank=True, related_name="+")
    questions = models.ManyToManyField(Question, blank=True, related_name="+")
    audit_template = models.ForeignKey(
        "cases.AuditTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="improvement_actions",
        verbose_name="audits it promises",
        help_text="A recurring audit of the service's programme, e.g. the monthly case audits",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_actions",
        help_text="A person in the service",
    )
    partner_name = models.CharField(
        "partner owner's name", max_length=200, blank=True, help_text="A named person in a partner agency"
    )
    partner_agency = models.CharField(max_length=200, blank=True)
    partner_email = models.EmailField("partner owner's email address", blank=True)
    due_on = models.DateField("due date")
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    brag = models.CharField("BRAG rating", max_length=10, choices=Brag.choices, default=Brag.GREEN)
    success_measure = models.TextField(blank=True, help_text="How the service will know the action has worked")
    completed_on = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=0, help_text="Goes up with every change; refuses stale saves")

    history = HistoricalRecords(m2m_fields=[recommendations])  # the links to recommendations are on record too

    class Meta:
        ordering = ["theme__order", "order", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | ~models.Q(partner_name=""), name="action_has_an_owner"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[choice.value for choice in ActionStatus]),
                name="action_status_is_known",
            ),
            models.CheckConstraint(
                condition=models.Q(brag__in=[choice.value for choice in Brag]), name="action_brag_is_known"
            ),
            # Blue means complete, and a complete action is blue with the date it was completed.
            models.CheckConstraint(
                condition=(models.Q(status="complete") & models.Q(brag="blue") & models.Q(completed_on__isnull=False))
                | (~models.Q(status="complete") & ~models.Q(brag="blue") & models.Q(completed_on__isnull=True)),
                name="action_blue_means_complete",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("improvement:action_detail", args=[self.pk])

    @property
    def inspection(self):
        return self.plan.inspection

    @property
    def owner_display(self):
        if self.owner_id:
            return display_name(self.owner)
        return f"{self.partner_name} ({self.partner_agency})" if self.partner_agency else self.partner_name

    @property
    def owner_email(self):
        return self.owner.email if self.owner_id else self.partner_email

    def is_overdue(self, today=None):
        """Past its due date and not complete."""
        return self.status != ActionStatus.COMPLETE and self.due_on < (today or timezone.localdate())

    @property
    def overdue(self):
        return self.is_overdue()

    @property
    def completed_late(self):
        return self.completed_on is not None and self.completed_on > self.due_on

    @property
    def brag_tag_class(self):
        return BRAG_TAG_CLASSES[self.brag]


class ProgressUpdate(models.Model):
    """A dated note on an action, with its BRAG at the time and any evidence."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    brag = models.CharField("BRAG rating at the time", max_length=10, choices=Brag.choices)
    note = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(brag__in=[choice.value for choice in Brag]), name="update_brag_is_known"
            ),
        ]

    def __str__(self):
        return f"{self.action}: update of {self.date:%d %B %Y}"

    @property
    def brag_tag_class(self):
        return BRAG_TAG_CLASSES[self.brag]


class Evidence(models.Model):
    """A file attached to a progress update, stored outside the static files under a random name."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    original_name = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return self.original_name

    @property
    def path(self):
        return settings.PRIVATE_FILES_ROOT / "evidence" / self.stored_name


class Board(models.Model):
    """A board that oversees a service's plan, e.g. the YOS management board."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="boards")
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="boards")
    version = models.PositiveIntegerField(default=0, help_text="Goes up with every change; refuses stale saves")

    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["service", "name"]
        constraints = [models.UniqueConstraint(fields=["service", "name"], name="board_name_unique_in_service")]

    def __str__(self):
        return self.name


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("date")
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "-held_on"]
        constraints = [models.UniqueConstraint(fields=["board", "held_on"], name="one_meeting_per_board_and_day")]

    def __str__(self):
        return f"{self.board.name}, {self.held_on:%-d %B %Y}"

    @property
    def service_id(self):
        return self.board.service_id


class BoardReport(models.Model):
    """A board report as issued for a meeting: its HTML and PDF are stored so it reads the same later.

    Issuing it again for the same meeting adds version 2, 3...; every earlier version is kept and
    readable, and the highest number is the current one.
    """

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="board_reports")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reports")
    number = models.PositiveSmallIntegerField("version", default=1)
    html = models.TextField()
    pdf = models.BinaryField()
    brag_counts = models.JSONField(default=dict)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    # Who issued which version when, and any removal; the stored HTML and PDF are not copied.
    history = HistoricalRecords(excluded_fields=["html", "pdf"])

    class Meta:
        ordering = ["-meeting__held_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "meeting", "number"], name="one_report_version_per_plan_and_meeting"
            )
        ]

    def __str__(self):
        return f"Board report: {self.meeting} (version {self.number})"


class TermQuerySet(models.QuerySet):
    def national(self):
        return self.filter(service__isnull=True)


class Term(models.Model):
    """A glossary entry, e.g. YOS: Youth offending service.

    Terms without a service are the national ones shipped with the product (read-only on the
    pages); a service's own terms are read by that service only and changed by its managers.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="glossary_terms")
    term = models.CharField(max_length=100)
    meaning = models.CharField(
        max_length=200, blank=True, help_text="What an abbreviation stands for, e.g. Youth offending service"
    )
    definition = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0, help_text="Goes up with every change; refuses stale saves")

    objects = TermQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(fields=["service", "term"], name="term_unique_in_service"),
            models.UniqueConstraint(
                fields=["term"], condition=models.Q(service__isnull=True), name="national_term_unique"
            ),
        ]

    def __str__(self):
        return self.term

    @property
    def is_national(self):
        return self.service_id is None

    @property
    def is_abbreviation(self):
        """Terms with a meaning (what the letters stand for) are abbreviations, matched case by case."""
        return bool(self.meaning)

    @property
    def anchor(self):
        return term_anchor(self.term)


def term_anchor(term):
    """The id a term's definition has in a glossary (links to it end with #this)."""
    return "term-" + "".join(c if c.isalnum() else "-" for c in term.lower())


class ReminderSent(models.Model):
    """One reminder per action per day, however often `send_reminders` runs."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    to = models.CharField(max_length=500)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "sent_on"], name="one_reminder_per_action_per_day")]

    def __str__(self):
        return f"{self.action} reminded {self.sent_on}"


def today():
    return timezone.localdate()


def to_datetime_end_of_day(day):
    """The last moment of `day` in the current time zone (for "as it stood on" history queries)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
