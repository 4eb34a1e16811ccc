"""The glossary's national terms and the mark-up of their abbreviations, for every layer.

NATIONAL_TERMS is the one definition of the words the product and its sources use: the data
migration loads it into improvement's glossary (where managers add a service's own terms), and
`mark_abbreviations` marks each abbreviation of it as <abbr title="..."> wherever it appears on a
page (the pages go through it on their way out, see yos_audit.middleware.AbbreviationsMiddleware)
or in a PDF. No database query.

Each entry: (term, meaning for an abbreviation or "", definition).
"""

import functools
import re
from html import escape

NATIONAL_TERMS = [
    (
        "YOS",
        "Youth offending service",
        "A local authority's multi-agency service that works with children "
        "who have offended or are at risk of offending. Many are now called youth justice services (YJS).",
    ),
    ("YJS", "Youth justice service", "The newer name for a youth offending service (YOS)."),
    ("YOT", "Youth offending team", "Another name for a youth offending service."),
    (
        "YJB",
        "Youth Justice Board",
        "The public body that oversees the youth justice system in England and Wales; "
        "it can run a mock inspection of a service.",
    ),
    (
        "HMIP",
        "HM Inspectorate of Probation",
        "The inspectorate that inspects youth offending services and "
        "publishes the report whose recommendations the improvement plan answers.",
    ),
    (
        "CCI",
        "Core Case Inspection",
        "HMIP's 2009-2012 inspection of youth offending work, rating three areas "
        "from a sample of case files: risk of harm to others, likelihood of re-offending and safeguarding.",
    ),
    (
        "RoSH",
        "Risk of serious harm",
        "How likely a child is to cause serious harm to others, and how serious "
        "it would be: low, medium, high or very high.",
    ),
    (
        "LAC",
        "Looked after child",
        "A child in the care of the local authority. Looked after children are one of the improvement plan's themes.",
    ),
    (
        "BRAG",
        "Blue, red, amber, green",
        "The rating of an action: blue complete, green on track, amber at risk, red off track.",
    ),
    ("RAG", "Red, amber, green", "A rating of progress: red off track, amber at risk, green on track. See BRAG."),
    (
        "key question",
        "",
        "A question that decides an area's rating under the key-question rule: the area "
        "scores its lowest key question.",
    ),
    (
        "moderation",
        "",
        "Settling the differences between a first and a second marking of the same case, "
        "giving the final answers the scores count.",
    ),
    ("second marking", "", "A second, blind scoring of a case by another assessor, to check agreement."),
    ("cohort", "", "Every eligible case in the period an inspection or audit looks at."),
    ("sample", "", "The cases drawn from the cohort to be scored."),
    (
        "stratum",
        "",
        "A group of the cohort (for example, girls, or community sentences with low risk of serious "
        "harm) from which the sample draws its share. Plural: strata.",
    ),
    (
        "out of court disposal",
        "",
        "A way of dealing with an offence without a court, such as a youth caution or a youth conditional caution.",
    ),
    ("judgement", "", "An area's score and band for an inspection, as published."),
    ("band", "", "A label given to a range of scores, for example Moderate improvement required for 65 to 79%."),
    (
        "improvement plan",
        "",
        "The service's plan to answer the inspection's recommendations: themes, actions "
        "with owners and due dates, and progress updates, approved by the lead inspector and tracked by the boards.",
    ),
    ("lead inspector", "", "The inspector who leads an inspection and approves the service's improvement plan."),
    ("re-inspection", "", "A further HMIP inspection, normally no more than a year after the report is published."),
    ("mock inspection", "", "A practice inspection, for example by the YJB, to test the changes before re-inspection."),
    (
        "management board",
        "",
        "The YOS management board: senior partners who oversee the service and its improvement plan.",
    ),
]


ABBREVIATIONS = {term: meaning for term, meaning, _ in NATIONAL_TERMS if meaning}

# Text inside these elements is left alone: not shown as text (script, style, title, head), form
# values (textarea, select and its options), already marked (abbr), or where <abbr> is not allowed (svg).
# An element is left alone from its opening tag to its first closing tag (any case); one never closed
# is not, and neither is what follows an unclosed comment.
_LEFT_ALONE_TAGS = ("script", "style", "title", "textarea", "select", "option", "abbr", "svg", "head", "pre")
_LEFT_ALONE_OPENS = re.compile(r"<(?:(" + "|".join(_LEFT_ALONE_TAGS) + r")\b[^>]*>|!--)", re.I)
# The same, case as written, for ASCII text searched lowercased (the same places, found several times
# faster: the search can skip to each "<" when it need not try every case of every letter).
_LEFT_ALONE_OPENS_LOWERCASED = re.compile(r"<(?:(" + "|".join(_LEFT_ALONE_TAGS) + r")\b[^>]*>|!--)")
# The terms, longest first, case as written (LAC, not "lac" in "black"). A term found counts when it is
# not inside a word, a code or an entity (_AFTER_WORD before it, _WORD_GOES_ON after it) and is in text
# rather than inside a tag (_IN_TEXT: the next angle bracket after it opens a tag). The search is for
# the terms alone, which the regex engine skips through fastest; the rest is checked for each term found.
_TERMS = re.compile("|".join(re.escape(t) for t in sorted(ABBREVIATIONS, key=len, reverse=True)))
_WORD_GOES_ON = re.compile(r"[\w-]")
_IN_TEXT = re.compile(r"[^<>]*(?:<|$)")
_AFTER_WORD = re.compile(r"[\w&#/-]")


@functools.lru_cache(maxsize=64)
def _closing_tag(name, lowercased=False):
    """The closing tag of the element opened as `name`, in any case (as the opening tag's name matched);
    `lowercased`: in lowercased text, so as written."""
    return re.compile(rf"</{re.escape(name)}\s*>", 0 if lowercased else re.I)


def _left_alone(html):
    """(start, end) of each element or comment left alone, in order. Text all ASCII (most pages) is
    searched lowercased: ASCII letters are all that case-blind matching could match there, and
    lowercasing ASCII keeps every character in its place."""
    lowercased = html.isascii()
    searched, opens = (html.lower(), _LEFT_ALONE_OPENS_LOWERCASED) if lowercased else (html, _LEFT_ALONE_OPENS)
    spans, position = [], 0
    while opening := opens.search(searched, position):
        name = opening.group(1)
        if name is None:  # a comment
            end = searched.find("-->", opening.end())
            end = -1 if end < 0 else end + 3
        else:
            closing = _closing_tag(name, lowercased).search(searched, opening.end())
            end = closing.end() if closing else -1
        if end < 0:  # never closed: not left alone, look again from the next character
            position = opening.start() + 1
            continue
        spans.append((opening.start(), end))
        position = end
    return spans


def _mark_text(text):
    pieces, position, at = [], 0, 0
    while found := _TERMS.search(text, at):
        start, end = found.span()
        if _WORD_GOES_ON.match(text, end) or not _IN_TEXT.match(text, end):
            at = start + 1  # not a term here: look again from the next character
            continue
        at = end
        if start and _AFTER_WORD.match(text, start - 1):
            continue  # part of a longer word, a code or an entity: left as it is
        term = found.group()
        pieces += [text[position:start], f'<abbr title="{escape(ABBREVIATIONS[term])}">{term}</abbr>']
        position = end
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)


def mark_abbreviations(html: str) -> str:
    """`html` with every glossary abbreviation in its text (not in tags, attributes, form values,
    scripts or the title) marked as <abbr title="what it stands for">."""
    pieces, position = [], 0
    for start, end in _left_alone(html):
        pieces += [_mark_text(html[position:start]), html[start:end]]
        position = end
    pieces.append(_mark_text(html[position:]))
    return "".join(pieces)
