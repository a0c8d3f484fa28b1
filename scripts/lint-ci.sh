#!/usr/bin/env bash
# Lints the GitHub Actions workflows in .github/workflows/ and fails on any finding:
#   1. check-jsonschema against its bundled GitHub workflow schema (structure, keys, types);
#   2. zizmor --offline (unpinned actions, persisted credentials, broad permissions, template injection...).
# Both come from PyPI at the pinned versions below, into a venv that is reused: once it holds them,
# nothing is downloaded, so a second run needs no network. Environment: TMPDIR (venv under it).
set -euo pipefail
cd "$(dirname "$0")/.."

pins="check-jsonschema==0.39.0 zizmor==1.32.0"
venv=${TMPDIR:-/tmp}/workflows-lint-venv

# The stamp records the pins the venv was filled with; a change of pins reinstalls.
if [ "$(cat "$venv/.pins" 2>/dev/null)" != "$pins" ]; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  # shellcheck disable=SC2086 # $pins is a list of requirements
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $pins
  echo "$pins" > "$venv/.pins"
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
[ ${#workflows[@]} -gt 0 ] || { echo "lint-ci: no workflow in .github/workflows/" >&2; exit 1; }

status=0
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}" || status=1
"$venv/bin/zizmor" --offline --quiet .github/workflows/ || status=1
[ "$status" -eq 0 ] && echo "lint-ci: ${#workflows[@]} workflow(s), no findings" >&2
exit "$status"
