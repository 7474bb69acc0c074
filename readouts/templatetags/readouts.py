from django import template
from django.utils.safestring import SafeString

from readouts.models import Statement
from readouts.search import highlight

register = template.Library()


@register.simple_tag
def highlighted(statement: Statement, query: str = "") -> SafeString:
    """The statement's text, escaped, with the search's matches marked."""
    return highlight(statement.text, query or "", getattr(statement, "headline", None))
