"""Forms for plans, actions, progress updates, boards and the glossary (rendered by crispy-forms-gds)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import AuditTemplate
from inspections.concurrency import VersionedModelForm, VersionField
from inspections.form_base import GovukForm, GovukModelForm, PeopleChoiceField, PersonChoiceField
from inspections.forms import date_field
from inspections.models import Area, Membership, Question, Recommendation, Role

from . import evidence
from .models import ActionStatus, Board, Brag, Meeting, Term, Theme


class RecommendationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.text


class QuestionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code}: {obj.text}"


class PlanForm(GovukForm):
    reinspection_due = date_field(
        "Re-inspection due",
        required=False,
        help_text="Normally 12 months after the report was published. For example, 8 6 2027",
    )
    version = VersionField()


class ThemeForm(VersionedModelForm, GovukModelForm):
    class Meta:
        model = Theme
        fields = ["title", "order"]
        widgets = {"order": forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3", "min": 0})}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["order"].required = False

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        clash = Theme.objects.filter(plan=self.plan, title__iexact=title).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("The plan already has a theme with this title")
        return title


class ActionForm(GovukForm):
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), widget=forms.RadioSelect, empty_label=None)
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    recommendations = RecommendationChoiceField(
        queryset=Recommendation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Recommendations this action answers",
    )
    areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.none(), widget=forms.CheckboxSelectMultiple, required=False, label="Areas it targets"
    )
    questions = QuestionChoiceField(
        queryset=Question.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Questions it targets",
        help_text="Their scores in later inspections and audits show whether the action worked",
    )
    owner = PersonChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Owner in the service",
        help_text="Leave empty if the owner works in a partner agency",
    )
    partner_name = forms.CharField(
        max_length=200, required=False, label="Or: owner's name in a partner agency", help_text="For example, Jo Smith"
    )
    partner_agency = forms.CharField(max_length=200, required=False, label="Partner agency")
    partner_email = forms.EmailField(
        required=False, label="Partner owner's email address", help_text="Reminders are sent here"
    )
    due_on = date_field("Due date")
    audit_template = forms.ModelChoiceField(
        queryset=AuditTemplate.objects.none(),
        required=False,
        label="Audits it promises (optional)",
        empty_label="None",
        help_text="A recurring audit of the service's programme, for example the monthly case audits: the plan "
        "shows whether they happened on time and what they found",
    )
    status = forms.ChoiceField(choices=ActionStatus.choices, widget=forms.RadioSelect)
    brag = forms.ChoiceField(
        choices=Brag.choices,
        widget=forms.RadioSelect,
        label="BRAG rating",
        help_text="Blue only when the action is complete",
    )
    completed_on = date_field("Date completed", required=False, help_text="Only for a complete action")
    success_measure = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="How the service will know the action has worked",
    )
    # The version the page showed: a save over someone else's later change is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        inspection = plan.inspection
        self.fields["theme"].queryset = Theme.objects.filter(plan=plan)
        self.fields["recommendations"].queryset = Recommendation.objects.filter(inspection=inspection)
        self.fields["areas"].queryset = Area.objects.filter(framework_id=inspection.framework_id)
        self.fields["questions"].queryset = Question.objects.filter(framework_id=inspection.framework_id)
        self.fields["audit_template"].queryset = AuditTemplate.objects.filter(service_id=inspection.service_id)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__service_id=inspection.service_id,
                memberships__role__in=[Role.OFFICER, Role.MANAGER],
            )
            .order_by("first_name", "last_name", "username")
        )

    def clean(self):
        data = super().clean()
        owner, partner = data.get("owner"), (data.get("partner_name") or "").strip()
        if not owner and not partner:
            self.add_error(
                "owner", "Choose an owner in the service, or enter the name of the owner in a partner agency"
            )
        if owner and partner:
            self.add_error("partner_name", "Choose an owner in the service or name a partner owner, not both")
        complete = data.get("status") == ActionStatus.COMPLETE
        if data.get("brag") == Brag.BLUE and not complete:
            self.add_error("brag", "Blue means complete: choose Complete as the status, or another rating")
        if data.get("completed_on") and not complete:
            self.add_error("completed_on", "Only a complete action has a date completed")
        if complete:
            data["brag"] = Brag.BLUE
            if data.get("completed_on") and data["completed_on"] > timezone.localdate():
                self.add_error("completed_on", "The date completed must be today or in the past")
        return data

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        return {
            "theme": data["theme"],
            "title": data["title"],
            "description": data["description"],
            "owner": data["owner"],
            "partner_name": data["partner_name"].strip(),
            "partner_agency": data["partner_agency"].strip(),
            "partner_email": data["partner_email"],
            "due_on": data["due_on"],
            "status": data["status"],
            "brag": data["brag"],
            "completed_on": data.get("completed_on"),
            "success_measure": data["success_measure"],
            "recommendations": list(data["recommendations"]),
            "areas": list(data["areas"]),
            "questions": list(data["questions"]),
            "audit_template": data.get("audit_template"),
        }

    @classmethod
    def initial_from(cls, action):
        return {
            "theme": action.theme_id,
            "title": action.title,
            "description": action.description,
            "recommendations": list(action.recommendations.all()),
            "areas": list(action.areas.all()),
            "questions": list(action.questions.all()),
            "owner": action.owner_id,
            "partner_name": action.partner_name,
            "partner_agency": action.partner_agency,
            "partner_email": action.partner_email,
            "due_on": action.due_on,
            "status": action.status,
            "brag": action.brag,
            "completed_on": action.completed_on,
            "success_measure": action.success_measure,
            "audit_template": action.audit_template_id,
            "version": action.version,
        }


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"class": "govuk-file-upload", "accept": evidence.ACCEPT_ATTRIBUTE}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        single = super().clean
        files = data if isinstance(data, (list, tuple)) else [data]
        return [single(item, initial) for item in files]


class ProgressUpdateForm(GovukForm):
    date = date_field("Date of the update")
    brag = forms.ChoiceField(
        choices=Brag.choices,
        widget=forms.RadioSelect,
        label="BRAG rating now",
        help_text="Blue completes the action on the date of the update",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="What has happened")
    evidence = MultipleFileField(
        required=False,
        label="Evidence (optional)",
        help_text=f"{evidence.ACCEPTED_DESCRIPTION}, each smaller than {evidence.size_limit_in_words()}. "
        "You can choose several files.",
    )

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("The date of the update must be today or in the past")
        return day

    def clean_evidence(self):
        files = self.cleaned_data.get("evidence") or []
        for uploaded in files:
            try:
                evidence.check_upload(uploaded)
            except forms.ValidationError as error:
                raise forms.ValidationError(f"{evidence.clean_name(uploaded.name)}: {error.messages[0]}") from None
        return files


class ApprovalForm(GovukForm):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve the plan"), ("return", "Send it back to the service for changes")],
        widget=forms.RadioSelect,
        label="Your decision",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="What needs to change (if you send it back)",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter what needs to change before the plan can be approved")
        return data


class BoardForm(GovukForm):
    name = forms.CharField(max_length=200, help_text="For example, YOS management board")
    members = PeopleChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="People with the board member role in this service",
    )
    version = VersionField()

    def __init__(self, *args, service, board=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.service, self.board = service, board
        member_ids = Membership.objects.filter(service=service, role=Role.BOARD_MEMBER).values("user_id")
        self.fields["members"].queryset = (
            get_user_model().objects.filter(pk__in=member_ids).order_by("first_name", "last_name", "username")
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Board.objects.filter(service=self.service, name__iexact=name)
        if self.board is not None:
            clash = clash.exclude(pk=self.board.pk)
        if clash.exists():
            raise forms.ValidationError("The service already has a board with this name")
        return name


class MeetingForm(GovukForm):
    held_on = date_field("Date of the meeting")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day and Meeting.objects.filter(board=self.board, held_on=day).exists():
            raise forms.ValidationError("This board already has a meeting on that day")
        return day


class TermForm(VersionedModelForm, GovukModelForm):
    """One of a service's own glossary terms."""

    class Meta:
        model = Term
        fields = ["term", "meaning", "definition"]
        labels = {"meaning": "What it stands for (for an abbreviation)"}
        widgets = {"definition": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service

    def clean_term(self):
        term = self.cleaned_data["term"].strip()
        clash = Term.objects.filter(service=self.service, term__iexact=term).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"{self.service.name}'s glossary already has this term")
        return term
