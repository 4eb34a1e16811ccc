"""The one base for GOV.UK forms (rendered with crispy-forms-gds): every form of the project
derives from GovukForm or GovukModelForm, so its errors reach the GOV.UK error summary the same way."""

from crispy_forms_gds.helper import FormHelper
from django import forms

from .people import display_name


class GovukFormMixin:
    """Gives the form the helper the GOV.UK error summary needs (`form.helper.form_show_errors`)."""

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
