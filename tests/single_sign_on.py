"""A real OpenID Connect provider on the loopback (oidc-provider-mock) for the single sign-on tests,
and the settings that point YOS Audit at it."""

import contextlib

import httpx
import pytest
from oidc_provider_mock import run_server_in_thread

CLIENT_ID = "yos-audit-test"
CLIENT_SECRET = "not-a-real-secret"  # noqa: S105 (the mock provider accepts any)


@pytest.fixture(scope="session")
def oidc_provider():
    """The provider's base URL (its issuer); stopped when the test session ends."""
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def point_at(settings, provider_url, *, issuer=None, enforces_mfa=False):
    """Configure single sign-on through `provider_url`, as OIDC_* environment variables would."""
    settings.OIDC_SERVER_URL = provider_url
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ISSUER = issuer or provider_url
    settings.OIDC_NAME = "Northshire Council account"
    settings.OIDC_PROVIDER_ENFORCES_MFA = enforces_mfa
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "council",
                    "name": "Northshire Council account",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": provider_url, "token_auth_method": "client_secret_post"},
                }
            ],
        }
    }


def council_person(provider_url, sub, **claims):
    """The person as the council's provider knows them (their claims)."""
    httpx.put(f"{provider_url}/users/{sub}", json=claims).raise_for_status()


def sign_in_through_the_provider(client, provider_url, sub):
    """The browser's round trip, with Django's test client: our sign-in button, the provider's
    consent form (as `sub`), then back to our callback. The last response."""
    to_provider = client.post("/account/sso/council/")
    assert to_provider.status_code == 302 and to_provider.url.startswith(provider_url), to_provider
    with contextlib.closing(httpx.Client()) as browser:
        back = browser.post(to_provider.url, data={"sub": sub})
    assert back.status_code == 302, back.text
    return client.get(back.headers["location"].replace("http://testserver", ""))
