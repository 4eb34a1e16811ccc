"""Evidence files: what kinds are accepted (decided by content, not by name), and where they live.

A file is accepted when its first bytes say it is one of the accepted kinds and its name's
extension agrees; it is stored under PRIVATE_FILES_ROOT with a random name, never under a name
the uploader chose, and served only through a view that checks who is asking.
"""

import hashlib
import io
import re
import secrets
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple


PDF = Kind("PDF", "application/pdf", (".pdf",))
PNG = Kind("PNG image", "image/png", (".png",))
JPEG = Kind("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
DOCX = Kind("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = Kind("Excel spreadsheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
CSV = Kind("CSV file", "text/csv", (".csv",))
TXT = Kind("text file", "text/plain", (".txt",))
KINDS = [PDF, PNG, JPEG, DOCX, XLSX, CSV, TXT]
ACCEPTED_DESCRIPTION = "PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), CSV or text"
ACCEPT_ATTRIBUTE = ",".join(ext for kind in KINDS for ext in kind.extensions)


def sniff(head, read_all):
    """The Kind the content is, judged by its bytes, or None. `read_all()` gives every byte."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(read_all())).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
        return None
    return TXT if _is_plain_text(read_all()) else None


def _is_plain_text(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return all(ch in "\t\n\r\f" or unicodedata.category(ch) != "Cc" for ch in text)


# PDF names that run something: scripts (/JavaScript, /JS) and launching a program or file (/Launch). A name
# may hide its letters as #xx escapes (/J#61vaScript), and objects may sit inside compressed streams.
PDF_ACTIVE_NAMES = {b"JavaScript": "JavaScript", b"JS": "JavaScript", b"Launch": "an action that opens a program"}
# Mark-up that makes a PDF also an HTML page (a polyglot), or a link that runs script.
PDF_HTML_MARKERS = re.compile(rb"<\s*(script|html|body|iframe|svg|object|embed)\b|javascript\s*:", re.IGNORECASE)
_PDF_NAME = re.compile(rb"/([^\s/\[\]()<>{}%]+)")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
PDF_MAX_INFLATED_BYTES = 50 * 1024 * 1024


def _pdf_name(raw):
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)


def _pdf_layers(data):
    """The file's bytes, then each compressed stream inflated (at most PDF_MAX_INFLATED_BYTES in all)."""
    yield data
    budget = PDF_MAX_INFLATED_BYTES
    for match in _PDF_STREAM.finditer(data):
        if budget <= 0:
            return
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(match.group(1).strip(), budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        yield inflated


def pdf_problem(data):
    """Why a PDF is refused (it carries JavaScript, a launch action, or HTML mark-up), or None."""
    for layer in _pdf_layers(data):
        for name in _PDF_NAME.findall(layer):
            what = PDF_ACTIVE_NAMES.get(_pdf_name(name))
            if what:
                return (
                    f"The selected PDF contains {what}, which could run on the reader's computer. Save or print it "
                    "as a new PDF without scripts and upload that"
                )
        if PDF_HTML_MARKERS.search(layer):
            return (
                "The selected PDF also contains web page mark-up (HTML or a script link). Save or print it as a "
                "new PDF and upload that"
            )
    return None


def clean_name(name):
    """The uploaded file's name without any folder, reduced to safe characters, at most 200 long."""
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFKC", base)
    kept = "".join(ch if ch.isalnum() or ch in " ._-()" else "_" for ch in base).strip(" .")
    if not kept:
        kept = "evidence"
    stem, dot, extension = kept.rpartition(".")
    if dot and len(kept) > 200:
        return stem[: 199 - len(extension)] + "." + extension
    return kept[:200]


def check_upload(uploaded):
    """The Kind of an uploaded file, or a ValidationError saying why it is refused."""
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(f"The file must be smaller than {size_limit_in_words()}", code="too_big")
    if uploaded.size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    uploaded.seek(0)
    head = uploaded.read(16)

    def read_all():
        uploaded.seek(0)
        return uploaded.read()

    kind = sniff(head, read_all)
    uploaded.seek(0)
    extension = PurePath(uploaded.name).suffix.lower()
    if kind is TXT and extension == ".csv":
        kind = CSV
    if kind is None or extension not in kind.extensions:
        raise ValidationError(f"The selected file must be a {ACCEPTED_DESCRIPTION} file", code="wrong_type")
    if kind is PDF:
        problem = pdf_problem(read_all())
        uploaded.seek(0)
        if problem:
            raise ValidationError(problem, code="active_pdf")
    return kind


def evidence_folder():
    folder = Path(settings.PRIVATE_FILES_ROOT) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(uploaded):
    """Write the upload under a random name. Returns (stored name, size, sha256)."""
    stored_name = secrets.token_hex(20)
    digest = hashlib.sha256()
    size = 0
    uploaded.seek(0)
    with open(evidence_folder() / stored_name, "xb") as out:
        for chunk in uploaded.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return stored_name, size, digest.hexdigest()


def size_limit_in_words():
    """The upload limit as people read it: "5 MB" (UPLOAD_MAX_BYTES in megabytes, 1 MB = 1,048,576 bytes)."""
    megabytes = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes >= 1 else f"{megabytes:.1f} MB"
