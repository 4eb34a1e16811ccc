"""Each role's home page ("my work"): (template, context) for the current service."""

from typing import NamedTuple

from django import forms
from django.db.models import Count, IntegerField, OuterRef, Subquery, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from cases.feedback.selectors import my_feedback_to_do, overdue_case_actions
from cases.figures_version import kept_values
from cases.models import Assessment, AssessmentStatus, Case, FiguresVersion, Marking, ReAudit
from cases.programme.selectors import overdue_audits
from cases.safeguarding.selectors import open_concerns_for
from improvement import selectors as improvement_selectors
from improvement.models import ImprovementPlan
from inspections.form_base import ChoicesAsGiven, Select, filter_fields_html
from inspections.models import Inspection, InspectionKind, InspectionStatus
from inspections.pagination import paginate_read
from inspections.prepared import PreparedRead
from inspections.prepared_objects import PreparedObjects


def officer_home(request):
    """The cases assigned to the officer in this service, with their state."""
    assessments = _ASSIGNED.rows(request.user.pk, request.service.pk)
    feedback_to_acknowledge, case_actions_to_do = my_feedback_to_do(request.user, request.service)
    return "home/officer.html", {
        "page_title": "My cases",
        "assessments": assessments,
        "assessment_rows": assigned_rows(assessments),
        "to_do": sum(1 for _, status, *_ in assessments if status != AssessmentStatus.SUBMITTED),
        "feedback_to_acknowledge": feedback_to_acknowledge,
        "case_actions_to_do": case_actions_to_do,
        "re_audits": [
            ReAuditRow(pk, reference, title, AssessmentStatus(status).label)
            for pk, reference, title, status in _RE_AUDITS.rows(request.user.pk, request.service.pk)
        ],
        **_concerns(request),
    }


def _assigned(user_id, service_id):
    """The officer's assessments in the service, of inspections not published or closed: only the
    columns the page shows (and the rules read), as plain rows."""
    return (
        Assessment.objects.filter(assessor=user_id, case__inspection__service=service_id)
        .exclude(case__inspection__status__in=["published", "closed"])
        .order_by("status", "case__inspection__title", "case__reference")
        .values_list("pk", "status", "answered", "marking", "case__reference", "case__inspection__title")
    )


def _re_audits(user_id, service_id):
    """The officer's re-audits in the service not yet submitted, as plain rows."""
    return (
        ReAudit.objects.filter(assessor=user_id, case__inspection__service=service_id)
        .exclude(status=AssessmentStatus.SUBMITTED)
        .values_list("pk", "case__reference", "case__inspection__title", "status")
    )


# The officer's home reads, built by the ORM once per process and run with the person's and service's ids.
_ASSIGNED = PreparedRead(Assessment, _assigned)
_RE_AUDITS = PreparedRead(ReAudit, _re_audits)


class ReAuditRow(NamedTuple):
    pk: int
    reference: str
    inspection_title: str
    status_label: str


def _concerns(request):
    """Open safeguarding concerns for a manager or safeguarding lead (none for others)."""
    membership = request.membership
    if not (membership.role == "manager" or membership.safeguarding_lead or membership.head_of_service):
        return {"open_concerns": [], "now": timezone.now()}
    return {"open_concerns": open_concerns_for(request.user, request.service), "now": timezone.now()}


def _inspections_with_progress(queryset, with_service=False):
    """Each inspection with its sampled cases and submitted first markings, counted by subqueries
    (worked out per row shown, not by joining every case and assessment of every inspection);
    `with_service`, with its service's name."""
    if with_service:
        queryset = queryset.select_related("service").only("title", "kind", "status", "service__name")
    else:
        queryset = queryset.only("title", "kind", "status")
    return queryset.annotate(sampled=SAMPLED, submitted=SUBMITTED)


def manager_home(request):
    """The service's inspections and audits with scoring progress, and its improvement plans."""
    return "home/manager.html", {
        "page_title": f"{request.service.name}: home",
        "inspection_rows": inspection_rows(_SERVICE_INSPECTIONS.objects(request.service.pk)),
        "plans": _plans(request),
        "overdue_audits": overdue_audits(request.service, timezone.localdate()),
        "overdue_case_actions": overdue_case_actions(request.service),
        **_concerns(request),
    }


def board_home(request):
    """What the board reads: the service's improvement plans and published judgements."""
    published = Inspection.objects.filter(service=request.service).published().only("title", "published_on")
    return "home/board.html", {
        "page_title": f"{request.service.name}: board",
        "latest_report": improvement_selectors.latest_issued_report(request.service.pk),
        "published_inspections": published,
        "plans": _plans(request),
    }


INSPECTIONS_PER_PAGE = 25


class InspectionFilterForm(forms.Form):
    """The inspector's home: which inspections to list (every field optional)."""

    service = forms.TypedChoiceField(label="Service", required=False, coerce=int, empty_value=None, widget=Select)
    status = forms.ChoiceField(label="Status", required=False, widget=Select)
    title = forms.CharField(label="Title contains", required=False, max_length=100)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = ChoicesAsGiven([("", "Any"), *((s.pk, s.name) for s in services)])
        self.fields["status"].choices = [("", "Any"), *InspectionStatus.choices]


def _counted(queryset, group_by, counting="pk", **filters):
    """A count per inspection as a subquery (of the rows' `counting` column): worked out only for
    the rows of the page shown."""
    return Coalesce(
        Subquery(
            queryset.filter(**filters).order_by().values(group_by).annotate(n=Count(counting)).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


# Each inspection's sampled cases and submitted first markings, as subqueries: built once (each use
# resolves its own copy).
SAMPLED = _counted(Case.objects, "inspection_id", inspection=OuterRef("pk"), in_sample=True)
SUBMITTED = _counted(
    Assessment.objects,
    "case__inspection_id",
    # The case's id (never NULL) rather than the assessment's: the count is read from the index of
    # submitted first markings alone (cases migration 0005), without a visit to each row.
    counting="case_id",
    case__inspection=OuterRef("pk"),
    case__in_sample=True,  # assessments are on sampled cases only: this skips the rest of the cohort
    status=AssessmentStatus.SUBMITTED,
    marking="first",
)


# An inspection's figures' version (cases/figures_version.py): what its progress counts are kept under.
FIGURES_VERSION = Subquery(FiguresVersion.objects.filter(inspection_id=OuterRef("pk")).values("version")[:1])


def _listed(inspections):
    """The inspections listed on the inspector's home, newest first: each with its service's name,
    its figures' version (a subquery, worked out only for the rows of the page asked for) and the
    number of inspections listed (a window count, the same on every row)."""
    return (
        inspections.annotate(figures=FIGURES_VERSION, listed=Window(Count("pk")))
        .order_by("-period_end", "-created_at", "-pk")
        .values_list("pk", "title", "service__name", "kind", "status", "figures", "listed")
    )


def _with_progress(rows):
    """The rows listed (`_listed`, less the count), each with its inspection's sampled cases and
    submitted first markings in place of its figures' version: kept until the inspection's figures
    change (`kept_values`), so a page of 25 counts afresh only the inspections changed since."""
    progress = kept_values("progress", {row[0]: row[5] for row in rows}, _progress)
    return [(*row[:5], *progress[row[0]]) for row in rows]


def _progress(inspection_ids):
    """{inspection id: (sampled cases, submitted first markings)}: one query."""
    return {pk: (sampled, submitted) for pk, sampled, submitted in _PROGRESS.rows(inspection_ids)}


# Built by the ORM once per process (and number of inspections), run with the inspections' ids.
_PROGRESS = PreparedRead(
    Inspection,
    lambda inspection_ids: (
        Inspection.objects.filter(pk__in=inspection_ids)
        .annotate(sampled=SAMPLED, submitted=SUBMITTED)
        .values_list("pk", "sampled", "submitted")
    ),
)


_LISTED = {}  # {status or None: PreparedRead of _listed}: built by the ORM once per process


def _listed_in(status):
    """The inspections of some services (their ids) with `status` (any when None), read as
    `_listed` reads them."""
    read = _LISTED.get(status)
    if read is None:
        narrowed = {"status": status} if status else {}
        read = _LISTED[status] = PreparedRead(
            Inspection, lambda ids: _listed(Inspection.objects.filter(service__in=ids, **narrowed))
        )
    return read


def inspector_home(request):
    """Inspections in every service the inspector belongs to: filtered, a page of 25 at a time.

    An inspector may belong to every service (750 inspections at national scale): the page's rows
    and the number of inspections listed come in one query (a window count), built once per process
    (PreparedRead) unless a title is searched for; each row's counts are kept until its inspection's
    figures change, and those changed since are counted in one more query, for the page shown only.
    The number of queries does not grow.
    """
    services = sorted((m.service for m in request.memberships), key=lambda s: s.name)  # read with the person
    form = InspectionFilterForm(request.GET or None, services=services)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    # Scoped to the person's services (their ids, as read with them: what in_my_services writes into
    # a query); the service filter picks one of them (the form's choices are theirs alone).
    service_ids = [chosen["service"]] if chosen.get("service") else [service.pk for service in services]
    status = chosen.get("status") or None
    if chosen.get("title"):  # a text searched for: the ORM's query, built for this request
        searched = Inspection.objects.filter(service__in=service_ids, title__icontains=chosen["title"])
        searched = _listed(searched.filter(status=status) if status else searched)

        def listed(offset, limit):
            return list(searched[offset : offset + limit])
    else:
        prepared = _listed_in(status)

        def listed(offset, limit):
            return prepared.rows(service_ids, limit=limit, offset=offset)

    def read(offset, limit):
        rows = listed(offset, limit)
        return _with_progress([row[:-1] for row in rows]), rows[0][-1] if rows else None

    pages = paginate_read(read, request.GET, INSPECTIONS_PER_PAGE)
    selected = [
        (form.fields[name].label, dict(form.fields[name].choices).get(value, value) if name != "title" else value)
        for name, value in chosen.items()
        if value
    ]
    return "home/inspector.html", {
        "page_title": "Inspections",
        "inspection_rows": inspection_rows_html(pages["page"].object_list, show_service=True),
        **pages,
        "filter_form": form,
        # The fields written in Python (crispy-forms-gds's markup); a form with errors goes through crispy.
        "filter_fields": None if form.errors else filter_fields_html(form),
        "selected": selected,
    }


MARKING_LABELS = dict(Marking.choices)
# As includes/assessment_status.html shows a status.
STATUS_TAGS = {
    AssessmentStatus.SUBMITTED: '<strong class="govuk-tag govuk-tag--green">Submitted</strong>',
    AssessmentStatus.DRAFT: '<strong class="govuk-tag govuk-tag--yellow">Draft</strong>',
}
NOT_STARTED_TAG = '<strong class="govuk-tag govuk-tag--grey">Not started</strong>'


def assigned_rows(assessments):
    """The body rows of the officer's "Cases assigned to you" table, from rows of (assessment id,
    status, answered, marking, case reference, inspection title). Written here rather than by a
    template loop; every text escaped as the template would, the count an integer."""
    head = reverse("cases:assessment", args=[0]).removesuffix("0/")
    return mark_safe(  # noqa: S308 (every text escaped; the count is int(); our own markup)
        "\n".join(
            '<tr class="govuk-table__row">\n'
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{head}{int(pk)}/">'
            f"{conditional_escape(reference)}</a></td>\n"
            # The include wrote its tag with a line break after it.
            f'<td class="govuk-table__cell">{STATUS_TAGS.get(status, NOT_STARTED_TAG)}\n</td>\n'
            f'<td class="govuk-table__cell">{int(answered)}</td>\n'
            f'<td class="govuk-table__cell">{conditional_escape(MARKING_LABELS.get(marking, marking))}</td>\n'
            f'<td class="govuk-table__cell">{conditional_escape(title)}</td>\n'
            "</tr>"
            for pk, status, answered, marking, reference, title in assessments
        )
    )


KIND_LABELS = dict(InspectionKind.choices)
STATUS_LABELS = dict(InspectionStatus.choices)


def inspection_rows(inspections, show_service=False):
    """The body rows of the inspections table (includes/inspection_table.html), each inspection
    (annotated with its sampled cases and submitted first markings) as `inspection_rows_html` writes it."""
    return inspection_rows_html(
        (
            (i.pk, i.title, i.service.name if show_service else "", i.kind, i.status, i.sampled, i.submitted)
            for i in inspections
        ),
        show_service,
    )


def inspection_rows_html(rows, show_service=False):
    """The body rows of the inspections table (includes/inspection_table.html), from rows of
    (inspection id, title, service name, kind, status, sampled cases, submitted first markings).
    Written here rather than in the template (up to 25 rows a page); every text is escaped as the
    template would, the id and the counts are integers."""
    head = reverse("inspections:inspection_detail", args=[0]).removesuffix("0/")
    html = []
    for pk, title, service_name, kind, status, sampled, submitted in rows:
        service = f'<td class="govuk-table__cell">{conditional_escape(service_name)}</td>\n' if show_service else ""
        html.append(
            '<tr class="govuk-table__row">\n'
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{conditional_escape(head)}{int(pk)}/">'
            f"{conditional_escape(title)}</a></td>\n"
            f"{service}"
            f'<td class="govuk-table__cell">{conditional_escape(KIND_LABELS.get(kind, kind))}</td>\n'
            '<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--grey">'
            f"{conditional_escape(STATUS_LABELS.get(status, status))}</strong></td>\n"
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{int(sampled)}</td>\n'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{int(submitted)}</td>\n'
            "</tr>"
        )
    if not html:
        html.append(
            '<tr class="govuk-table__row"><td class="govuk-table__cell" '
            f'colspan="{6 if show_service else 5}">No inspections yet.</td></tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 (every text escaped; the id and counts are int(); our own markup)


# The reads of the manager's and the board member's homes, each built by the ORM once per process
# (inspections/prepared_objects.py) and run with the service's id.
_SERVICE_INSPECTIONS = PreparedObjects(
    Inspection, lambda service_id: _inspections_with_progress(Inspection.objects.filter(service_id=service_id))
)
_SERVICE_PLANS = PreparedObjects(
    ImprovementPlan,
    lambda service_id: (
        ImprovementPlan.objects.filter(inspection__service_id=service_id)
        .select_related("inspection")
        .only("inspection__title")  # the list links each plan by its inspection's title
    ),
)


def _plans(request):
    """The service's improvement plans."""
    return _SERVICE_PLANS.objects(request.service.pk)
