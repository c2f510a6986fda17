"""Text people typed, shown as text: `{{ round.description|paragraphs }}`.

The only formatting is what plain text can say: paragraphs (a blank line between) and
bulleted lists (lines starting "- " or "* "). Every character typed is escaped, so no
markup, script or link can come from it."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from core.text import text_blocks

register = template.Library()

CLASSES = {
    "body": ("govuk-body", "govuk-list govuk-list--bullet"),
    # Inside a hint, a table cell or a summary list: no outer margins to fight.
    "compact": ("govuk-!-margin-top-0 govuk-!-margin-bottom-2", "govuk-list govuk-list--bullet"),
}


@register.filter(is_safe=True)
def paragraphs(value: object, style: str = "body") -> SafeString:
    """Escaped paragraphs and bulleted lists from plain text. With "compact", one plain
    line stays a line (no <p> around it), for hints and table cells."""
    if value is None or value == "":
        return SafeString("")
    blocks = text_blocks(str(value))
    if style == "compact" and len(blocks) == 1 and blocks[0][0] == "p" and len(blocks[0][1]) == 1:
        return conditional_escape(blocks[0][1][0])
    paragraph_class, list_class = CLASSES.get(style, CLASSES["body"])
    parts = []
    for kind, lines in blocks:
        if kind == "ul":
            items = format_html_join("", "<li>{}</li>", ((item,) for item in lines))
            parts.append(format_html('<ul class="{}">{}</ul>', list_class, items))
        else:
            text = format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))  # nosec B308 B703  # a constant
            parts.append(format_html('<p class="{}">{}</p>', paragraph_class, text))
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703  # every part built by format_html


@register.filter
def web_address(value: object) -> str:
    """`value` if it is an http(s) address a link may point to, else "" (never a
    javascript: or data: link from stored text)."""
    text = str(value or "").strip()
    parts = urlsplit(text)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return text
    return ""
