"""The image carries the whole project (issue 19): the Dockerfile copies everything
(`COPY . .`) and .dockerignore keeps out only secrets, local state, build output and what
only development needs, so a new app can never be silently left out."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
# Top-level folders with Python in them that the running service never imports.
DEVELOPMENT_ONLY = {
    "tests": "the test suite runs in CI, not in the image",
    "bench": "benchmarks run by `make bench`",
}
# Installed locally by `make install`; never ours.
LOCAL_TOOLS = {"node_modules"}
# Never in the image: secrets, local databases and uploads, and what the build remakes.
MUST_BE_IGNORED = [
    ".env",
    ".git",
    ".venv",
    "node_modules",
    "var",
    "media",
    "db.sqlite3",
    "staticfiles",
    "static/build",
]
# What the running service reads besides Python packages.
RUNTIME_FILES = ["manage.py", "pyproject.toml", "templates", "static/src", "static/root", "data"]


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern (Go filepath.Match plus `**`) as a regular expression."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out, i = out + "[" + pattern[i + 1 : end].replace("!", "^", 1) + "]", end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def _dockerignore() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.lstrip("!").strip().strip("/")
        rules.append((negated, _pattern_regex(pattern)))
    return rules


def is_ignored(path: str, rules=None) -> bool:
    """Docker's rule: the last pattern matching the path, or any folder above it, wins."""
    rules = _dockerignore() if rules is None else rules
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for negated, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            ignored = not negated
    return ignored


def _python_packages() -> set[str]:
    """Every top-level folder of ours holding Python: packages, apps and loose modules."""
    folders = {
        path.parent.name
        for pattern in ("*/__init__.py", "*/*.py")
        for path in ROOT.glob(pattern)
        if not path.parent.name.startswith(".") and path.parent.name not in LOCAL_TOOLS
    }
    apps = {app.split(".")[0] for app in settings.INSTALLED_APPS}
    folders |= {app for app in apps if (ROOT / app).is_dir()}
    return folders


def _final_stage() -> str:
    return re.split(r"^FROM ", (ROOT / "Dockerfile").read_text(), flags=re.M)[-1]


def test_the_ignore_rules_work_as_docker_reads_them():
    rules = [(False, _pattern_regex("**/__pycache__")), (False, _pattern_regex("static/build"))]
    assert is_ignored("grants/__pycache__/x.pyc", rules)
    assert is_ignored("__pycache__", rules)
    assert is_ignored("static/build/app.css", rules)
    assert not is_ignored("static/src/app.scss", rules)
    rules += [(True, _pattern_regex("static/build/keep.txt"))]
    assert not is_ignored("static/build/keep.txt", rules)


def test_every_python_package_of_the_project_goes_into_the_image():
    packages = _python_packages()
    assert {"config", "core", "accounts", "grants", "commissioning", "deploy"} <= packages
    shipped = packages - set(DEVELOPMENT_ONLY)
    for package in sorted(shipped):
        files = [
            path.relative_to(ROOT).as_posix()
            for path in (ROOT / package).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        ]
        left_out = [path for path in files if is_ignored(path)]
        assert files, package
        assert not left_out, f"{package} is kept out of the image by .dockerignore: {left_out[:5]}"


def test_what_is_kept_out_is_only_development_tooling():
    for folder in DEVELOPMENT_ONLY:
        assert is_ignored(folder), folder
    for app in settings.INSTALLED_APPS:
        assert app.split(".")[0] not in DEVELOPMENT_ONLY


def test_the_runtime_files_go_in_and_secrets_and_local_state_stay_out():
    for path in RUNTIME_FILES:
        assert not is_ignored(path), path
    for path in MUST_BE_IGNORED:
        assert is_ignored(path), path


def test_the_dockerfile_copies_the_whole_project_and_imports_it_from_there():
    stage = _final_stage()
    assert re.search(r"^WORKDIR /app$", stage, flags=re.M)
    assert re.search(r"^COPY \. (\.|/app/?)$", stage, flags=re.M), "copy the whole project"
    assert "PYTHONPATH=/app" in stage, "every process must import the project from /app"
    assert not re.search(r"pip install[^\n]* \.(\s|$)", stage), (
        "installing the project as a package freezes a copy of the apps listed in pyproject"
    )


def test_the_image_builds_assets_collects_static_and_runs_as_a_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM node:\S+ AS assets$", dockerfile, flags=re.M)
    assert "RUN npm run build" in dockerfile
    stage = _final_stage()
    assert "COPY --from=assets /app/static/build static/build" in stage
    assert "manage.py collectstatic --no-input" in stage
    users = re.findall(r"^USER (\S+)$", stage, flags=re.M)
    assert users and users[-1] not in ("root", "0"), "the service must not run as root"
    assert 'CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py"' in stage
