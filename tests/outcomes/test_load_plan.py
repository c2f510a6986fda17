from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import District
from outcomes.models import Indicator, Outcome, Plan, Priority, Theme

PLAN_FILE = settings.BASE_DIR / "data" / "plans" / "police-and-crime-plan-2021-24.yaml"


def _snapshot():
    return {
        model.__name__: sorted(model.objects.values_list(*fields))
        for model, fields in [
            (Plan, ("id", "code", "title", "vision", "starts_on", "ends_on", "is_current")),
            (Priority, ("id", "code", "title", "position", "objectives", "focus_areas")),
            (Outcome, ("id", "code", "title", "priority_id", "position")),
            (Indicator, ("id", "code", "title", "source", "metric", "direction", "priority_id")),
            (Theme, ("id", "code", "title")),
            (District, ("id", "name", "ons_code", "position")),
        ]
    }


def _load(path) -> str:
    out = StringIO()
    call_command("load_plan", str(path), stdout=out)
    return out.getvalue()


def test_it_loads_the_2021_24_plan(db):
    assert "WY-PCP-2021-24 loaded" in _load(PLAN_FILE)
    plan = Plan.objects.get()
    assert plan.is_current
    assert plan.priorities.count() == 4
    assert plan.outcomes.count() == 24
    assert plan.indicators.count() == 27
    assert plan.themes.count() == 3
    assert District.objects.values_list("name", "ons_code").first() == ("Bradford", "E08000032")
    assert Indicator.objects.get(code="P1-I4").direction == "down"
    assert Priority.objects.get(code="P3").focus_areas == [
        "Neighbourhood Crime and ASB",
        "Road Safety",
        "Serious Violence",
    ]


def test_loading_twice_changes_nothing(db):
    _load(PLAN_FILE)
    before = _snapshot()
    output = _load(PLAN_FILE)
    assert "already up to date" in output
    assert _snapshot() == before


def test_a_changed_file_updates_rows_in_place_and_removes_what_went(db, tmp_path):
    _load(PLAN_FILE)
    ids = dict(Outcome.objects.values_list("code", "id"))
    text = PLAN_FILE.read_text()
    text = text.replace("Victims are aware of their rights.", "Victims know their rights.")
    text = text.replace(
        "      - code: P1-O5\n        title: Improved criminal justice outcomes for all.\n", ""
    )
    changed = tmp_path / "plan.yaml"
    changed.write_text(text)
    _load(changed)
    assert Outcome.objects.get(code="P1-O2").title == "Victims know their rights."
    assert Outcome.objects.get(code="P1-O2").id == ids["P1-O2"]
    assert not Outcome.objects.filter(code="P1-O5").exists()


def test_a_second_plan_loads_beside_the_first_and_can_be_made_current(db, tmp_path):
    _load(PLAN_FILE)
    newer = tmp_path / "plan-2024.yaml"
    newer.write_text(
        PLAN_FILE.read_text()
        .replace("WY-PCP-2021-24", "WY-PCP-2024-28")
        .replace("starts_on: 2021-05-10", "starts_on: 2024-05-02")
        .replace("ends_on: 2024-05-01", "ends_on: 2028-05-01")
    )
    call_command("load_plan", str(newer), stdout=StringIO())
    assert Plan.objects.get(is_current=True).code == "WY-PCP-2021-24"
    call_command("load_plan", str(newer), "--current", stdout=StringIO())
    assert Plan.objects.get(is_current=True).code == "WY-PCP-2024-28"
    assert Plan.objects.count() == 2
    assert Outcome.objects.count() == 48


MALFORMED = [
    (
        "broken YAML",
        lambda text: text.replace(
            "  title: West Yorkshire Police", "  title: [West Yorkshire Police"
        ),
        "line 12: not valid YAML",
    ),
    (
        "a bad direction",
        lambda text: text.replace("direction: down,", "direction: sideways,", 1),
        "line 50: direction 'sideways' should be one of up, down or monitor",
    ),
    (
        "a repeated outcome code",
        lambda text: text.replace("code: P1-O2", "code: P1-O1"),
        "line 28: Outcome code 'P1-O1' is used twice (also on line 26)",
    ),
    (
        "dates in the wrong order",
        lambda text: text.replace("ends_on: 2024-05-01", "ends_on: 2020-05-01"),
        "line 14: 'ends_on' should be after 'starts_on'",
    ),
    (
        "a missing title",
        lambda text: text.replace("    title: Keeping People Safe & Building Resilience\n", ""),
        "line 62: 'title' is missing or empty",
    ),
    (
        "a repeated key",
        lambda text: text.replace("  vision:", "  title: Again\n  vision:"),
        "line 12: 'title' appears twice in this block",
    ),
]


@pytest.mark.parametrize(("what", "damage", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_file_is_refused_with_its_line_and_loads_nothing(
    db, tmp_path, what, damage, message
):
    broken = tmp_path / "broken.yaml"
    broken.write_text(damage(PLAN_FILE.read_text()))
    with pytest.raises(CommandError) as refused:
        _load(broken)
    assert "was not loaded; nothing changed" in str(refused.value)
    assert message in str(refused.value)
    assert not Plan.objects.exists()
    assert not District.objects.exists()


def test_a_malformed_file_leaves_a_loaded_plan_untouched(db, tmp_path):
    _load(PLAN_FILE)
    before = _snapshot()
    broken = tmp_path / "broken.yaml"
    broken.write_text(PLAN_FILE.read_text().replace("direction: up,", "direction: upward,"))
    with pytest.raises(CommandError):
        _load(broken)
    assert _snapshot() == before


def test_a_missing_file_gets_a_plain_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _load(tmp_path / "nope.yaml")
