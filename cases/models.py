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


class AssessmentQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=AssessmentStatus.SUBMITTED)

    def counting(self):
        """The assessment each case counts through: the moderated one if submitted, else the first
        marking. The one definition: every page, export, record and command counts through it."""
        return self.submitted().filter(
            models.Q(marking=Marking.FINAL)
            | (models.Q(marking=Marking.FIRST) & ~submitted_marking(Marking.FINAL, case="case"))
        )


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
        """The answers of each case's counting assessment (AssessmentQuerySet.counting)."""
        return self.filter(assessment__in=Assessment.objects.counting())


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
