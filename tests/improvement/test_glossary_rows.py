"""The board report's glossary rows are written once per process for each glossary as read
(improvement.presenters.glossary_rows): a changed term, meaning or definition is never shown stale."""

from types import SimpleNamespace

from improvement.presenters import glossary_rows


def _term(term, meaning, definition):
    return SimpleNamespace(term=term, meaning=meaning, definition=definition)


def test_the_rows_follow_every_change_to_the_terms():
    terms = [_term("RoSH", "Risk of serious harm", "How likely <harm> is & how bad."), _term("Board", "", "The board.")]
    first = glossary_rows(terms)
    assert 'id="term-rosh"' in first and "<strong>Risk of serious harm.</strong>" in first
    assert "How likely &lt;harm&gt; is &amp; how bad." in first and 'id="term-board"' in first
    assert glossary_rows(terms) == first
    changed = glossary_rows([terms[0], _term("Board", "", "The management board.")])
    assert "The management board." in changed and "The board.<" not in changed
    renamed = glossary_rows([_term("RoSH ", "Risk of serious harm", "How likely <harm> is & how bad."), terms[1]])
    assert 'id="term-rosh-"' in renamed
    assert glossary_rows([]) == ""
