"""Forms and the cohort filter for the cohort, sample and assignment pages."""

import secrets

import django_filters
from django import forms
from django.conf import settings

from inspections.form_base import GovukForm
from inspections.people import display_name

from ..models import Case, Disposal, Gender, RiskLevel
from .selectors import DEFAULT_STRATA, STRATA_CHOICES


class CohortUploadForm(GovukForm):
    file = forms.FileField(
        label="Cohort file",
        allow_empty_file=True,
        help_text="A CSV (UTF-8) or an Excel workbook (.xlsx) with a header row: reference, disposal, rosh, gender, "
        "date_of_birth, ethnicity, looked_after, start_date, case_manager, team.",
        error_messages={"required": "Choose the cohort file to upload"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            limit = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
            raise forms.ValidationError(f"The file must be smaller than {limit:.0f} MB")
        return upload


class CohortConfirmForm(GovukForm):
    token = forms.CharField(widget=forms.HiddenInput)
    accept_warnings = forms.BooleanField(
        required=False, label="I have checked the warnings and want to import these cases as they are"
    )


class ExcludeForm(GovukForm):
    reason = forms.CharField(
        label="Why is this case left out of the cohort?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Enter why the case is left out of the cohort"},
    )


class ReplaceForm(GovukForm):
    reason = forms.CharField(
        label="Why is this case taken out of the sample?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Enter why the case is taken out of the sample"},
    )


def numeric(width=4):
    return forms.TextInput(attrs={"inputmode": "numeric", "class": f"govuk-input--width-{width}"})


def new_seed():
    return str(secrets.randbelow(900000) + 100000)


class DrawForm(GovukForm):
    method = forms.ChoiceField(
        label="How do you want to set the sample size?",
        choices=[
            ("number", "A number of cases"),
            ("margin", "From a confidence level and margin of error"),
            ("yjb", "The YJB rule: 20% of the cohort, at least 20 where the cohort allows"),
        ],
        widget=forms.RadioSelect,
        initial="number",
    )
    size = forms.IntegerField(
        label="Number of cases", help_text="If you chose a number", required=False, min_value=1, widget=numeric()
    )
    confidence = forms.TypedChoiceField(
        label="Confidence level",
        help_text="If you chose a confidence level and margin of error",
        choices=[("90", "90%"), ("95", "95%"), ("99", "99%")],
        coerce=int,
        initial="95",
        required=False,
    )
    margin = forms.DecimalField(
        label="Margin of error (per cent)",
        help_text="If you chose a confidence level and margin of error, for example 10",
        required=False,
        min_value=1,
        max_value=50,
        decimal_places=1,
        initial=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
    )
    strata = forms.MultipleChoiceField(
        label="Strata",
        help_text="Cases are sampled in proportion from each group. Girls are their own stratum by default.",
        choices=STRATA_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=DEFAULT_STRATA,
    )
    seed = forms.CharField(
        label="Seed",
        help_text="The same seed, cohort and choices always give the same sample. Keep it, or enter your own.",
        max_length=64,
        error_messages={"required": "Enter a seed"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    cap = forms.IntegerField(
        label="Most cases per case manager (optional)",
        required=False,
        min_value=1,
        help_text="Leave empty for no cap",
        widget=numeric(),
    )

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method == "number" and not data.get("size"):
            self.add_error("size", "Enter how many cases to sample")
        if method == "margin" and data.get("margin") is None:
            self.add_error("margin", "Enter the margin of error, for example 10")
        return data

    def size_arguments(self):
        data = self.cleaned_data
        return {
            "method": data["method"],
            "size": data.get("size"),
            "confidence": data.get("confidence") or None,
            "margin": float(data["margin"]) if data.get("margin") is not None else None,
        }


class AutoAssignForm(GovukForm):
    assessors = forms.ModelMultipleChoiceField(
        label="Assessors",
        help_text="Officers, managers and inspectors of the service. Nobody is given a case they manage.",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one assessor"},
    )
    second_share = forms.IntegerField(
        label="Share of cases for blind second marking (per cent)",
        help_text="For example 20. Each goes to someone other than the first marker. 0 for none.",
        min_value=0,
        max_value=100,
        initial=20,
        widget=numeric(3),
    )

    def __init__(self, *args, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assessors"]
        field.queryset = assessors
        field.label_from_instance = display_name


class CohortFilter(django_filters.FilterSet):
    reference = django_filters.CharFilter(label="Reference", lookup_expr="icontains")
    disposal = django_filters.ChoiceFilter(choices=Disposal.choices, empty_label="Any")
    rosh = django_filters.ChoiceFilter(label="Risk of serious harm", choices=RiskLevel.choices, empty_label="Any")
    gender = django_filters.ChoiceFilter(choices=Gender.choices, empty_label="Any")
    looked_after = django_filters.ChoiceFilter(
        label="Looked after", choices=[("true", "Yes"), ("false", "No")], empty_label="Any", method="filter_boolean"
    )
    team = django_filters.CharFilter(label="Team", lookup_expr="iexact")
    place = django_filters.ChoiceFilter(
        label="In the cohort or sample",
        choices=[("sample", "In the sample"), ("cohort", "In the cohort, not sampled"), ("excluded", "Excluded")],
        empty_label="Any",
        method="filter_place",
    )

    class Meta:
        model = Case
        fields = ["reference", "disposal", "rosh", "gender", "looked_after", "team", "place"]

    def filter_boolean(self, queryset, name, value):
        return queryset.filter(**{name: value == "true"})

    def filter_place(self, queryset, name, value):
        if value == "sample":
            return queryset.filter(in_sample=True)
        if value == "cohort":
            return queryset.in_cohort().filter(in_sample=False)
        return queryset.exclude(excluded_reason="")
