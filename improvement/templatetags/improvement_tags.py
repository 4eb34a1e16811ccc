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
