from django import template
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from readouts.charts import MonthChart
from readouts.models import Readout, Statement
from readouts.search import highlight

register = template.Library()


@register.simple_tag
def highlighted(statement: Statement, query: str = "") -> SafeString:
    """The statement's text, escaped, with the search's matches marked."""
    return highlight(statement.text, query or "", getattr(statement, "headline", None))


@register.simple_tag
def month_bars(chart: MonthChart) -> SafeString:
    """The chart's bars as SVG rectangles, each titled with its month and count.

    Written here in one pass: a chart over decades has hundreds of bars, and a
    template loop (or format_html per bar) took longer than the page's queries.
    The only text is the month names, escaped once each; the rest are numbers.
    """
    months = {number: escape(str(name)) for number, name in MONTHS.items()}
    return mark_safe(
        "\n".join(
            f'<rect x="{bar.x:.2f}" y="{bar.y:.2f}" width="{bar.width:.2f}" '
            f'height="{bar.height:.2f}"><title>{months[bar.month.month]} '
            f"{bar.month.year:d}: {bar.count:d}</title></rect>"
            for bar in chart.bars
        )
    )


@register.simple_tag
def published_time(readout: Readout) -> SafeString:
    """When a readout was published, on the publisher's own clock: in its time zone where
    the record gives one, else at the offset it was published with (23:38 +08:00, not
    15:38 UTC), else in UTC; the offset is always shown."""
    zone = readout.publisher.time_zone
    moment = readout.published_local
    offset = moment.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}"
    label = f"{zone} time, {utc}" if zone else ("UTC" if offset == "+0000" else utc)
    return format_html(
        '<time datetime="{}">{}</time>',
        moment.isoformat(),
        f"{date_format(moment, 'j F Y, H:i')} ({label})",
    )


@register.filter
def field_warnings(field) -> list[str]:
    """What the importer warns of at this field of its review form (form.draft_warnings)."""
    return getattr(field.form, "draft_warnings", {}).get(field.name, [])
