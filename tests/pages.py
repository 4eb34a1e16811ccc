"""Reading a page's HTML in tests the way a person reads it."""

import re

ABBR = re.compile(r'<abbr title="[^"]*">([^<]*)</abbr>')


def unmarked(html):
    """The HTML without the <abbr> mark-up every page puts on glossary abbreviations
    (inspections.glossary), so a test can look for "Review the RoSH assessment" as written."""
    return ABBR.sub(r"\1", html)
