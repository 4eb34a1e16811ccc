from django.urls import path

from . import views

urlpatterns = [
    path("people/invitations/", views.invitation_list, name="invitation_list"),
    path("people/invitations/new/", views.invitation_new, name="invitation_create"),
    path("people/invitations/<int:pk>/withdraw/", views.invitation_withdraw_view, name="invitation_withdraw"),
]
