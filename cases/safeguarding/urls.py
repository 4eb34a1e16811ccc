"""Safeguarding concerns (docs/feedback-and-safeguarding.md)."""

from django.urls import path

from . import views

urlpatterns = [
    path("assessments/<int:pk>/concern/", views.concern_raise, name="concern_raise"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern_detail"),
    path("service/concerns/", views.concern_register, name="concern_register"),
    path("service/concerns/export.csv", views.concern_register_export, name="concern_register_export"),
    path("service/safeguarding-roles/", views.safeguarding_roles, name="safeguarding_roles"),
]
