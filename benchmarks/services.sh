#!/usr/bin/env bash
# What services cost: `workflows quality_pipeline` of a project with two services (Postgres and Redis:
# the sample Tests/Samples/services-postgres-redis) against the same project without them, in pairs on the
# same engine: one warm-up pair, then N timed pairs, the run without services first in odd pairs, the
# one with them first in even pairs.
# The project without services is a copy of the sample with [tool.workflows.services.*] and the
# environment that points at them removed, and its tests replaced by tests of the same code against
# in-memory stand-ins (the same test requirements, so both share the gate tools' cache).
# Per pair it prints the extra cost (with minus without) next to the services' own start time: the
# longest time from `docker run` to healthy of the services of the run, as its report.json shows it
# (`steps[].services[].secondsToHealthy`; the gates' and the health container's services start at once,
# with the build). The target (issue 19): the extra cost is at most the services' own start time.
# Every run must pass: a failed run aborts the benchmark and prints its output. Each run's output and
# report folder is kept in a log folder, whose path is printed.
#
# Usage: benchmarks/services.sh [--pairs N] [--workflows PATH]
# Needs the test service images workflows-test/postgres:15 and workflows-test/redis:7
# (scripts/provision.sh --for-tests). The images are named visits-bench-{services,plain}:latest and
# removed at the end.
set -euo pipefail

usage() { echo "usage: $0 [--pairs N] [--workflows PATH]" >&2; exit 64; }
pairs=3 workflows=
while [ $# -gt 0 ]; do
  case $1 in
    --pairs) [ $# -ge 2 ] || usage; pairs=$2; shift 2 ;;
    --workflows) [ $# -ge 2 ] || usage; workflows=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
[[ $pairs =~ ^[1-9][0-9]*$ ]] || { echo "--pairs needs a positive integer" >&2; usage; }

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export NO_COLOR=1
logs=$(mktemp -d "${TMPDIR:-/tmp}/workflows-bench-services.XXXXXX")
echo "logs: $logs"

if [ -n "$workflows" ]; then
  workflows=$(cd "$(dirname "$workflows")" && pwd)/$(basename "$workflows")
  [ -x "$workflows" ] || { echo "not an executable: $workflows" >&2; exit 1; }
else
  echo "building workflows (swift build -c release --product workflows)"
  swift build -c release --product workflows >"$logs/swift-build.log" 2>&1 \
    || { cat "$logs/swift-build.log" >&2; echo "swift build failed" >&2; exit 1; }
  workflows=$root/.build/release/workflows
fi
docker info >/dev/null 2>&1 || { echo "no engine answers 'docker info': run scripts/provision.sh" >&2; exit 1; }
for service_image in workflows-test/postgres:15 workflows-test/redis:7; do
  docker image inspect "$service_image" >/dev/null 2>&1 \
    || { echo "no $service_image on the engine: run scripts/provision.sh --for-tests" >&2; exit 1; }
done

# The two projects, each a git repository of its own (the tool labels images with their commit).
sample=$root/Tests/Samples/services-postgres-redis
projects=$(mktemp -d "${TMPDIR:-/tmp}/workflows-bench-services-projects.XXXXXX")
with=$projects/with-services without=$projects/without-services
cp -R "$sample" "$with"
cp -R "$sample" "$without"
# The sample's pyproject.toml without the workflows table and the services (they follow [tool.pytest...]).
awk '/^(# The tests need|\[tool\.workflows)/ { exit } { print }' "$sample/pyproject.toml" >"$without/pyproject.toml"
cat >"$without/tests/test_store.py" <<'EOF'
from typing import Any

from visits.store import Store


class Cursor:
    def __init__(self, rows: list[str]) -> None:
        self.rows = rows
        self.result: tuple[int, ...] | None = None

    def __enter__(self) -> "Cursor":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def execute(self, query: str, parameters: tuple[str, ...] = ()) -> None:
        if query.startswith("INSERT"):
            self.rows.append(parameters[0])
        elif query.startswith("SELECT"):
            self.result = (self.rows.count(parameters[0]),)

    def fetchone(self) -> tuple[int, ...] | None:
        return self.result


class Database:
    def __init__(self) -> None:
        self.rows: list[str] = []

    def cursor(self) -> Cursor:
        return Cursor(self.rows)

    def commit(self) -> None:
        return None


class Counter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def incr(self, name: str) -> int:
        self.counts[name] = self.counts.get(name, 0) + 1
        return self.counts[name]


def test_each_visit_is_a_row_and_a_count() -> None:
    store = Store(Database(), Counter())
    assert store.visit("/a") == 1
    assert store.visit("/a") == 2
    assert store.recorded("/a") == 2


def test_pages_are_counted_apart() -> None:
    store = Store(Database(), Counter())
    store.visit("/a")
    assert store.visit("/b") == 1
    assert store.recorded("/a") == 1
EOF
for project in "$with" "$without"; do
  (cd "$project" && git init --quiet --initial-branch=main && git add . \
    && git -c user.name=benchmark -c user.email=benchmark@localhost commit --quiet -m "The benchmark's copy") \
    || { echo "could not make the git repository $project" >&2; exit 1; }
done
grep -q 'tool.workflows' "$without/pyproject.toml" && { echo "the copy without services still names them" >&2; exit 1; }

with_image=visits-bench-services:latest without_image=visits-bench-plain:latest
VISITS_DB_PASSWORD=bench-$RANDOM$RANDOM
export VISITS_DB_PASSWORD
cleanup() {
  docker image rm "$with_image" "$without_image" >>"$logs/housekeeping.log" 2>&1 || true
  rm -rf "$projects"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=benchmarks/timing.sh
. "$root/benchmarks/timing.sh"

# started REPORT_JSON: "LONGEST PROBED EACH" of the services' times to healthy in a run's report: the
# longest of all, the longest of those not judged by TCP (a TCP probe runs in the project's image, so
# its first one waits for the build: its time to healthy is at least the build's), "-" when all are, and
# each as step/name=seconds,...; fails when the report lists none.
started() {
  python3 - "$1" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
times = [(step["name"], service["name"], service["secondsToHealthy"], service["probe"])
         for step in report["steps"] for service in step.get("services") or []
         if service.get("secondsToHealthy") is not None]
if not times:
    sys.exit(f"{sys.argv[1]} lists no service with its time to healthy")
step_names = {"assess_image_code": "gates", "assess_image_health": "health"}
each = ",".join(f"{step_names.get(step, step)}/{name}={seconds:.1f}" for step, name, seconds, _ in times)
probed = [seconds for _, _, seconds, probe in times if not probe.startswith("TCP")]
longest = max(seconds for _, _, seconds, _ in times)
print(f"{longest:.1f} {f'{max(probed):.1f}' if probed else '-'} {each}")
EOF
}

without_run() {
  timed "$1-without-services" "$workflows" -C "$without" --image "$without_image" \
    --report-dir "$logs/$1-without-services" quality_pipeline
  without_time=$elapsed
  docker image rm "$without_image" >>"$logs/housekeeping.log" 2>&1 || true
}
with_run() {
  timed "$1-with-services" "$workflows" -C "$with" --image "$with_image" \
    --report-dir "$logs/$1-with-services" quality_pipeline
  with_time=$elapsed
  docker image rm "$with_image" >>"$logs/housekeeping.log" 2>&1 || true
}
pair() { # pair LABEL FIRST: both runs, the one FIRST names (without or with) first
  if [ "$2" = without ]; then without_run "$1"; with_run "$1"; else with_run "$1"; without_run "$1"; fi
  read -r start_time probed_time each < <(started "$logs/$1-with-services/report.json") \
    || { echo "no services' start time in $logs/$1-with-services/report.json" >&2; exit 1; }
}

echo "warm-up pair, then $pairs pairs"
pair warmup without
withouts=() withs=() extras=() starts=() probeds=() rows=()
for i in $(seq 1 "$pairs"); do
  # Alternately first and second, so that neither gains from coming after the other.
  if [ $((i % 2)) -eq 1 ]; then pair "$i" without; else pair "$i" with; fi
  extra=$(awk -v a="$without_time" -v b="$with_time" 'BEGIN { printf "%.1f", b - a }')
  withouts+=("$without_time") withs+=("$with_time") extras+=("$extra") starts+=("$start_time")
  [ "$probed_time" = - ] || probeds+=("$probed_time")
  rows+=("| $i | $without_time | $with_time | $extra | $start_time | $probed_time | ${each//,/, } |")
done

echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, engine $(docker version --format '{{.Server.Version}}' 2>/dev/null)"
echo
echo "| pair | without services (s) | with services (s) | extra cost (s) | services' own start (s) | of those not probed by TCP (s) | each service's time to healthy (s) |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
extra=$(median %.1f "${extras[@]}") start=$(median %.1f "${starts[@]}")
echo
echo "Medians of $pairs: without $(median %.1f "${withouts[@]}") s, with $(median %.1f "${withs[@]}") s;" \
  "extra cost $extra s against the services' own start time of $start s:" \
  "$(awk -v e="$extra" -v s="$start" 'BEGIN { print (e <= s) ? "within the target (extra <= start)" : "over the target (extra > start)" }')."
if [ ${#probeds[@]} -gt 0 ]; then
  probed=$(median %.1f "${probeds[@]}")
  echo "Against the services not probed by TCP alone (their start does not wait for the build): $probed s," \
    "$(awk -v e="$extra" -v s="$probed" 'BEGIN { print (e <= s) ? "within" : "over" }')."
fi
cleanup
# What the runs could have left on the engine: the runs' labels (from their logs), their services' too.
# shellcheck disable=SC2013 # the labels are words
left=$(for label in $(grep -ho 'workflows\.run=[A-Za-z0-9]*' "$logs"/*.log | sort -u); do
    for scope in "" -services -health -wheels; do
      docker ps -aq --filter "label=$label$scope"; docker network ls -q --filter "label=$label$scope"
      docker volume ls -q --filter "label=$label$scope"
    done
  done | sort -u)
[ -z "$left" ] || echo "warning: left on the engine: ${left//$'\n'/ }" >&2
echo
echo "logs: $logs"
