#!/usr/bin/env bash
# Restore a backup made by backup.sh: the database from a .dump and, if given, the uploads
# from a .tar.gz. README, "Backups and restore", has the whole procedure (stop web, worker
# and beat first).
#
#   restore.sh [--replace] DUMP [UPLOADS_TAR]
#
#   DATABASE_URL  the database to restore into. It must be empty (a new database), unless
#                 --replace is given: then everything in it is dropped and replaced by the
#                 backup, in one transaction (on any error nothing changes).
#   UPLOADS_DIR   where the uploads go; default /data/uploads. Files in the backup are
#                 written over files of the same name; other files are left alone.
#
# tests/deploy/test_backup.py restores the test database's backup into a scratch database
# with this script and compares every table's row count.
set -euo pipefail

log() {
  local level=$1 message=${2//\\/\\\\}
  message=${message//\"/\\\"}
  printf '{"time": "%s", "level": "%s", "logger": "restore", "message": "%s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$level" "$message"
}
fail() {
  log ERROR "$1"
  exit 1
}

replace=""
if [[ ${1:-} == --replace ]]; then
  replace=1
  shift
fi
[[ $# -ge 1 && $# -le 2 ]] || fail "Usage: restore.sh [--replace] DUMP [UPLOADS_TAR]"
dump=$1
uploads=${2:-}
[[ -n ${DATABASE_URL:-} ]] || fail "DATABASE_URL is not set: give the database to restore into."
[[ -f $dump ]] || fail "There is no database backup at $dump."
# Read the whole archive once, so a damaged backup is refused before anything changes.
pg_restore --file=/dev/null "$dump" || fail "$dump is damaged or not a database backup made by backup.sh."
if [[ -n $uploads ]]; then
  [[ -f $uploads ]] || fail "There is no uploads backup at $uploads."
  tar --list --gzip --file="$uploads" >/dev/null || fail "$uploads is not an uploads backup."
fi

psql=(psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --dbname="$DATABASE_URL")
tables=$("${psql[@]}" --tuples-only --no-align --command \
  "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [[ $tables != 0 && -z $replace ]]; then
  fail "The database already has $tables tables. Restore into a new, empty database, or give --replace to drop everything in it and restore the backup."
fi

# One transaction, committed only once pg_restore has produced every statement: a failure
# at any point leaves the database as it was.
restore_sql() {
  echo "BEGIN;"
  if [[ -n $replace ]]; then
    echo "DROP SCHEMA public CASCADE;"
    echo "CREATE SCHEMA public;"
  fi
  pg_restore --no-owner --no-privileges --file=- "$dump" || return 1
  echo "COMMIT;"
}
log INFO "Restoring the database from $dump"
restore_sql | "${psql[@]}" >/dev/null || fail "The restore failed (see above); the database is as it was."

if [[ -n $uploads ]]; then
  log INFO "Restoring the uploads from $uploads into ${UPLOADS_DIR:-/data/uploads}"
  mkdir -p "${UPLOADS_DIR:-/data/uploads}"
  tar --extract --gzip --file="$uploads" --directory="${UPLOADS_DIR:-/data/uploads}"
fi
log INFO "Restore complete"
