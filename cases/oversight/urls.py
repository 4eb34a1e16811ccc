"""Moderation and oversight pages (see issue 5)."""

from django.urls import path

from . import views

urlpatterns = [
    path("inspections/<int:pk>/dashboard/", views.inspection_dashboard, name="inspection_dashboard"),
    path("inspections/<int:pk>/dashboard/cases/", views.dashboard_cases, name="dashboard_cases"),
    path("inspections/<int:pk>/moderation/", views.moderation_list, name="moderation_list"),
    path("inspections/<int:pk>/moderation/<int:case_pk>/", views.moderation_case, name="moderation_case"),
    path("inspections/<int:pk>/export/<str:kind>.<str:fmt>", views.inspection_export, name="inspection_export"),
    path("service/trends/", views.service_trends, name="service_trends"),
    path("benchmark/", views.benchmark, name="benchmark"),
]
