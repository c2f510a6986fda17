#!/usr/bin/env bash
# Start clamd with the test signatures only (CI and local runs; needs Debian's clamav-daemon).
# Prints the socket path; `export CLAMD_SOCKET=/tmp/scg-clamav/clamd.sock` points the
# service and the tests marked needs_clamav at it. Idempotent: an answering clamd is kept.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
base=/tmp/scg-clamav
socket="$base/clamd.sock"
answers() {
  [ -S "$socket" ] && python3 - "$socket" <<'PY' 2>/dev/null
import socket, sys
with socket.socket(socket.AF_UNIX) as s:
    s.settimeout(5)
    s.connect(sys.argv[1])
    s.sendall(b"zPING\0")
    sys.exit(0 if s.recv(64).startswith(b"PONG") else 1)
PY
}
if answers; then echo "$socket"; exit 0; fi
mkdir -p "$base/db" "$base/tmp"
cp "$here/test-signatures.ndb" "$base/db/"
rm -f "$socket"
clamd --config-file="$here/clamd-test.conf"
for _ in $(seq 1 60); do answers && break; sleep 1; done
answers || { echo "clamd did not start: see $base/clamd.log" >&2; exit 1; }
echo "$socket"
