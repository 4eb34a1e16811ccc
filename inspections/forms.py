import datetime

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.contrib.auth import get_user_model

from .concurrency import VersionedModelForm, VersionField
from .form_base import GovukForm, GovukModelForm
from .models import Area, Finding, Framework, Inspection, Recommendation, Role, Service
from .people import display_name


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year boxes) with the Design System's error messages.

    A browser's own date box (``<input type="date">``) shows an empty box for any value not
    written as 2025-03-08, so saving an unchanged form wiped the date: every date form uses this
    field instead. A partly filled date is an error, never silently dropped.
    """

    def __init__(self, *, label, required=True, help_text="", **kwargs):
        super().__init__(label=label, required=required, help_text=help_text or "For example, 27 3 2026", **kwargs)
        self.require_all_fields = False
        for part in self.fields:
            part.required = False

    def _name(self):
        return str(self.label)

    def clean(self, value):
        if self.disabled and not isinstance(value, (list, tuple)):
            value = self.widget.decompress(value)
        parts = [str(part or "").strip() for part in (list(value or []) + [None, None, None])[:3]]
        name = self._name()
        if not any(parts):
            if self.required:
                raise forms.ValidationError(f"Enter the {name[0].lower() + name[1:]}", code="required")
            return None
        missing = [word for word, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        if missing:
            raise forms.ValidationError(f"{name} must include a {' and a '.join(missing)}", code="incomplete")
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(f"{name} must be a real date, in numbers", code="invalid")
        if len(parts[2]) != 4:
            raise forms.ValidationError("Year must include 4 numbers", code="invalid")
        try:
            day = datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise forms.ValidationError(f"{name} must be a real date", code="invalid") from None
        self.validate(day)
        self.run_validators(day)
        return day


def date_field(label, required=True, help_text=""):
    return GovukDateField(label=label, required=required, help_text=help_text)


class InspectionForm(VersionedModelForm, GovukModelForm):
    period_start = date_field("Start of the period inspected", required=False)
    period_end = date_field("End of the period inspected", required=False)
    notified_on = date_field("Date the service was notified", required=False)
    fieldwork_start = date_field("First day of fieldwork", required=False)
    fieldwork_end = date_field("Last day of fieldwork", required=False)
    published_on = date_field("Publication date of the report", required=False)

    class Meta:
        model = Inspection
        fields = [
            "title",
            "kind",
            "framework",
            "period_start",
            "period_end",
            "notified_on",
            "fieldwork_start",
            "fieldwork_end",
            "published_on",
            "lead_inspector",
            "follows",
        ]
        labels = {"follows": "Inspection this one follows up"}

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.order_by("code", "-loaded_at")
        self.fields["lead_inspector"].queryset = (
            get_user_model()
            .objects.filter(memberships__service=service, memberships__role=Role.INSPECTOR)
            .order_by("first_name", "last_name")
        )
        self.fields["lead_inspector"].label_from_instance = display_name
        follows = Inspection.objects.filter(service=service)
        if self.instance.pk:
            follows = follows.exclude(pk=self.instance.pk)
        self.fields["follows"].queryset = follows
        if self.instance.pk and self.instance.scoring_started:
            # Figures depend on the framework: shown, never taken from the post (a changed value is ignored).
            self.fields["framework"].disabled = True
            self.fields["framework"].help_text = "The framework cannot change once scoring has started"


class ReportItemForm(VersionedModelForm, GovukModelForm):
    """A finding or a recommendation: its text, the area it is about, its place in the list."""

    def __init__(self, *args, framework: Framework, amending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(framework=framework)
        self.fields["area"].empty_label = "The inspection as a whole"
        self.fields["order"].help_text = "Lower numbers come first"
        if amending:
            # Published: a correction is an amendment, kept on record with its reason.
            self.fields["reason"] = forms.CharField(
                label="Reason for the amendment",
                help_text="The report is published: the amendment and its reason are kept on record",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=500,
                error_messages={"required": "Give the reason for the amendment: the report is published"},
            )


class FindingForm(ReportItemForm):
    class Meta:
        model = Finding
        fields = ["text", "area", "order"]


class RecommendationForm(ReportItemForm):
    class Meta:
        model = Recommendation
        fields = ["text", "area", "order"]


class OverrideForm(GovukForm):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), widget=forms.HiddenInput)
    band_label = forms.ChoiceField(label="Band to record instead", required=False)
    reason = forms.CharField(label="Reason for the override", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = VersionField()  # the area's judgement as the page showed it

    def __init__(self, *args, framework: Framework, band_labels, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:  # the areas the posted one must be among; a form only shown needs none
            self.fields["area"].queryset = Area.objects.filter(framework=framework)
        self.fields["band_label"].choices = [("", "No override: use the computed band")] + [
            (label, label) for label in band_labels
        ]
