"""A list read a page at a time with a window count (`paginate_read`) gives what `paginate` gives
over the whole list: the same page, rows, count, numbers and links, whatever `?page=` says."""

from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from inspections.pagination import paginate, paginate_read

PAGE_PARAMETERS = st.one_of(
    st.none(),
    st.integers(min_value=-3, max_value=12).map(str),
    st.sampled_from(["", "x", "1.0", "2.5", " 2 ", "last", "1e3", "99999999999999999999"]),
)


def _query(page, other):
    query = QueryDict(mutable=True)
    if other:
        query["sort"] = other
    if page is not None:
        query["page"] = page
    return query


def _seen(pages):
    page = pages["page"]
    return (
        list(page.object_list),
        page.number,
        page.paginator.count,
        page.paginator.num_pages,
        page.start_index(),
        page.end_index(),
        pages["page_links"],
        pages["previous_href"],
        pages["next_href"],
    )


@given(
    total=st.integers(min_value=0, max_value=60),
    per_page=st.integers(min_value=1, max_value=10),
    page=PAGE_PARAMETERS,
    other=st.sampled_from(["", "-score", "a&b"]),
)
def test_a_page_read_with_its_count_is_the_page_of_the_whole_list(total, per_page, page, other):
    items = [f"row {n}" for n in range(total)]
    reads = []

    def read(offset, limit):
        reads.append((offset, limit))
        rows = items[offset : offset + limit] if offset >= 0 else []
        return rows, (total if rows else None)

    query = _query(page, other)
    assert _seen(paginate_read(read, query, per_page)) == _seen(paginate(items, query, per_page))
    assert len(reads) <= 3  # one read for a page in range


def test_a_page_in_range_is_one_read():
    reads = []

    def read(offset, limit):
        reads.append((offset, limit))
        return list(range(offset, min(offset + limit, 30))), 30

    pages = paginate_read(read, _query("2", ""), 25)
    assert reads == [(25, 25)]
    assert list(pages["page"].object_list) == [25, 26, 27, 28, 29]
    assert pages["page"].start_index() == 26 and pages["page"].end_index() == 30
