"""Forms for case holders, feedback, case actions and re-audits (rendered by crispy-forms-gds)."""

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.contrib.auth import get_user_model

from inspections.concurrency import VersionField
from inspections.form_base import GovukForm, PersonChoiceField


def people_of(service):
    return get_user_model().objects.filter(memberships__service=service).order_by("first_name", "last_name")


class CaseHolderForm(GovukForm):
    case_holder = PersonChoiceField(
        queryset=get_user_model().objects.none(),
        label="Case holder",
        help_text="The person in this service who manages the case",
    )
    version = VersionField()

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_holder"].queryset = people_of(service)


class FeedbackForm(GovukForm):
    """Overall feedback, then what was done well and what to improve for each area."""

    done_well = forms.CharField(label="What was done well", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    to_improve = forms.CharField(label="What to improve", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    version = VersionField()

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = list(areas)
        for area in self.areas:
            self.fields[f"area_{area.pk}_done_well"] = forms.CharField(
                label=f"{area.name}: what was done well", widget=forms.Textarea(attrs={"rows": 3}), required=False
            )
            self.fields[f"area_{area.pk}_to_improve"] = forms.CharField(
                label=f"{area.name}: what to improve",
                widget=forms.Textarea(attrs={"rows": 5}),
                required=False,
                help_text="Filled in with the questions answered No and their notes; change it as you need",
            )

    def area_values(self):
        return {
            area: (self.cleaned_data[f"area_{area.pk}_done_well"], self.cleaned_data[f"area_{area.pk}_to_improve"])
            for area in self.areas
        }


class CaseActionForm(GovukForm):
    text = forms.CharField(
        label="What to put right on the file",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, review the RoSH assessment after the new offence",
    )
    due_on = DateInputField(label="Due", help_text="For example, 27 3 2026")
    owner = PersonChoiceField(
        queryset=get_user_model().objects.none(), label="Owner", help_text="The case holder unless you choose another"
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].require_all_fields = True
        self.fields["owner"].queryset = people_of(service)


class AcknowledgeForm(GovukForm):
    reply = forms.CharField(
        label="Your reply (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


class CaseActionDoneForm(GovukForm):
    note = forms.CharField(label="What you did", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ReAuditForm(GovukForm):
    assessor = PersonChoiceField(queryset=get_user_model().objects.none(), label="Who re-audits the case")

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = people_of(service)
