"""Read a plan crosswalk file (YAML or CSV) into plain data with line numbers.

YAML (tests/outcomes/files/crosswalk-2021-24-to-2024-28.yaml is an example):

    from: WY-PCP-2021-24        # the earlier plan's code
    to: WY-PCP-2024-28          # the later plan's code
    priorities:                 # each earlier priority to ONE later priority
      P1: N1
    outcomes:                   # each earlier outcome to one later outcome or a list
      P1-O1: N1-O1
      P1-O2: [N1-O1, N1-O2]
    themes:                     # optional, like outcomes
      CCT-SWG: T-SWG

CSV: a header line `from_plan,to_plan,kind,from_code,to_code`, then one line a link
(kind: priority, outcome or theme); every line names the same two plans.

Nothing here touches the database: outcomes.services.crosswalk_load checks the codes
against the two plans and saves, all or nothing, listing the file's problems and the
codes' together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from core.csvfiles import CsvUnreadable, read_csv_rows
from outcomes.plan_file import _List, _Loader, _Map

KINDS = {"priorities": "priority", "outcomes": "outcome", "themes": "theme"}
CSV_COLUMNS = ["from_plan", "to_plan", "kind", "from_code", "to_code"]


class CrosswalkFileError(Exception):
    """The file cannot be loaded; `problems` lists each one as 'line N: what is wrong'."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True)
class LinkData:
    line: int
    kind: str  # priority, outcome, theme
    from_code: str
    to_code: str


@dataclass
class CrosswalkData:
    from_plan: str
    to_plan: str
    links: list[LinkData] = field(default_factory=list)
    source: str = ""
    # Problems found in the file's shape, listed with those the codes have (the service
    # checks the codes against the plans and raises with every problem at once).
    problems: list[str] = field(default_factory=list)


def _code(value: object) -> str:
    return str(value).strip() if value is not None else ""


def _parse_yaml(text: str, source: str) -> CrosswalkData:
    loader = _Loader(text)
    try:
        document = loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "the file"
        raise CrosswalkFileError(source, [f"{where}: this is not valid YAML"]) from None
    finally:
        loader.dispose()
    problems = list(loader.duplicate_keys)
    if not isinstance(document, _Map):
        raise CrosswalkFileError(source, ["line 1: the file must start with 'from:' and 'to:'"])
    for key in ("from", "to"):
        if not _code(document.get(key)):
            problems.append(f"line {document.line}: give the {key!r} plan's code")
    for key in document:
        if key not in ("from", "to", *KINDS):
            problems.append(
                f"line {document.lines[key]}: unknown section {key!r} "
                "(use priorities, outcomes and themes)"
            )
    data = CrosswalkData(_code(document.get("from")), _code(document.get("to")), source=source)
    for section, kind in KINDS.items():
        block = document.get(section)
        if block is None:
            continue
        if not isinstance(block, _Map):
            problems.append(f"line {document.lines[section]}: {section} must map codes to codes")
            continue
        for from_code, target in block.items():
            line = block.lines[from_code]
            targets = list(target) if isinstance(target, _List) else [target]
            if kind == "priority" and len(targets) != 1:
                problems.append(f"line {line}: priority {from_code} must map to one priority")
            for to_code in targets:
                if not _code(to_code):
                    problems.append(f"line {line}: give the code {from_code} maps to")
                    continue
                data.links.append(LinkData(line, kind, _code(from_code), _code(to_code)))
    data.problems = problems
    return data


def _parse_csv(text: str, source: str) -> CrosswalkData:
    try:
        rows = read_csv_rows(text)
    except CsvUnreadable as unreadable:
        raise CrosswalkFileError(source, [unreadable.message]) from None
    if not rows or [c.strip().lower() for c in rows[0]] != CSV_COLUMNS:
        raise CrosswalkFileError(source, [f"line 1: the header must be {','.join(CSV_COLUMNS)}"])
    problems: list[str] = []
    data: CrosswalkData | None = None
    kinds = set(KINDS.values())
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_COLUMNS):
            problems.append(f"line {number}: give {len(CSV_COLUMNS)} columns, not {len(row)}")
            continue
        from_plan, to_plan, kind, from_code, to_code = (cell.strip() for cell in row)
        if data is None:
            data = CrosswalkData(from_plan, to_plan, source=source)
        elif (from_plan, to_plan) != (data.from_plan, data.to_plan):
            problems.append(f"line {number}: every line must name the same two plans")
            continue
        if kind.lower() not in kinds:
            problems.append(f"line {number}: unknown kind {kind!r} (priority, outcome or theme)")
            continue
        if not from_code or not to_code:
            problems.append(f"line {number}: give both codes")
            continue
        data.links.append(LinkData(number, kind.lower(), from_code, to_code))
    if data is None:
        raise CrosswalkFileError(source, [*problems, "line 2: the file has no links"])
    data.problems = problems
    return data


def parse_crosswalk_text(text: str, *, source: str) -> CrosswalkData:
    """The file's links with their line numbers; CSV when `source` ends .csv, else YAML."""
    if source.lower().endswith(".csv"):
        return _parse_csv(text, source)
    return _parse_yaml(text, source)
