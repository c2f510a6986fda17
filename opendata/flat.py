"""The flat spreadsheet of a package, in 360Giving's column titles, as CSV and XLSX.

One row per grant. A list of one (the recipient, the funder, the programme, the planned
dates) takes the plain titles ("Recipient Org:Identifier"); a list that can hold several
(the districts, the plan's classifications) is numbered from 0, as 360Giving's guidance
shows ("Beneficiary Location:0:Name", "Beneficiary Location:1:Name"), with as many
columns as the grant with the most needs. Every text cell passes the spreadsheet-formula
guard (core.exports); amounts stay numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.exports import csv_text
from core.xlsx import Money, Sheet, workbook

# (path in the grant, column title), in the order of 360Giving's template.
HEAD = [
    ("id", "Identifier"),
    ("title", "Title"),
    ("description", "Description"),
    ("currency", "Currency"),
    ("amountAppliedFor", "Amount Applied For"),
    ("amountAwarded", "Amount Awarded"),
    ("amountDisbursed", "Amount Disbursed"),
    ("awardDate", "Award Date"),
    ("plannedDates/0/startDate", "Planned Dates:Start Date"),
    ("plannedDates/0/endDate", "Planned Dates:End Date"),
    ("plannedDates/0/duration", "Planned Dates:Duration (months)"),
    ("recipientOrganization/0/id", "Recipient Org:Identifier"),
    ("recipientOrganization/0/name", "Recipient Org:Name"),
    ("recipientOrganization/0/charityNumber", "Recipient Org:Charity Number"),
    ("recipientOrganization/0/companyNumber", "Recipient Org:Company Number"),
]
LOCATIONS = (
    "beneficiaryLocation",
    "Beneficiary Location",
    [
        ("name", "Name"),
        ("countryCode", "Country Code"),
        ("geoCode", "Geographic Code"),
        ("geoCodeType", "Geographic Code Type"),
    ],
)
MIDDLE = [
    ("fundingOrganization/0/id", "Funding Org:Identifier"),
    ("fundingOrganization/0/name", "Funding Org:Name"),
    ("grantProgramme/0/code", "Grant Programme:Code"),
    ("grantProgramme/0/title", "Grant Programme:Title"),
    ("fromOpenCall", "From An Open Call?"),
]
CLASSIFICATIONS = (
    "classifications",
    "Classifications",
    [("vocabulary", "Vocabulary"), ("code", "Code"), ("title", "Title")],
)
TAIL = [("dateModified", "Last Modified"), ("dataSource", "Data Source")]
AMOUNTS = frozenset({"amountAppliedFor", "amountAwarded", "amountDisbursed"})


def _repeated(spec, count: int) -> list[tuple[str, str]]:
    key, title, parts = spec
    return [
        (f"{key}/{index}/{part}", f"{title}:{index}:{part_title}")
        for index in range(count)
        for part, part_title in parts
    ]


def columns(grants: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(path, title) of every column the grants need."""
    places = max((len(g.get("beneficiaryLocation") or []) for g in grants), default=0)
    classes = max((len(g.get("classifications") or []) for g in grants), default=0)
    return [
        *HEAD,
        *_repeated(LOCATIONS, places),
        *MIDDLE,
        *_repeated(CLASSIFICATIONS, classes),
        *TAIL,
    ]


def _value(grant: dict[str, Any], path: str) -> Any:
    value: Any = grant
    for part in path.split("/"):
        if isinstance(value, list):
            value = value[int(part)] if int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        if value is None:
            return None
    return value


def rows(grants: list[dict[str, Any]], paths: list[str]) -> list[list[Any]]:
    return [[_value(grant, path) for path in paths] for grant in grants]


def csv_bytes(grants: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheets read Welsh and Urdu names right."""
    spec = columns(grants)
    table = [[title for _, title in spec]]
    table += [["" if v is None else v for v in row] for row in rows(grants, [p for p, _ in spec])]
    return csv_text(table).encode("utf-8-sig")


def xlsx_bytes(grants: list[dict[str, Any]]) -> bytes:
    """One sheet, "grants", its header on the first row (as 360Giving's tools read it)."""
    spec = columns(grants)
    paths = [path for path, _ in spec]
    table = []
    for row in rows(grants, paths):
        table.append(
            [
                Money(Decimal(str(value))) if path in AMOUNTS and value is not None else value
                for path, value in zip(paths, row, strict=True)
            ]
        )
    sheet = Sheet(name="grants", title="", header=[title for _, title in spec], rows=table)
    return workbook([sheet])
