"""Parity: every return-validation case of the web form and of the CSV upload, sent to the
API, gets the same words, and nothing is stored. The cases are the web tests' own tables
(tests/commissioning/test_return_entry.py), so a new case there is asked here too."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from commissioning.services.returns import return_save
from tests.api.conftest import make_token
from tests.commissioning.test_return_entry import BAD_SAVES, BAD_UPLOADS, at, stored

# Cases about the file itself (its encoding, headings, columns): JSON has no such thing.
FILE_ONLY = {
    "wrong header",
    "wrong column count",
    "not utf-8",
    "binary",
    "empty file",
    "headings only",
}
LINE = re.compile(r"^Lines? [\d, and]+: ")


@pytest.fixture
def draft(q1_return, personas):
    """The same part-filled draft as the web tests' fixture."""
    with at(dt.date(2026, 7, 3)):
        result = return_save(
            monitoring_return=q1_return,
            actor=personas.provider,
            typed={
                ("OFFERED", ""): "12",
                ("REF", ""): "20",
                ("REF", "police"): "15",
                ("SPEND", ""): "£1,000.50",
                ("SUCCESSES", ""): "A good start.",
            },
        )
    assert result.errors == {}
    q1_return.refresh_from_db()
    return q1_return


@pytest.fixture
def provider(api, personas):
    return api(make_token(personas.provider, personas.provider_org))


def _patch(provider, monitoring_return, items):
    url = f"/api/v1/returns/{monitoring_return.uuid}/"
    return provider.patch(f"{url}figures/", {"figures": items}, if_match=provider.get(url)["ETag"])


@pytest.mark.parametrize("case", list(BAD_SAVES))
def test_the_form_cases_get_the_forms_words(provider, draft, case):
    typed, _field, message = BAD_SAVES[case]
    before = stored(draft)
    items = [
        {"measure": code, "category": category, "value": value}
        for (code, category), value in {("CLOSED", ""): "7", **typed}.items()
    ]
    response = _patch(provider, draft, items)
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [message]
    assert stored(draft) == before


def _csv_items(content: bytes) -> list[dict]:
    lines = content.decode("utf-8-sig").splitlines()[1:]
    return [
        {"measure": code, "category": category, "value": value}
        for code, category, value in (line.split(",") for line in lines)
    ]


def _as_the_api_says_it(csv_message: str) -> str:
    """A CSV message in the API's words: no line prefix, and a figure given twice is named
    by its place in the list (line 2 is figures[0])."""
    text = LINE.sub("", csv_message)
    text = re.sub(r"on line (\d+)", lambda m: f"in figures[{int(m.group(1)) - 2}]", text)
    return text[:1].upper() + text[1:]


@pytest.mark.parametrize("case", [c for c in BAD_UPLOADS if c not in FILE_ONLY])
def test_the_csv_cases_get_the_csv_upload_words(provider, draft, case):
    content, messages = BAD_UPLOADS[case]
    before = stored(draft)
    response = _patch(provider, draft, _csv_items(content))
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [
        _as_the_api_says_it(m) for m in messages
    ]
    assert stored(draft) == before


def test_the_submit_case_lists_every_missing_figure_like_the_form(provider, draft):
    response = provider.post(f"/api/v1/returns/{draft.uuid}/submit/")
    assert response.status_code == 400
    errors = {e["path"]: e["message"] for e in response.json()["errors"]}
    assert errors["measures.CHALLENGES"] == "Enter challenges."
    assert errors["measures.SUPPORTED"] == "Enter victims supported (0 if none)."
    assert errors["measures.REF.self"] == "Enter referrals received: self-referral (0 if none)."
    assert "measures.OFFERED" not in errors
