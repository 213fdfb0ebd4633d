#!/usr/bin/env bash
# Lighthouse (mobile, the default) on the main screens of a running `afterline serve`:
# the sign-in page, a patient's Today, History and My recovery, and the practitioner's
# Patients and Alerts, signed in with the demo accounts (`afterline seed-demo`). Prints the
# four category scores and the JavaScript transferred per screen; the full reports go to
# $OUT (var/lighthouse). Not part of `make test`.
#
#   make run            # in another terminal: the demo clinic at http://127.0.0.1:8000
#   scripts/lighthouse.sh [base-url]
#
# Lighthouse is pinned in frontend/package.json (`npm ci` installs it) and drives Debian's
# Chromium (CHROME_PATH). Other accounts: PATIENT_EMAIL/PATIENT_PASSWORD and
# PRACTITIONER_EMAIL/PRACTITIONER_PASSWORD. The work is in frontend/scripts/lighthouse.mjs.
set -euo pipefail

BASE="${1:-${AFTERLINE_URL:-http://127.0.0.1:8000}}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${OUT:-$ROOT/var/lighthouse}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

[[ -d "$ROOT/frontend/node_modules/lighthouse" ]] || {
  echo "lighthouse is missing: cd frontend && npm ci" >&2
  exit 1
}
[[ -x "$CHROME_PATH" ]] || { echo "$CHROME_PATH is missing: make tools" >&2; exit 1; }
curl -fsS "${BASE%/}/api/health" >/dev/null || { echo "nothing answers at $BASE (make run?)" >&2; exit 1; }
mkdir -p "$OUT"
node "$ROOT/frontend/scripts/lighthouse.mjs" "$BASE" "$OUT"
echo "reports: $OUT"
