"""Print requirements.lock: the exact installed version of every package that
safer-communities[dev] needs, directly or not (run with the project's virtualenv).

    make lock    # after `make install` with the new versions; commit requirements.lock
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(requirements: list[str]) -> dict[str, str]:
    pinned: dict[str, str] = {}
    todo = [(r.name, frozenset(r.extras)) for r in map(Requirement, requirements)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, wanted = todo.pop()
        if (_key(name), wanted) in seen:
            continue
        seen.add((_key(name), wanted))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a marker-less optional dependency that is not installed here
        pinned[_key(dist.metadata["Name"])] = dist.version
        for line in dist.requires or []:
            requirement = Requirement(line)
            markers = requirement.marker
            if markers is not None and not any(
                markers.evaluate({**default_environment(), "extra": extra})
                for extra in (wanted or {""})
            ):
                continue
            todo.append((requirement.name, frozenset(requirement.extras)))
    return pinned


if __name__ == "__main__":
    print("# Exact versions CI and `make install` use (pip -c requirements.lock).")
    print("# Made by `make lock` (.ci/lock.py) from the virtualenv; do not edit by hand.")
    pyproject = Path(__file__).parent.parent / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    for name, version in sorted(closure(wanted).items()):
        print(f"{name}=={version}")
