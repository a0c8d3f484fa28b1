#!/usr/bin/env bash
# Lints the GitHub Actions workflows in .github/workflows/ and the CI templates in docs/ci/, and fails on any
# finding:
#   1. check-jsonschema against its bundled GitHub workflow schema (structure, keys, types);
#   2. zizmor --offline (unpinned actions, persisted credentials, broad permissions, template injection...);
#   3. check-jsonschema against its bundled GitLab CI and Azure Pipelines schemas for docs/ci/.gitlab-ci.yml and
#      docs/ci/azure-pipelines.yml (docs/ci/Jenkinsfile has no schema).
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

"$venv/bin/check-jsonschema" --builtin-schema vendor.gitlab-ci docs/ci/.gitlab-ci.yml || status=1
# Azure's schema (Microsoft's, as check-jsonschema bundles it) lists PublishCodeCoverageResults@2 among the
# task names but has no entry for its inputs, so it refuses every use of it: a copy with that entry (the
# inputs Microsoft documents for @2) checks the template. Its patterns are Python's, not ECMA's with /u.
azure_schema=$venv/azure-pipelines-with-coverage-v2.json
"$venv/bin/python" - "$azure_schema" <<'PY'
import json, sys
from importlib.resources import files
schema = json.loads(files("check_jsonschema").joinpath("builtin_schemas/vendor/azure-pipelines.json").read_text())
tasks = schema["definitions"]["task"]["anyOf"]
if not any("PublishCodeCoverageResults@2" in json.dumps(task.get("properties", {}).get("task", {})) for task in tasks):
    tasks.append({
        "properties": {
            "task": {"pattern": "^PublishCodeCoverageResults@2$"},
            "inputs": {
                "properties": {
                    "summaryFileLocation": {"type": "string"}, "pathToSources": {"type": "string"},
                    "failIfCoverageEmpty": {"type": "boolean"},
                },
                "additionalProperties": False,
                "required": ["summaryFileLocation"],
            },
        },
        "required": ["task", "inputs"],
    })
with open(sys.argv[1], "w", encoding="utf-8") as file:
    json.dump(schema, file)
PY
"$venv/bin/check-jsonschema" --regex-variant python --schemafile "$azure_schema" docs/ci/azure-pipelines.yml || status=1
[ "$status" -eq 0 ] && echo "lint-ci: ${#workflows[@]} workflow(s) and the docs/ci templates, no findings" >&2
exit "$status"
