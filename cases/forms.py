from django import forms
from django.contrib.auth import get_user_model

from inspections.form_base import GovukForm, GovukModelForm
from inspections.forms import date_field
from inspections.models import Role
from inspections.people import display_name

from .models import Case


class CaseForm(GovukModelForm):
    """Add one case by hand (bulk import is on the cohort page), optionally assigning it."""

    assessor = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Assign first marking to",
        help_text="Leave empty to assign later",
    )

    start_date = date_field("Start date of the order", required=False)

    class Meta:
        model = Case
        fields = [
            "reference",
            "disposal",
            "rosh",
            "gender",
            "age_at_start",
            "ethnicity",
            "looked_after",
            "start_date",
            "case_manager",
            "team",
        ]
        labels = {
            "rosh": "Risk of serious harm",
            "age_at_start": "Age at the start of the order",
            "looked_after": "Looked after child",
        }
        help_texts = {"reference": "The pseudonymised case reference, never the young person's name"}

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(memberships__service=service).order_by("first_name", "last_name")
        self.fields["case_manager"].queryset = people
        self.fields["case_manager"].label_from_instance = display_name
        self.fields["assessor"].queryset = people.filter(
            memberships__role__in=[Role.OFFICER, Role.MANAGER, Role.INSPECTOR]
        )
        self.fields["assessor"].label_from_instance = display_name

    def clean(self):
        cleaned = super().clean()
        assessor, manager = cleaned.get("assessor"), cleaned.get("case_manager")
        if assessor and manager and assessor == manager:
            self.add_error("assessor", "The case manager cannot score their own case: choose another assessor")
        return cleaned


class ReopenForm(GovukForm):
    reason = forms.CharField(label="Why are you reopening this assessment?", widget=forms.Textarea(attrs={"rows": 3}))
