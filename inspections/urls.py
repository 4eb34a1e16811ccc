from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path("inspections/<int:pk>/status/", views.inspection_status, name="inspection_status"),
    *[
        pattern
        for kind in ("finding", "recommendation")
        for pattern in (
            path(f"inspections/<int:pk>/{kind}s/new/", views.report_item_edit, {"kind": kind}, name=f"{kind}_add"),
            path(
                f"inspections/<int:pk>/{kind}s/<int:item_pk>/",
                views.report_item_edit,
                {"kind": kind},
                name=f"{kind}_edit",
            ),
            path(
                f"inspections/<int:pk>/{kind}s/<int:item_pk>/delete/",
                views.report_item_delete,
                {"kind": kind},
                name=f"{kind}_delete",
            ),
        )
    ],
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
]
