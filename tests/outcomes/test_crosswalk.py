"""A later plan loaded beside the first, and a crosswalk between them: awards aligned to
the earlier plan are shown under the later one, marked as mapped; a crosswalk with a
mistake names its line and the unknown code, and nothing is saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from delivery.selectors import Scope, dashboard, drilldown
from outcomes.models import Crosswalk, CrosswalkLink, Plan
from tests.factories import AwardFactory, RoundFactory

FILES = Path(__file__).parent / "files"
LONDON = ZoneInfo("Europe/London")
YEAR = 2023


@pytest.fixture
def later(plan) -> Plan:
    call_command("load_plan", str(FILES / "plan-2024-28.yaml"), stdout=StringIO())
    return Plan.objects.get(code="TEST-PCP-2024-28")


def _award(plan, priority: str, outcomes: list[str], amount: str = "5000"):
    award = AwardFactory(
        application__round=RoundFactory(plan=plan, status="closed"),
        application__primary_priority=plan.priorities.get(code=priority),
        amount=Decimal(amount),
        decided_at=dt.datetime(YEAR, 6, 1, 12, tzinfo=LONDON),
    )
    award.plan = plan
    award.primary_priority = plan.priorities.get(code=priority)
    award.save(update_fields=["plan", "primary_priority"])
    award.outcomes.set(plan.outcomes.filter(code__in=outcomes))
    return award


def _load(path: Path) -> str:
    out = StringIO()
    call_command("load_crosswalk", str(path), stdout=out)
    return out.getvalue()


def test_old_awards_show_under_the_later_plan_marked_as_mapped(plan, later, client_for, personas):
    award = _award(plan, "P2", ["P2-O1"])
    _award(plan, "P1", ["P1-O2"], "3000")
    # Before any crosswalk the later plan shows nothing of the earlier plan's awards.
    assert dashboard(Scope(plan=later, year=YEAR)).totals.awards == 0

    assert "loaded: 12 links" in _load(FILES / "crosswalk-2021-24-to-2024-28.yaml")
    board = dashboard(Scope(plan=later, year=YEAR))
    by_priority = {row.key: row.figures for row in board.priorities}
    assert (by_priority["N1"].awards, by_priority["N1"].awarded) == (1, Decimal("3000"))
    assert (by_priority["N2"].awards, by_priority["N2"].awarded) == (1, Decimal("5000"))
    assert board.totals.awards == 2
    by_outcome = {row.key: row.figures.awards for row in board.outcomes}
    assert by_outcome["N1-O1"] == by_outcome["N1-O2"] == 1  # P1-O2 maps to both
    assert by_outcome["N2-O2"] == 1
    drill = drilldown(Scope(plan=later, year=YEAR), dimension="priority", key="N2", kind="awards")
    assert [a.mapped_from for a in drill.awards] == ["mapped from 2021-24 P2"]

    # The earlier plan still reports them under the codes they were aligned to, unmarked.
    old = dashboard(Scope(plan=plan, year=YEAR))
    assert {row.key: row.figures.awards for row in old.priorities}["P2"] == 1
    old_drill = drilldown(
        Scope(plan=plan, year=YEAR), dimension="priority", key="P2", kind="awards"
    )
    assert [a.mapped_from for a in old_drill.awards] == [""]

    page = client_for(personas.performance_lead).get(
        reverse("delivery:awards"),
        {"plan": later.code, "year": "all", "by": "priority", "key": "N2"},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert award.reference in text and "mapped from 2021-24 P2" in text


def test_the_same_crosswalk_as_csv_loads_and_replaces_the_first(plan, later, tmp_path):
    _load(FILES / "crosswalk-2021-24-to-2024-28.yaml")
    csv = tmp_path / "crosswalk.csv"
    csv.write_text(
        "from_plan,to_plan,kind,from_code,to_code\n"
        "WY-PCP-2021-24,TEST-PCP-2024-28,priority,P1,N1\n"
        "WY-PCP-2021-24,TEST-PCP-2024-28,outcome,P1-O1,N1-O2\n"
    )
    assert "loaded: 2 links" in _load(csv)
    assert Crosswalk.objects.count() == 1
    assert sorted(CrosswalkLink.objects.values_list("from_code", "to_code")) == [
        ("P1", "N1"),
        ("P1-O1", "N1-O2"),
    ]


def test_a_crosswalk_with_mistakes_names_each_line_and_code_and_saves_nothing(
    plan, later, tmp_path
):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        (FILES / "crosswalk-2021-24-to-2024-28.yaml")
        .read_text()
        .replace("P3: N2", "P9: N2")
        .replace("P4-O1: N3-O1", "P4-O1: N3-O7")
    )
    with pytest.raises(CommandError) as raised:
        _load(broken)
    message = str(raised.value)
    assert "nothing changed" in message
    assert "line 7: WY-PCP-2021-24 has no priority 'P9'" in message
    assert "line 14: TEST-PCP-2024-28 has no outcome 'N3-O7'" in message
    assert not Crosswalk.objects.exists() and not CrosswalkLink.objects.exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("from: WY-PCP-2021-24\nto: NOPE\n", "no plan with the code 'NOPE' is loaded"),
        (
            "from: WY-PCP-2021-24\nto: TEST-PCP-2024-28\npriorities:\n  P1: [N1, N2]\n",
            "line 4: priority P1 must map to one priority",
        ),
        (
            "from: WY-PCP-2021-24\nto: TEST-PCP-2024-28\nareas:\n  Leeds: Leeds\n",
            "line 3: unknown section 'areas'",
        ),
        ("from: [WY\n", "line 2: this is not valid YAML"),
    ],
)
def test_each_kind_of_mistake_is_named(plan, later, tmp_path, text, problem):
    path = tmp_path / "crosswalk.yaml"
    path.write_text(text)
    with pytest.raises(CommandError) as raised:
        _load(path)
    assert problem in str(raised.value)
    assert not Crosswalk.objects.exists()


def test_csv_mistakes_are_named_by_line(plan, later, tmp_path):
    path = tmp_path / "crosswalk.csv"
    path.write_text(
        "from_plan,to_plan,kind,from_code,to_code\n"
        "WY-PCP-2021-24,TEST-PCP-2024-28,priority,P1,N1\n"
        "WY-PCP-2021-24,TEST-PCP-2024-28,area,Leeds,Leeds\n"
        "WY-PCP-2021-24,TEST-PCP-2024-28,outcome,P1-O1,N9-O1\n"
        "WY-PCP-2021-24,TEST-PCP-2024-28,priority,P1,N2\n"
    )
    with pytest.raises(CommandError) as raised:
        _load(path)
    message = str(raised.value)
    assert "line 3: unknown kind 'area'" in message
    assert "line 4: TEST-PCP-2024-28 has no outcome 'N9-O1'" in message
    assert "line 5: priority P1 is already mapped on line 2" in message
    assert not Crosswalk.objects.exists()
