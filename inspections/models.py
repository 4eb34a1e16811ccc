"""Ground floor: services and the people in them.

Frameworks, inspections, findings and judgements live beside these (see the other
modules of this package, imported at the bottom so Django finds every model).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from . import applicability


class Role(models.TextChoices):
    OFFICER = "officer", "Officer"
    MANAGER = "manager", "Manager"
    BOARD_MEMBER = "board", "Board member"
    INSPECTOR = "inspector", "Inspector"


class Service(models.Model):
    """A youth offending service (YOS / YJS) of a local authority: the tenant boundary."""

    name = models.CharField(max_length=200, unique=True)
    local_authority = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    require_single_sign_on = models.BooleanField(
        default=False,
        help_text="Staff of this service sign in only through the council's identity provider (no password sign-in)",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's role in one service. A person may belong to several services."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    safeguarding_lead = models.BooleanField(
        default=False, help_text="Told at once of every safeguarding concern raised in the service"
    )
    head_of_service = models.BooleanField(
        default=False, help_text="Told when a safeguarding concern is not acknowledged within one working day"
    )

    history = HistoricalRecords()  # who gave whom which role, and when

    class Meta:
        ordering = ["service__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], name="one_membership_per_user_and_service"),
            models.CheckConstraint(
                condition=models.Q(role__in=[choice.value for choice in Role]),
                name="membership_role_is_known",
            ),
        ]

    def __str__(self):
        return f"{self.user} - {self.get_role_display()} - {self.service}"


class Invitation(models.Model):
    """A manager's invitation to a person, by email, to a role in their service.

    Only a hash of the emailed token is kept. It expires, can be withdrawn, and stays on record
    (who invited, when, and who accepted or withdrew it, and when).
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[choice.value for choice in Role]),
                name="invitation_role_is_known",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(withdrawn_at__isnull=True),
                name="invitation_not_both_accepted_and_withdrawn",
            ),
        ]

    def __str__(self):
        return f"Invitation to {self.email} ({self.get_role_display()}, {self.service})"

    def state(self, now):
        """pending, accepted, withdrawn or expired, in the users' words."""
        if self.accepted_at:
            return "accepted"
        if self.withdrawn_at:
            return "withdrawn"
        if self.expires_at <= now:
            return "expired"
        return "pending"


class Rule(models.TextChoices):
    POOLED = "pooled", "Pooled: all Yes answers of the area over all Yes and No answers"
    KEY_QUESTION = "key_question", "Key question: the lowest key-question score of the area"


class Stage(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    PLANNING = "planning", "Planning"
    DELIVERY = "delivery", "Delivery"
    REVIEW = "review", "Review"
    OVERSIGHT = "oversight", "Management oversight"


class FrameworkQuerySet(models.QuerySet):
    def in_use(self):
        return self.filter(inspections__isnull=False).distinct()


class Framework(models.Model):
    """A versioned question set with its rating rule and bands. Frozen once an inspection uses it."""

    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    rule = models.CharField(max_length=20, choices=Rule.choices)
    description = models.TextField(blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_framework_per_code_and_version"),
            models.CheckConstraint(
                condition=models.Q(rule__in=["pooled", "key_question"]), name="framework_rule_is_known"
            ),
        ]

    def __str__(self):
        return f"{self.name} (version {self.version})"

    @property
    def is_in_use(self):
        return self.inspections.exists()


class Band(models.Model):
    """A band of a framework: from `min_percent` up to the next band's lowest percentage."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(max_length=100)
    min_percent = models.PositiveSmallIntegerField()
    equivalent = models.CharField(max_length=100, blank=True)
    points = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Points towards an overall rating")

    class Meta:
        ordering = ["framework", "-min_percent"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "label"], name="band_label_unique_in_framework"),
            models.UniqueConstraint(fields=["framework", "min_percent"], name="band_start_unique_in_framework"),
            models.CheckConstraint(condition=models.Q(min_percent__lte=100), name="band_start_is_a_percentage"),
        ]

    def __str__(self):
        return self.label


class OverallBand(models.Model):
    """A band on the total of area points (an overall rating), e.g. 19-30 points: Good."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="overall_bands")
    label = models.CharField(max_length=100)
    min_points = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "-min_points"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "label"], name="overall_band_label_unique"),
            models.UniqueConstraint(fields=["framework", "min_points"], name="overall_band_start_unique"),
        ]

    def __str__(self):
        return self.label


class Area(models.Model):
    """A headline part of a framework, e.g. Safeguarding."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    judged_once = models.BooleanField(
        default=False,
        help_text="Judged once per inspection from evidence (by the lead inspector or a manager), not on each case",
    )
    applies_to = models.JSONField(
        default=dict, blank=True, help_text="Which cases are asked its questions (inspections/applicability.py)"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="area_code_unique_in_framework")]

    def __str__(self):
        return self.name

    def applies_to_case(self, case):
        """Whether the case is asked this area's questions."""
        return applicability.applies(self.applies_to, applicability.case_facts(case))


class Question(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="questions")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=40)
    stage = models.CharField(max_length=20, choices=Stage.choices)
    text = models.TextField()
    guidance = models.TextField(blank=True)
    key = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)
    applies_to = models.JSONField(
        default=dict, blank=True, help_text="Which cases are asked it (inspections/applicability.py)"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["area__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="question_code_unique_in_framework"),
            models.CheckConstraint(
                condition=models.Q(stage__in=[choice.value for choice in Stage]), name="question_stage_is_known"
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.text}"

    def applies_to_case(self, case):
        """Whether the case is asked this question: its own rule and its area's both hold."""
        facts = applicability.case_facts(case)
        return applicability.applies(self.area.applies_to, facts) and applicability.applies(self.applies_to, facts)


class InspectionKind(models.TextChoices):
    HMIP_INSPECTION = "hmip_inspection", "HMIP inspection"
    HMIP_REINSPECTION = "hmip_reinspection", "HMIP re-inspection"
    YJB_MOCK = "yjb_mock", "YJB mock inspection"
    INTERNAL_AUDIT = "internal_audit", "Internal audit"


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    SAMPLING = "sampling", "Sampling"
    SCORING = "scoring", "Scoring"
    MODERATION = "moderation", "Moderation"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


# Each status may move only to the next one (and a published inspection only on to closed).
NEXT_STATUS = {
    InspectionStatus.PLANNED: InspectionStatus.SAMPLING,
    InspectionStatus.SAMPLING: InspectionStatus.SCORING,
    InspectionStatus.SCORING: InspectionStatus.MODERATION,
    InspectionStatus.MODERATION: InspectionStatus.PUBLISHED,
    InspectionStatus.PUBLISHED: InspectionStatus.CLOSED,
}


# Statuses before scoring starts: only then may the framework (or the service) of an inspection change.
BEFORE_SCORING = (InspectionStatus.PLANNED, InspectionStatus.SAMPLING)

# Fields that change an inspection's figures (which questions, bands and rule; whose cases): frozen once
# scoring has started, whatever the route (form, admin, service, command), checked on every save.
FROZEN_ONCE_SCORING = {
    "framework_id": ("framework", "The framework cannot change once scoring has started"),
    "service_id": ("service", "The service cannot change once scoring has started"),
}


class InspectionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=[InspectionStatus.PUBLISHED, InspectionStatus.CLOSED])


class Inspection(models.Model):
    """One exercise against one service with one framework."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="inspections")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="inspections")
    kind = models.CharField(max_length=30, choices=InspectionKind.choices)
    title = models.CharField(max_length=200)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    notified_on = models.DateField(null=True, blank=True)
    fieldwork_start = models.DateField(null=True, blank=True)
    fieldwork_end = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    lead_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
        help_text="The inspection this one follows up, so trends can be shown",
    )
    status = models.CharField(max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was closed: its case-level data is purged RETENTION_DAYS later"
    )
    version = models.PositiveIntegerField(default=0, help_text="Goes up with every change; refuses stale saves")

    objects = InspectionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_end", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True)
                | models.Q(period_end__isnull=True)
                | models.Q(period_start__lte=models.F("period_end")),
                name="inspection_period_in_order",
                violation_error_message="The end of the period must be on or after its start",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        problems = self.frozen_field_problems()
        if problems:
            raise ValidationError(problems)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        problems = self.frozen_field_problems()
        if problems:
            raise ValidationError(problems)

    @property
    def is_published(self):
        return self.status in (InspectionStatus.PUBLISHED, InspectionStatus.CLOSED)

    @property
    def scoring_started(self):
        return self.status not in BEFORE_SCORING

    def frozen_field_problems(self):
        """{field: message} for each figure-changing field that differs from what is stored, once the stored
        inspection has started scoring (or for a move back to before scoring). Read from the database, so
        a form that has already written its values onto this instance cannot slip past."""
        if self.pk is None:
            return {}
        stored = type(self).objects.filter(pk=self.pk).values("status", *FROZEN_ONCE_SCORING).first()
        if stored is None or stored["status"] in BEFORE_SCORING:
            return {}
        problems = {
            field: message
            for attribute, (field, message) in FROZEN_ONCE_SCORING.items()
            if getattr(self, attribute) != stored[attribute]
        }
        if self.status in BEFORE_SCORING:
            problems["status"] = "An inspection cannot go back to before scoring once scoring has started"
        return problems

    @property
    def next_status(self):
        return NEXT_STATUS.get(self.status)


class ReadOnlyOncePublished:
    """Findings and recommendations: every change is on record (simple-history, with who), and once the
    inspection is published they are read-only: nothing is added or removed, and a change is an amendment
    that carries its reason (`_change_reason`, set by `inspections.services.report_item_save`)."""

    def save(self, *args, **kwargs):
        # (Adding to a published report is refused by the service; the demo and fixtures load published
        # reports with their items directly.)
        published = self.pk is not None and Inspection.objects.filter(pk=self.inspection_id).published().exists()
        if published and not (getattr(self, "_change_reason", "") or "").strip():
            raise ValidationError({"reason": "The inspection is published: a change is an amendment with a reason"})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Inspection.objects.filter(pk=self.inspection_id).published().exists():
            raise ValidationError("The inspection is published: its findings and recommendations cannot be removed")
        return super().delete(*args, **kwargs)


class Finding(ReadOnlyOncePublished, models.Model):
    """What the report says about an area (or the inspection as a whole)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=0, help_text="Goes up with every change; refuses stale saves")

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "order", "pk"]

    def __str__(self):
        return self.text[:80]


class Recommendation(ReadOnlyOncePublished, models.Model):
    """What the report recommends; recommendations drive the improvement plan."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="recommendations")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=0, help_text="Goes up with every change; refuses stale saves")

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "order", "pk"]

    def __str__(self):
        return self.text[:80]


class Judgement(models.Model):
    """An area's score and band for an inspection.

    While the inspection is open the figures are computed from the answers; the row holds an
    override (band, reason, who, when) if one is recorded. Publishing stores the computed
    figures here, and later changes to answers do not alter them.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="judgements")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    band_label = models.CharField(max_length=100, blank=True)
    equivalent = models.CharField(max_length=100, blank=True)
    cases = models.PositiveIntegerField(default=0)
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)
    na = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    override_band_label = models.CharField(max_length=100, blank=True)
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    judged_band_label = models.CharField(
        max_length=100, blank=True, help_text="For an area judged once per inspection: the band given"
    )
    evidence_note = models.TextField(blank=True, help_text="The evidence the judged band rests on")
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    judged_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0, help_text="Goes up with every change; refuses stale saves")

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "area__order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "area"], name="one_judgement_per_inspection_area"),
            models.CheckConstraint(
                condition=models.Q(override_band_label="")
                | (~models.Q(override_reason="") & models.Q(overridden_by__isnull=False)),
                name="override_needs_reason_and_person",
            ),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="judgement_score_is_a_percentage"),
            models.CheckConstraint(
                condition=models.Q(judged_band_label="")
                | (~models.Q(evidence_note="") & models.Q(judged_by__isnull=False)),
                name="judged_band_needs_evidence_and_person",
            ),
        ]

    def __str__(self):
        return f"{self.inspection}: {self.area}"


class PublishedQuestionScore(models.Model):
    """A question's figures as they stood when the inspection was published."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="published_question_scores")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)
    na = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "question"], name="one_published_score_per_question"),
        ]

    def __str__(self):
        return f"{self.inspection}: {self.question.code}"
