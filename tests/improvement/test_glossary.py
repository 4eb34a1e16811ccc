"""The glossary: seeded, managed by managers, marked up on plan pages (escaped first)."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils.html import conditional_escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from improvement.models import Term
from improvement.presenters import Glossary
from inspections.models import Role
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_the_glossary_is_seeded_with_the_products_terms():
    terms = set(Term.objects.values_list("term", flat=True))
    assert {"YOS", "YJS", "YJB", "HMIP", "RoSH", "LAC", "CCI", "BRAG", "RAG"} <= terms
    assert {"key question", "moderation", "second marking", "cohort", "sample", "stratum"} <= terms
    assert {"out of court disposal", "judgement", "band", "improvement plan"} <= terms
    assert Term.objects.get(term="LAC").meaning == "Looked after child"


def test_everyone_signed_in_reads_the_glossary(client, board_member):
    client.force_login(board_member)
    page = client.get(reverse("improvement:glossary")).content.decode()
    assert "Risk of serious harm" in page
    assert 'id="term-rosh"' in page
    assert "Add a term" not in page


def test_a_manager_adds_changes_and_removes_a_term(client, manager):
    client.force_login(manager)
    response = client.post(reverse("improvement:term_create"), {"term": "QAF", "meaning": "", "definition": ""})
    assert "There is a problem" in response.content.decode()
    response = client.post(
        reverse("improvement:term_create"),
        {"term": "QAF", "meaning": "Quality assurance framework", "definition": "How..."},
    )
    assert response.status_code == 302
    term = Term.objects.get(term="QAF")
    client.post(
        reverse("improvement:term_edit", args=[term.pk]),
        {"term": "QAF", "meaning": "Quality assurance framework", "definition": "Changed"},
    )
    term.refresh_from_db()
    assert term.definition == "Changed"
    client.post(reverse("improvement:term_delete", args=[term.pk]))
    assert not Term.objects.filter(term="QAF").exists()
    assert term.history.count() == 3


def test_a_term_cannot_be_added_twice(client, manager, service):
    Term.objects.create(service=service, term="QAF", definition="Ours")
    client.force_login(manager)
    response = client.post(reverse("improvement:term_create"), {"term": "qaf", "meaning": "x", "definition": "y"})
    assert "glossary already has this term" in response.content.decode()
    assert 'value="qaf"' in response.content.decode()


def test_national_terms_are_read_only_and_each_service_reads_and_changes_only_its_own(
    client, manager, service, other_service, board_member
):
    national = Term.objects.national().get(term="YOS")
    client.force_login(manager)
    assert client.get(reverse("improvement:term_edit", args=[national.pk])).status_code == 404
    assert client.post(reverse("improvement:term_delete", args=[national.pk])).status_code == 404
    page = client.get(reverse("improvement:glossary")).content.decode()
    assert f'href="{reverse("improvement:term_edit", args=[national.pk])}"' not in page
    client.post(reverse("improvement:term_create"), {"term": "QAF", "meaning": "", "definition": "Northshire's way"})
    own = Term.objects.get(term="QAF")
    assert own.service == service
    assert "Northshire&#x27;s way" in client.get(reverse("improvement:glossary")).content.decode()
    client.force_login(board_member)  # the service's board reads it
    assert "QAF" in client.get(reverse("improvement:glossary")).content.decode()

    elsewhere = member(other_service, Role.MANAGER)
    client.force_login(elsewhere)
    assert "QAF" not in client.get(reverse("improvement:glossary")).content.decode()
    assert client.get(reverse("improvement:term_edit", args=[own.pk])).status_code == 404
    assert (
        client.post(
            reverse("improvement:term_edit", args=[own.pk]), {"term": "QAF", "meaning": "", "definition": "Hijacked"}
        ).status_code
        == 404
    )
    assert client.post(reverse("improvement:term_delete", args=[own.pk])).status_code == 404
    own.refresh_from_db()
    assert own.definition == "Northshire's way"
    # Their own QAF is theirs alone, beside Northshire's.
    client.post(reverse("improvement:term_create"), {"term": "QAF", "meaning": "", "definition": "Eastbridge's way"})
    assert Term.objects.filter(term="QAF").count() == 2


def test_markup_escapes_first_and_marks_each_term_once():
    terms = [
        Term(pk=1, term="YOS", meaning="Youth offending service", definition="..."),
        Term(pk=2, term="key question", meaning="", definition="..."),
        Term(pk=3, term="RoSH", meaning='Risk of "serious" harm', definition="..."),
    ]
    marker = Glossary(terms, link_base="/glossary/")
    html = marker.mark('<script>alert("YOS")</script> The YOS and its Key question on RoSH; YOSX no.\nNext line')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html.count('<abbr title="Youth offending service">YOS</abbr>') == 1
    assert '<a class="govuk-link" href="/glossary/#term-key-question">Key question</a>' in html
    assert '<abbr title="Risk of &quot;serious&quot; harm">RoSH</abbr>' in html
    assert "YOSX" in html and '<abbr title="Youth offending service">YOSX' not in html
    assert "<br>Next line" in html


def test_plan_pages_mark_up_terms(client, plan, manager):
    client.force_login(manager)
    page = client.get(reverse("improvement:plan_detail", args=[plan.pk])).content.decode()
    assert '<abbr title="Risk of serious harm">RoSH</abbr>' in page


def test_a_term_never_matches_inside_an_html_entity():
    """The attack: a term "x27" (or "quot", "amp", "lt") marked up inside the entities of escaped text gave
    broken markup (`&#<abbr>x27</abbr>;`) frozen into issued reports."""
    terms = [
        Term(pk=1, term="x27", meaning="Something", definition="..."),
        Term(pk=2, term="quot", meaning="", definition="..."),
        Term(pk=3, term="amp", meaning="Ampere", definition="..."),
        Term(pk=4, term="gt", meaning="", definition="..."),
    ]
    html = Glossary(terms, link_base="/glossary/").mark('It\'s "fine" & <b> ok')
    assert html == "It&#x27;s &quot;fine&quot; &amp; &lt;b&gt; ok"
    html = Glossary(terms).mark("x27 then It's, quot, amp")
    assert html.startswith(
        '<abbr title="Something">x27</abbr> then It&#x27;s, <a class="govuk-link" href="#term-quot">'
    )
    assert text_of(html) == "x27 then It's, quot, amp"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.tags = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        self.tags.append("/" + tag)


def text_of(html):
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


TRICKY = "aAxX0279&#;'\"<>/=- \nYOSquotampltgté"
tricky_text = st.lists(
    st.one_of(
        st.sampled_from(["It's", " ", "\n", '"', "&", "<b>", "&amp;", "x27", "#", ";", "-", "quot", "YOS", "é"]),
        st.text(alphabet=st.one_of(st.sampled_from(TRICKY), st.characters(codec="utf-8")), max_size=4),
    ),
    max_size=20,
).map("".join)
tricky_terms = st.lists(
    st.tuples(
        st.one_of(
            st.sampled_from(["x27", "quot", "amp", "lt", "gt", "#x27", "x2", "27;s", "abbr", "title", "href"]),
            st.text(alphabet=st.sampled_from(TRICKY + "_"), min_size=1, max_size=5),
        ),
        st.sampled_from(["", "M&<'\""]),
    ),
    max_size=6,
    unique_by=lambda pair: pair[0],
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=tricky_text, pairs=tricky_terms)
def test_markup_only_adds_tags_around_whole_words_of_the_escaped_text(text, pairs):
    terms = [Term(pk=i + 1, term=term, meaning=meaning, definition="d") for i, (term, meaning) in enumerate(pairs)]
    html = Glossary(terms, link_base="/g/").mark(text, linebreaks=False)
    # With the tags removed, the output is exactly the escaped input: nothing lost, nothing unescaped.
    assert re.sub(r"<[^>]*>", "", html) == str(conditional_escape(text))
    # Read as HTML, it says exactly the input (no term cut an entity in two), in well-formed tags of ours.
    parser = _Text()
    parser.feed(html)
    parser.close()
    assert "".join(parser.parts) == text
    assert set(parser.tags) <= {"abbr", "/abbr", "a", "/a"}
    assert parser.tags.count("abbr") == parser.tags.count("/abbr") and parser.tags.count("a") == parser.tags.count("/a")


def test_the_glossary_sorts_without_regard_to_case(client, board_member):
    Term.objects.create(service=board_member.memberships.first().service, term="attendance", definition="Coming.")
    Term.objects.create(service=board_member.memberships.first().service, term="Zone", definition="An area.")
    client.force_login(board_member)
    terms = [t.term for t in client.get(reverse("improvement:glossary")).context["terms"]]
    assert terms == sorted(terms, key=str.lower)
    assert terms.index("attendance") < terms.index("band") < terms.index("BRAG") < terms.index("re-inspection")
    assert terms.index("re-inspection") < terms.index("RoSH") < terms.index("Zone")
