"""Views stay short (parse, fetch with permission, call one service, render), and no views
module imports another: a long view is a sign a rule or a write has leaked into it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "accounts",
    "commissioning",
    "delivery",
    "documents",
    "grants",
    "opendata",
    "outcomes",
    "core",
]
LIMIT = 45


def _views_modules() -> list[Path]:
    paths = []
    for app in APPS:
        folder = ROOT / app
        paths += sorted(folder.glob("*views.py"))
        paths += sorted((folder / "views").glob("*.py")) if (folder / "views").is_dir() else []
    return paths


def _is_views_module(name: str) -> bool:
    if name.split(".", 1)[0] not in APPS:
        return False  # django.views.decorators is not one of our views modules
    last = name.rsplit(".", 1)[-1]
    return last.endswith("views") or ".views." in f"{name}."


def _takes_a_request(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A view, or a helper that does a view's work (it is handed the request)."""
    arguments = node.args.posonlyargs + node.args.args
    return bool(arguments) and arguments[0].arg == "request"


def _long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _takes_a_request(node):
            first = min([d.lineno for d in node.decorator_list] + [node.lineno])
            length = node.end_lineno - first + 1
            if length > LIMIT:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_the_views_modules_are_found():
    names = {str(p.relative_to(ROOT)) for p in _views_modules()}
    assert {
        "grants/views/applications.py",
        "grants/views/panel.py",
        "commissioning/views.py",
    } <= names


def test_no_view_is_longer_than_45_lines():
    offenders = [line for path in _views_modules() for line in _long_functions(path)]
    assert not offenders, "Views over 45 lines (move the rule into a service):\n" + "\n".join(
        offenders
    )


def test_views_do_not_import_other_views():
    offenders = []
    for path in _views_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                if any(_is_views_module(n) for n in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}")
            elif isinstance(node, ast.Import):
                offenders += [
                    f"{path.relative_to(ROOT)}:{node.lineno} {a.name}"
                    for a in node.names
                    if _is_views_module(a.name)
                ]
    assert not offenders, "Views import other views:\n" + "\n".join(offenders)


def test_the_check_catches_a_long_view_but_not_a_long_helper(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.test_view_length.ROOT", tmp_path)
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMIT))
    module = tmp_path / "views.py"
    module.write_text(
        f"@decorator\ndef long_view(request):\n{body}\n\n\ndef table(rows):\n{body}\n"
    )
    assert _long_functions(module) == [f"views.py:2 long_view ({LIMIT + 2} lines)"]
