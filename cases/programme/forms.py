"""The form for a recurring audit of the programme (crispy-forms-gds)."""

import datetime as dt
import re

from django import forms

from inspections.models import Area, Framework, Question

from ..models import Disposal, Rhythm, RiskLevel, SampleRule, WhoAssesses
from ..sampling.forms import GovukForm

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d"]
PERIOD_LINE = re.compile(r"^\s*(\S+)\s+to\s+(\S+)\s*$", re.IGNORECASE)


def _date(text):
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise forms.ValidationError(f"“{text}” is not a date: write it like 2/3/2026")


class AuditTemplateForm(GovukForm):
    name = forms.CharField(
        label="Name of the audit",
        max_length=200,
        help_text="In the service's words, for example “Monthly case audits” or “Looked-after children”",
        error_messages={"required": "Enter the name of the audit"},
    )
    framework = forms.ModelChoiceField(
        label="Framework",
        queryset=Framework.objects.order_by("code", "-loaded_at"),
        empty_label=None,
        help_text="The question set its audits read",
    )
    areas = forms.ModelMultipleChoiceField(
        label="Only these areas (optional)",
        queryset=Area.objects.select_related("framework").order_by("framework__code", "order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A themed audit may read only some areas, for example only safeguarding. None ticked: every area.",
    )
    question_codes = forms.CharField(
        label="Only these questions (optional)",
        required=False,
        max_length=1000,
        help_text="Question codes separated by commas, for example 3.1, 3.2. Added to the areas ticked.",
    )
    rhythm = forms.ChoiceField(label="How often", choices=Rhythm.choices, widget=forms.RadioSelect)
    dates = forms.CharField(
        label="Given dates (only for an audit on given dates)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One period a line, for example 2/3/2026 to 13/3/2026",
    )
    starts_on = forms.CharField(
        label="First period",
        help_text="The date the programme starts, for example 1/4/2026: the first audit is of the period holding it",
        error_messages={"required": "Enter the date the programme starts"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    days_to_complete = forms.IntegerField(
        label="Days to finish an audit after its period ends",
        min_value=0,
        max_value=365,
        initial=14,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"required": "Enter how many days there are to finish an audit"},
    )
    sample_rule = forms.ChoiceField(label="Which cases", choices=SampleRule.choices, widget=forms.RadioSelect)
    sample_number = forms.IntegerField(
        label="Number of cases (or per cent for a share)",
        min_value=1,
        max_value=100,
        initial=2,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"required": "Enter the number of cases"},
    )
    disposals = forms.MultipleChoiceField(
        label="Only cases with these disposals (optional)",
        choices=Disposal.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rosh_levels = forms.MultipleChoiceField(
        label="Only cases at these risk of serious harm levels (optional)",
        choices=RiskLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    looked_after_only = forms.BooleanField(label="Only looked-after children", required=False)
    start_in_period = forms.BooleanField(label="Only cases that started in the period", required=False)
    assessed_by = forms.ChoiceField(
        label="Who assesses",
        choices=WhoAssesses.choices,
        widget=forms.RadioSelect,
        help_text="Nobody is ever given a case they manage",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].label_from_instance = lambda a: f"{a.framework.name} {a.framework.version}: {a}"
        for name in ("rhythm", "sample_rule", "assessed_by"):
            self.fields[name].initial = self.fields[name].choices[0][0]

    def clean_starts_on(self):
        return _date(self.cleaned_data["starts_on"].strip())

    def clean_dates(self):
        found = []
        for number, line in enumerate(self.cleaned_data["dates"].splitlines(), start=1):
            if not line.strip():
                continue
            match = PERIOD_LINE.match(line)
            if not match:
                raise forms.ValidationError(f"Line {number}: write a period as “2/3/2026 to 13/3/2026”")
            start, end = _date(match[1]), _date(match[2])
            if end < start:
                raise forms.ValidationError(f"Line {number}: the period ends before it starts")
            found.append({"start": start.isoformat(), "end": end.isoformat()})
        return found

    def clean(self):
        data = super().clean()
        framework = data.get("framework")
        if data.get("rhythm") == Rhythm.DATES and not data.get("dates") and "dates" not in self.errors:
            self.add_error("dates", "Enter at least one period for an audit on given dates")
        if framework is not None:
            if any(a.framework_id != framework.pk for a in data.get("areas", [])):
                self.add_error("areas", "Tick only areas of the framework chosen")
            codes = [c.strip() for c in (data.get("question_codes") or "").split(",") if c.strip()]
            questions = list(Question.objects.filter(framework=framework, code__in=codes))
            unknown = sorted(set(codes) - {q.code for q in questions})
            if unknown:
                self.add_error("question_codes", f"The framework has no question {', '.join(unknown)}")
            data["questions"] = questions
        if data.get("sample_rule") == SampleRule.YJB:
            data["sample_number"] = data.get("sample_number") or 20
        return data

    def template_fields(self):
        data = dict(self.cleaned_data)
        data.pop("question_codes", None)
        return data
