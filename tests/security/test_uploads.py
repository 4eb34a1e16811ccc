"""Uploads: limits checked on the content, stored privately under a safe name, served only through a
permission-checked view."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement.models import Evidence
from inspections.models import InspectionStatus, Role
from tests.factories import ActionFactory, InspectionFactory, PlanFactory, ThemeFactory, member

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The start of a Windows program (a PE file: "MZ" header and DOS stub).
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"This program cannot be run in DOS mode"
    + bytes(range(256))
)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


@pytest.fixture
def action(service):
    plan = PlanFactory(inspection__service=service)
    return ActionFactory(theme=ThemeFactory(plan=plan))


def post_update(client, action, *files):
    return client.post(
        reverse("improvement:update_create", args=[action.pk]),
        {"date_0": "10", "date_1": "1", "date_2": "2026", "brag": "amber", "note": "Evidence", "evidence": list(files)},
    )


def test_a_program_named_pdf_is_refused_and_nothing_is_stored(client, manager, action, private_files):
    client.force_login(manager)
    response = post_update(client, action, SimpleUploadedFile("minutes.pdf", EXE_BYTES, "application/pdf"))
    assert response.status_code == 200
    assert "The selected file must be a" in response.content.decode()
    assert not Evidence.objects.exists()
    assert not any(private_files.rglob("*")) or not any(p.is_file() for p in private_files.rglob("*"))


def test_a_pdf_named_exe_is_refused_too(client, manager, action):
    client.force_login(manager)
    response = post_update(client, action, SimpleUploadedFile("minutes.exe", PDF_BYTES, "application/pdf"))
    assert response.status_code == 200
    assert not Evidence.objects.exists()


def test_the_size_limit_counts_the_bytes_received(client, manager, action, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    client.force_login(manager)
    big = PDF_BYTES + b"%" * 2000
    response = post_update(client, action, SimpleUploadedFile("minutes.pdf", big, "application/pdf"))
    assert "The file must be smaller than" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_name_with_folders_is_stored_under_a_random_name_inside_the_private_folder(
    client, manager, action, private_files
):
    client.force_login(manager)
    evil = "../../../etc/cron.d/..\\..\\minutes<script>.pdf"
    response = post_update(client, action, SimpleUploadedFile(evil, PDF_BYTES, "application/pdf"))
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert "/" not in item.original_name and "\\" not in item.original_name and "<" not in item.original_name
    assert item.original_name.endswith(".pdf") and not item.original_name.startswith(".")
    assert len(item.stored_name) == 40 and item.stored_name.isalnum()
    stored = [p for p in private_files.rglob("*") if p.is_file()]
    assert stored == [private_files / "evidence" / item.stored_name]
    assert stored[0].read_bytes() == PDF_BYTES


def test_evidence_is_served_only_through_the_checked_view(client, manager, action, other_service):
    client.force_login(manager)
    post_update(client, action, SimpleUploadedFile("minutes.pdf", PDF_BYTES, "application/pdf"))
    item = Evidence.objects.get()
    url = reverse("improvement:evidence_download", args=[item.pk])

    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "no-store" in download["Cache-Control"] and "private" in download["Cache-Control"]
    assert b"".join(download.streaming_content) == PDF_BYTES

    client.force_login(member(other_service, Role.MANAGER, username="elsewhere"))
    assert client.get(url).status_code == 404  # another service's evidence does not exist for them
    client.logout()
    assert client.get(url).status_code == 302  # signed out: to sign in

    # No other address reaches the file.
    client.force_login(manager)
    for guess in [
        f"/static/evidence/{item.stored_name}",
        f"/private-files/evidence/{item.stored_name}",
        f"/media/evidence/{item.stored_name}",
        f"/evidence/{item.stored_name}",
    ]:
        assert client.get(guess).status_code == 404, guess


def test_the_private_folder_is_outside_every_public_folder():
    private = Path(django_settings.PRIVATE_FILES_ROOT).resolve()
    public = [Path(django_settings.STATIC_ROOT)] + [
        Path(entry[1] if isinstance(entry, tuple) else entry) for entry in django_settings.STATICFILES_DIRS
    ]
    for folder in public:
        folder = folder.resolve()
        assert not private.is_relative_to(folder) and not folder.is_relative_to(private), folder
    # Django's default MEDIA_URL is "/", but no URL pattern serves MEDIA_ROOT (see the test above).
    assert not getattr(django_settings, "MEDIA_ROOT", "")


def test_a_cohort_file_that_is_not_text_is_refused(client, manager, service):
    inspection = InspectionFactory(service=service, status=InspectionStatus.SAMPLING)
    client.force_login(manager)
    response = client.post(
        reverse("cases:cohort_upload", args=[inspection.pk]),
        {"file": SimpleUploadedFile("cohort.csv", EXE_BYTES, "text/csv")},
    )
    assert response.status_code == 200
    assert "not" in response.content.decode() and "CSV" in response.content.decode()
    assert not inspection.cases.exists()


def test_a_cohort_file_over_the_limit_is_refused(client, manager, service, settings):
    settings.UPLOAD_MAX_BYTES = 100
    inspection = InspectionFactory(service=service, status=InspectionStatus.SAMPLING)
    client.force_login(manager)
    response = client.post(
        reverse("cases:cohort_upload", args=[inspection.pk]),
        {"file": SimpleUploadedFile("cohort.csv", b"reference,disposal\n" + b"YP1,community\n" * 50, "text/csv")},
    )
    assert "smaller than" in response.content.decode() or "largest file" in response.content.decode()
    assert not inspection.cases.exists()


OPEN_ACTION_SCRIPT = (
    b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"3 0 obj<</S/JavaScript/JS(app.alert('hello'))>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
LAUNCH_HIDDEN_BY_ESCAPES = (
    b"%PDF-1.7\n1 0 obj<</Type/Catalog/OpenAction<</S/L#61unch/F(cmd.exe)>>>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
HTML_POLYGLOT = b"%PDF-1.4\n%<html><body><script>alert(document.domain)</script></body></html>\n" + PDF_BYTES[9:]


def compressed_object_stream(body):
    import zlib

    packed = zlib.compress(body)
    return (
        b"%PDF-1.7\n5 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(packed)).encode()
        + b">>stream\n"
        + packed
        + b"\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


@pytest.mark.parametrize(
    "content, reason",
    [
        (OPEN_ACTION_SCRIPT, "contains JavaScript"),
        (LAUNCH_HIDDEN_BY_ESCAPES, "an action that opens a program"),
        (compressed_object_stream(b"3 0 <</S/JavaScript/JS(app.alert(1))>>"), "contains JavaScript"),
        (HTML_POLYGLOT, "web page mark-up"),
    ],
    ids=["open-action-script", "escaped-launch", "script-in-compressed-stream", "pdf-html-polyglot"],
)
def test_a_pdf_that_runs_something_is_refused_saying_why(client, manager, action, private_files, content, reason):
    client.force_login(manager)
    response = post_update(client, action, SimpleUploadedFile("minutes.pdf", content, "application/pdf"))
    page = response.content.decode()
    assert response.status_code == 200
    assert reason in page and "There is a problem" in page
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in private_files.rglob("*"))


def test_an_ordinary_pdf_is_still_accepted(client, manager, action):
    from weasyprint import HTML

    ordinary = HTML(string="<h1>Board minutes</h1><p>See <a href='https://example.org'>the plan</a>.</p>").write_pdf()
    client.force_login(manager)
    response = post_update(client, action, SimpleUploadedFile("minutes.pdf", ordinary, "application/pdf"))
    assert response.status_code == 302
    assert Evidence.objects.count() == 1
