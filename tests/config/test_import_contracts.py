"""The dependency map in pyproject.toml ([tool.importlinter], run by `make lint`) covers every
app and breaks on a forbidden import. The lint runs over a copy of the code, so nothing here
touches the working tree."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytest.importorskip("importlinter")

ROOT = Path(__file__).resolve().parents[2]
# May import anything; never imported by the apps.
NOT_APPS = {"tests", "bench"}


def _config():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _contract(name_start):
    (contract,) = [c for c in _config()["contracts"] if c["name"].startswith(name_start)]
    return contract


def _packages_on_disk():
    return {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_APPS and not path.parent.name.startswith(".")
    }


def test_every_app_is_checked_by_the_contracts():
    roots = set(_config()["root_packages"])
    assert roots == _packages_on_disk(), (
        "Add each new top-level package to root_packages in [tool.importlinter] and to the "
        "contracts below it (a package that is not a root package is never checked)."
    )
    layered = {
        name.strip().strip("()")
        for layer in _contract("Apps depend downward")["layers"]
        for name in layer.split("|")
    }
    assert roots <= layered
    assert set(_contract("No app imports config")["source_modules"]) == roots - {"config"}
    assert set(_contract("documents imports none")["forbidden_modules"]) == roots - {"documents"}


def _lint_copy(tmp_path, extra_lines=None):
    """Run lint-imports over a copy of the apps, with extra lines appended to some modules."""
    for name in _config()["root_packages"]:
        shutil.copytree(
            ROOT / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for module, line in (extra_lines or {}).items():
        path = tmp_path / module
        path.write_text(path.read_text() + f"\n{line}\n")
    lint_imports = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_code_as_it_stands_keeps_every_contract(tmp_path):
    result = _lint_copy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_commissioning_importing_grants_breaks_the_map(tmp_path):
    result = _lint_copy(
        tmp_path, {"commissioning/selectors/rollup.py": "from grants.models import Application"}
    )
    assert result.returncode == 1
    assert "commissioning is not allowed to import grants" in result.stdout
    assert "commissioning.selectors.rollup -> grants.models" in result.stdout


def test_documents_importing_an_app_or_an_app_importing_config_breaks_the_map(tmp_path):
    result = _lint_copy(
        tmp_path,
        {
            "documents/__init__.py": "import accounts.models",
            "outcomes/selectors.py": "from config import settings",
        },
    )
    assert result.returncode == 1
    assert "documents is not allowed to import accounts" in result.stdout
    assert "outcomes is not allowed to import config" in result.stdout


def test_mypy_checks_every_services_and_selectors_module():
    """`mypy` in `make lint` covers each app's services and selectors, modules or packages."""
    import glob

    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert "mypy_django_plugin.main" in mypy["plugins"]
    checked = {
        Path(path) for pattern in mypy["files"] for path in glob.glob(pattern, root_dir=ROOT)
    }
    wanted = {
        path.relative_to(ROOT)
        for package in _packages_on_disk()
        for path in (ROOT / package).rglob("*")
        if ("services" in path.stem or "selectors" in path.stem)
        and (path.suffix == ".py" or (path / "__init__.py").exists())
        and "migrations" not in path.parts
    }
    assert wanted, "no services or selectors found"
    missed = {path for path in wanted if not any(path == c or c in path.parents for c in checked)}
    assert not missed, f"mypy does not check {sorted(map(str, missed))}: widen [tool.mypy] files"
