from django import forms

from ..form_base import GovukForm
from ..models import Role
from .services import INVITABLE_ROLES


class InvitationForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        help_text="Their work email address: the invitation link is sent there",
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": "Enter an email address in the right format, like name@example.gov.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[(role.value, role.label) for role in Role if role in INVITABLE_ROLES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the role they will have"},
    )
