"""Carry the authenticator apps people set up under django-otp over to django-allauth, then drop
django-otp's table.

django-otp kept each TOTP device's secret as hex (otp_totp_totpdevice.key); allauth keeps it in
Authenticator.data["secret"] as base32, passed through its MFA adapter's encrypt() hook. Both use
30-second steps, 6 digits and the Unix epoch, so the same app goes on showing the right codes.
A database that never had django-otp has nothing to carry over.
"""

import base64

from django.db import migrations

OLD_TABLE = "otp_totp_totpdevice"


def totp_secret_from_hex(key_hex):
    """django-otp's hex key as allauth's base32 secret (the same bytes)."""
    return base64.b32encode(bytes.fromhex(key_hex)).decode("ascii")


def carry_over(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    from allauth.mfa.utils import encrypt

    Authenticator = apps.get_model("mfa", "Authenticator")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT user_id, key FROM otp_totp_totpdevice WHERE confirmed AND step = 30 AND digits = 6 AND t0 = 0 "
            "ORDER BY id"
        )
        rows = cursor.fetchall()
    for user_id, key_hex in rows:
        if Authenticator.objects.filter(user_id=user_id, type="totp").exists():
            continue  # allauth keeps one authenticator app per person; the first one stays
        Authenticator.objects.create(user_id=user_id, type="totp", data={"secret": encrypt(totp_secret_from_hex(key_hex))})
    schema_editor.execute("DROP TABLE otp_totp_totpdevice")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = 'otp_totp'")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
