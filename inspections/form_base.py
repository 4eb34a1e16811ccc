"""The one base for GOV.UK forms (rendered with crispy-forms-gds): every form of the project
derives from GovukForm or GovukModelForm, so its errors reach the GOV.UK error summary the same way."""

import functools

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.forms.utils import pretty_name
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe

from .people import display_name

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
    and give select lists a real first option instead of "---------". Part of every form (GovukFormMixin);
    the date input (a MultiValueField) has its own messages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.MultiValueField) or isinstance(field.widget, forms.HiddenInput):
                continue
            label = field.label or pretty_name(name)
            _govuk_messages(field, label, _in_sentence(label))
            _real_first_option(field, _in_sentence(label))


def _govuk_messages(field, label, words):
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
    integer = isinstance(field, forms.IntegerField)
    if integer and str(messages.get("invalid", "")) == DJANGO_DEFAULTS["invalid_integer"]:
        messages["invalid"] = f"{label} must be a whole number, like 3"
    if isinstance(field, forms.EmailField):
        email = type(forms.EmailField.default_validators[0])
        field.validators = [
            email(message=f"Enter the {words} in the correct format, like name@example.com")
            if isinstance(v, email)
            else v
            for v in field.validators
        ]


def _real_first_option(field, words):
    if isinstance(field, forms.ModelChoiceField):
        if getattr(field, "empty_label", None) == DJANGO_DEFAULTS["empty_label"]:
            field.empty_label = f"Choose the {words}" if field.required else "None"
    elif isinstance(field, forms.ChoiceField) and isinstance(field.widget, forms.Select):
        choices = list(field.choices)
        if choices and choices[0][0] == "" and choices[0][1] == DJANGO_DEFAULTS["empty_label"]:
            field.choices = [("", f"Choose the {words}" if field.required else "None")] + choices[1:]


class GovukFormMixin(GovukMessages):
    """Gives the form the helper the GOV.UK error summary needs (`form.helper.form_show_errors`)
    and GOV.UK error messages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of person, each shown by their display name."""

    def label_from_instance(self, obj):
        return display_name(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several people, each shown by their display name."""

    def label_from_instance(self, obj):
        return display_name(obj)


class ChoicesAsGiven(BaseChoiceIterator):
    """Choices already in Django's normal form ((value, label) pairs, no groups), used as given: a
    choice field walks every choice to normalise it each time a form is made, which for a list of
    150 services took a millisecond of every request of the page it is on."""

    def __init__(self, choices):
        self.choices = list(choices)

    def __iter__(self):
        return iter(self.choices)


def _attributes(attrs):
    """HTML attributes as django/forms/widgets/attrs.html writes them (False left out, True bare)."""
    return "".join(
        "" if value is False else f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
    )


class Select(forms.Select):
    """Django's select, written out here rather than by its templates, which include a template for
    every option: a list of 150 services took most of the time of the page it was on. Same markup."""

    def render(self, name, value, attrs=None, renderer=None):
        # The widget's name, value and attributes as Django's context has them; the options straight
        # from the choices, chosen as Django's optgroups chooses them (a dict per option cost more
        # than writing it, for 150 services).
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        chosen, has_selected = widget["value"], False
        parts = [f'<select name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name, options = option_value, option_label
            else:
                group_name, options = None, [(option_value, option_label)]
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            for value_, label in options:
                selected = (not has_selected or self.allow_multiple_selected) and str(value_) in chosen
                has_selected |= selected
                parts.append(
                    _option(value_, label, selected)
                    if type(label) is str and type(value_) in (str, int)
                    else _option.__wrapped__(value_, label, selected)  # a lazy label: written afresh
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every name, value and label escaped; our own markup)


@functools.lru_cache(maxsize=4096)
def _option(value, label, selected):
    """One <option>, its value and label escaped. Kept for the process when its value and label are
    plain strings or integers, keyed by the very values it shows (a renamed service is a new key,
    never a stale option): the inspector's list of 150 services is not escaped again each request."""
    return f'\n  <option value="{escape(value)}"{" selected" if selected else ""}>{escape(label)}</option>'


def filter_fields_html(form):
    """A valid (or unbound) filter form's fields as crispy-forms-gds writes them: per field a form
    group with its label and its select or text box (no errors, no hints to show). Written here rather
    than through crispy's templates, which took about half the time of a page's templates; a form with
    errors goes through crispy, so the error markup stays its own."""
    return mark_safe(  # noqa: S308 (ids from field names, labels escaped, each widget escapes its own values)
        "\n".join(
            f'<div id="div_{escape(field.auto_id)}" class="govuk-form-group">\n'
            f'<label for="{escape(field.id_for_label)}" class="govuk-label"> {escape(field.label)} </label>\n'
            f"{field.as_widget(attrs={'class': _GOVUK_CLASS.get(field.widget_type, 'govuk-select')})}\n</div>"
            for field in form
        )
    )


_GOVUK_CLASS = {"text": "govuk-input"}  # the design system's class of a text box; every other field is a select
