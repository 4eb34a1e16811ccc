"""Formatting for improvement pages and reports, kept out of models and templates."""

import functools
import re

from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .models import BRAG_TAG_CLASSES, ActionStatus, Brag, term_anchor

BRAG_SHORT = {Brag.BLUE: "Blue", Brag.GREEN: "Green", Brag.AMBER: "Amber", Brag.RED: "Red"}
BRAG_MEANING = {Brag.BLUE: "complete", Brag.GREEN: "on track", Brag.AMBER: "at risk", Brag.RED: "off track"}


def _brag_tag(brag):
    return format_html(
        '<strong class="govuk-tag {}">{}<span class="govuk-visually-hidden">: {}</span></strong>',
        BRAG_TAG_CLASSES[brag],
        BRAG_SHORT[brag],
        BRAG_MEANING[brag],
    )


BRAG_TAGS = {brag.value: _brag_tag(brag) for brag in Brag}  # each written once


def brag_tag(brag):
    """A GOV.UK tag saying the BRAG rating in words (never colour alone)."""
    if not brag:
        return ""
    return BRAG_TAGS.get(brag) or BRAG_TAGS[Brag(brag).value]


ACTION_STATUS_LABELS = dict(ActionStatus.choices)


def action_flags(action):
    """The action's Overdue and Completed late tags (`overdue_now` set by the selector), each followed
    by a new line."""
    overdue = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' if action.overdue_now else ""
    late = '<strong class="govuk-tag govuk-tag--yellow">Completed late</strong>' if action.completed_late else ""
    return f"{overdue}\n{late}\n"


@functools.lru_cache(maxsize=4096)
def _short_date(day, language):
    return format_date(day, "j M Y")


def short_date(day):
    """A date as the template's `date:"j M Y"` writes it ("5 Jan 2026"), each day worked out once per
    process and language (a date and its words never change)."""
    return _short_date(day, get_language())


def plan_action_rows(actions):
    """The body rows of a theme's actions table on the plan page: each action linked, its owner, due
    date, status with its flags, and BRAG rating. Written here rather than in the template (a row per
    action); every text escaped as the template would."""
    head = reverse("improvement:action_detail", args=[0]).removesuffix("0/")
    rows = []
    for action in actions:
        href = f"{head}{int(action.pk)}/"
        status = conditional_escape(ACTION_STATUS_LABELS.get(action.status, action.status))
        if action.completed_on:
            status = f"{status} on {short_date(action.completed_on)}"
        rows.append(
            '<tr class="govuk-table__row">\n'
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{conditional_escape(href)}">'
            f"{conditional_escape(action.title)}</a></td>\n"
            f'<td class="govuk-table__cell">{conditional_escape(action.owner_display)}</td>\n'
            f'<td class="govuk-table__cell app-no-wrap">{short_date(action.due_on)}</td>\n'
            f'<td class="govuk-table__cell">{status} {action_flags(action)}</td>\n'
            f'<td class="govuk-table__cell">{brag_tag(action.brag)}</td>\n'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped; the dates formatted; our own markup)


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


def report_action_rows(actions, glossary):
    """The body rows of a theme's actions table in the board report: each action (glossary terms
    marked), its owner, due date, and BRAG rating with its flags. Every text escaped."""
    rows = []
    for action in actions:
        rows.append(
            '<tr class="govuk-table__row">\n'
            f'<td class="govuk-table__cell">{glossary.mark(action.title)}</td>\n'
            f'<td class="govuk-table__cell">{conditional_escape(action.owner_display)}</td>\n'
            f'<td class="govuk-table__cell app-no-wrap">{short_date(action.due_on)}</td>\n'
            f'<td class="govuk-table__cell">{brag_tag(action.brag)} {action_flags(action)}</td>\n'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped or marked by the glossary; our own markup)


def brag_table_rows(rows, with_change=False):
    """The body rows of the actions-by-BRAG table (_brag_table.html) from `selectors.brag_rows`: each
    rating, its count and, `with_change`, the change since the previous meeting. Every text escaped."""
    html = []
    for row in rows:
        change = ""
        if with_change:
            shown = "Not known" if row["change"] is None else conditional_escape(signed(row["change"]))
            change = f'<td class="govuk-table__cell govuk-table__cell--numeric">{shown}</td>'
        html.append(
            '<tr class="govuk-table__row">\n'
            f'<th scope="row" class="govuk-table__header"><strong class="govuk-tag {conditional_escape(row["tag"])}">'
            f"{conditional_escape(row['label'])}</strong></th>\n"
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{int(row["count"])}</td>\n'
            f"{change}\n"
            "</tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 (every text escaped; the counts are int(); our own markup)


def recommendation_rows(recommendations, glossary, add_action_href=None):
    """The body rows of the plan page's recommendations table: each recommendation (glossary terms
    marked) with its area, and the actions answering it, linked; with none, a "No action yet" tag and,
    for someone who may change the plan, `add_action_href`'s link for it. Every text escaped."""
    rows = []
    for recommendation in recommendations:
        text = glossary.mark(recommendation.text) if glossary is not None else conditional_escape(recommendation.text)
        if recommendation.area:
            text = (
                f'{text}<br><span class="govuk-hint govuk-!-margin-bottom-0">'
                f"{conditional_escape(recommendation.area.name)}</span>"
            )
        answered_by = recommendation.answered_by
        if answered_by:
            last = len(answered_by) - 1
            answers = "".join(
                f'<a class="govuk-link" href="{conditional_escape(reverse("improvement:action_detail", args=[a.pk]))}">'
                f"{conditional_escape(a.title)}</a>{'' if i == last else '<br>'}\n"
                for i, a in enumerate(answered_by)
            )
        else:
            answers = '<strong class="govuk-tag govuk-tag--red">No action yet</strong>'
            if add_action_href:
                answers += (
                    f' <a class="govuk-link" href="{conditional_escape(add_action_href)}?recommendation='
                    f'{int(recommendation.pk)}">Add an action<span class="govuk-visually-hidden"> for this '
                    "recommendation</span></a>"
                )
            answers += "\n"
        rows.append(
            '<tr class="govuk-table__row">\n'
            f'<td class="govuk-table__cell">{text}</td>\n'
            f'<td class="govuk-table__cell">\n{answers}\n</td>\n'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped or marked by the glossary; our own markup)


def glossary_rows(terms):
    """The rows of the board report's glossary (a GOV.UK summary list): each term, anchored for the
    report's links, with what an abbreviation stands for and its definition. Every text escaped.
    Written once per process for each glossary as read (its every term, meaning and definition the
    key: a changed term is a new key, so never stale)."""
    return _glossary_rows(tuple((term.term, term.meaning, term.definition) for term in terms))


@functools.lru_cache(maxsize=256)
def _glossary_rows(entries):
    rows = []
    for term, meaning, definition in entries:
        meaning = f"<strong>{conditional_escape(meaning)}.</strong> " if meaning else ""
        rows.append(
            '<div class="govuk-summary-list__row govuk-summary-list__row--no-actions" '
            f'id="{conditional_escape(term_anchor(term))}">\n'
            f'<dt class="govuk-summary-list__key">{conditional_escape(term)}</dt>\n'
            f'<dd class="govuk-summary-list__value">{meaning}{conditional_escape(definition)}</dd>\n'
            "</div>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped; our own markup)


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
