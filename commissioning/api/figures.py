"""A return's figures as the API sends them, [{measure, category, value}], read with the
same row checks as the CSV upload (commissioning.csv_returns.check_figure_row) and saved by
the same service as the form, so every error names the measure in the same words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from commissioning.csv_returns import check_figure_row, measures_by_code
from commissioning.models import Measure
from commissioning.validation import Key, field_name


def _text(value: Any) -> str:
    """A JSON value as the figure's text: what a person would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


@dataclass
class ReadFigures:
    typed: dict[Key, str] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    index: dict[Key, int] = field(default_factory=dict)  # where each figure was in the list

    def path_of(self, name: str, measures: list[Measure]) -> str:
        """A service error's form field name (m-REF-police) as a path in the request:
        figures[3].value when the figure was sent, else measures.REF.police."""
        for measure in measures:
            for category in ["", *measure.category_codes]:
                if field_name(measure.code, category) == name:
                    key = (measure.code, category)
                    if key in self.index:
                        return f"figures[{self.index[key]}].value"
                    return f"measures.{measure.code}" + (f".{category}" if category else "")
        return "figures"


def read_figures(
    items: list[dict[str, Any]], measures: list[Measure], set_name: str, *, replace: bool
) -> ReadFigures:
    """Check every item; with `replace` every figure not sent is cleared (PUT)."""
    by_code = measures_by_code(measures)
    read = ReadFigures()
    for number, item in enumerate(items):
        text = _text(item.get("value"))
        found = check_figure_row(
            by_code,
            str(item.get("measure", "")).strip(),
            str(item.get("category") or "").strip(),
            text,
            set_name=set_name,
            given_before=lambda key: (
                f"in figures[{read.index[key]}]" if key in read.index else None
            ),
        )
        if found.problem:
            read.errors.append(
                {"path": f"figures[{number}].{found.part}", "message": _sentence(found.problem)}
            )
            continue
        read.typed[found.key] = text
        read.index[found.key] = number
    if replace:
        blank = {(m.code, c): "" for m in measures for c in ["", *m.category_codes]}
        read.typed = {**blank, **read.typed}
    return read
