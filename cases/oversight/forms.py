"""Parsing for the moderation page and the sortable tables."""

from dataclasses import dataclass


def decisions_from_post(post, comparison):
    """{question code: (value, note)} for each disagreement, as typed."""
    return {
        q.question.code: (post.get(f"q-{q.question.code}", ""), post.get(f"note-{q.question.code}", ""))
        for q in comparison.disagreements
    }


@dataclass
class SortLink:
    key: str
    label: str
    href: str
    aria_sort: str  # "ascending", "descending" or "none"


def parse_sort(value, allowed, default):
    """(key, descending) from `?sort=key` or `?sort=-key`; unknown keys fall back to `default`."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.lstrip("-")
    if key not in allowed:
        return default, False
    return key, descending


def sort_links(columns, current, descending, query):
    """One SortLink per (key, label): a link that sorts by the column, reversing the current one.

    `query` is the request's QueryDict; other parameters (filters) are kept.
    """
    links = []
    for key, label in columns:
        params = query.copy()
        params["sort"] = f"-{key}" if key == current and not descending else key
        aria = ("descending" if descending else "ascending") if key == current else "none"
        links.append(SortLink(key, label, "?" + params.urlencode(), aria))
    return links
