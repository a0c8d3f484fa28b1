#!/usr/bin/env bash
# Times the original script's serial way (benchmarks/original-way.sh) against
# `workflows quality_pipeline` on the embedded app and the same engine, alternately: per mode one
# warm-up pair, then N timed pairs. Modes:
#   warm  the gate tools' cache (the volumes labelled `workflows.cache`) is left as it is;
#   cold  before each workflows run, the images and volumes labelled `workflows.cache` are removed,
#         untimed, so that the run installs the gates' tools again, as the original does.
# Then the time of `workflows build_dev_image assess_image_code` on the unchanged tree (one warm-up, N runs).
# Every run must pass: a failed run aborts the benchmark and prints its output. Each run's output is kept
# in a log folder, whose path is printed. Prints a Markdown table of medians, ratios and individual times.
#
# Usage: benchmarks/run.sh [--pairs N] [--mode warm|cold|both] [--workflows PATH]
# The workflows runs use the image name numbers-api-bench:latest (WORKFLOWS_BENCH_IMAGE), not the
# default, so that the benchmark does not replace anyone's numbers-api:latest; it is removed at the end.
set -euo pipefail

usage() { echo "usage: $0 [--pairs N] [--mode warm|cold|both] [--workflows PATH]" >&2; exit 64; }
pairs=3 mode=both workflows=
while [ $# -gt 0 ]; do
  case $1 in
    --pairs) [ $# -ge 2 ] || usage; pairs=$2; shift 2 ;;
    --mode) [ $# -ge 2 ] || usage; mode=$2; shift 2 ;;
    --workflows) [ $# -ge 2 ] || usage; workflows=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
[[ $pairs =~ ^[1-9][0-9]*$ ]] || { echo "--pairs needs a positive integer" >&2; usage; }
case $mode in warm) modes=(warm) ;; cold) modes=(cold) ;; both) modes=(warm cold) ;; *) usage ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export NO_COLOR=1
image=${WORKFLOWS_BENCH_IMAGE:-numbers-api-bench:latest}
logs=$(mktemp -d "${TMPDIR:-/tmp}/workflows-bench.XXXXXX")
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

# The IDs of the images the workflows runs built under $image: each is removed once a later run replaces
# it (untimed), and the last one at the end, with the tool's record that it passed.
built=()
forget_superseded() {
  local current id keep=()
  current=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  for id in "${built[@]}"; do
    [ "$id" = "$current" ] && continue
    docker image rm "$id" >>"$logs/housekeeping.log" 2>&1 || keep+=("$id")
  done
  [ -z "$current" ] || keep+=("$current")
  built=("${keep[@]}")
}
cleanup() {
  docker image rm "$image" >>"$logs/housekeeping.log" 2>&1 || true
  local id
  for id in "${built[@]}"; do docker image rm "$id" >>"$logs/housekeeping.log" 2>&1 || true; done
  local record
  record="$(git rev-parse --git-dir 2>/dev/null)/workflows/passed/${image//[^A-Za-z0-9.-]/_}.json"
  rm -f "$record"
  rmdir "$(dirname "$record")" "$(dirname "$(dirname "$record")")" 2>/dev/null || true # only when empty
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=benchmarks/timing.sh
. "$root/benchmarks/timing.sh"

drop_cache() {
  local ids
  ids=$(docker image ls -q --filter label=workflows.cache | sort -u)
  # shellcheck disable=SC2086 # one argument per ID
  [ -z "$ids" ] || docker image rm -f $ids >>"$logs/housekeeping.log" 2>&1 || true
  ids=$(docker volume ls -q --filter label=workflows.cache)
  # shellcheck disable=SC2086 # one argument per name
  [ -z "$ids" ] || docker volume rm -f $ids >>"$logs/housekeeping.log" 2>&1 || true
}

pair() { # pair MODE LABEL: one original run, then one workflows run
  timed "$1-$2-original" "$root/benchmarks/original-way.sh"
  original_time=$elapsed
  [ "$1" = cold ] && drop_cache
  timed "$1-$2-workflows" "$workflows" --image "$image" quality_pipeline
  workflows_time=$elapsed
  forget_superseded
}

rows=()
for m in "${modes[@]}"; do
  echo "mode $m: warm-up pair, then $pairs pairs"
  pair "$m" warmup
  originals=() workflowss=() ratios=()
  for i in $(seq 1 "$pairs"); do
    pair "$m" "$i"
    originals+=("$original_time") workflowss+=("$workflows_time")
    ratios+=("$(awk -v o="$original_time" -v w="$workflows_time" 'BEGIN { printf "%.2f", w / o }')")
  done
  o=$(median %.1f "${originals[@]}") w=$(median %.1f "${workflowss[@]}")
  ratio=$(awk -v o="$o" -v w="$w" 'BEGIN { printf "%.2f", w / o }')
  # The two runs of a pair share the machine's load of the moment: their ratio is the steadier figure.
  pair_ratio=$(median %.2f "${ratios[@]}")
  rows+=("| $m | $o | $w | $ratio | $pair_ratio | $pairs | ${originals[*]} | ${workflowss[*]} |")
done

echo "workflows build_dev_image assess_image_code on the unchanged tree: warm-up, then $pairs runs"
timed dev-warmup "$workflows" --image "$image" build_dev_image assess_image_code
forget_superseded
devs=()
for i in $(seq 1 "$pairs"); do
  timed "dev-$i" "$workflows" --image "$image" build_dev_image assess_image_code
  forget_superseded
  devs+=("$elapsed")
done

echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, engine $(docker version --format '{{.Server.Version}}' 2>/dev/null)"
echo
echo "| mode | original median (s) | workflows median (s) | workflows/original | median of pair ratios | N | original runs (s) | workflows runs (s) |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "\`workflows build_dev_image assess_image_code\` on an unchanged tree: median $(median %.1f "${devs[@]}") s of $pairs (runs: ${devs[*]} s)"
cleanup
# What the runs could have left on the engine: the workflows runs' labels (from their logs), the
# original way's containers and images, and the benchmark's image.
# shellcheck disable=SC2013 # the labels are words
left=$( (for label in $(grep -ho 'workflows\.run=[A-Za-z0-9]*' "$logs"/*.log | sort -u); do
    docker ps -aq --filter "label=$label"; docker image ls -aq --filter "label=$label"; done
  docker ps -aq --filter name=original-way-; docker image ls -q --filter reference=numbers-api-original-way
  docker image ls -q --filter reference="$image") | sort -u)
[ -z "$left" ] || echo "warning: left on the engine: ${left//$'\n'/ }" >&2
echo
echo "logs: $logs"
