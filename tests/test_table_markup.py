"""Every table in the templates reflows at 320px (tests/e2e/test_reflow.py measures the pages).

A table either stacks into labelled rows on small screens (`app-table--stack`, for pages
applicants and providers see) or sits in a labelled, focusable scrolling region (staff
pages). A new table that does neither fails here, before anyone opens it on a phone.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Two narrow columns that fit at 320px as they are.
NARROW = {"commissioning/_value_table.html", "grants/staff_round_assign.html"}
WRAPPER = re.compile(
    r'<div class="app-table-wrapper" role="region" aria-label="[^"]+" tabindex="0">(\{% endwith %\})?\s*$'
)


def _tables():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES))
        text = path.read_text()
        for match in re.finditer(r"<table\b[^>]*>", text):
            before = text[: match.start()].rstrip(" ").splitlines()[-1:]
            body = text[match.end() : text.index("</table>", match.end())]
            yield name, match.group(0), before[0] if before else "", body


def test_every_table_stacks_or_scrolls_in_its_own_labelled_region():
    unfit = [
        f"{name}: {tag}"
        for name, tag, line_before, _ in _tables()
        if name not in NARROW and "app-table--stack" not in tag and not WRAPPER.search(line_before)
    ]
    assert unfit == []


def test_a_stacked_tables_cells_carry_their_column_heading():
    unlabelled = []
    for name, tag, _, table in _tables():
        if "app-table--stack" not in tag:
            continue
        for match in re.finditer(r"(<td\b[^>]*>)(.*?)</td>", table, re.S):
            opening, content = match.groups()
            # An empty cell, a cell spanning the row, or a cell holding only an action
            # (a button or a link) needs no label.
            action = re.fullmatch(r"\s*(\{%.*?%\})?\s*<(a|button|form)\b.*", content, re.S)
            if "data-label" in opening or "colspan" in opening or not content.strip() or action:
                continue
            unlabelled.append(f"{name}: {opening}{content.strip()[:40]}")
    assert unlabelled == []
