"""YOS Audit settings, read from the environment (django-environ).

Every setting a deployment changes comes from an environment variable (or a `.env` file
beside manage.py). Defaults are safe for production except where DEBUG is on: then a
development secret key and SQLite are used so that `make run` needs nothing set.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A key that is only ever acceptable on a developer's machine.
DEVELOPMENT_SECRET_KEY = "development-only-not-secret-yos-audit"  # noqa: S105 (refused when DEBUG is off)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
if not DEBUG and (
    not SECRET_KEY
    or SECRET_KEY == DEVELOPMENT_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or is a development default, and DEBUG is off. "
        "Set SECRET_KEY to a random string of at least 50 characters, for example: "
        "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
        "or set DEBUG=1 on a development machine."
    )

# Old keys still accepted for signatures while a new SECRET_KEY is rolled out (docs/operations.md).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_filters",
    "axes",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # The project's own floors: improvement -> cases -> inspections.
    "inspections",
    "cases",
    "improvement",
    "yos_audit",
]

MIDDLEWARE = [
    "yos_audit.operations.logs.RequestIdMiddleware",
    "yos_audit.operations.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "yos_audit.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "yos_audit.middleware.AbbreviationsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yos_audit.middleware.PrivatePagesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "yos_audit.middleware.SessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "inspections.middleware.CurrentServiceMiddleware",
    "yos_audit.middleware.TwoFactorRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yos_audit.urls"
WSGI_APPLICATION = "yos_audit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "yos_audit.context_processors.layout",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Reuse connections but check them first, so the app serves again by itself after the
# database restarts.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
# A PostgreSQL read replica for the read-only pages that list across services or over time
# (inspections/db_router.py; docs/deploy.md). Tests read the primary through it (a mirror).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"], CONN_HEALTH_CHECKS=True, TEST={"MIRROR": "default"}
    )
    DATABASE_ROUTERS = ["inspections.db_router.ReadReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # allauth's username and password backend; get_user also reads the memberships with the person.
    "inspections.sign_in.MembershipBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"
# Two-factor sign-in (django-allauth's MFA: an authenticator app (TOTP), recovery codes, security
# keys): anyone may turn it on from their account page; these groups must ("inspectors": anyone
# with the inspector role in a service; "staff": is_staff; "everyone").
# On by default in production (DEBUG off); off with DEBUG so the demo stays password-only.
REQUIRE_TWO_FACTOR_FOR = env.list("REQUIRE_TWO_FACTOR_FOR", default=[] if DEBUG else ["inspectors", "staff"])
_unknown_two_factor_groups = set(REQUIRE_TWO_FACTOR_FOR) - {"inspectors", "staff", "everyone"}
if _unknown_two_factor_groups:
    raise ImproperlyConfigured(
        f"REQUIRE_TWO_FACTOR_FOR has unknown groups {sorted(_unknown_two_factor_groups)}: "
        "use a comma-separated list of inspectors, staff, everyone (or leave it empty)."
    )

# Accounts (django-allauth). People sign in with their username; nobody signs themselves up (an
# account comes from an invitation or the administrator). Throttling is django-axes' alone, so
# allauth's own rate limits are off (docs/security.md). People are emailed when their password or
# a second factor changes.
ACCOUNT_ADAPTER = "yos_audit.accounts_adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_FORMS = {"login": "yos_audit.accounts_forms.LoginForm"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = False
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "YOS Audit: "
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
MFA_ADAPTER = "yos_audit.accounts_adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "YOS Audit"
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
MFA_RECOVERY_CODES_SHOW_ONCE = True
MFA_RATE_LIMITS = False
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_FORMS = {
    "authenticate": "yos_audit.accounts_forms.AuthenticateForm",
    "reauthenticate": "yos_audit.accounts_forms.ReauthenticateForm",
    "activate_totp": "yos_audit.accounts_forms.ActivateTOTPForm",
}
# Single sign-on through the council's OpenID Connect provider (Microsoft Entra ID or any other;
# docs/operations.md). Off unless OIDC_SERVER_URL and OIDC_CLIENT_ID are set. A person signs in
# through it only if an account with the provider's verified email exists or an invitation to that
# email is waiting; roles and services always come from memberships here, never from the provider.
OIDC_SERVER_URL = env.str("OIDC_SERVER_URL", default="")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
# The issuer the provider must name (its discovery document's "issuer"); defaults to the server URL.
OIDC_ISSUER = env.str("OIDC_ISSUER", default=OIDC_SERVER_URL)
OIDC_NAME = env.str("OIDC_NAME", default="your council account")
# Does the provider make everyone use a second factor? Then its sign-in counts as two factors here.
OIDC_PROVIDER_ENFORCES_MFA = env.bool("OIDC_PROVIDER_ENFORCES_MFA", default=False)
SINGLE_SIGN_ON_ENABLED = bool(OIDC_SERVER_URL and OIDC_CLIENT_ID)
SOCIALACCOUNT_ADAPTER = "yos_audit.single_sign_on.SingleSignOnAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "council",
                "name": OIDC_NAME,
                "client_id": OIDC_CLIENT_ID,
                "secret": OIDC_CLIENT_SECRET,
                "settings": {"server_url": OIDC_SERVER_URL, "token_auth_method": "client_secret_post"},
            }
        ]
        if SINGLE_SIGN_ON_ENABLED
        else [],
    }
}
# Security keys need HTTPS. The key is bound to the host name people use (allauth takes the relying
# party id from the request's host, which ALLOWED_HOSTS limits); http://localhost works without this
# setting (fido2 and browsers treat it as secure, which the browser tests rely on); an IP address such
# as 127.0.0.1 never works. Any other http origin is accepted only with DEBUG, never in production.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# Sign-in throttling (django-axes): lock a username at this address after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The sign-in form calls the username "login"; the backends are given it as "username".
AXES_USERNAME_CALLABLE = "yos_audit.accounts_adapter.axes_username"
# Failed sign-ins are logged without the username or address (no personal data in logs).
AXES_CLIENT_STR_CALLABLE = "yos_audit.operations.logs.axes_client_str"

# Cache, sessions and sign-in throttling. Without REDIS_URL: a per-process memory cache, sessions and
# django-axes' failure counts in the database (one instance, or several over one database). With
# REDIS_URL (e.g. redis://127.0.0.1:6379/0): all three in Redis (django-redis), so any number of app
# instances serve the same people: a sign-in on one is valid on the others, and a lockout holds on all.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="yos"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "yos-audit"}}

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("moj", BASE_DIR / "node_modules" / "@ministryofjustice" / "frontend" / "moj"),
]
# Serve straight from the finders when no collectstatic has run (development and tests). With
# WHITENOISE_USE_FINDERS=0 (`make serve`) the files come from collectstatic, compressed and with hashed
# names (cached for ever by browsers: a changed file gets a new name).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if WHITENOISE_USE_FINDERS
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded evidence is private: stored outside the static files, served by a checked view.
PRIVATE_FILES_ROOT = Path(env.str("PRIVATE_FILES_ROOT", default=str(BASE_DIR / "private-files")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="YOS Audit <no-reply@yos-audit.invalid>")

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Sessions end when the browser closes and after 30 minutes without a request: then the person
# lands on a page saying so (yos_audit.middleware.SessionIdleTimeoutMiddleware). The cookie lives
# a little longer than the idle limit so that the middleware can still tell an idle session apart.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)  # seconds
SESSION_IDLE_WARNING = 5 * 60  # seconds before the end when pages warn (static/js/session-timeout.mjs)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=SESSION_IDLE_TIMEOUT + 8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = False  # the idle clock saves the session when it moves (middleware)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# HTTPS and headers: on by default unless DEBUG; each can be switched by the environment.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision for the hosting organisation, not this application.
    "security.W021",
]

# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# The product's own settings.
SERVICE_NAME = "YOS Audit"
DEMO_PASSWORD_DEFAULT = "demo-password-2026"  # noqa: S105 (demo accounts only; load_demo needs DEBUG)
# Case-level data of inspections closed longer ago than this is purged (published judgements kept).
RETENTION_DAYS = env.int("RETENTION_DAYS", default=6 * 365)
# Days an emailed invitation to join a service stays open.
INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)
# Largest file an import or an evidence upload may be.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)

# Logs: one JSON object a line (LOG_FORMAT=json, the default without DEBUG) or plain text, each
# line with the request's id (yos_audit.operations.logs). No personal data is logged.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "yos_audit.operations.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "yos_audit.operations.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # One access line per request; off with DEBUG unless LOG_REQUESTS=1 (runserver prints its own).
        "yos_audit.request": {"level": "INFO" if env.bool("LOG_REQUESTS", default=not DEBUG) else "WARNING"},
        # WeasyPrint reports every screen-only CSS rule it skips; only errors matter.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}

# Operations: the readiness check and Prometheus metrics answer only with their token (or, for
# metrics, from the listed networks); without one they are off (404). /healthz stays open.
READINESS_TOKEN = env.str("READINESS_TOKEN", default="")
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])

# Error reporting to Sentry, only when SENTRY_DSN is set; personal data is scrubbed before sending.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from yos_audit.operations.sentry import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        release=env.str("SENTRY_RELEASE", default=None),
    )
