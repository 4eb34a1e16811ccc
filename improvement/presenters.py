"""Formatting for improvement pages and reports, kept out of models and templates."""

import re

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from .models import BRAG_TAG_CLASSES, Brag

BRAG_SHORT = {Brag.BLUE: "Blue", Brag.GREEN: "Green", Brag.AMBER: "Amber", Brag.RED: "Red"}
BRAG_MEANING = {Brag.BLUE: "complete", Brag.GREEN: "on track", Brag.AMBER: "at risk", Brag.RED: "off track"}


def brag_tag(brag):
    """A GOV.UK tag saying the BRAG rating in words (never colour alone)."""
    if not brag:
        return ""
    brag = Brag(brag)
    return format_html(
        '<strong class="govuk-tag {}">{}<span class="govuk-visually-hidden">: {}</span></strong>',
        BRAG_TAG_CLASSES[brag],
        BRAG_SHORT[brag],
        BRAG_MEANING[brag],
    )


def time_left(days):
    if days is None:
        return "not set"
    if days == 0:
        return "today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{-days} day{'s' if days != -1 else ''} ago"


def signed(number):
    if number is None:
        return ""
    if number > 0:
        return f"+{number}"
    if number < 0:
        return f"\u2212{-number}"
    return "no change"


class Glossary:
    """Marks glossary terms in text, after escaping it: abbreviations as <abbr title>, other terms as
    links to their definition (on the glossary page, or in the same document when `link_base` is "")."""

    def __init__(self, terms, link_base=""):
        self.terms = {}
        patterns = []
        for term in sorted(terms, key=lambda t: len(t.term), reverse=True):
            escaped = re.escape(str(conditional_escape(term.term)))
            if term.is_abbreviation:
                patterns.append(escaped)
                self.terms[str(conditional_escape(term.term))] = term
            else:
                patterns.append(f"(?i:{escaped})")
                self.terms[str(conditional_escape(term.term)).lower()] = term
        self.link_base = link_base
        self.pattern = re.compile(r"(?<![\w&-])(" + "|".join(patterns) + r")(?![\w-])") if patterns else None

    def _term(self, matched):
        return self.terms.get(matched) or self.terms.get(matched.lower())

    def mark(self, text, linebreaks=True):
        escaped = str(conditional_escape(text or ""))
        if self.pattern is not None:
            seen = set()

            def replace(match):
                found = match.group(0)
                term = self._term(found)
                if term is None or term.pk in seen:
                    return found
                seen.add(term.pk)
                if term.is_abbreviation:
                    title = term.meaning or term.definition[:120]
                    return f'<abbr title="{conditional_escape(title)}">{found}</abbr>'
                return f'<a class="govuk-link" href="{conditional_escape(self.link_base)}#{term.anchor}">{found}</a>'

            escaped = self.pattern.sub(replace, escaped)
        if linebreaks:
            escaped = escaped.replace("\r\n", "\n").replace("\n", "<br>")
        return mark_safe(escaped)  # noqa: S308 (escaped above; only our own markup added)
