from django.urls import include, path

from . import views

app_name = "cases"

urlpatterns = [
    path("inspections/<int:pk>/cases/", views.case_list, name="case_list"),
    path("inspections/<int:pk>/cases/new/", views.case_create, name="case_create"),
    path("inspections/<int:pk>/judgements/", views.judgements, name="judgements"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("assessments/<int:pk>/reopen/", views.assessment_reopen, name="assessment_reopen"),
    path("assessments/<int:pk>/record/", views.assessment_record, name="assessment_record"),
    path("cases/<int:pk>/record/", views.case_record, name="case_record"),
    path("", include("cases.sampling.urls")),
    path("", include("cases.oversight.urls")),
]
