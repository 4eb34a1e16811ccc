"""Case holders, feedback, case actions and re-audit (docs/feedback-and-safeguarding.md)."""

from django.urls import path

from . import views

urlpatterns = [
    path("cases/<int:pk>/feedback/", views.case_feedback, name="case_feedback"),
    path("cases/<int:pk>/case-holder/", views.case_holder_link, name="case_holder_link"),
    path("cases/<int:pk>/feedback/write/", views.feedback_write, name="feedback_write"),
    path("cases/<int:pk>/feedback/actions/new/", views.case_action_create, name="case_action_create"),
    path("cases/<int:pk>/re-audit/", views.re_audit_mark, name="re_audit_mark"),
    path("re-audits/<int:pk>/", views.re_audit_page, name="re_audit"),
    path("feedback/mine/", views.my_feedback, name="my_feedback"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback_detail"),
    path("case-actions/<int:pk>/done/", views.case_action_done, name="case_action_done"),
    path("inspections/<int:pk>/feedback/", views.feedback_figures, name="feedback_figures"),
]
