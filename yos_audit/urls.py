from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from allauth.mfa.base import views as mfa_views
from allauth.mfa.recovery_codes import views as recovery_code_views
from allauth.mfa.totp import views as totp_views
from allauth.mfa.webauthn import views as webauthn_views
from allauth.socialaccount import views as social_views
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.http import require_http_methods

from . import accounts, views
from .single_sign_on import allow_the_provider_as_form_target
from .two_factor import first_factor_through_second_channel

# Django's form views treat PUT as POST; nothing here accepts PUT, PATCH or DELETE.
get_or_post = require_http_methods(["GET", "HEAD", "POST"])

# The admin's own sign-in page would skip the second factor: it sends people to the service's.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("service/switch/", views.switch_service, name="switch_service"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("yos_audit.operations.urls")),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("cookies/", views.cookies, name="cookies"),
    path("account/", accounts.account, name="account"),
    path("account/invitation/<str:token>/", accounts.invitation_accept_view, name="invitation_accept"),
    path("account/signed-out/", accounts.session_expired, name="session_expired"),
    path("account/stay-signed-in/", accounts.stay_signed_in, name="stay_signed_in"),
    path("account/two-factor/email-link/", accounts.two_factor_email_link, name="two_factor_email_link"),
    path("account/two-factor/link/<str:token>/", accounts.two_factor_link, name="two_factor_link"),
    # django-allauth's pages, at the service's own addresses (only those the service uses: no
    # sign-up, no email management).
    path("account/sign-in/", get_or_post(allow_the_provider_as_form_target(account_views.login)), name="account_login"),
    path("account/sign-out/", get_or_post(account_views.logout), name="account_logout"),
    path("account/inactive/", get_or_post(account_views.account_inactive), name="account_inactive"),
    path("account/confirm/", get_or_post(account_views.reauthenticate), name="account_reauthenticate"),
    path("account/password/", get_or_post(account_views.password_change), name="account_change_password"),
    path("account/password/set/", get_or_post(account_views.password_set), name="account_set_password"),
    path("account/password-reset/", get_or_post(account_views.password_reset), name="account_reset_password"),
    path(
        "account/password-reset/sent/",
        get_or_post(account_views.password_reset_done),
        name="account_reset_password_done",
    ),
    re_path(
        r"^account/password-reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        get_or_post(account_views.password_reset_from_key),
        name="account_reset_password_from_key",
    ),
    path(
        "account/password-reset/complete/",
        get_or_post(account_views.password_reset_from_key_done),
        name="account_reset_password_from_key_done",
    ),
    # Single sign-on through the council's OpenID Connect provider (allauth's openid_connect).
    path("account/sso/<str:provider_id>/", get_or_post(oidc_views.login), name="openid_connect_login"),
    path("account/sso/<str:provider_id>/callback/", get_or_post(oidc_views.callback), name="openid_connect_callback"),
    path("account/sso-problem/", get_or_post(social_views.login_error), name="socialaccount_login_error"),
    path("account/sso-cancelled/", get_or_post(social_views.login_cancelled), name="socialaccount_login_cancelled"),
    path("account/sso-sign-up/", get_or_post(social_views.signup), name="socialaccount_signup"),
    path("account/two-factor/", get_or_post(mfa_views.index), name="mfa_index"),
    path("account/two-factor/code/", get_or_post(mfa_views.authenticate), name="mfa_authenticate"),
    path("account/two-factor/confirm/", get_or_post(mfa_views.reauthenticate), name="mfa_reauthenticate"),
    path(
        "account/two-factor/app/",
        get_or_post(first_factor_through_second_channel(totp_views.activate_totp)),
        name="mfa_activate_totp",
    ),
    path("account/two-factor/app/remove/", get_or_post(totp_views.deactivate_totp), name="mfa_deactivate_totp"),
    path(
        "account/two-factor/recovery-codes/",
        get_or_post(recovery_code_views.view_recovery_codes),
        name="mfa_view_recovery_codes",
    ),
    path(
        "account/two-factor/recovery-codes/new/",
        get_or_post(first_factor_through_second_channel(recovery_code_views.generate_recovery_codes)),
        name="mfa_generate_recovery_codes",
    ),
    path(
        "account/two-factor/recovery-codes/download/",
        get_or_post(recovery_code_views.download_recovery_codes),
        name="mfa_download_recovery_codes",
    ),
    path("account/two-factor/keys/", get_or_post(webauthn_views.list_webauthn), name="mfa_list_webauthn"),
    path(
        "account/two-factor/keys/add/",
        get_or_post(first_factor_through_second_channel(webauthn_views.add_webauthn)),
        name="mfa_add_webauthn",
    ),
    path(
        "account/two-factor/keys/confirm/",
        get_or_post(webauthn_views.reauthenticate_webauthn),
        name="mfa_reauthenticate_webauthn",
    ),
    path(
        "account/two-factor/keys/<int:pk>/remove/",
        get_or_post(webauthn_views.remove_webauthn),
        name="mfa_remove_webauthn",
    ),
    path("account/two-factor/keys/<int:pk>/edit/", get_or_post(webauthn_views.edit_webauthn), name="mfa_edit_webauthn"),
    path("admin/", admin.site.urls),
    path("", include("inspections.urls")),
    path("", include("cases.urls")),
    path("", include("improvement.urls")),
]

handler403 = "yos_audit.views.permission_denied"
handler404 = "yos_audit.views.page_not_found"
handler500 = "yos_audit.views.server_error"
