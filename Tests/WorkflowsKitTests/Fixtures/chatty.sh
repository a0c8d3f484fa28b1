#!/bin/sh
# Writes $1 KiB to stdout and to stderr, interleaved, then exits with $2: more than any pipe buffer holds.
kib=${1:-2048}
i=0
line=$(printf '%1023s' '' | tr ' ' 'x')
while [ "$i" -lt "$kib" ]; do
  echo "$line"
  echo "$line" >&2
  i=$((i + 1))
done
exit "${2:-0}"
