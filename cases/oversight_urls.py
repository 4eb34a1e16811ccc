"""Moderation and oversight pages (see issue 5)."""

urlpatterns = []
