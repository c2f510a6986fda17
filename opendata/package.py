"""A 360Giving data package: the grants with who publishes them, under what licence, when.

Pure: records in, the package (and its totals and fingerprint) out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from grants.publication import Publisher, instant
from opendata.schema import SCHEMA_VERSION


@dataclass(frozen=True)
class Licence:
    url: str
    name: str


def fingerprint(grants: list[dict[str, Any]]) -> str:
    """The same grants, the same fingerprint: an unchanged run makes no new version."""
    text = json.dumps(grants, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Totals:
    grants: int
    awarded: Decimal
    disbursed: Decimal


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def totals(grants: list[dict[str, Any]]) -> Totals:
    return Totals(
        grants=len(grants),
        awarded=sum((_money(g.get("amountAwarded")) for g in grants), Decimal(0)),
        disbursed=sum((_money(g.get("amountDisbursed")) for g in grants), Decimal(0)),
    )


def newest_change(grants: list[dict[str, Any]]) -> dt.datetime | None:
    moments = [
        dt.datetime.fromisoformat(g["dateModified"]) for g in grants if g.get("dateModified")
    ]
    return max(moments, default=None)


def build(
    grants: list[dict[str, Any]],
    *,
    publisher: Publisher,
    licence: Licence,
    issued: dt.datetime,
    version: int,
    download_url: str,
) -> dict[str, Any]:
    """The package: its metadata, then the grants."""
    modified = newest_change(grants) or issued
    return {
        "version": SCHEMA_VERSION,
        "title": f"{publisher.funder_name}: grants awarded, version {version}",
        "description": (
            f"Every grant {publisher.funder_name} has awarded and its recipient has accepted, "
            "published from the grants system in the 360Giving Data Standard. Grants or "
            "locations withheld for people's safety are left out."
        ),
        "identifier": f"{publisher.prefix}-grants-v{version}",
        "issued": instant(issued),
        "modified": instant(modified),
        "publisher": {"name": publisher.funder_name, "identifier": publisher.funder_id},
        "license": licence.url,
        "accessURL": publisher.data_source,
        "downloadURL": download_url,
        "grants": grants,
    }


def json_bytes(package: dict[str, Any]) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
