"""Demo people and organisations for `manage.py seed_demo` (fictional, safe to run again)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import District, Membership, Organisation, User
from accounts.roles import Role

DEMO_PASSWORD = "safer-communities-demo"  # noqa: S105  # nosec B105  # demo only; seed_demo refuses without DEBUG
# Every demo staff account's authenticator app key (two-step sign-in is required for staff).
# Add it to an authenticator app, or print the current code with `manage.py demo_code`.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105  # nosec B105  # demo only, as above


def _give_demo_authenticator(user: User) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)


STAFF = [
    ("officer@demo.example", "Grace Officer", [Role.GRANTS_OFFICER]),
    # A second officer, so the two-person bank details check can be tried.
    ("officer2@demo.example", "Owen Officer", [Role.GRANTS_OFFICER]),
    ("assessor@demo.example", "Amir Assessor", [Role.ASSESSOR]),
    ("assessor2@demo.example", "Beth Assessor", [Role.ASSESSOR]),
    ("decision@demo.example", "Dev Decision", [Role.DECISION_MAKER]),
    ("commissioner@demo.example", "Chloe Commissioner", [Role.COMMISSIONER]),
    ("performance@demo.example", "Priya Performance", [Role.PERFORMANCE_LEAD]),
    ("admin@demo.example", "Adam Administrator", [Role.ADMINISTRATOR]),
]

ORGANISATIONS = [
    # owner email, owner name, organisation, type, charity no, company no,
    # street, town, postcode, district, is a provider
    (
        "applicant@demo.example",
        "Aisha Applicant",
        "Manningham Youth Boxing Project",
        Organisation.Type.COMMUNITY_GROUP,
        "",
        "",
        "12 Lumb Lane",
        "Bradford",
        "BD8 7QP",
        "Bradford",
        False,
    ),
    (
        "halifax@demo.example",
        "Hannah Hughes",
        "Calder Valley Women's Centre",
        Organisation.Type.REGISTERED_CHARITY,
        "1104567",
        "",
        "3 Square Road",
        "Halifax",
        "HX1 1QG",
        "Calderdale",
        False,
    ),
    (
        "kirklees@demo.example",
        "Kamal Khan",
        "Kirklees Street Angels",
        Organisation.Type.CIO,
        "1189012",
        "",
        "Market Street",
        "Huddersfield",
        "HD1 2EN",
        "Kirklees",
        False,
    ),
    (
        "leeds@demo.example",
        "Lucy Lee",
        "Chapeltown Community Safety Partnership",
        Organisation.Type.COMPANY_LIMITED_BY_GUARANTEE,
        "",
        "07654321",
        "145 Chapeltown Road",
        "Leeds",
        "LS7 3AS",
        "Leeds",
        False,
    ),
    (
        "wakefield@demo.example",
        "Wes Walker",
        "Wakefield Restorative Futures CIC",
        Organisation.Type.CIC,
        "",
        "12345678",
        "1 Northgate",
        "Wakefield",
        "WF1 3BJ",
        "Wakefield",
        False,
    ),
    (
        "provider@demo.example",
        "Priya Provider",
        "West Yorkshire Independent Advocacy Service",
        Organisation.Type.REGISTERED_CHARITY,
        "1098765",
        "04567890",
        "Parkway House",
        "Leeds",
        "LS1 5AB",
        "Leeds",
        True,
    ),
]


def _user(email: str, name: str, **extra) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name, **extra})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed_people_and_organisations() -> list[tuple[str, str]]:
    """Create the demo staff and organisations; return (email, what they are) rows."""
    rows = []
    for email, name, roles in STAFF:
        is_admin = Role.ADMINISTRATOR in roles
        user = _user(email, name, is_staff=is_admin, is_superuser=is_admin)
        # The groups come from a migration; a flushed database (a test's) has lost them.
        user.groups.add(*(Group.objects.get_or_create(name=role.label)[0] for role in roles))
        _give_demo_authenticator(user)
        rows.append((email, ", ".join(role.label for role in roles)))
    for (
        email,
        person,
        name,
        kind,
        charity,
        company,
        street,
        town,
        postcode,
        district,
        provider,
    ) in ORGANISATIONS:
        owner = _user(email, person)
        organisation, _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "type": kind,
                "charity_number": charity,
                "company_number": company,
                "address_line_1": street,
                "town": town,
                "postcode": postcode,
                "district": District.objects.filter(name=district).first(),
                "is_applicant": True,
                "is_provider": provider,
            },
        )
        Membership.objects.get_or_create(
            user=owner, organisation=organisation, defaults={"role": Membership.Role.OWNER}
        )
        rows.append((email, f"owner of {name}"))
    colleague = _user("colleague@demo.example", "Colm Colleague")
    Membership.objects.get_or_create(
        user=colleague,
        organisation=Organisation.objects.get(name=ORGANISATIONS[0][2]),
        defaults={"role": Membership.Role.MEMBER},
    )
    rows.append(("colleague@demo.example", f"member of {ORGANISATIONS[0][2]}"))
    return rows
