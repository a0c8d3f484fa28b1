# Timing helpers that benchmarks/run.sh and benchmarks/services.sh source. They need $logs (a folder).

now() { if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi; }

# timed LOGNAME COMMAND...: runs it with its output in $logs/LOGNAME.log, sets $elapsed (seconds).
# A failure prints that output and aborts the benchmark.
seq_no=0
timed() {
  local name=$1 start end status=0
  shift
  seq_no=$((seq_no + 1))
  local log
  log=$logs/$(printf '%02d' "$seq_no")-$name.log
  start=$(now)
  "$@" >"$log" 2>&1 || status=$?
  end=$(now)
  elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  if [ "$status" -ne 0 ]; then
    cat "$log" >&2
    echo "FAILED (exit $status after ${elapsed}s): $* -- output above and in $log" >&2
    exit 1
  fi
  printf '  %-34s %6ss\n' "$name" "$elapsed"
}

# median FORMAT VALUE...: the median, printed with the awk format (%.1f for seconds, %.2f for ratios).
median() {
  local format=$1
  shift
  printf '%s\n' "$@" | sort -n | awk -v f="$format" '{ v[NR] = $1 }
    END { m = int((NR + 1) / 2); printf f, (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'
}
