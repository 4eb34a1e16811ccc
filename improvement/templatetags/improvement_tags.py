from django import template
from django.utils.html import conditional_escape

from .. import presenters

register = template.Library()


@register.filter
def brag_tag(brag):
    return presenters.brag_tag(brag)


@register.filter
def time_left(days):
    return presenters.time_left(days)


@register.filter
def signed(number):
    return presenters.signed(number)


@register.filter
def glossary(text, marker):
    """`{{ text|glossary:glossary }}`: the text escaped, with glossary terms marked up."""
    if marker is None:
        return conditional_escape(text)
    return marker.mark(text)


@register.filter
def plan_action_rows(actions):
    """`{{ block.actions|plan_action_rows }}`: the body rows of a theme's actions table on the plan page."""
    return presenters.plan_action_rows(actions)


@register.filter
def glossary_rows(terms):
    """`{{ glossary|glossary_rows }}`: the rows of the board report's glossary list."""
    return presenters.glossary_rows(terms)


@register.simple_tag
def brag_table_rows(rows, with_change=False):
    """`{% brag_table_rows rows with_change %}`: the body rows of the actions-by-BRAG table."""
    return presenters.brag_table_rows(rows, with_change)


@register.simple_tag
def report_action_rows(actions, glossary_marker):
    """`{% report_action_rows block.actions glossary_marker %}`: a theme's action rows in the board report."""
    return presenters.report_action_rows(actions, glossary_marker)
