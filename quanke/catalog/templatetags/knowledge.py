from django import template

from quanke.catalog import selectors

register = template.Library()


@register.simple_tag
def item_knowledge(item):
    """The chosen item's current policies, procedure, contacts and FAQs (for catalog/_item_knowledge.html)."""
    return selectors.item_knowledge(item)
