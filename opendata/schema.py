"""Validation against the official 360Giving schemas (v1.4.3, kept in data/360giving).

The schemas declare JSON Schema draft 2020-12, and the package schema refers to the grant
schema by its 1.4.2 address while the grant schema names itself 1.4.3. So the grant schema
is registered under both addresses as a draft 2020-12 resource, the package schema's own
`$schema` is dropped (referencing would refuse it), and validation runs with
Draft202012Validator and a FormatChecker. Formats need rfc3339-validator (date-time) and
rfc3986-validator (uri): without the first, a plain date would match both branches of the
schema's `oneOf` and be refused.
"""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(settings.BASE_DIR) / "data" / "360giving"
PACKAGE_SCHEMA = "360-giving-package-schema.json"
GRANT_SCHEMA = "360-giving-schema.json"
SCHEMA_VERSION = "1.4"


@dataclass(frozen=True)
class SchemaError:
    grant: str  # the grant's id, or "" for the package itself
    path: str  # where in the grant: "recipientOrganization/0/id"
    message: str


def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text())


@functools.cache
def package_validator() -> Draft202012Validator:
    package = _load(PACKAGE_SCHEMA)
    package.pop("$schema", None)
    grant = _load(GRANT_SCHEMA)
    resource = Resource.from_contents(grant, default_specification=DRAFT202012)
    referenced = package["properties"]["grants"]["items"]["$ref"]
    registry: Registry = Registry().with_resources(
        [(grant["$id"], resource), (referenced, resource)]
    )
    return Draft202012Validator(package, registry=registry, format_checker=FormatChecker())


@functools.cache
def grant_validator() -> Draft202012Validator:
    """One grant against the grant schema (what the package schema's items refer to)."""
    return package_validator().evolve(
        schema=package_validator().schema["properties"]["grants"]["items"]
    )


@functools.cache
def metadata_validator() -> Draft202012Validator:
    """The package without its grants: each grant is validated on its own (below)."""
    schema = copy.deepcopy(package_validator().schema)
    schema["properties"]["grants"] = {"type": "array", "minItems": 1}
    return package_validator().evolve(schema=schema)


def _where(path) -> tuple[int | None, str]:
    parts = list(path)
    if len(parts) >= 2 and parts[0] == "grants" and isinstance(parts[1], int):
        return parts[1], "/".join(str(p) for p in parts[2:])
    return None, "/".join(str(p) for p in parts)


def schema_errors(package: dict[str, Any], *, limit: int = 200) -> list[SchemaError]:
    """Every way `package` breaks the schema (the first `limit`), each named by grant.

    The same result as validating the package whole, but linear in the grants: the
    package schema's `uniqueItems` on grants compares every pair (minutes for thousands of
    grants), so each grant is validated on its own and sameness is found by hashing."""
    found = [
        SchemaError(grant="", path=_where(e.absolute_path)[1], message=_words(e))
        for e in metadata_validator().iter_errors(package)
    ]
    grants = package.get("grants")
    if not isinstance(grants, list):
        return found[:limit]
    seen: set[str] = set()
    for index, grant in enumerate(grants):
        name = str(grant.get("id", f"grant {index + 1}")) if isinstance(grant, dict) else ""
        for error in grant_validator().iter_errors(grant):
            path = "/".join(str(part) for part in error.absolute_path)
            found.append(SchemaError(grant=name, path=path, message=_words(error)))
        same = json.dumps(grant, sort_keys=True, default=str)
        if same in seen:
            found.append(SchemaError(grant=name, path="", message="It repeats another grant."))
        seen.add(same)
        if len(found) >= limit:
            break
    return found[:limit]


def _words(error) -> str:
    """The validator's message, shortened: a whole grant quoted back helps nobody."""
    if error.validator == "oneOf" and isinstance(error.instance, dict):
        return "it matches neither form of a grant (to an organisation or to a person)"
    message = error.message
    return message if len(message) <= 300 else message[:297] + "..."
