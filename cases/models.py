"""Cases, samples, assessments and answers. Every row belongs to one inspection's service."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from inspections.models import Inspection, Question
from inspections.people import display_name


class Disposal(models.TextChoices):
    OUT_OF_COURT = "out_of_court", "Out of court"
    COMMUNITY = "community", "Community"
    CUSTODY = "custody", "Custody"


class RiskLevel(models.TextChoices):
    """Risk of serious harm (RoSH) level."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other or not known"


class CaseQuerySet(models.QuerySet):
    def both_markings_submitted(self):
        return self.filter(both_markings_submitted())

    def in_cohort(self):
        return self.filter(excluded_reason="")

    def sampled(self):
        return self.filter(in_sample=True)


class Case(models.Model):
    """A young person's case, known only by a pseudonymised reference."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="cases")
    reference = models.CharField(max_length=40, help_text="Pseudonymised case reference, never a name")
    disposal = models.CharField(max_length=20, choices=Disposal.choices)
    rosh = models.CharField("risk of serious harm", max_length=20, choices=RiskLevel.choices)
    gender = models.CharField(max_length=20, choices=Gender.choices)
    age_at_start = models.PositiveSmallIntegerField(null=True, blank=True)
    ethnicity = models.CharField(max_length=100, blank=True)
    looked_after = models.BooleanField(default=False)
    start_date = models.DateField(null=True, blank=True)
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="managed_cases"
    )
    case_manager_name = models.CharField(max_length=200, blank=True)
    team = models.CharField(max_length=100, blank=True)
    excluded_reason = models.TextField(blank=True, help_text="Why the case is left out of the cohort")
    in_sample = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "reference"]
        indexes = [
            # An inspection's sample among a cohort of thousands (home pages' counts, the dashboards).
            # A partial index: only sampled cases, so the planner takes it for them.
            models.Index(fields=["inspection"], condition=models.Q(in_sample=True), name="case_sampled_in_inspection"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "reference"], name="case_reference_unique_in_inspection"),
            models.CheckConstraint(
                condition=models.Q(disposal__in=[c.value for c in Disposal]), name="case_disposal_is_known"
            ),
            models.CheckConstraint(
                condition=models.Q(rosh__in=[c.value for c in RiskLevel]), name="case_rosh_is_known"
            ),
            models.CheckConstraint(
                condition=models.Q(gender__in=[c.value for c in Gender]), name="case_gender_is_known"
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def case_manager_display(self):
        if self.case_manager_id:
            return display_name(self.case_manager)
        return self.case_manager_name


class SampleDraw(models.Model):
    """A stored draw: its inputs, the cohort it saw (by hash) and what it chose."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="sample_draws")
    seed = models.CharField(max_length=64)
    parameters = models.JSONField(default=dict)
    cohort_hash = models.CharField(max_length=64)
    result = models.JSONField(default=dict, help_text="Chosen references and cohort/sample counts per stratum")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at"]
        get_latest_by = "drawn_at"

    def __str__(self):
        return f"Sample drawn {self.drawn_at:%d %B %Y %H:%M} with seed {self.seed}"


class SampleChange(models.Model):
    """A sampled case replaced by another, with the reason."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="sample_changes")
    removed = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    added = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.removed} replaced by {self.added}"


class Marking(models.TextChoices):
    FIRST = "first", "First marking"
    SECOND = "second", "Second marking"
    FINAL = "final", "Moderated"


class AssessmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


def submitted_marking(marking, case="pk"):
    """Exists: the case (`case` is the path to it from the outer query) has `marking` submitted."""
    return models.Exists(
        Assessment.objects.filter(case=models.OuterRef(case), marking=marking, status=AssessmentStatus.SUBMITTED)
    )


def both_markings_submitted(case="pk"):
    """Q: the case's first and second markings are both submitted (moderation may start, the
    blind second marking ends). The one definition, for querysets; `markings_both_submitted` is
    the same rule on statuses already fetched."""
    return models.Q(submitted_marking(Marking.FIRST, case)) & models.Q(submitted_marking(Marking.SECOND, case))


def markings_both_submitted(statuses):
    """The same rule as `both_markings_submitted`, on {marking: status} already in memory."""
    return (
        statuses.get(Marking.FIRST) == AssessmentStatus.SUBMITTED
        and statuses.get(Marking.SECOND) == AssessmentStatus.SUBMITTED
    )


def counts_through(assessment=""):
    """Q: the assessment (`assessment` is the path to it from the query's model, "" for an Assessment
    query) is the one its case counts through: the moderated one if submitted, else the first marking."""
    at = f"{assessment}__" if assessment else ""
    return models.Q(**{f"{at}status": AssessmentStatus.SUBMITTED}) & (
        models.Q(**{f"{at}marking": Marking.FINAL})
        | (models.Q(**{f"{at}marking": Marking.FIRST}) & ~submitted_marking(Marking.FINAL, case=f"{at}case"))
    )


class AssessmentQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=AssessmentStatus.SUBMITTED)

    def counting(self):
        """The assessment each case counts through: the moderated one if submitted, else the first
        marking. The one definition (`counts_through`): every page, export, record and command counts
        through it, or through `counting_marking`, the same rule on statuses already read (tested equal)."""
        return self.filter(counts_through())


def counting_marking(statuses):
    """The same rule as `AssessmentQuerySet.counting` on a case's {marking: status} already fetched:
    the marking the case counts through (the moderated one if submitted, else the first marking if
    submitted), or None if it counts through none yet."""
    if statuses.get(Marking.FINAL) == AssessmentStatus.SUBMITTED:
        return Marking.FINAL
    if statuses.get(Marking.FIRST) == AssessmentStatus.SUBMITTED:
        return Marking.FIRST
    return None


class Assessment(models.Model):
    """One assessor's answers for one case. Created when the case is assigned."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments")
    marking = models.CharField(max_length=10, choices=Marking.choices, default=Marking.FIRST)
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.NOT_STARTED)
    version = models.PositiveIntegerField(default=0, help_text="Goes up with every save; refuses stale saves")
    answered = models.PositiveSmallIntegerField(default=0)
    yes = models.PositiveSmallIntegerField(default=0)
    no = models.PositiveSmallIntegerField(default=0)
    na = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["case__reference", "marking"]
        indexes = [
            # The submitted first markings of an inspection's cases (the inspector's and the manager's
            # homes count them for each inspection listed): a partial index of their cases alone, so
            # the count is read from the index without visiting each assessment.
            models.Index(
                fields=["case"],
                condition=models.Q(marking="first", status="submitted"),
                name="first_marking_submitted",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "marking"], name="one_assessment_per_case_and_marking"),
        ]

    def __str__(self):
        return f"{self.case} ({self.get_marking_display()})"

    def recount(self, values=None):
        """Set the stored answered / yes / no / n-a counts from `values` (the answers' values), or
        from the answers saved. The one place these counts are worked out; the caller saves."""
        if values is None:
            values = list(self.answers.values_list("value", flat=True))
        self.answered = len(values)
        self.yes = values.count(Answer.Value.YES)
        self.no = values.count(Answer.Value.NO)
        self.na = values.count(Answer.Value.NA)
        return self


def tally_counts(prefix=""):
    """Aggregates: how many answers say yes, no and na (`prefix` is the path to the answer)."""
    return {value: models.Count("id", filter=models.Q(**{f"{prefix}value": value})) for value in ("yes", "no", "na")}


class AnswerQuerySet(models.QuerySet):
    def counting(self):
        """The answers of each case's counting assessment (AssessmentQuerySet.counting): the rule on the
        assessment joined, which PostgreSQL plans in a third of the time of `assessment IN (subquery)`."""
        return self.filter(counts_through("assessment"))


class Answer(models.Model):
    class Value(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NA = "na", "Not applicable"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(max_length=3, choices=Value.choices)
    note = models.TextField(blank=True)

    objects = AnswerQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="one_answer_per_question"),
            models.CheckConstraint(condition=models.Q(value__in=["yes", "no", "na"]), name="answer_value_is_known"),
        ]

    def __str__(self):
        return f"{self.question.code}: {self.value}"


# Feedback to case holders, case actions, re-audit (docs/feedback-and-safeguarding.md) ---------------------------------


class FeedbackQuerySet(models.QuerySet):
    def for_case_holder(self, user):
        """Only the person's own feedback: a case holder never sees a colleague's."""
        return self.filter(case_holder=user)


class Feedback(models.Model):
    """What the audit found, written for the case holder once the case's counting assessment is final."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="feedback")
    case_holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback")
    done_well = models.TextField("what was done well", blank=True)
    to_improve = models.TextField("what to improve", blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(blank=True)

    objects = FeedbackQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_at"]
        verbose_name_plural = "feedback"

    def __str__(self):
        return f"Feedback on {self.case}"

    @property
    def is_acknowledged(self):
        return self.acknowledged_at is not None


class FeedbackArea(models.Model):
    """The feedback on one area of the framework: what was done well and what to improve."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="areas")
    area = models.ForeignKey("inspections.Area", on_delete=models.PROTECT, related_name="+")
    done_well = models.TextField("what was done well", blank=True)
    to_improve = models.TextField("what to improve", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["area__order"]
        constraints = [models.UniqueConstraint(fields=["feedback", "area"], name="one_feedback_part_per_area")]

    def __str__(self):
        return f"{self.feedback}: {self.area}"


class CaseActionStatus(models.TextChoices):
    OPEN = "open", "To do"
    DONE = "done", "Done"


class CaseAction(models.Model):
    """A specific thing to put right on this child's file, with a due date and an owner."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField("what to put right")
    due_on = models.DateField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_actions")
    status = models.CharField(max_length=10, choices=CaseActionStatus.choices, default=CaseActionStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["open", "done"]), name="case_action_status_is_known"),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(done_at__isnull=False),
                name="done_case_action_has_a_date",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def done_on_time(self):
        return self.status == CaseActionStatus.DONE and self.done_at.date() <= self.due_on


class CaseActionReminder(models.Model):
    """One reminder per case action per day, however often `send_reminders` runs."""

    action = models.ForeignKey(CaseAction, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    to = models.CharField(max_length=500)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "sent_on"], name="one_reminder_per_case_action_per_day")
        ]

    def __str__(self):
        return f"{self.action} reminded {self.sent_on}"


class ReAudit(models.Model):
    """A case marked by a manager to be read again later, to see whether its No answers became Yes."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="re_audit")
    questions_only_no = models.BooleanField(
        "only the questions answered No", default=True, help_text="A short re-check of the questions answered No"
    )
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="re_audits")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.NOT_STARTED)
    submitted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    def __str__(self):
        return f"Re-audit of {self.case}"


class ReAuditAnswer(models.Model):
    re_audit = models.ForeignKey(ReAudit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    before = models.CharField(max_length=3, choices=Answer.Value.choices)
    value = models.CharField(max_length=3, choices=Answer.Value.choices, blank=True)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["question__area__order", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["re_audit", "question"], name="one_re_audit_answer_per_question"),
        ]

    def __str__(self):
        return f"{self.question.code}: {self.before} -> {self.value or '?'}"


# Safeguarding concerns (docs/feedback-and-safeguarding.md) ------------------------------------------------------------


class ConcernStatus(models.TextChoices):
    RAISED = "raised", "Raised"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACTION_TAKEN = "action_taken", "Action taken"
    CLOSED = "closed", "Closed"


# Each status may move only to the next one.
NEXT_CONCERN_STATUS = {
    ConcernStatus.RAISED: ConcernStatus.ACKNOWLEDGED,
    ConcernStatus.ACKNOWLEDGED: ConcernStatus.ACTION_TAKEN,
    ConcernStatus.ACTION_TAKEN: ConcernStatus.CLOSED,
}


class SafeguardingConcern(models.Model):
    """A risk to the child found while reading a file, raised at once and apart from scoring."""

    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns")
    service = models.ForeignKey("inspections.Service", on_delete=models.PROTECT, related_name="concerns")
    case_reference = models.CharField(max_length=40, help_text="Kept if the case is purged")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    found = models.TextField("what was found")
    why_now = models.TextField("why it matters now")
    recommended = models.TextField("what is recommended")
    status = models.CharField(max_length=20, choices=ConcernStatus.choices, default=ConcernStatus.RAISED)
    acknowledge_by = models.DateTimeField(help_text="One working day after it was raised")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the head of service was told it was not acknowledged in time"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[c.value for c in ConcernStatus]), name="concern_status_is_known"
            ),
        ]

    def __str__(self):
        return f"Safeguarding concern about {self.case_reference}"

    @property
    def next_status(self):
        return NEXT_CONCERN_STATUS.get(self.status)


class ConcernStep(models.Model):
    """One step of a concern: who moved it on, when, and their note."""

    concern = models.ForeignKey(SafeguardingConcern, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=20, choices=ConcernStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.concern}: {self.get_status_display()}"


# --- the audit programme (docs/programme.md): recurring internal audits, see cases/programme/ ----


class Rhythm(models.TextChoices):
    MONTHLY = "monthly", "Every month"
    QUARTERLY = "quarterly", "Every quarter"
    DATES = "dates", "On given dates"


class SampleRule(models.TextChoices):
    PER_CASE_MANAGER = "per_case_manager", "A number of cases per case manager"
    PER_TEAM = "per_team", "A number of cases per team"
    SHARE = "share", "A share of the cohort (per cent)"
    YJB = "yjb", "The YJB rule: 20% of the cohort, at least 20"


class WhoAssesses(models.TextChoices):
    PEER = "peer", "A peer: another officer of the service"
    MANAGER = "manager", "A manager"


class AuditTemplate(models.Model):
    """A recurring internal audit of a service's audit programme: each period gets one audit."""

    service = models.ForeignKey("inspections.Service", on_delete=models.CASCADE, related_name="audit_templates")
    name = models.CharField(max_length=200)
    framework = models.ForeignKey("inspections.Framework", on_delete=models.PROTECT, related_name="+")
    areas = models.ManyToManyField(
        "inspections.Area", blank=True, related_name="+", help_text="Only these areas (none chosen: every area)"
    )
    questions = models.ManyToManyField(
        Question, blank=True, related_name="+", help_text="Only these questions (none chosen: every question)"
    )
    rhythm = models.CharField(max_length=20, choices=Rhythm.choices, default=Rhythm.MONTHLY)
    dates = models.JSONField(default=list, blank=True, help_text='Given periods: [{"start": ISO, "end": ISO}]')
    starts_on = models.DateField(help_text="The first period is the one holding this date")
    days_to_complete = models.PositiveSmallIntegerField(
        default=14, help_text="An audit is late this many days after its period ends"
    )
    sample_rule = models.CharField(max_length=20, choices=SampleRule.choices, default=SampleRule.PER_CASE_MANAGER)
    sample_number = models.PositiveSmallIntegerField(default=2, help_text="Cases per case manager or team, or per cent")
    disposals = models.JSONField(default=list, blank=True, help_text="Only cases with these disposals (none: any)")
    rosh_levels = models.JSONField(default=list, blank=True, help_text="Only cases at these risk levels (none: any)")
    looked_after_only = models.BooleanField(default=False)
    start_in_period = models.BooleanField(default=False, help_text="Only cases that started in the period")
    assessed_by = models.CharField(max_length=20, choices=WhoAssesses.choices, default=WhoAssesses.PEER)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[areas, questions])

    class Meta:
        ordering = ["service", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="audit_template_name_unique_in_service"),
            models.CheckConstraint(
                condition=models.Q(rhythm__in=[c.value for c in Rhythm]), name="audit_template_rhythm_is_known"
            ),
            models.CheckConstraint(
                condition=models.Q(sample_rule__in=[c.value for c in SampleRule]),
                name="audit_template_sample_rule_is_known",
            ),
            models.CheckConstraint(condition=models.Q(sample_number__gte=1), name="audit_template_sample_at_least_1"),
        ]

    def __str__(self):
        return self.name


class ProgrammeAudit(models.Model):
    """One period's audit of a template: an internal-audit inspection, created once per period."""

    template = models.ForeignKey(AuditTemplate, on_delete=models.PROTECT, related_name="audits")
    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="programme_audit")
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField()
    question_ids = models.JSONField(
        default=list, blank=True, help_text="The questions this audit reads, fixed when created (empty: all)"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["template", "period_start"], name="one_programme_audit_per_period"),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")), name="programme_audit_period_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.template}: {self.period_start:%B %Y}"


# The figures' version: what a kept page part is keyed by (cases/figures_version.py) ---------------------------------


class FiguresVersion(models.Model):
    """How many times the data behind an inspection's live figures has changed (`inspection_id`), or,
    in the row of inspection 0, the data behind every inspection's (people's names, frameworks, audit
    templates). Written only by the database's own triggers (migration 0006), in the transaction of the
    change, whatever wrote it: the scoring save, moderation, an import, the admin or a bulk update (a
    draft's answers, which no figure counts, excepted)."""

    inspection_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"inspection {self.inspection_id}: version {self.version}"
