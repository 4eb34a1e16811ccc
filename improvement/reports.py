"""Board reports as HTML (the body shown on the page and stored when issued) and as PDF (WeasyPrint)."""

import logging

from django.template.loader import render_to_string

from inspections.glossary import mark_abbreviations

from .presenters import Glossary


def render_report_html(data, issued=False):
    """The report's body: the same HTML goes on the page, into the stored report and into the PDF, with
    every glossary abbreviation marked (as every page marks them)."""
    context = dict(data, issued=issued, glossary_marker=Glossary(data["glossary"], link_base=""))
    return mark_abbreviations(render_to_string("improvement/report/body.html", context))


def render_print_document(body_html, title):
    return render_to_string("improvement/report/print.html", {"body": body_html, "title": title})


# WeasyPrint reports each layout step at INFO; keep the logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def html_to_pdf(body_html, title="Board report", base_url=None):
    from weasyprint import HTML

    document = render_print_document(body_html, title)
    # PDF/UA: a tagged PDF (headings, tables, reading order) with its title and language, for screen readers.
    return HTML(string=document, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")
