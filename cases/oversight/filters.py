"""Filters for the dashboard and its drill-down (django-filter, shown in the MoJ filter layout).

The parameters are the breakdowns' own (`team`, `case_manager`, `disposal`, `rosh`, `gender`,
`ethnicity`, `looked_after`), so a figure links to the cases behind it with the same query string;
the drill-down adds `area`, `stage`, `question` and `answer`.
"""

import copy

import django_filters
from django import forms
from django.db.models import Q

from inspections.form_base import Select, filter_fields_html
from inspections.models import Area, Stage
from inspections.prepared import PreparedRead

from ..models import Answer, Case, Disposal, Gender, RiskLevel
from .figures import inspection_cases, manager_label

NOT_RECORDED = "Not recorded"


def _choices(values):
    return [(v, v or NOT_RECORDED) for v in values]


class _FieldsAsMade(dict):
    """A form class's fields, copied shallowly where Django copies them deeply."""

    def __deepcopy__(self, memo):
        return dict(self)


class FilterForm(forms.Form):
    """The filters' form. Django copies a form class's fields deeply for each form made from it, so
    that two forms of one class never share a field; django-filter makes a form class afresh for
    each filterset, from fields made for it, and makes one form of it, so that form may take its
    fields as they are (copying the choices of every field deeply was a third of the cost of
    making the drill-down's filters)."""

    def __init__(self, *args, **kwargs):
        self.base_fields = _FieldsAsMade(type(self).base_fields)
        super().__init__(*args, **kwargs)
        del self.base_fields  # the class's own again


def _choice_values(cases):
    """The team, ethnicity and case manager (as shown) of the cases, each combination once."""
    return cases.order_by().annotate(manager=manager_label()).values_list("team", "ethnicity", "manager").distinct()


def _area_questions(framework_id):
    """The framework's areas and their questions, in order (areas without questions too)."""
    return (
        Area.objects.filter(framework_id=framework_id)
        .order_by("order", "questions__order")
        .values_list("code", "name", "questions__code", "questions__text")
    )


# Built by the ORM once per process, run with each request's inspection or framework.
_CHOICE_VALUES = PreparedRead(Case, lambda inspection_id: _choice_values(inspection_cases(inspection_id)))
_AREA_QUESTIONS = PreparedRead(Area, _area_questions)


class _FiltersAsMade(dict):
    """A filterset class's filters, copied where django-filter copies them deeply for each filterset:
    each filter copied shallowly with its own `extra` (the one thing a filterset here changes: widget
    and choices) and its method bound to the copy, as the deep copy leaves them. Copying every
    filter's choices deeply was the larger part of making the drill-down's filters."""

    def __deepcopy__(self, memo):
        made = {}
        for name, original in self.items():
            made[name] = copy.copy(original)
            made[name].extra = dict(original.extra)
            made[name].method = original.method  # its FilterMethod (if any) calls the copy's filterset
        return made


class DashboardFilter(django_filters.FilterSet):
    team = django_filters.ChoiceFilter(label="Team", empty_label="Any", method="filter_text")
    case_manager = django_filters.ChoiceFilter(label="Case manager", empty_label="Any", method="filter_manager")
    disposal = django_filters.ChoiceFilter(choices=Disposal.choices, empty_label="Any")
    rosh = django_filters.ChoiceFilter(label="Risk of serious harm", choices=RiskLevel.choices, empty_label="Any")
    gender = django_filters.ChoiceFilter(choices=Gender.choices, empty_label="Any")
    ethnicity = django_filters.ChoiceFilter(label="Ethnicity", empty_label="Any", method="filter_text")
    looked_after = django_filters.ChoiceFilter(
        label="Looked after", choices=[("true", "Yes"), ("false", "No")], empty_label="Any", method="filter_boolean"
    )

    class Meta:
        model = Case
        fields = ["team", "case_manager", "disposal", "rosh", "gender", "ethnicity", "looked_after"]
        form = FilterForm

    def __init__(self, data=None, queryset=None, inspection_id=None, **kwargs):
        """`queryset`: the inspection's cases; with `inspection_id` (the inspection whose cases they
        are), their choices are read by a query built once per process."""
        super().__init__(data, queryset=queryset, **kwargs)
        for name in self.filters:
            self.filters[name].extra["widget"] = Select  # Django's markup without a template per option
        # The choices are the values this inspection's cases hold: one query.
        rows = _choice_values(queryset) if inspection_id is None else _CHOICE_VALUES.rows(inspection_id)
        teams, ethnicities, managers = set(), set(), set()
        for team, ethnicity, manager in rows:
            teams.add(team)
            ethnicities.add(ethnicity)
            managers.add(manager or "")
        self.filters["team"].extra["choices"] = _choices(sorted(teams))
        self.filters["ethnicity"].extra["choices"] = _choices(sorted(ethnicities))
        self.filters["case_manager"].extra["choices"] = _choices(sorted(managers))

    def filter_text(self, queryset, name, value):
        return queryset.filter(**{name: "" if value == NOT_RECORDED else value})

    def filter_manager(self, queryset, name, value):
        if value in ("", NOT_RECORDED):
            return queryset.annotate(manager=manager_label()).filter(Q(manager="") | Q(manager__isnull=True))
        return queryset.annotate(manager=manager_label()).filter(manager=value)

    def filter_boolean(self, queryset, name, value):
        return queryset.filter(**{name: value == "true"})

    @property
    def active(self):
        """[(label, value)] of the filters in use, for the MoJ 'selected filters' panel."""
        if not self.is_bound or not self.is_valid():
            return []
        selected = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            field = self.form.fields[name]
            label = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
            selected.append((field.label, label))
        return selected


class DrillDownFilter(DashboardFilter):
    """The dashboard's filters plus the figure's own: area, stage, question and answer."""

    area = django_filters.ChoiceFilter(label="Area", empty_label="Any", method="filter_nothing")
    stage = django_filters.ChoiceFilter(
        label="Stage", choices=Stage.choices, empty_label="Any", method="filter_nothing"
    )
    question = django_filters.ChoiceFilter(label="Question", empty_label="Any", method="filter_nothing")
    answer = django_filters.ChoiceFilter(
        label="Answer", choices=Answer.Value.choices, empty_label="Any", method="filter_nothing"
    )

    class Meta(DashboardFilter.Meta):
        fields = [*DashboardFilter.Meta.fields, "area", "stage", "question", "answer"]

    def __init__(self, data=None, queryset=None, framework=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        # The framework's areas and their questions, in order: one query (areas without questions too).
        rows = _AREA_QUESTIONS.rows(framework.pk) if framework else []
        areas, questions = {}, []
        for area_code, area_name, code, text in rows:
            areas.setdefault(area_code, area_name)
            if code is not None:
                questions.append((code, f"{code}. {text[:60]}"))
        self.filters["area"].extra["choices"] = list(areas.items())
        self.filters["question"].extra["choices"] = questions

    def filter_nothing(self, queryset, name, value):
        return queryset  # applied to the answers by answer_filter()

    def answer_filter(self):
        """A Q on Answer for the figure's area, stage, question and answer, or None."""
        if not self.is_bound or not self.is_valid():
            return None
        data = self.form.cleaned_data
        q = Q()
        if data.get("area"):
            q &= Q(question__area__code=data["area"])
        if data.get("stage"):
            q &= Q(question__stage=data["stage"])
        if data.get("question"):
            q &= Q(question__code=data["question"])
        if data.get("answer"):
            q &= Q(value=data["answer"])
        return q if q.children else None


DashboardFilter.base_filters = _FiltersAsMade(DashboardFilter.base_filters)
DrillDownFilter.base_filters = _FiltersAsMade(DrillDownFilter.base_filters)


def fields_html(form):
    """A valid (or unbound) filter form's fields as crispy-forms-gds writes them (form_base.filter_fields_html);
    a form with errors still goes through crispy (see _filter.html), so the error markup stays its own."""
    return filter_fields_html(form)
