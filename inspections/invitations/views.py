"""A manager's invitations page: who is invited to the service, invite someone, withdraw an invitation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..models import Invitation
from ..rules import Perm
from ..scoping import get_in_my_services_or_404
from .forms import InvitationForm
from .selectors import invitations_of
from .services import invitation_create, invitation_withdraw

PERMISSION = Perm.MANAGE_INVITATIONS


def _my_service(request):
    service = request.service
    if service is None or not request.user.has_perm(PERMISSION, service):
        raise PermissionDenied
    return service


@login_required
@require_GET
def invitation_list(request):
    service = _my_service(request)
    now = timezone.now()
    invitations = [(invitation, invitation.state(now)) for invitation in invitations_of(service)]
    return render(
        request,
        "inspections/invitations/list.html",
        {"page_title": f"People invited to {service}", "service": service, "invitations": invitations},
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_new(request):
    service = _my_service(request)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(
                service=service,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                accept_url=lambda token: request.build_absolute_uri(
                    reverse("invitation_accept", kwargs={"token": token})
                ),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}")
            return redirect("inspections:invitation_list")
    return render(
        request,
        "inspections/invitations/form.html",
        {"page_title": "Invite someone", "service": service, "form": form, "days": settings.INVITATION_DAYS},
    )


@login_required
@require_POST
def invitation_withdraw_view(request, pk):
    invitation = get_in_my_services_or_404(Invitation.objects.select_related("service"), request.user, pk=pk)
    if not request.user.has_perm(PERMISSION, invitation):
        raise PermissionDenied
    try:
        invitation_withdraw(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn")
    return redirect("inspections:invitation_list")
