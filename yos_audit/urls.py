from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.http import require_http_methods

from . import accounts, views

# Django's form views treat PUT as POST; nothing here accepts PUT, PATCH or DELETE.
get_or_post = require_http_methods(["GET", "HEAD", "POST"])

urlpatterns = [
    path("", views.home, name="home"),
    path("service/switch/", views.switch_service, name="switch_service"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("yos_audit.operations.urls")),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("cookies/", views.cookies, name="cookies"),
    path("account/", accounts.account, name="account"),
    path("account/sign-in/", get_or_post(accounts.SignInView.as_view()), name="login"),
    path("account/sign-in/code/", accounts.login_code, name="login_code"),
    path("account/invitation/<str:token>/", accounts.invitation_accept_view, name="invitation_accept"),
    path("account/signed-out/", accounts.session_expired, name="session_expired"),
    path("account/stay-signed-in/", accounts.stay_signed_in, name="stay_signed_in"),
    path("account/two-factor/", accounts.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/remove/", accounts.two_factor_remove, name="two_factor_remove"),
    path("account/two-factor/email-link/", accounts.two_factor_email_link, name="two_factor_email_link"),
    path("account/two-factor/link/<str:token>/", accounts.two_factor_link, name="two_factor_link"),
    path("account/sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", get_or_post(auth_views.PasswordChangeView.as_view()), name="password_change"),
    path(
        "account/password/done/", get_or_post(auth_views.PasswordChangeDoneView.as_view()), name="password_change_done"
    ),
    path("account/password-reset/", get_or_post(auth_views.PasswordResetView.as_view()), name="password_reset"),
    path(
        "account/password-reset/sent/",
        get_or_post(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "account/password-reset/<uidb64>/<token>/",
        get_or_post(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "account/password-reset/complete/",
        get_or_post(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("", include("inspections.urls")),
    path("", include("cases.urls")),
    path("", include("improvement.urls")),
]

handler403 = "yos_audit.views.permission_denied"
handler404 = "yos_audit.views.page_not_found"
handler500 = "yos_audit.views.server_error"
