"""The shared form pieces: the select written out in Python gives Django's own markup."""

import re

import pytest
from django import forms

from inspections.form_base import Select


def _normalised(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", "2", 3, ["a&b"], ["2", "3"]])
def test_the_select_gives_the_markup_of_djangos_select(value):
    choices = [
        ("", "Any"),
        (2, 'Two <"quoted"> & more'),
        ("Group & co", [(3, "Three"), ("a&b", "A & B")]),
    ]
    attrs = {"class": "govuk-select", "aria-describedby": 'x"y', "disabled": False, "required": True}
    ours = Select(attrs=attrs, choices=choices).render("service", value, attrs={"id": "id_service"})
    djangos = forms.Select(attrs=attrs, choices=choices).render("service", value, attrs={"id": "id_service"})
    assert _normalised(ours) == _normalised(djangos)
    assert "&lt;&quot;quoted&quot;&gt;" in ours and " disabled" not in ours and " required" in ours


@pytest.mark.parametrize("value", [None, ["2"], ["2", "a&b"]])
def test_a_select_of_several_gives_the_markup_of_djangos(value):
    choices = [(None, "None"), (2, "Two"), ("", [(3, "Three"), ("a&b", "A & B")]), ("2", "Two again")]
    ours = Select(choices=choices)
    ours.allow_multiple_selected = True
    djangos = forms.SelectMultiple(choices=choices)
    assert _normalised(ours.render("s", value)) == _normalised(djangos.render("s", value))


def test_an_option_kept_for_the_process_is_never_stale():
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    def rendered(label):
        choices = [("", "Any"), (7, label), ("7", "Seven as text")]
        ours = Select(choices=choices).render("service", "7")
        assert _normalised(ours) == _normalised(forms.Select(choices=choices).render("service", "7"))
        return ours

    assert ">Northshire &amp; co</option>" in rendered("Northshire & co")
    assert ">Northshire &amp; co</option>" in rendered("Northshire & co")  # again, from the kept option
    assert ">Renamed &lt;YJS&gt;</option>" in rendered("Renamed <YJS>")  # a new name: a new option
    assert ">Any <b>safe</b></option>" in rendered(mark_safe("Any <b>safe</b>"))  # noqa: S308 (the test's own)
    assert ">Lazy &amp; co</option>" in rendered(gettext_lazy("Lazy & co"))
