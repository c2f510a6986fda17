#!/usr/bin/env bash
# One backup, now: the database (pg_dump, custom format) and the uploads folder (a tar),
# then backups older than BACKUP_KEEP_DAYS days are deleted. The compose `backup` service
# runs it at start and nightly (backup-nightly.sh); by hand:
#
#   docker compose run --rm backup bash /opt/deploy/backup.sh
#
# Environment:
#   DATABASE_URL      the database to dump (postgres://user:password@host:port/name)
#   BACKUP_DIR        where backups go: db/grants-<time>.dump, uploads/uploads-<time>.tar.gz
#                     and last-success (touched after a complete backup); default /backups
#   UPLOADS_DIR       the uploads folder to copy; default /data/uploads
#   BACKUP_KEEP_DAYS  how many days of backups to keep; default 14
#
# Restore with restore.sh. tests/deploy/test_backup.py runs both against the test database.
set -euo pipefail

log() {
  local level=$1 message=${2//\\/\\\\}
  message=${message//\"/\\\"}
  printf '{"time": "%s", "level": "%s", "logger": "backup", "message": "%s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$level" "$message"
}
fail() {
  log ERROR "$1"
  exit 1
}

[[ -n ${DATABASE_URL:-} ]] || fail "DATABASE_URL is not set: give the database to back up."
backup_dir=${BACKUP_DIR:-/backups}
uploads_dir=${UPLOADS_DIR:-/data/uploads}
keep_days=${BACKUP_KEEP_DAYS:-14}
[[ $keep_days =~ ^[1-9][0-9]*$ ]] ||
  fail "BACKUP_KEEP_DAYS is '$keep_days': give a whole number of days, 1 or more."
[[ -d $uploads_dir ]] || fail "The uploads folder $uploads_dir does not exist."

umask 077 # backups hold personal data: readable by their owner only
mkdir -p "$backup_dir/db" "$backup_dir/uploads"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dump="$backup_dir/db/grants-$stamp.dump"
uploads="$backup_dir/uploads/uploads-$stamp.tar.gz"
# Written under a temporary name and renamed once complete, so a failed run never leaves
# a file that looks like a backup.
trap 'rm -f "$dump.partial" "$uploads.partial"' EXIT

log INFO "Backing up the database to $dump"
pg_dump --format=custom --file="$dump.partial" --dbname="$DATABASE_URL"
pg_restore --file=/dev/null "$dump.partial" # the whole archive reads back
mv "$dump.partial" "$dump"

log INFO "Backing up the uploads in $uploads_dir to $uploads"
tar --create --gzip --file="$uploads.partial" --directory="$uploads_dir" .
mv "$uploads.partial" "$uploads"

touch "$backup_dir/last-success"

# Only after a complete backup: older ones go.
find "$backup_dir/db" "$backup_dir/uploads" -maxdepth 1 -type f \
  \( -name 'grants-*.dump' -o -name 'uploads-*.tar.gz' -o -name '*.partial' \) \
  -mmin +$((keep_days * 24 * 60)) -print -delete |
  while read -r old; do log INFO "Deleted $old (older than $keep_days days)"; done
log INFO "Backup complete: $(du -h "$dump" | cut -f1) database, $(du -h "$uploads" | cut -f1) uploads"
