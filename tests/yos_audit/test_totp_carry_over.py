"""The data migration carries django-otp's authenticator apps over to django-allauth: the same
app goes on showing codes that work, and django-otp's table goes."""

import base64
import hmac
import importlib
import struct
import time

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db import connection

carry_over_module = importlib.import_module("yos_audit.migrations.0001_totp_devices_to_allauth")

OLD_TABLE_SQL = (
    "CREATE TABLE otp_totp_totpdevice (id integer PRIMARY KEY, user_id integer NOT NULL, name varchar(64), "
    "confirmed boolean NOT NULL, key varchar(80) NOT NULL, step smallint NOT NULL, t0 bigint NOT NULL, "
    "digits smallint NOT NULL)"
)


def django_otp_code(key_hex, at):
    """The code django-otp's TOTP (RFC 6238, SHA-1, 30 s, 6 digits) gives for the hex key at `at`."""
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", int(at) // 30), "sha1").digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class SchemaEditor:
    """What the migration uses of a schema editor: its connection, and execute()."""

    connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_a_django_otp_device_becomes_an_allauth_authenticator_that_accepts_the_same_codes(officer, manager):
    key_hex = "3132333435363738393031323334353637383930"  # RFC 6238's test secret
    with connection.cursor() as cursor:
        cursor.execute(OLD_TABLE_SQL)
        cursor.execute(
            "INSERT INTO otp_totp_totpdevice VALUES (1, %s, 'Authenticator app', %s, %s, 30, 0, 6)",
            [officer.pk, True, key_hex],
        )
        cursor.execute(  # never confirmed: not carried over
            "INSERT INTO otp_totp_totpdevice VALUES (2, %s, 'Authenticator app', %s, %s, 30, 0, 6)",
            [manager.pk, False, "00" * 20],
        )

    carry_over_module.carry_over(apps, SchemaEditor())

    authenticator = Authenticator.objects.get()
    assert authenticator.user == officer and authenticator.type == Authenticator.Type.TOTP
    assert authenticator.data["secret"] == base64.b32encode(bytes.fromhex(key_hex)).decode()
    code = django_otp_code(key_hex, time.time())
    assert authenticator.wrap().validate_code(code)
    assert "otp_totp_totpdevice" not in connection.introspection.table_names()


def test_a_database_that_never_had_django_otp_is_left_alone(officer):
    carry_over_module.carry_over(apps, SchemaEditor())
    assert not Authenticator.objects.exists()
