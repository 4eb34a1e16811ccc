from django.urls import path

from . import views

# Project-level names, like healthz: operators' tools, not pages.
urlpatterns = [
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
