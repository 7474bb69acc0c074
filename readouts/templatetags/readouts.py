from django import template
from django.utils.dates import MONTHS
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from readouts.charts import MonthChart
from readouts.models import Statement
from readouts.search import highlight

register = template.Library()


@register.simple_tag
def highlighted(statement: Statement, query: str = "") -> SafeString:
    """The statement's text, escaped, with the search's matches marked."""
    return highlight(statement.text, query or "", getattr(statement, "headline", None))


@register.simple_tag
def month_bars(chart: MonthChart) -> SafeString:
    """The chart's bars as SVG rectangles, each titled with its month and count.

    Built here in one pass rather than by a template loop: a chart over decades
    has hundreds of bars, and the loop took longer than the page's queries.
    """
    months = {number: str(name) for number, name in MONTHS.items()}
    return format_html_join(
        "\n",
        '<rect x="{}" y="{}" width="{}" height="{}"><title>{} {}: {}</title></rect>',
        (
            (
                f"{bar.x:.2f}",
                f"{bar.y:.2f}",
                f"{bar.width:.2f}",
                f"{bar.height:.2f}",
                months[bar.month.month],
                bar.month.year,
                bar.count,
            )
            for bar in chart.bars
        ),
    )
