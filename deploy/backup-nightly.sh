#!/usr/bin/env bash
# The compose `backup` service: a backup when it starts, then one every day at BACKUP_AT
# (HH:MM, in the container's TZ, Europe/London). A failed backup is logged and tried
# again at the next time; the service's health check turns unhealthy once the last good
# backup is more than 26 hours old.
set -uo pipefail
here=$(dirname "$0")
at=${BACKUP_AT:-02:30}
if ! [[ $at =~ ^([01][0-9]|2[0-3]):[0-5][0-9]$ ]]; then
  echo "{\"level\": \"ERROR\", \"logger\": \"backup\", \"message\": \"BACKUP_AT is '$at': give a time like 02:30.\"}"
  exit 1
fi
sleeper=""
trap '[[ -z $sleeper ]] || kill "$sleeper" 2>/dev/null; exit 0' TERM INT

while true; do
  bash "$here/backup.sh" ||
    echo "{\"level\": \"ERROR\", \"logger\": \"backup\", \"message\": \"The backup failed; the next try is at $at.\"}"
  now=$(date +%s)
  next=$(date -d "today $at" +%s)
  ((next > now)) || next=$(date -d "tomorrow $at" +%s)
  sleep $((next - now)) &
  sleeper=$!
  wait "$sleeper"
done
