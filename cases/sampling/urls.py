"""URLs of the cohort, sample and assignment pages (included from cases/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("inspections/<int:pk>/cohort/", views.cohort, name="cohort"),
    path("inspections/<int:pk>/cohort/upload/", views.cohort_upload, name="cohort_upload"),
    path("inspections/<int:pk>/cohort/check/", views.cohort_preview, name="cohort_preview"),
    path("inspections/<int:pk>/cohort/<int:case_pk>/exclude/", views.cohort_case_exclude, name="cohort_case_exclude"),
    path("inspections/<int:pk>/cohort/<int:case_pk>/restore/", views.cohort_case_restore, name="cohort_case_restore"),
    path("inspections/<int:pk>/sample/", views.sample_result, name="sample_result"),
    path("inspections/<int:pk>/sample/draw/", views.sample_draw, name="sample_draw"),
    path("inspections/<int:pk>/sample/<int:case_pk>/replace/", views.sample_replace, name="sample_replace"),
    path("inspections/<int:pk>/assignment/", views.sample_assign, name="sample_assign"),
]
