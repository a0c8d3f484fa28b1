#!/usr/bin/env bash
# Every test, unit and integration, against a real engine and real registries: provisions what is
# missing (scripts/provision.sh), builds, runs `swift test`, and removes the images the tests made.
# Extra arguments go to `swift test` (e.g. --filter TagRules).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/scripts/provision.sh" --for-tests

remove_test_leftovers() {
  # Images the integration tests built (their names start with workflows-it-), and their app copies.
  local images
  images=$(docker image ls --quiet --filter 'reference=workflows-it-*' 2>/dev/null | sort -u)
  [ -z "$images" ] || docker image rm --force $images >/dev/null 2>&1 || true
  rm -rf "${TMPDIR:-/tmp}"/workflows-it-* "${TMPDIR:-/tmp}"/workflows-unit-* 2>/dev/null || true
}
remove_test_leftovers

# The CI files are code too: GitHub's workflow schema and zizmor, no findings.
"$root/scripts/lint-ci.sh"

set +e
swift build --build-tests 2>&1 | grep -v -e '^\[[0-9]*/[0-9]*\]' -e '^Compiling' -e '^Write '
build=${PIPESTATUS[0]}
[ "$build" -eq 0 ] || { echo "test: swift build failed (exit $build); its errors are above" >&2; exit "$build"; }
# The TOML decoder against toml-test's TOML 1.0.0 suite (fetched from PyPI, pinned by hash).
"$root/scripts/toml-test.sh" || { echo "test: the TOML decoder failed toml-test" >&2; exit 1; }
# A hang guard, not a speed check: a stuck test fails the run instead of holding CI for its 90 minutes.
guarded_swift_test() {
  timeout --signal=INT --kill-after=30 1500 swift test --skip-build "$@" 2>&1 | grep -v -e '^◇ ' -e '^↳ '
  local status=${PIPESTATUS[0]}
  [ "$status" -ne 124 ] || echo "test: swift test did not finish within 25 minutes" >&2
  return "$status"
}

# The engine suites of the sample projects (each builds images and installs tools, mostly waiting on the
# engine and the network) run in a second `swift test` beside the rest: the engine tests are serialized
# within a process, and these suites check only what their own runs left (Harness.leftovers(of:)).
samples='IntegrationTests\.EngineTests/(ProjectShapes|ImageShapes|Podman|CIFormats|HealthProbes)/'
only_reports=1
for argument in "$@"; do
  case "$argument" in --xunit-output|*.xml) ;; *) only_reports= ;; esac
done
if [ -n "$only_reports" ]; then
  # `--xunit-output FILE`, if given, names the first process's report; the second writes FILE-samples.xml.
  second=()
  for argument in "$@"; do
    case "$argument" in *.xml) second+=("${argument%.xml}-samples.xml") ;; *) second+=("$argument") ;; esac
  done
  samples_log=$(mktemp "${TMPDIR:-/tmp}/workflows-test-samples.XXXXXX")
  guarded_swift_test --filter "$samples" "${second[@]}" >"$samples_log" 2>&1 &
  samples_pid=$!
  guarded_swift_test --skip "$samples" "$@"
  status=$?
  wait "$samples_pid"
  samples_status=$?
  echo "test: the sample projects' engine suites (run beside the rest):"
  cat "$samples_log"
  rm -f "$samples_log"
  [ "$status" -ne 0 ] || status=$samples_status
else
  guarded_swift_test "$@"
  status=$?
fi
set -e
remove_test_leftovers
exit "$status"
