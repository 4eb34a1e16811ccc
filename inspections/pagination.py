"""A page of a long list, and the links of the GOV.UK pagination component
(templates/includes/pagination.html): the inspector's home and the dashboard's drill-down."""

from math import ceil

from django.core.paginator import Page, Paginator


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
    return _with_links(Paginator(items, per_page).get_page(query.get("page")), query)


def paginate_read(read, query, per_page):
    """`paginate` for a list read a page at a time with its length: `read(offset, limit)` returns
    (the rows from `offset`, at most `limit` of them; the number of rows in the whole list, None
    when no row is returned), so the page and the count come in one query (a window count). The
    same page, numbers and links as `paginate` over the whole list (tests/inspections/
    test_pagination.py); a number out of range costs a second read (and a third for the last page)."""
    try:
        number = int(query.get("page"))
    except (TypeError, ValueError):
        number = 1  # as Paginator.get_page: not a number, the first page
    rows, total = read((number - 1) * per_page, per_page) if number >= 1 else ([], None)
    if not rows and number != 1:  # out of range: the last page, as Paginator.get_page gives
        total = read(0, 1)[1] or 0
        number = max(ceil(total / per_page), 1)
        rows = read((number - 1) * per_page, per_page)[0] if total else []
    paginator = Paginator([], per_page)
    paginator.count = total or 0  # known already: Paginator's cached count, never worked out again
    return _with_links(Page(rows, number, paginator), query)


def _with_links(page, query):
    others = query.copy()
    others.pop("page", None)
    prefix = f"?{others.urlencode()}&" if others else "?"
    return {
        "page": page,
        "page_links": page_links(page, prefix),
        "previous_href": f"{prefix}page={page.previous_page_number()}" if page.has_previous() else None,
        "next_href": f"{prefix}page={page.next_page_number()}" if page.has_next() else None,
    }
