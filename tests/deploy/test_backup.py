"""Backups restore (issue 19): deploy/backup.sh dumps the database and tars the uploads
exactly as the compose `backup` service does, deploy/restore.sh puts both back into a
scratch database and folder, and every table has the same number of rows afterwards."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from tests.factories import MembershipFactory, OrganisationFactory

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DAY = 24 * 3600


def _run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(DEPLOY / script), *args],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TZ": "UTC", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _log_messages(result: subprocess.CompletedProcess) -> list[str]:
    """Every line the scripts print is a JSON object; return their messages."""
    return [json.loads(line)["message"] for line in result.stdout.splitlines() if line]


def _database_url(name: str) -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(name, safe='')}"


def _row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname, tablename FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        tables = cursor.fetchall()
        counts = {}
        for schema, table in tables:
            cursor.execute(
                sql.SQL("SELECT count(*) FROM {}.{}").format(
                    sql.Identifier(schema), sql.Identifier(table)
                )
            )
            counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def scratch_database():
    """A new, empty database on the test server, dropped afterwards whatever happens."""
    name = f"restore_check_{uuid.uuid4().hex[:10]}"
    maintenance = _database_url("postgres")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _database_url(name)
    finally:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "applications" / "a1b2").mkdir(parents=True)
    (folder / "applications" / "a1b2" / "constitution.pdf").write_bytes(b"%PDF-1.7\n" + bytes(5000))
    (folder / "letters").mkdir()
    (folder / "letters" / "MSCF-R8-0004-award-letter.pdf").write_bytes(b"%PDF-1.7 letter")
    return folder


def _backup(tmp_path: Path, uploads: Path, database_url: str, keep_days: int = 14):
    return _run(
        "backup.sh",
        env={
            "DATABASE_URL": database_url,
            "BACKUP_DIR": str(tmp_path / "backups"),
            "UPLOADS_DIR": str(uploads),
            "BACKUP_KEEP_DAYS": str(keep_days),
        },
    )


def _aged(path: Path, days: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"an older backup")
    then = time.time() - days * DAY
    os.utime(path, (then, then))
    return path


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_scratch_database_with_every_row_and_upload(
    tmp_path, uploads, scratch_database
):
    # Rows of our own, committed so that pg_dump (another connection) sees them, on top of
    # what the migrations load.
    for organisation in OrganisationFactory.create_batch(3):
        MembershipFactory.create_batch(2, organisation=organisation)
    test_database = _database_url(connection.settings_dict["NAME"])
    backups = tmp_path / "backups"
    expired = [
        _aged(backups / "db" / "grants-20000101T023000Z.dump", 15),
        _aged(backups / "uploads" / "uploads-20000101T023000Z.tar.gz", 15),
    ]
    kept = _aged(backups / "db" / "grants-20000102T023000Z.dump", 13)

    result = _backup(tmp_path, uploads, test_database)

    assert result.returncode == 0, result.stdout + result.stderr
    messages = _log_messages(result)
    assert messages[-1].startswith("Backup complete")
    (dump,) = [path for path in backups.glob("db/grants-*.dump") if path != kept]
    (tar,) = backups.glob("uploads/uploads-*.tar.gz")
    assert dump.read_bytes().startswith(b"PGDMP"), "pg_dump's custom format"
    assert (backups / "last-success").exists()
    assert not list(backups.rglob("*.partial"))
    assert not [path for path in expired if path.exists()], "backups past BACKUP_KEEP_DAYS go"
    assert kept.exists(), "backups within BACKUP_KEEP_DAYS stay"
    assert oct(dump.stat().st_mode & 0o777) == "0o600", "only the owner may read a backup"

    restored_uploads = tmp_path / "restored-uploads"
    result = _run(
        "restore.sh",
        str(dump),
        str(tar),
        env={"DATABASE_URL": scratch_database, "UPLOADS_DIR": str(restored_uploads)},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert _log_messages(result)[-1] == "Restore complete"
    original, restored = _row_counts(test_database), _row_counts(scratch_database)
    assert restored == original
    assert original["public.accounts_organisation"] >= 3
    assert len([count for count in original.values() if count]) >= 5
    assert _files(restored_uploads) == _files(uploads)


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_tables_unless_told_to_replace_them(
    tmp_path, uploads, scratch_database
):
    OrganisationFactory.create_batch(2)
    test_database = _database_url(connection.settings_dict["NAME"])
    assert _backup(tmp_path, uploads, test_database).returncode == 0
    (dump,) = (tmp_path / "backups").glob("db/grants-*.dump")
    assert _run("restore.sh", str(dump), env={"DATABASE_URL": scratch_database}).returncode == 0
    with psycopg.connect(scratch_database, autocommit=True) as conn:
        conn.execute("DELETE FROM accounts_membership")
        conn.execute("DELETE FROM accounts_organisation")

    refused = _run("restore.sh", str(dump), env={"DATABASE_URL": scratch_database})

    assert refused.returncode == 1
    assert "Restore into a new, empty database, or give --replace" in _log_messages(refused)[-1]
    assert _row_counts(scratch_database)["public.accounts_organisation"] == 0

    replaced = _run("restore.sh", "--replace", str(dump), env={"DATABASE_URL": scratch_database})

    assert replaced.returncode == 0, replaced.stdout + replaced.stderr
    assert _row_counts(scratch_database) == _row_counts(test_database)


@pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs pg_dump (postgresql-client)")
def test_a_failed_backup_leaves_no_file_that_looks_like_one_and_deletes_nothing(tmp_path, uploads):
    backups = tmp_path / "backups"
    old = _aged(backups / "db" / "grants-20000101T023000Z.dump", 30)

    result = _backup(tmp_path, uploads, "postgres://nobody@127.0.0.1:9/no_such_database")

    assert result.returncode != 0
    assert [path.name for path in backups.rglob("*") if path.is_file()] == [old.name]
    assert not (backups / "last-success").exists()


def test_backup_refuses_a_bad_number_of_days(tmp_path, uploads):
    result = _backup(tmp_path, uploads, "postgres://unused/x", keep_days=0)
    assert result.returncode == 1
    assert _log_messages(result) == [
        "BACKUP_KEEP_DAYS is '0': give a whole number of days, 1 or more."
    ]


def test_the_nightly_loop_refuses_a_time_it_cannot_read():
    result = _run("backup-nightly.sh", env={"BACKUP_AT": "2.30am"})
    assert result.returncode == 1
    assert _log_messages(result) == ["BACKUP_AT is '2.30am': give a time like 02:30."]
