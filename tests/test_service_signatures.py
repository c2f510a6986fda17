"""Services take plain data: no public service function is handed a form or a request."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
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
FORBIDDEN = re.compile(r"form|request", re.IGNORECASE)


def _service_modules() -> list[str]:
    names = []
    for app in APPS:
        if (ROOT / app / "services.py").exists():
            names.append(f"{app}.services")
        package = ROOT / app / "services"
        if (package / "__init__.py").exists():
            names.append(f"{app}.services")
            names += [
                f"{app}.services.{info.name}" for info in pkgutil.iter_modules([str(package)])
            ]
    return names


def _mentions(function) -> list[str]:
    signature = inspect.signature(function)
    found = []
    for name, parameter in signature.parameters.items():
        annotation = parameter.annotation
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if annotation is not inspect.Parameter.empty and not text:
            text = str(annotation)
        # A parameter named "report_request" would be a request; "platform" is not a form.
        words = re.split(r"_", name)
        if any(FORBIDDEN.fullmatch(word) or word in {"forms", "requests"} for word in words):
            found.append(f"parameter {name!r}")
        if re.search(r"\b\w*(Form|Request)\b|\bforms?\b|\brequests?\b", text):
            found.append(f"{name}: {text}")
    returns = signature.return_annotation
    if isinstance(returns, str) and re.search(r"\b\w*(Form|HttpRequest)\b", returns):
        found.append(f"returns {returns}")
    return found


def test_the_service_modules_are_found():
    modules = _service_modules()
    assert "grants.services.applications" in modules
    assert "grants.services.assessment" in modules
    assert "commissioning.services.returns" in modules


def test_no_public_service_takes_a_form_or_a_request():
    offenders = []
    for module_name in _service_modules():
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module_name:
                continue
            offenders += [f"{module_name}.{name}: {m}" for m in _mentions(function)]
    assert not offenders, "Services must take plain data:\n" + "\n".join(offenders)


def test_the_check_catches_a_form_parameter():
    def round_save(*, form, actor) -> None: ...

    def upload(*, request: HttpRequest) -> None: ...  # noqa: F821

    def fine(*, platform: str, formula: str, requested_amount: int) -> None: ...

    assert _mentions(round_save) == ["parameter 'form'"]
    assert _mentions(upload)
    assert _mentions(fine) == []
