"""core imports no app of ours, and the outbox's Celery tasks answer to old and new names."""

from __future__ import annotations

import ast
from pathlib import Path

import core
from config.celery import app

OURS = {"accounts", "outcomes", "grants", "commissioning", "documents", "config"}


def test_core_imports_no_other_app_of_ours():
    offending = []
    for path in Path(core.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            offending += [f"{path.name}: {n}" for n in names if n.split(".")[0] in OURS]
    assert offending == []


def test_the_outbox_tasks_answer_to_their_new_and_old_names():
    import core.tasks  # noqa: F401  (registered by CoreConfig.ready in every process)

    names = set(app.tasks)
    assert {"core.outbox_relay", "core.outbox_send"} <= names
    # Messages a broker still holds from before the move, under the names in accounts.
    assert {"accounts.outbox_relay", "accounts.outbox_send"} <= names
    assert app.conf.beat_schedule["outbox-relay"]["task"] == "core.outbox_relay"
