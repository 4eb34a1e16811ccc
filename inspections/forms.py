import datetime

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.contrib.auth import get_user_model
from django.forms.utils import pretty_name

from .models import Area, Finding, Framework, Inspection, Recommendation, Role, Service


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


DJANGO_DEFAULTS = {
    "required": str(forms.Field.default_error_messages["required"]),
    "invalid_choice": str(forms.ChoiceField.default_error_messages["invalid_choice"]),
    "model_invalid_choice": str(forms.ModelChoiceField.default_error_messages["invalid_choice"]),
    "invalid_integer": str(forms.IntegerField.default_error_messages["invalid"]),
    "invalid_email": str(forms.EmailField.default_validators[0].message),
    "empty_label": "---------",
}


def _in_sentence(label):
    label = " ".join(str(label).split())
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _chosen_from_a_list(field):
    return isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)) or isinstance(
        field.widget, (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple)
    )


class GovukMessages:
    """Say which field and what to do, in GOV.UK style, instead of Django's "This field is required.";
    and give select lists a real first option instead of "---------". Mixed into every form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, GovukDateField) or isinstance(field.widget, forms.HiddenInput):
                continue
            label = field.label or pretty_name(name)
            words = _in_sentence(label)
            messages = field.error_messages
            if str(messages.get("required", "")) == DJANGO_DEFAULTS["required"]:
                if isinstance(field, forms.FileField):
                    messages["required"] = f"Choose the {words} to upload"
                elif _chosen_from_a_list(field):
                    messages["required"] = f"Select the {words}"
                else:
                    messages["required"] = f"Enter the {words}"
            if str(messages.get("invalid_choice", "")) in (
                DJANGO_DEFAULTS["invalid_choice"],
                DJANGO_DEFAULTS["model_invalid_choice"],
            ):
                messages["invalid_choice"] = f"Choose the {words} from the list"
            if (
                isinstance(field, forms.IntegerField)
                and str(messages.get("invalid", "")) == (DJANGO_DEFAULTS["invalid_integer"])
            ):
                messages["invalid"] = f"{label} must be a whole number, like 3"
            if isinstance(field, forms.EmailField):
                field.validators = [
                    v
                    if not isinstance(v, type(forms.EmailField.default_validators[0]))
                    else type(v)(message=f"Enter the {words} in the correct format, like name@example.com")
                    for v in field.validators
                ]
            if isinstance(field, forms.ModelChoiceField):
                if getattr(field, "empty_label", None) == DJANGO_DEFAULTS["empty_label"]:
                    field.empty_label = f"Choose the {words}" if field.required else "None"
            elif isinstance(field, forms.ChoiceField) and isinstance(field.widget, forms.Select):
                choices = list(field.choices)
                if choices and choices[0][0] == "" and choices[0][1] == DJANGO_DEFAULTS["empty_label"]:
                    field.choices = [("", f"Choose the {words}" if field.required else "None")] + choices[1:]


class InspectionForm(GovukMessages, forms.ModelForm):
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
        self.fields["lead_inspector"].label_from_instance = lambda u: u.get_full_name() or u.username
        follows = Inspection.objects.filter(service=service)
        if self.instance.pk:
            follows = follows.exclude(pk=self.instance.pk)
        self.fields["follows"].queryset = follows


class ReportItemForm(GovukMessages, forms.ModelForm):
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


class OverrideForm(GovukMessages, forms.Form):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), widget=forms.HiddenInput)
    band_label = forms.ChoiceField(label="Band to record instead", required=False)
    reason = forms.CharField(label="Reason for the override", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, framework: Framework, band_labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(framework=framework)
        self.fields["band_label"].choices = [("", "No override: use the computed band")] + [
            (label, label) for label in band_labels
        ]
