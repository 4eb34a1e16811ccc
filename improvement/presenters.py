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
    """Marks glossary terms in text: abbreviations as <abbr title>, other terms as links to their definition
    (on the glossary page, or in the same document when `link_base` is "").

    Terms are found in the text as written, before escaping; the text between them and each term are
    escaped separately, so a term never matches inside an HTML entity (a term "x27" leaves "It's" alone)
    or inside the mark-up added for another term."""

    def __init__(self, terms, link_base=""):
        self.terms = {}
        patterns = []
        for term in sorted(terms, key=lambda t: len(t.term), reverse=True):
            if not term.term:
                continue
            escaped = re.escape(term.term)
            if term.is_abbreviation:
                patterns.append(escaped)
                self.terms.setdefault(term.term, term)
            else:
                patterns.append(f"(?i:{escaped})")
                self.terms.setdefault(term.term.lower(), term)
        self.link_base = link_base
        self.pattern = re.compile(r"(?<![\w-])(" + "|".join(patterns) + r")(?![\w-])") if patterns else None

    def _term(self, matched):
        return self.terms.get(matched) or self.terms.get(matched.lower())

    def mark(self, text, linebreaks=True):
        text = str(text or "")

        def escape(part):
            part = str(conditional_escape(part))
            return part.replace("\r\n", "\n").replace("\n", "<br>") if linebreaks else part

        pieces = []
        position = 0
        seen = set()
        for match in self.pattern.finditer(text) if self.pattern is not None else ():
            term = self._term(match.group(0))
            if term is None or term.pk in seen:
                continue
            seen.add(term.pk)
            pieces.append(escape(text[position : match.start()]))
            found = escape(match.group(0))
            if term.is_abbreviation:
                title = conditional_escape(" ".join((term.meaning or term.definition[:120]).split()))
                pieces.append(f'<abbr title="{title}">{found}</abbr>')
            else:
                href = f"{conditional_escape(self.link_base)}#{conditional_escape(term.anchor)}"
                pieces.append(f'<a class="govuk-link" href="{href}">{found}</a>')
            position = match.end()
        pieces.append(escape(text[position:]))
        return mark_safe("".join(pieces))  # noqa: S308 (every piece of the text escaped; only our own markup added)
