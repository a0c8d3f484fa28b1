#!/usr/bin/env bash
# The original `workflows` script's `quality_pipeline`, done its serial way on the embedded app, as the
# reference that benchmarks/run.sh times against the Swift tool. Written by us from
# /work/shared/docs/original-workflows.md (not the original's text):
#   1. `docker build --no-cache` of the image, with the commit/branch/version labels;
#   2. one container of it with the tests and gate configs bind-mounted into the app user's home, which
#      pip-installs requirements-test.txt, then runs black, isort, flake8, mypy and pytest one after
#      another (all five even when one fails, like `assess_code`);
#   3. the image started, its health polled every 2 s (10 tries) until `healthy`, then stopped;
# and it removes what it made (containers, image). Exits non-zero if any part fails.
#
# Adapted, only where the original cannot run as it is here:
#   - The image runs as the non-root user `thenumbers` with its packages in a root-owned venv
#     (/opt/venv), where `pip install` as that user is refused and `pip --user` is disabled. The test
#     requirements go to `--prefix ~/.local` instead, on PYTHONPATH: like the original's user install,
#     they land in the user's home and reuse what the image already has (click, packaging).
#   - No "root first, to install build tools": every tool ships wheels, and containers here reach no
#     Debian mirror. The container simply runs as the image's user.
#   - `app/pyproject.toml` is bind-mounted too: it holds black's and mypy's settings (line length 120,
#     strict), which the original kept elsewhere. The mounts are read-only, so the host stays clean.
#   - The gates run inline (`sh -c`), not by mounting the script itself and calling its `assess_code`.
#   - The health container: `docker run -d` (no `-it`: no terminal here) and a name unique to this run
#     instead of `test`, so that it cannot collide on a shared engine. The image gets a tag of its own.
# Unchanged: the gates' arguments are the original's (flake8 and mypy check the package only; the Swift
# tool also checks the tests), pip installs from scratch each run, the gates run serially.
#
# Usage: benchmarks/original-way.sh   (from anywhere; works on the repository it lives in)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
run_id="original-way-$$"
image="numbers-api-original-way:$$"
home=/home/thenumbers # the image's WORKDIR and its user's home, where the package is

# Remove what this run made, whatever happened (the containers are --rm, but not when interrupted).
# The engine may still be removing the stopped health container, which holds the image: retry a while.
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  local status=$?
  docker rm -f "$run_id-gates" "$run_id-health" >/dev/null 2>&1 || true
  for _ in $(seq 1 40); do
    docker image inspect "$image" >/dev/null 2>&1 || exit "$status"
    docker image rm "$image" >/dev/null 2>&1 && exit "$status"
    sleep 0.5
  done
  docker image rm "$image" >&2 || true
  echo "could not remove $image" >&2
  exit 1
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step() { printf '====\n= %s =\n====\n' "$1"; }

step build_ci_image
docker build --no-cache --force-rm --tag "$image" \
  --label "commit=$(git rev-parse HEAD)" \
  --label "branch=$(git rev-parse --abbrev-ref HEAD)" \
  --label "version=$(git describe --tags 2>/dev/null || echo unknown)" .

step assess_image_code
# Inside: install the test requirements as the app user, then the five gates, one after another.
# shellcheck disable=SC2016 # expanded in the container
gates='
set -u
python -m pip install --prefix "$HOME/.local" --no-warn-script-location -r requirements-test.txt || exit 1
export PYTHONPATH="$HOME/.local/lib/python$(python -c "import sys; print(\"%d.%d\" % sys.version_info[:2])")/site-packages"
failed=""
python -m black --check thenumbers tests || failed="$failed black"
python -m isort --check-only thenumbers tests || failed="$failed isort"
python -m flake8 thenumbers || failed="$failed flake8"
python -m mypy thenumbers || failed="$failed mypy"
python -m pytest tests || failed="$failed pytest"
[ -z "$failed" ] || { echo "failed gates:$failed" >&2; exit 1; }
'
docker run --rm --name "$run_id-gates" \
  -v "$root/app/tests:$home/tests:ro" \
  -v "$root/app/pyproject.toml:$home/pyproject.toml:ro" \
  -v "$root/.flake8:$home/.flake8:ro" \
  -v "$root/.isort.cfg:$home/.isort.cfg:ro" \
  -v "$root/requirements-test.txt:$home/requirements-test.txt:ro" \
  "$image" sh -c "$gates"

step assess_image_health
docker run -d --rm --name "$run_id-health" "$image" >/dev/null
for try in 1 2 3 4 5 6 7 8 9 10; do
  status=$(docker inspect --format '{{.State.Health.Status}}' "$run_id-health")
  echo "health: $status (try $try)"
  if [ "$status" = healthy ]; then
    docker stop "$run_id-health" >/dev/null
    exit 0
  fi
  sleep 2
done
docker logs "$run_id-health" >&2 || true
echo "the image did not become healthy in 20 s" >&2
exit 1
