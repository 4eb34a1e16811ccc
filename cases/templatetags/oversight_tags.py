from django import template

from ..oversight import filters, presenters

register = template.Library()


@register.filter
def score_text(score):
    return presenters.score_text(score)


@register.filter
def percent_text(line):
    return presenters.percent_text(line)


@register.filter
def kappa_text(line):
    return presenters.kappa_text(line)


@register.filter
def agreement_tables(agreement):
    return presenters.agreement_tables_html(agreement)


@register.filter
def filter_fields(form):
    return filters.fields_html(form)


@register.simple_tag
def oversight_nav(inspection, section=""):
    return presenters.oversight_nav_html(inspection, section)
