#!/usr/bin/env bash
# The wall-clock soak, too long for every test run (scripts/test.sh shows it as skipped): a health wait
# of ten minutes on the real engine, the run's descriptors counted as it goes
# (Tests/IntegrationTests/HealthSoakTests.swift). Provisions what is missing, builds, runs it; the
# nightly GitHub workflow (.github/workflows/soak.yml) calls this. Extra arguments go to `swift test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/scripts/provision.sh" --for-tests

set +e
swift build --build-tests 2>&1 | grep -v -e '^\[[0-9]*/[0-9]*\]' -e '^Compiling' -e '^Write '
build=${PIPESTATUS[0]}
[ "$build" -eq 0 ] || { echo "soak: swift build failed (exit $build); its errors are above" >&2; exit "$build"; }
# WORKFLOWS_SOAK=1 is what enables the suite; a hang guard above its own 13-minute limit.
WORKFLOWS_SOAK=1 timeout --signal=INT --kill-after=30 1200 \
  swift test --skip-build --filter HealthSoakTests "$@" 2>&1 | grep -v -e '^◇ ' -e '^↳ '
status=${PIPESTATUS[0]}
[ "$status" -ne 124 ] || echo "soak: swift test did not finish within 20 minutes" >&2
set -e
# Its image and app copies, as scripts/test.sh removes them.
images=$(docker image ls --quiet --filter 'reference=workflows-it-soak-*' 2>/dev/null | sort -u)
[ -z "$images" ] || docker image rm --force $images >/dev/null 2>&1 || true
rm -rf "${TMPDIR:-/tmp}"/workflows-it-soak-* 2>/dev/null || true
exit "$status"
