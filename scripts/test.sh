#!/usr/bin/env bash
# Every test, unit and integration, against a real engine and real registries: provisions what is
# missing (scripts/provision.sh), builds, runs `swift test`, and removes the images the tests made.
# Extra arguments go to `swift test` (e.g. --filter TagRules).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# Provisioning (mostly downloads on a fresh machine: the BuildKit engine's packages) runs beside the build
# (mostly CPU); the tests wait for both.
provision_log=$(mktemp "${TMPDIR:-/tmp}/workflows-test-provision.XXXXXX")
"$root/scripts/provision.sh" --for-tests >"$provision_log" 2>&1 &
provision_pid=$!

# The build-related engine suites run a second time on the other builder (the recipe of this pair is in
# docs/testing.md#buildkit): on an engine that builds with BuildKit, its legacy builder (DOCKER_BUILDKIT=0);
# on one with the legacy builder (Debian 12's Docker 20.10), the BuildKit engine that provisioning starts
# beside it, with its own CLI config folder (the buildx plugin) and registries.
bk_environment=(DOCKER_HOST=unix:///run/docker-bk.sock DOCKER_CONFIG=/var/lib/docker-bk-cli
  WORKFLOWS_TEST_REGISTRY=127.0.0.1:45100 WORKFLOWS_TEST_AUTH_REGISTRY=127.0.0.1:45101)
# Decided once provisioning is done: with a CLI older than 23 the rule asks the engine (scripts/builder.sh).
# shellcheck source=scripts/builder.sh
. "$root/scripts/builder.sh"
choose_other_builder() {
  if builds_with_buildkit; then
    other_builder=(DOCKER_BUILDKIT=0)
    other_builder_name="the legacy builder (DOCKER_BUILDKIT=0)"
  else
    other_builder=("${bk_environment[@]}")
    other_builder_name="BuildKit (the engine on /run/docker-bk.sock)"
  fi
}

remove_test_leftovers() {
  # Images the integration tests built (their names start with workflows-it-), and their app copies.
  local images environment
  for environment in "" "${other_builder[*]}"; do
    # shellcheck disable=SC2086 # a list of NAME=value words
    images=$(env $environment docker image ls --quiet --filter 'reference=workflows-it-*' 2>/dev/null | sort -u)
    # shellcheck disable=SC2086
    [ -z "$images" ] || env $environment docker image rm --force $images >/dev/null 2>&1 || true
  done
  rm -rf "${TMPDIR:-/tmp}"/workflows-it-* "${TMPDIR:-/tmp}"/workflows-unit-* 2>/dev/null || true
}

set +e
# The CI files are code too: GitHub's workflow schema and zizmor, no findings. On findings, provisioning is
# waited for before the exit, so that it never goes on unseen behind a second run of this script.
"$root/scripts/lint-ci.sh"
linted=$?
if [ "$linted" -ne 0 ]; then
  wait "$provision_pid"
  cat "$provision_log" >&2
  rm -f "$provision_log"
  echo "test: scripts/lint-ci.sh found problems (exit $linted); they are above" >&2
  exit "$linted"
fi
swift build --build-tests 2>&1 | grep -v -e '^\[[0-9]*/[0-9]*\]' -e '^Compiling' -e '^Write '
build=${PIPESTATUS[0]}
wait "$provision_pid"
provisioned=$?
cat "$provision_log" >&2
rm -f "$provision_log"
[ "$provisioned" -eq 0 ] || { echo "test: scripts/provision.sh --for-tests failed (exit $provisioned); its output is above" >&2; exit "$provisioned"; }
[ "$build" -eq 0 ] || { echo "test: swift build failed (exit $build); its errors are above" >&2; exit "$build"; }
choose_other_builder
remove_test_leftovers
# The TOML decoder against toml-test's TOML 1.0.0 suite (fetched from PyPI, pinned by hash).
"$root/scripts/toml-test.sh" || { echo "test: the TOML decoder failed toml-test" >&2; exit 1; }
# A hang guard, not a speed check: a stuck test fails the run instead of holding CI for its 90 minutes.
# `--ignore-lock`: SwiftPM locks `.build` for each `swift test`, which made the processes below run one after
# another (measured: 557 s, then 560 s, then the third); with `--skip-build` none of them writes to it.
# `--foreground`: without it each `timeout` leads a process group of its own, which a Ctrl-C to this script
# never reaches (the tests went on for their 15 minutes, the two beside the first too); with it the signal
# reaches `swift test` as in a terminal. The hang guard loses nothing: SwiftPM runs the test binary in a
# group of its own either way, and stops it on SIGINT.
guarded_swift_test() {
  timeout --foreground --signal=INT --kill-after=30 1500 swift test --skip-build --ignore-lock "$@" 2>&1 | grep -v -e '^◇ ' -e '^↳ '
  local status=${PIPESTATUS[0]}
  [ "$status" -ne 124 ] || echo "test: swift test did not finish within 25 minutes" >&2
  return "$status"
}

# The engine suites of the sample projects (each builds images and installs tools, mostly waiting on the
# engine and the network) run in a second `swift test` beside the rest: the engine tests are serialized
# within a process, and these suites check only what their own runs left (Harness.leftovers(of:)).
samples='IntegrationTests\.EngineTests/(ProjectShapes|ImageShapes|Podman|CIFormats|HealthProbes)/'
# The engine suites that build, assess, prove healthy, publish and report, and the BuildKit sample: in a
# third `swift test` on the other builder. That process also runs the release binary's suite, and only it
# does: the suite builds `-c release` first (a minute or two of CPU), and this process ends minutes before
# the others.
release_build='IntegrationTests\.EngineTests/ReleaseBuild/'
builds='IntegrationTests\.EngineTests/(Image|Health|Pipeline|Publish|Reports|RemoteEngine|Builds|ReleaseBuild)/'
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
  third=()
  for argument in "$@"; do
    case "$argument" in *.xml) third+=("${argument%.xml}-other-builder.xml") ;; *) third+=("$argument") ;; esac
  done
  samples_log=$(mktemp "${TMPDIR:-/tmp}/workflows-test-samples.XXXXXX")
  guarded_swift_test --filter "$samples" "${second[@]}" >"$samples_log" 2>&1 &
  samples_pid=$!
  builds_log=$(mktemp "${TMPDIR:-/tmp}/workflows-test-builds.XXXXXX")
  (export "${other_builder[@]}"; guarded_swift_test --filter "$builds" "${third[@]}") >"$builds_log" 2>&1 &
  builds_pid=$!
  guarded_swift_test --skip "$samples" --skip "$release_build" "$@"
  status=$?
  wait "$samples_pid"
  samples_status=$?
  wait "$builds_pid"
  builds_status=$?
  echo "test: the sample projects' engine suites (run beside the rest):"
  cat "$samples_log"
  echo "test: the build-related engine suites on $other_builder_name (run beside the rest):"
  cat "$builds_log"
  rm -f "$samples_log" "$builds_log"
  [ "$status" -ne 0 ] || status=$samples_status
  [ "$status" -ne 0 ] || status=$builds_status
else
  guarded_swift_test "$@"
  status=$?
fi
set -e
remove_test_leftovers
exit "$status"
