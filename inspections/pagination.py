"""A page of a long list, and the links of the GOV.UK pagination component
(templates/includes/pagination.html): the inspector's home and the dashboard's drill-down."""

from django.core.paginator import Paginator


def page_links(page, prefix):
    """[(number, href or None for an ellipsis)] for the GOV.UK pagination component."""
    if page.paginator.num_pages < 2:
        return []
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return [(n, None if n == page.paginator.ELLIPSIS else f"{prefix}page={n}") for n in numbers]


def paginate(items, query, per_page):
    """The page of `items` (a queryset or a list) that `query` (the request's QueryDict) asks for
    with `?page=`, and its links keeping every other parameter (the filters and sort): a number out
    of range gives the last page, anything else not a number the first. The context of
    includes/pagination.html."""
    page = Paginator(items, per_page).get_page(query.get("page"))
    others = query.copy()
    others.pop("page", None)
    prefix = f"?{others.urlencode()}&" if others else "?"
    return {
        "page": page,
        "page_links": page_links(page, prefix),
        "previous_href": f"{prefix}page={page.previous_page_number()}" if page.has_previous() else None,
        "next_href": f"{prefix}page={page.next_page_number()}" if page.has_next() else None,
    }
