"""Forms for safeguarding concerns (rendered by crispy-forms-gds)."""

from django import forms
from django.contrib.auth import get_user_model

from inspections.concurrency import VersionField
from inspections.form_base import GovukForm, PeopleChoiceField

from ..models import ConcernStatus


class ConcernForm(GovukForm):
    found = forms.CharField(label="What you found", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    why_now = forms.CharField(label="Why it matters now", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    recommended = forms.CharField(label="What you recommend", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ConcernStepForm(GovukForm):
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text="Needed for action taken and closing: say what was done",
    )


class PeopleField(PeopleChoiceField):
    widget = forms.CheckboxSelectMultiple


class SafeguardingRolesForm(GovukForm):
    leads = PeopleField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Safeguarding leads",
        help_text="Told at once of every concern, and may acknowledge and act on it",
    )
    heads = PeopleField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Heads of service",
        help_text="Managers told when a concern is not acknowledged within one working day",
    )
    version = VersionField()

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(memberships__service=service).order_by("first_name", "last_name")
        self.fields["leads"].queryset = people
        self.fields["heads"].queryset = people.filter(memberships__role="manager")


STATUS_CHOICES = [("", "Any"), ("open", "Open (not closed)"), *ConcernStatus.choices]


class RegisterFilterForm(GovukForm):
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, label="Status")
    overdue = forms.BooleanField(required=False, label="Only those not acknowledged within one working day")
