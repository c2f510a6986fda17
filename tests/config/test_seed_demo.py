from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import District, Membership, Organisation, User
from accounts.roles import Role, roles_of
from grants.models import Fund, Round
from outcomes.models import Plan


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        _seed()
    assert not User.objects.exists()


def test_it_loads_a_demo_world_and_prints_the_accounts(db, settings):
    settings.DEBUG = True
    output = _seed()
    assert "password for all: safer-communities-demo" in output
    assert "officer@demo.example" in output
    assert Plan.objects.get().is_current
    every_district = set(District.objects.values_list("name", flat=True))
    assert every_district == {"Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"}
    assert set(Organisation.objects.values_list("district__name", flat=True)) == every_district
    held = set().union(*(roles_of(user) for user in User.objects.all()))
    assert held == {role.value for role in Role}
    assert Round.objects.open_now().filter(fund__code="mscf").exists()
    assert User.objects.get(email="officer@demo.example").check_password("safer-communities-demo")


def test_running_it_twice_changes_nothing(db, settings):
    settings.DEBUG = True
    _seed()
    counts = [m.objects.count() for m in (User, Organisation, Membership, Fund, Round, Plan)]
    _seed()
    assert [
        m.objects.count() for m in (User, Organisation, Membership, Fund, Round, Plan)
    ] == counts


def test_demo_users_can_sign_in(client, db, settings):
    settings.DEBUG = True
    _seed()
    response = client.post(
        "/accounts/login/",
        {"login": "applicant@demo.example", "password": "safer-communities-demo"},
    )
    assert response.status_code == 302
    assert client.get("/organisation/", follow=True).status_code == 200


def test_demo_staff_sign_in_with_the_documented_authenticator_key(client, db, settings):
    from pathlib import Path

    from tests import totp

    settings.DEBUG = True
    output = _seed()
    assert totp.SECRET in output
    assert totp.SECRET in (Path(settings.BASE_DIR) / "README.md").read_text()
    officer = User.objects.get(email="officer@demo.example")
    response = client.post(
        "/accounts/login/",
        {"login": officer.email, "password": "safer-communities-demo"},
    )
    assert response.url == "/accounts/2fa/authenticate/"
    response = client.post(response.url, {"code": totp.code(user=officer)})
    assert response.url == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_the_demo_has_a_second_grants_officer_for_the_bank_check(db, settings):
    settings.DEBUG = True
    output = _seed()
    second = User.objects.get(email="officer2@demo.example")
    assert roles_of(second) == {Role.GRANTS_OFFICER}
    assert second.check_password("safer-communities-demo")
    assert "officer2@demo.example" in output
    for provider in ("rapecrisis@demo.example", "cara@demo.example"):
        assert provider in output  # every account the demo creates is listed


@pytest.mark.django_db(transaction=True)
def test_the_demo_accounts_come_last_not_buried_under_emails(settings, capsys):
    # A real commit, as in `make run`: the emails go out when seeding's transaction ends.
    settings.DEBUG = True
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    output = _seed()
    assert "Subject:" not in capsys.readouterr().out
    lines = output.rstrip().splitlines()
    accounts_from = lines.index("Demo accounts (password for all: safer-communities-demo):")
    assert all(
        line.startswith("  ") and "@demo.example" in line for line in lines[accounts_from + 1 :]
    )
    assert "Emails sent to demo accounts (not shown):" in output


def test_the_demos_past_round_was_closed_through_the_audited_service(db, settings):
    from django.contrib.contenttypes.models import ContentType

    from core.models import StatusChange

    settings.DEBUG = True
    _seed()
    past = Round.objects.get(reference_prefix="MSCF-R7")
    assert past.status == Round.Status.CLOSED
    change = StatusChange.objects.get(
        content_type=ContentType.objects.get_for_model(Round), object_id=past.pk
    )
    assert (change.from_status, change.to_status, change.by_system) == ("open", "closed", True)
