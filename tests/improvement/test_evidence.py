"""Evidence files: checked by content and size, stored privately under a random name, served only to
people who may see the plan, always as a download."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement import evidence
from improvement.models import Evidence, ProgressUpdate
from tests.factories import ActionFactory, ThemeFactory

from .helpers import PDF_BYTES, PNG_BYTES, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(plan):
    return ActionFactory(theme=ThemeFactory(plan=plan))


def post_update(client, action, files, note="Audit results attached"):
    return client.post(
        reverse("improvement:update_create", args=[action.pk]),
        {"date_0": "10", "date_1": "1", "date_2": "2026", "brag": "amber", "note": note, "evidence": files},
    )


def zip_bytes(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


def test_an_update_with_evidence_is_stored_privately_and_downloaded_as_an_attachment(
    client, action, manager, private_files
):
    client.force_login(manager)
    response = post_update(
        client, action, [pdf_upload("../../Board minutes<1>.pdf"), SimpleUploadedFile("a.png", PNG_BYTES)]
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(action=action)
    first, second = update.evidence.all()
    assert first.original_name == "Board minutes_1_.pdf"
    assert first.content_type == "application/pdf"
    assert second.content_type == "image/png"
    assert first.path.parent == private_files / "evidence"
    assert first.stored_name != first.original_name and len(first.stored_name) == 40
    assert first.path.read_bytes() == PDF_BYTES

    download = client.get(reverse("improvement:evidence_download", args=[first.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "Board minutes_1_.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF_BYTES
    action.refresh_from_db()
    assert action.brag == "amber"


def test_a_program_renamed_pdf_is_refused_and_nothing_is_kept(client, action, manager, private_files):
    client.force_login(manager)
    program = SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100)
    response = post_update(client, action, [program], note="Keep what I typed")
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "must be a PDF" in page
    assert "Keep what I typed" in page
    assert not ProgressUpdate.objects.exists()
    assert not Evidence.objects.exists()
    assert not (private_files / "evidence").exists() or not any((private_files / "evidence").iterdir())


def test_a_file_over_the_size_limit_is_refused(client, action, manager, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    client.force_login(manager)
    response = post_update(client, action, [pdf_upload(content=PDF_BYTES + b"0" * 1000)])
    assert "must be smaller than" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("report.pdf", PDF_BYTES, True),
        ("chart.png", PNG_BYTES, True),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, True),
        ("notes.txt", "Plain notes, café\n".encode(), True),
        ("data.csv", b"\xef\xbb\xbfreference,score\nYP1,80\n", True),
        ("plan.docx", zip_bytes("[Content_Types].xml", "word/document.xml"), True),
        ("tracker.xlsx", zip_bytes("[Content_Types].xml", "xl/workbook.xml"), True),
        ("chart.pdf", PNG_BYTES, False),  # the name says PDF, the content says PNG
        ("archive.docx", zip_bytes("something.txt"), False),
        ("page.html", b"<html><script>alert(1)</script></html>", False),
        ("notes.txt", b"binary\x00\x01\x02", False),
        ("setup.exe", b"MZ\x90\x00", False),
        ("empty.pdf", b"", False),
    ],
)
def test_kinds_are_decided_by_content(name, content, accepted):
    upload = SimpleUploadedFile(name, content)
    if accepted:
        evidence.check_upload(upload)
    else:
        with pytest.raises(Exception, match="must be|empty"):
            evidence.check_upload(upload)


def test_evidence_is_not_served_to_another_service_or_signed_out(client, action, manager, other_manager):
    from improvement import services

    update = services.progress_update_create(
        action=action, by=manager, date=action.due_on, brag="green", note="n", files=[pdf_upload()]
    )
    url = reverse("improvement:evidence_download", args=[update.evidence.get().pk])
    client.force_login(other_manager)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("  .hidden.pdf", "hidden.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
        ("", "evidence"),
    ],
)
def test_names_are_cleaned(given, kept):
    assert evidence.clean_name(given) == kept
