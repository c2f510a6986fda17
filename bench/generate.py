"""Build the scale data sets for the load benchmark (issue 18) on PostgreSQL, once.

    .venv/bin/python bench/generate.py --set all        # the three sets bench/load.py uses
    .venv/bin/python bench/generate.py --set small      # or big, or contracts
    .venv/bin/python bench/generate.py --bids 5000 --database scg_bench_5k   # any sizes

The default (big) set: 20 rounds, 20,000 bids in one round at the ranking stage (three
assessments each, 60,000 in all, with a score per criterion, from 60 assessors with about
1,000 assignments each), 5,000 awards with payments and reports across 18 past rounds, an
open round with drafts being typed (for autosave), 300 contracts with 12 quarterly returns
and figures (a few corrected), and history like real data: a StatusChange row for every
step each bid, assessment, award and return took, and field-history rows for bids and
assessments.

Rows are made by the builders the tests and benchmarks share (tests/*/builders.py), so a
model change that breaks them breaks here too; the builders take a `save`, and this one
(copy_save) COPYs their rows in, with the values bulk_create would write. Set-based parts
(scores, history) are INSERT ... SELECT. It all runs in one transaction, with the big
tables' plain indexes and foreign keys dropped first and made again at the end (as
pg_restore does; a bad row still fails the build), then ANALYZE.

A new database is a clone (CREATE DATABASE ... TEMPLATE) of a migrated empty one named
after the migrations' fingerprint, scg_bench_template_<fingerprint>, made once per set of
migrations: migrated forward from an earlier template when one fits (seconds), otherwise
from nothing (about a minute). A set already built with the same sizes is kept (the sizes
are recorded on the "bench" fund; it is migrated if the migrations changed since), so
re-running costs a second. `--force` drops it and builds again.

Measured on the 2-core machine at load average 3 to 5 (a CI run beside it), the template
made: big 28-34 s, small 11 s, contracts (20,000 x 12 returns) 61-68 s; making the
template from nothing adds about 30 s, once. The generator before (INSERTs of 500 rows,
indexes kept up row by row, foreign keys checked at commit, migrate on every run) took
67 s, 34 s and 233 s at the same load, and 368 s, 51 s and 1,021 s at load 16.

Nothing in the product imports bench/: this is a script, not an installed app.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
FUND_CODE = "bench"
PASSWORDLESS = None  # sessions are made directly (bench/load.py): no password hashing


@dataclass(frozen=True)
class Sizes:
    bids: int = 20_000
    rounds: int = 20
    assessors_per_bid: int = 3
    awards: int = 5_000
    contracts: int = 300
    quarters: int = 12
    drafts: int = 8
    seed: int = 18

    @property
    def assessors(self) -> int:
        """Enough assessors for about 1,000 assignments each, as in the issue's queue."""
        return max(self.assessors_per_bid, round(self.bids * self.assessors_per_bid / 1000))


# The people load.py signs in as (sessions made directly, see load.py).
OFFICER = "bench-officer@example.org"
COMMISSIONER = "bench-commissioner@example.org"
LEAD = "bench-lead@example.org"
DECISION_MAKER = "bench-decision@example.org"


def assessor_email(i: int) -> str:
    return f"bench-assessor-{i:03d}@example.org"


def applicant_email(i: int) -> str:
    return f"bench-applicant-{i:02d}@example.org"


def database_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


# The build ---------------------------------------------------------------------------------


def generate(sizes: Sizes, *, say=print) -> dict[str, float]:
    """Build the set in the configured database (assumed migrated and empty of it); answer
    how long each part took, in seconds."""
    from django.db import transaction

    timings: dict[str, float] = {}

    def step(name, fn, *args):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn(*args)
        timings[name] = time.perf_counter() - started
        say(f"  {name}: {timings[name]:.1f} s ({time.process_time() - cpu:.1f} s of our CPU)")
        return result

    with transaction.atomic():  # a failed build leaves the database as it was
        loading = _Loading()
        step("indexes and foreign keys set aside", loading.set_aside)
        _generate(sizes, step, timings)
        step("indexes and foreign keys made again", loading.restore)
        return timings


def _generate(sizes: Sizes, step, timings: dict[str, float]) -> dict[str, float]:
    plan, people, fund = step("plan, people, fund", _plan_people_fund, sizes)
    rounds = step("rounds", _rounds, sizes, fund, plan)
    bids = step("bids at the ranking stage", _bids, sizes, rounds[0])
    step("assessments", _assessments, sizes, bids, people)
    step("scores per criterion", _scores, rounds[0])
    step("awards, payments, reports", _awards, sizes, rounds[1:-1])
    step("drafts being typed", _drafts, sizes, rounds[-1], people)
    step("contracts and returns", _contracts, sizes, plan, people)
    step("status history", _status_history, rounds[0], people)
    step("field history", _field_history, rounds[0])
    from grants.models import Fund

    Fund.objects.filter(pk=fund.pk).update(description=json.dumps(asdict(sizes)))
    return timings


def _plan_people_fund(sizes: Sizes):
    from django.conf import settings
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role
    from grants.models import Fund
    from outcomes.plan_file import parse_plan_text
    from outcomes.services import plan_load

    plan_file = settings.BASE_DIR / "data" / "plans" / "police-and-crime-plan-2021-24.yaml"
    plan, _ = plan_load(data=parse_plan_text(plan_file.read_text(), str(plan_file)))
    groups = {role: Group.objects.get(name=role.label) for role in Role}

    def staff(email: str, *roles: Role) -> User:
        name = email.split("@")[0].replace("-", " ").title()
        user = User.objects.create_user(email, PASSWORDLESS, full_name=name)
        user.groups.add(*(groups[role] for role in roles))
        return user

    people = {
        "officer": staff(OFFICER, Role.GRANTS_OFFICER),
        "commissioner": staff(COMMISSIONER, Role.COMMISSIONER),
        "lead": staff(LEAD, Role.PERFORMANCE_LEAD),
        "decision_maker": staff(DECISION_MAKER, Role.DECISION_MAKER),
        "assessors": [staff(assessor_email(i), Role.ASSESSOR) for i in range(sizes.assessors)],
    }
    fund = Fund.objects.create(
        code=FUND_CODE, name="Benchmark Safer Communities Fund", description="building"
    )
    return plan, people, fund


def _rounds(sizes: Sizes, fund, plan):
    """Round 1 at the ranking stage, the past rounds (awards), the last one open (drafts)."""
    from django.utils import timezone

    from grants.models import Pot, Round
    from tests.grants.builders import with_criteria

    now = timezone.now()
    rounds = []
    for number in range(1, sizes.rounds + 1):
        is_open = number == sizes.rounds
        age = dt.timedelta(days=0 if number == 1 else 120 * (sizes.rounds - number + 1))
        opens = now - dt.timedelta(days=40) - age
        round = Round.objects.create(
            fund=fund,
            number=number,
            title=f"Benchmark round {number}",
            opens_at=now - dt.timedelta(days=10) if is_open else opens,
            closes_at=now + dt.timedelta(days=20) if is_open else opens + dt.timedelta(days=30),
            status=Round.Status.OPEN if is_open else Round.Status.CLOSED,
            plan=plan,
            reference_prefix=f"BENCH-R{number:02d}",
        )
        Pot.objects.create(
            round=round, name="Pot 1", min_award=15000, max_award=20000, budget=750000, position=1
        )
        Pot.objects.create(
            round=round, name="Pot 2", min_award=500, max_award=8000, budget=250000, position=2
        )
        rounds.append(with_criteria(round))
    return rounds


def _bids(sizes: Sizes, round):
    """Every twentieth bid still in assessment; the rest assessed, a third of them marked."""
    from grants.models import Application
    from tests.grants.builders import bulk_assessed_applications

    if not sizes.bids:
        return []

    def where_they_are(bids) -> None:
        for bid in bids:
            if bid.pk % 20 == 0:
                bid.status = Application.Status.IN_ASSESSMENT
                bid.assessments_submitted = 1
            else:
                bid.assessments_submitted = sizes.assessors_per_bid
            if bid.pk % 20 in (1, 4, 7, 10, 13, 16, 19):
                bid.mark = Application.Mark.RECOMMENDED
                bid.recommended_amount = 1000

    return bulk_assessed_applications(
        round, sizes.bids, seed=sizes.seed, save=copy_save({Application: where_they_are})
    )


def _assessments(sizes: Sizes, bids, people):
    """Each bid's assessors from the pool; a bid still in assessment has one submitted,
    one in progress and one not started."""
    from django.utils import timezone

    from grants.models import Assessment
    from tests.grants.builders import bulk_assign

    assessors = people["assessors"]
    per_assessor: dict[int, list] = {i: [] for i in range(len(assessors))}
    for i, bid in enumerate(bids):
        for k in range(sizes.assessors_per_bid):
            per_assessor[
                (i + k * len(assessors) // sizes.assessors_per_bid) % len(assessors)
            ].append((k, bid))
    now = timezone.now()

    def as_far_as_they_got(assessments) -> None:
        for assessment in assessments:
            if assessment.status == Assessment.Status.SUBMITTED:
                assessment.declared_at = now - dt.timedelta(days=9)
                assessment.submitted_at = now - dt.timedelta(days=2)
                assessment.recommendation = Assessment.Recommendation.FUND
                assessment.overall_comment = (
                    "A clear plan with good local evidence; the budget is sound."
                )
                assessment.weighted_score = assessment.application.score_mean
            elif assessment.status == Assessment.Status.IN_PROGRESS:
                assessment.declared_at = now - dt.timedelta(days=3)

    save = copy_save({Assessment: as_far_as_they_got})
    created = []
    order = [Assessment.Status.SUBMITTED, Assessment.Status.IN_PROGRESS, Assessment.Status.ASSIGNED]
    for index, assessor in enumerate(assessors):
        for status in order:
            chosen = [
                bid
                for slot, bid in per_assessor[index]
                if (status == Assessment.Status.SUBMITTED and bid.pk % 20 != 0)
                or (bid.pk % 20 == 0 and order[min(slot, 2)] == status)
            ]
            if chosen:
                created.extend(bulk_assign(chosen, assessor, status=status, save=save))
    return created


def _scores(round) -> None:
    """A score and a comment per criterion for submitted assessments, the first two
    criteria for those in progress; in SQL, as there are hundreds of thousands. Values
    spread over the scale from the ids (the same in SQLite and PostgreSQL)."""
    from grants.models import Assessment, Criterion, Score

    _sql(
        f"""
        INSERT INTO {_table(Score)} (assessment_id, criterion_id, value, not_applicable, comment)
        SELECT a.id, c.id,
               CASE WHEN c.allow_not_applicable AND (a.id + c.id) %% 10 = 0 THEN NULL
                    ELSE 1 + (a.id * 7 + c.id * 13) %% c.scale_max END,
               c.allow_not_applicable AND (a.id + c.id) %% 10 = 0,
               CASE (a.id + c.id) %% 4
                    WHEN 0 THEN 'Good evidence of local need from the group''s own records.'
                    WHEN 1 THEN 'The activities are realistic and the timetable is clear.'
                    WHEN 2 THEN 'Costs are reasonable for the number of people reached.'
                    ELSE 'Works with the neighbourhood policing team and two schools.' END
        FROM {_table(Assessment)} a
        JOIN {_table(Criterion)} c ON c.round_id = %s
        WHERE a.status = %s OR (a.status = %s AND c.position <= 2)
        """,
        [round.pk, Assessment.Status.SUBMITTED, Assessment.Status.IN_PROGRESS],
    )


def _table(model) -> str:
    return model._meta.db_table


def _sql(statement: str, params: list | tuple = ()) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


# Loading ------------------------------------------------------------------------------------


def copy_save(before: dict | None = None):
    """A `save` for the builders (tests/*/builders.py): primary keys taken from the table's
    sequence in one query, then `before[model](objs)` (if given) moves the rows on to where
    the set wants them, then the rows go in by COPY on PostgreSQL (bulk_create elsewhere).
    The values are the ones bulk_create would write (each field's pre_save and
    get_db_prep_save), so a model change breaks here as it would there."""
    before = before or {}

    def save(model, objs):
        from django.db import connections

        connection = connections["default"]  # the wrapper itself, not the per-thread proxy
        objs = list(objs)
        if not objs:
            return objs
        meta = model._meta
        if any(obj.pk is None for obj in objs):
            first = _reserve_ids(model, len(objs))
            for offset, obj in enumerate(objs):
                obj.pk = first + offset
        if model in before:
            before[model](objs)
        if connection.vendor != "postgresql":
            return model._default_manager.bulk_create(objs, batch_size=500)
        from psycopg import sql

        fields = meta.concrete_fields
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(meta.db_table),
            sql.SQL(", ").join(sql.Identifier(f.column) for f in fields),
        )
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for obj in objs:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )
        for obj in objs:
            obj._state.adding, obj._state.db = False, connection.alias
        return objs

    return save


def _reserve_ids(model, count: int) -> int:
    """The first of `count` new primary keys for `model`, taken from its sequence at once."""
    from django.db import connection

    table, column = model._meta.db_table, model._meta.pk.column
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(s, nextval(s) + %s - 1) - %s + 1"
                " FROM CAST(pg_get_serial_sequence(%s, %s) AS regclass) AS s",
                [count, count, table, column],
            )
            return cursor.fetchone()[0]
    with connection.cursor() as cursor:  # SQLite: the next ids after the largest
        cursor.execute(f'SELECT COALESCE(MAX("{column}"), 0) + 1 FROM "{table}"')  # nosec B608
        return cursor.fetchone()[0]


def _big_models() -> list:
    """The tables that take thousands of rows: loaded with their indexes and foreign keys
    set aside."""
    from accounts.models import Organisation
    from commissioning.models import Contract, ContractFunding, MonitoringReturn, ReturnValue
    from core.models import StatusChange
    from grants.models import (
        Application,
        Assessment,
        Award,
        MonitoringReport,
        PaymentInstalment,
        Score,
    )

    return [
        Organisation,
        Application,
        Application.districts.through,
        Application.history.model,
        Assessment,
        Assessment.history.model,
        Score,
        Award,
        Award.outcomes.through,
        Award.themes.through,
        PaymentInstalment,
        MonitoringReport,
        Contract,
        ContractFunding,
        MonitoringReturn,
        ReturnValue,
        StatusChange,
    ]


class _Loading:
    """As pg_restore does: the big tables' foreign keys and plain indexes are dropped before
    the rows go in and made again after (one index build, one join per foreign key that
    checks every row), inside the build's transaction, so a bad row still fails the
    build. Primary keys, unique constraints and partial indexes stay: a partial index's
    condition read back with pg_get_indexdef does not make the same index again (PostgreSQL
    prints `status IN (...)` in a form it then stores differently), and partial indexes
    cover few rows. PostgreSQL only."""

    def __init__(self) -> None:
        self.foreign_keys: list[tuple[str, str, str]] = []
        self.indexes: list[tuple[str, str]] = []

    def set_aside(self) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        tables = [model._meta.db_table for model in _big_models()]
        with connection.cursor() as cursor:
            # Checked now, not at commit: a table with checks pending cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(
                """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)""",
                [tables],
            )
            self.foreign_keys = cursor.fetchall()
            cursor.execute(
                """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                WHERE i.indrelid::regclass::text = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                  AND i.indpred IS NULL""",
                [tables],
            )
            self.indexes = cursor.fetchall()
            for table, name, _ in self.foreign_keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _ in self.indexes:
                cursor.execute(f"DROP INDEX {name}")

    def restore(self) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for _, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.foreign_keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _awards(sizes: Sizes, rounds):
    from django.utils import timezone

    from tests.delivery.builders import bulk_awards

    if not sizes.awards or not rounds:
        return []
    year = timezone.localdate().year - (1 if timezone.localdate().month < 4 else 0)
    awards = []
    for index, round in enumerate(rounds):
        count = sizes.awards // len(rounds) + (1 if index < sizes.awards % len(rounds) else 0)
        # Newest rounds last; about three rounds a year.
        made_in = year - (len(rounds) - 1 - index) // 3
        awards.extend(
            bulk_awards(
                round=round, count=count, year=made_in, seed=sizes.seed + index, save=copy_save()
            )
        )
    return awards


def _drafts(sizes: Sizes, round, people):
    """Applicants each typing their own draft in the open round (autosave)."""
    from accounts.models import Membership, Organisation, User
    from grants.models import Application

    pot = round.pots.order_by("position").first()
    people["applicants"] = []
    for i in range(sizes.drafts):
        user = User.objects.create_user(
            applicant_email(i), PASSWORDLESS, full_name=f"Applicant {i}"
        )
        organisation = Organisation.objects.create(
            name=f"Bench Typing Group {i}",
            type=Organisation.Type.COMMUNITY_GROUP,
            address_line_1="2 Market Street",
            town="Bradford",
            postcode="BD1 1AA",
            is_applicant=True,
        )
        Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.OWNER)
        Application.objects.create(
            round=round,
            organisation=organisation,
            created_by=user,
            project_title=f"Youth club nights {i}",
            summary="Friday night sessions for young people at risk of exploitation.",
            pot=pot,
            amount_requested=Decimal("5000"),
            saved_sections=["project"],
        )
        people["applicants"].append(user)


def _contracts(sizes: Sizes, plan, people):
    """Contracts with their quarterly returns and figures; one accepted return in thirty
    corrected by a second version, as providers do."""
    from django.utils import timezone

    from commissioning.models import MonitoringReturn
    from tests.commissioning.builders import bulk_contracts

    if not sizes.contracts:
        return []
    now = timezone.now()
    corrected: list = []

    def corrections_due(returns) -> None:
        # As return_correct and acceptance do: the corrected version gives up the
        # newest-version marker, and is superseded once its correction is accepted.
        for r in returns:
            if r.status == MonitoringReturn.Status.ACCEPTED and r.pk % 30 == 0:
                r.is_newest, r.superseded_at = False, now
                corrected.append(r)

    save = copy_save({MonitoringReturn: corrections_due})
    made = 0
    while made < sizes.contracts:  # one provider per 300 contracts
        count = min(300, sizes.contracts - made)
        bulk_contracts(
            count=count,
            quarters=sizes.quarters,
            commissioner=people["commissioner"],
            plan=plan,
            seed=sizes.seed + made,
            values=True,
            save=save,
            recount=False,
        )
        made += count
    copy_save()(
        MonitoringReturn,
        [
            MonitoringReturn(
                contract_id=r.contract_id,
                measure_set_id=r.measure_set_id,
                financial_year=r.financial_year,
                quarter=r.quarter,
                version=2,
                corrects_id=r.pk,
                correction_reason="The victims-supported figure missed a referral batch.",
                due_date=now.date(),
                status=MonitoringReturn.Status.ACCEPTED,
                rating="green",
            )
            for r in corrected
        ],
    )
    # Inserted around the services: the dashboard's tallies are counted once, at the end.
    from commissioning.services.tallies import recount_tallies

    recount_tallies()


def _status_history(round, people) -> None:
    """The StatusChange rows each bid, assessment, award and return wrote on its way to
    where it is: one INSERT ... SELECT per workflow step."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from commissioning.models import MonitoringReturn
    from core.models import StatusChange
    from grants.models import Application, Assessment, Award

    now = timezone.now()
    officer = people["officer"].pk
    A, S, R = Application.Status, Assessment.Status, MonitoringReturn.Status
    bid_type = ContentType.objects.get_for_model(Application).pk
    insert = f"""INSERT INTO {_table(StatusChange)}
        (content_type_id, object_id, from_status, to_status, actor_id, by_system, reason, at)"""

    def steps(type_id, source: str, where: str, where_params: list, chain, *, actor_col=None):
        for from_status, to_status, actor, days in chain:
            by_system = actor == "system"
            at = now - dt.timedelta(days=days)
            actor_sql = actor_col if actor == "own" else "%s"
            actor_params = [] if actor == "own" else [None if by_system else actor]
            _sql(
                f"""{insert} SELECT %s, id, %s, %s, {actor_sql}, %s, '', %s
                FROM {source} WHERE {where}""",
                [type_id, from_status, to_status, *actor_params, by_system, at, *where_params],
            )

    to_assessed = [
        (A.DRAFT, A.SUBMITTED, None, 40),
        (A.SUBMITTED, A.ELIGIBLE, officer, 30),
        (A.ELIGIBLE, A.IN_ASSESSMENT, officer, 28),
    ]
    ranked = "round_id = %s AND status IN (%s, %s)"
    steps(
        bid_type, _table(Application), ranked, [round.pk, A.ASSESSED, A.IN_ASSESSMENT], to_assessed
    )
    steps(
        bid_type,
        _table(Application),
        "round_id = %s AND status = %s",
        [round.pk, A.ASSESSED],
        [(A.IN_ASSESSMENT, A.ASSESSED, "system", 2)],
    )
    awarded = f"id IN (SELECT application_id FROM {_table(Award)})"
    steps(
        bid_type,
        _table(Application),
        awarded,
        [],
        [
            (A.DRAFT, A.SUBMITTED, None, 400),
            (A.SUBMITTED, A.ELIGIBLE, officer, 390),
            (A.ELIGIBLE, A.IN_ASSESSMENT, officer, 388),
            (A.IN_ASSESSMENT, A.ASSESSED, "system", 370),
            (A.ASSESSED, A.RECOMMENDED, officer, 365),
            (A.RECOMMENDED, A.APPROVED, people["decision_maker"].pk, 360),
            (A.APPROVED, A.OFFERED, "system", 359),
            (A.OFFERED, A.ACCEPTED, None, 355),
            (A.ACCEPTED, A.ACTIVE, "system", 350),
        ],
    )
    assessment_type = ContentType.objects.get_for_model(Assessment).pk
    steps(
        assessment_type,
        _table(Assessment),
        "status IN (%s, %s)",
        [S.SUBMITTED, S.IN_PROGRESS],
        [(S.ASSIGNED, S.IN_PROGRESS, "own", 9)],
        actor_col="assessor_id",
    )
    steps(
        assessment_type,
        _table(Assessment),
        "status = %s",
        [S.SUBMITTED],
        [(S.IN_PROGRESS, S.SUBMITTED, "own", 2)],
        actor_col="assessor_id",
    )
    steps(
        ContentType.objects.get_for_model(MonitoringReturn).pk,
        _table(MonitoringReturn),
        "status = %s",
        [R.ACCEPTED],
        [
            (R.NOT_STARTED, R.DRAFT, None, 50),
            (R.DRAFT, R.SUBMITTED, None, 45),
            (R.SUBMITTED, R.ACCEPTED, people["commissioner"].pk, 30),
        ],
    )


def _field_history(round) -> None:
    """django-simple-history rows as the app writes them: each ranked bid as created and
    as submitted, each assessment as assigned; copied by INSERT ... SELECT."""
    from django.utils import timezone

    from grants.models import Application, Assessment

    now = timezone.now()
    for model, where, params, kinds in (
        (Application, "round_id = %s", [round.pk], ["+", "~"]),
        (Assessment, "1 = 1", [], ["+"]),
    ):
        history = model.history.model
        tracked = {f.attname for f in model._meta.concrete_fields}
        columns = [f.column for f in history._meta.concrete_fields if f.attname in tracked]
        listed = ", ".join(columns)
        for kind in kinds:
            _sql(
                f"""INSERT INTO {_table(history)}
                    ({listed}, history_date, history_type, history_change_reason)
                SELECT {listed}, %s, %s, NULL FROM {_table(model)} WHERE {where}""",
                [now, kind, *params],
            )


# The command -------------------------------------------------------------------------------


def _pg(dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(database_url(dbname), autocommit=True)


def _recorded_sizes(name: str) -> str | None:
    """The sizes recorded on the set in database `name`; None when there is no database,
    "" when there is one without a finished set."""
    import psycopg.errors

    with _pg() as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return None
    with _pg(name) as conn:
        try:
            row = conn.execute(
                "SELECT description FROM grants_fund WHERE code = %s", [FUND_CODE]
            ).fetchone()
        except psycopg.errors.UndefinedTable:  # not migrated yet
            return ""
    return row[0] if row else ""


TEMPLATE = "scg_bench_template"  # + "_" + the migrations' fingerprint


def _fingerprint() -> str:
    """What the schema is made from: the project's migrations, the settings (installed
    apps) and the pinned packages (their apps' migrations)."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("*/migrations/*.py"), ROOT / "config" / "settings.py"]):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    lock = ROOT / "requirements.lock"
    if lock.exists():
        digest.update(lock.read_bytes())
    return digest.hexdigest()[:12]


def _manage(name: str, *args: str) -> None:
    import subprocess

    env = dict(os.environ, DATABASE_URL=database_url(name), DEBUG="true")
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, *args], env=env, cwd=ROOT, check=True)


def _exists(conn, name: str) -> bool:
    return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def _comment(conn, name: str) -> str | None:
    row = conn.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [name],
    ).fetchone()
    return row[0] if row else None


def _clone(conn, name: str, template: str) -> None:
    """CREATE DATABASE name TEMPLATE template, which PostgreSQL refuses while anyone is
    connected to the template: tried a few times."""
    import psycopg.errors
    from psycopg.sql import SQL, Identifier

    for attempt in range(5):
        try:
            conn.execute(
                SQL("CREATE DATABASE {} TEMPLATE {}").format(Identifier(name), Identifier(template))
            )
            return
        except psycopg.errors.ObjectInUse:
            if attempt == 4:
                raise
            time.sleep(1 + attempt)


def _template(say=print) -> str:
    """A migrated empty database for the code as it is, made once per set of migrations
    (named by their fingerprint) and cloned for every set. Made from the newest template
    whose migrations are all still in the code, migrated forward (seconds), or from
    nothing (about a minute). Made under another name and renamed when migrated, under an
    advisory lock, so two builds at once neither clone a half-migrated one nor both make
    it."""
    from psycopg.sql import SQL, Identifier

    name = f"{TEMPLATE}_{_fingerprint()}"
    with _pg() as conn:
        if _exists(conn, name):
            return name
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [TEMPLATE])
        try:
            if _exists(conn, name):
                return name
            started = time.perf_counter()
            making = f"{name}_making"
            conn.execute(SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(Identifier(making)))
            base = _base_template(conn)
            if base:
                _clone(conn, making, base)
            else:
                conn.execute(SQL("CREATE DATABASE {}").format(Identifier(making)))
            _manage(making, "manage.py", "migrate", "--no-input", "-v", "0")
            conn.execute(
                SQL("ALTER DATABASE {} RENAME TO {}").format(Identifier(making), Identifier(name))
            )
            conn.execute(
                SQL("COMMENT ON DATABASE {} IS {}").format(Identifier(name), _fingerprint())
            )
            say(
                f"{name}: migrated {'from ' + base if base else 'from nothing'}"
                f" in {time.perf_counter() - started:.1f} s"
            )
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [TEMPLATE])
    return name


def _base_template(conn) -> str | None:
    """The template (of an earlier fingerprint) with the most migrations, all of which are
    still in the code: migrating it forward gives the same schema as migrating from
    nothing."""
    on_disk = {
        (path.parent.parent.name, path.stem)
        for path in ROOT.glob("*/migrations/*.py")
        if path.stem != "__init__"
    }
    ours = {app for app, _ in on_disk}
    best, best_count = None, 0
    names = conn.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname NOT LIKE %s",
        [f"{TEMPLATE}_%", "%_making"],
    ).fetchall()
    for (candidate,) in names:
        try:
            with _pg(candidate) as other:
                applied = other.execute("SELECT app, name FROM django_migrations").fetchall()
        except Exception:  # gone, or being made: not a base
            continue
        if {(app, migration) for app, migration in applied if app in ours} <= on_disk and len(
            applied
        ) > best_count:
            best, best_count = candidate, len(applied)
    return best


def prepare(name: str, sizes: Sizes, *, force: bool = False, say=print) -> bool:
    """Make database `name` hold the set of `sizes`, building it unless it already does;
    answer whether it was built.

    A new database is a clone of the migrated empty template for the code as it is
    (_template); a kept set is migrated when the migrations changed since it was built."""
    from psycopg.sql import SQL, Identifier

    wanted = json.dumps(asdict(sizes))
    fingerprint = _fingerprint()
    recorded = _recorded_sizes(name)
    keep = recorded == wanted and not force
    started = time.perf_counter()
    if keep:
        with _pg() as conn:
            migrated = _comment(conn, name) == fingerprint
        if not migrated:  # code merged since may have added migrations
            _manage(name, "manage.py", "migrate", "--no-input", "-v", "0")
            with _pg() as conn:
                conn.execute(
                    SQL("COMMENT ON DATABASE {} IS {}").format(Identifier(name), fingerprint)
                )
            say(f"{name}: migrated in {time.perf_counter() - started:.1f} s")
        say(f"{name}: keeping the set already built ({wanted})")
        return False
    if recorded is not None:  # built with other sizes, unfinished, or forced: start again
        say(f"{name}: dropping {'the set built with ' + recorded if recorded else 'it'}")
        with _pg() as conn:
            conn.execute(SQL("DROP DATABASE {} WITH (FORCE)").format(Identifier(name)))
    template = _template(say)
    with _pg() as conn:
        _clone(conn, name, template)
        conn.execute(SQL("COMMENT ON DATABASE {} IS {}").format(Identifier(name), fingerprint))
    say(f"{name}: cloned from {template} in {time.perf_counter() - started:.1f} s")
    _manage(name, str(Path(__file__).resolve()), "--_build", wanted)
    say(f"{name}: ready in {time.perf_counter() - started:.1f} s")
    return True


def _build(sizes: Sizes) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    print(f"building {asdict(sizes)} in {connection.settings_dict['NAME']}", flush=True)
    started = time.perf_counter()
    generate(sizes, say=lambda text: print(text, flush=True))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built in {time.perf_counter() - started:.1f} s", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = Sizes()
    parser.add_argument(
        "--set",
        choices=["all", "small", "big", "contracts"],
        help="a set bench/load.py uses, with its database and sizes (the other options are"
        " then ignored, --force apart)",
    )
    parser.add_argument("--database", default="scg_bench", help="PostgreSQL database name")
    for field in ("bids", "rounds", "awards", "contracts", "quarters", "drafts", "seed"):
        parser.add_argument(f"--{field}", type=int, default=getattr(defaults, field))
    parser.add_argument("--assessors-per-bid", type=int, default=defaults.assessors_per_bid)
    parser.add_argument("--force", action="store_true", help="drop the database and build again")
    parser.add_argument("--_build", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._build:
        _build(Sizes(**json.loads(args._build)))
        return
    if args.set:
        sys.path.insert(0, str(ROOT))
        from bench.load import SETS

        for name, (database, sizes) in SETS.items():
            if args.set in ("all", name):
                prepare(database, sizes, force=args.force)
        return
    if args.rounds < 3:
        parser.error("--rounds must be at least 3: ranking, past and open rounds")
    sizes = Sizes(
        bids=args.bids,
        rounds=args.rounds,
        assessors_per_bid=args.assessors_per_bid,
        awards=args.awards,
        contracts=args.contracts,
        quarters=args.quarters,
        drafts=args.drafts,
        seed=args.seed,
    )
    prepare(args.database, sizes, force=args.force)


if __name__ == "__main__":
    main()
