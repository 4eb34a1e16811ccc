"""URLs of the audit programme (included from cases/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("programme/", views.calendar, name="programme"),
    path("programme/audits/new/", views.template_create, name="programme_template_create"),
    path("programme/audits/<int:pk>/", views.template_detail, name="programme_template"),
    path("programme/audits/<int:pk>/create/", views.audit_create, name="programme_audit_create"),
    path("programme/audits/<int:pk>/run-charts/", views.run_charts, name="programme_run_charts"),
    path("programme/periods/<int:pk>/sample/", views.audit_sample, name="programme_audit_sample"),
]
