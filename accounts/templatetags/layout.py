"""Layout helpers for base.html."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


class BackNavNode(template.Node):
    def __init__(self, nodelist) -> None:
        self.nodelist = nodelist

    def render(self, context) -> str:
        content = self.nodelist.render(context)  # rendered template output: already escaped
        if not content.strip():
            return ""
        return format_html('<nav aria-label="Back">{}</nav>', mark_safe(content.strip()))  # noqa: S308  # nosec B308 B703  # rendered template output


@register.tag
def back_nav(parser, token):
    """Wrap a page's back link in a "Back" navigation landmark; render nothing if none.

    Back links sit before <main> (so "Skip to main content" skips them), and axe's
    `region` rule wants all content inside a landmark.
    """
    nodelist = parser.parse(("endback_nav",))
    parser.delete_first_token()
    return BackNavNode(nodelist)
