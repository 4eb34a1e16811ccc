from django import forms
from django.contrib.auth import get_user_model

from .concurrency import VersionedModelForm, VersionField
from .models import Area, Finding, Framework, Inspection, Recommendation, Role, Service


class DateInput(forms.DateInput):
    input_type = "date"


class InspectionForm(VersionedModelForm, forms.ModelForm):
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
        labels = {
            "period_start": "Start of the period inspected",
            "period_end": "End of the period inspected",
            "notified_on": "Date the service was notified",
            "fieldwork_start": "First day of fieldwork",
            "fieldwork_end": "Last day of fieldwork",
            "published_on": "Publication date of the report",
            "follows": "Inspection this one follows up",
        }
        widgets = {name: DateInput() for name in fields if name.endswith(("_start", "_end", "_on"))}

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.order_by("code", "-loaded_at")
        self.fields["lead_inspector"].queryset = (
            get_user_model()
            .objects.filter(memberships__service=service, memberships__role=Role.INSPECTOR)
            .order_by("first_name", "last_name")
        )
        self.fields["lead_inspector"].label_from_instance = lambda u: u.get_full_name() or u.username
        follows = Inspection.objects.filter(service=service)
        if self.instance.pk:
            follows = follows.exclude(pk=self.instance.pk)
        self.fields["follows"].queryset = follows


class ReportItemForm(VersionedModelForm, forms.ModelForm):
    """A finding or a recommendation: its text, the area it is about, its place in the list."""

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(framework=framework)
        self.fields["area"].empty_label = "The inspection as a whole"
        self.fields["order"].help_text = "Lower numbers come first"


class FindingForm(ReportItemForm):
    class Meta:
        model = Finding
        fields = ["text", "area", "order"]


class RecommendationForm(ReportItemForm):
    class Meta:
        model = Recommendation
        fields = ["text", "area", "order"]


class OverrideForm(forms.Form):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), widget=forms.HiddenInput)
    band_label = forms.ChoiceField(label="Band to record instead", required=False)
    reason = forms.CharField(label="Reason for the override", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = VersionField()  # the area's judgement as the page showed it

    def __init__(self, *args, framework: Framework, band_labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(framework=framework)
        self.fields["band_label"].choices = [("", "No override: use the computed band")] + [
            (label, label) for label in band_labels
        ]
