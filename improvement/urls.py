"""Improvement plans, boards, board reports and the glossary."""

from django.urls import path

from . import views

app_name = "improvement"

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/start/<int:inspection_pk>/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/start-work/", views.plan_start, name="plan_start"),
    path("plans/<int:pk>/close/", views.plan_close, name="plan_close"),
    path("plans/<int:pk>/history/", views.plan_history, name="plan_history"),
    path("plans/<int:pk>/themes/new/", views.theme_create, name="theme_create"),
    path("plans/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("plans/<int:pk>/meetings/<int:meeting_pk>/report/", views.board_report, name="board_report"),
    path("plans/<int:pk>/meetings/<int:meeting_pk>/report.pdf", views.board_report_pdf, name="board_report_pdf"),
    path("plans/<int:pk>/meetings/<int:meeting_pk>/report/issue/", views.board_report_issue, name="board_report_issue"),
    path("themes/<int:pk>/edit/", views.theme_edit, name="theme_edit"),
    path("themes/<int:pk>/delete/", views.theme_delete, name="theme_delete"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/updates/new/", views.update_create, name="update_create"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("boards/", views.board_list, name="board_list"),
    path("boards/new/", views.board_create, name="board_create"),
    path("boards/<int:pk>/", views.board_detail, name="board_detail"),
    path("boards/<int:pk>/edit/", views.board_edit, name="board_edit"),
    path("boards/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/new/", views.term_create, name="term_create"),
    path("glossary/<int:pk>/edit/", views.term_edit, name="term_edit"),
    path("glossary/<int:pk>/delete/", views.term_delete, name="term_delete"),
]
