#!/usr/bin/env bash
# Runs toml-test's TOML 1.0.0 decoder cases (its tests/files-toml-1.0.0 list) against our toml-decoder,
# judging them as toml-test does:
#   valid:   exit 0, nothing on stderr, and JSON equal to the case's .json (same keys and type tags;
#            floats compared as numbers, nan to nan; date-times compared as instants, as Go's time.Parse reads them;
#            other values as strings, booleans case-insensitively);
#   invalid: exit 1 with a message on stderr.
# The suite is toml-test v2.1.0 as the tomlkit 0.15.2 sdist on PyPI carries it (tests/toml-test), fetched with pip
# into .build-toml-test/ (gitignored) and checked against a pinned hash; none of its files are committed.
# Pass a toml-test checkout's folder as $1 (or TOML_TEST_DIR) to use that instead.
# Prints `toml-test: N passed, M failed` and exits 1 on any failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

sdist_version=0.15.2
sdist_sha256=83e32755ba1d20d9340bd069ee97e9f6232ba2346b63ffcba425de01f7e327a6
work="$root/.build-toml-test"
suite=${1:-${TOML_TEST_DIR:-}}

if [ -z "$suite" ]; then
  sdist="$work/tomlkit-$sdist_version.tar.gz"
  suite="$work/toml-test"
  if [ ! -f "$suite/tests/files-toml-1.0.0" ]; then
    mkdir -p "$work"
    if [ ! -f "$sdist" ]; then
      echo "toml-test: fetching tomlkit $sdist_version's sdist from PyPI for its copy of toml-test" >&2
      python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$work" "tomlkit==$sdist_version"
    fi
    echo "$sdist_sha256  $sdist" | sha256sum --check --quiet - \
      || { echo "toml-test: $sdist does not have the pinned hash" >&2; exit 2; }
    rm -rf "$suite" "$work/unpacked"
    mkdir -p "$work/unpacked"
    tar -xzf "$sdist" -C "$work/unpacked" "tomlkit-$sdist_version/tests/toml-test/tests" "tomlkit-$sdist_version/tests/toml-test/CHANGELOG.md"
    mv "$work/unpacked/tomlkit-$sdist_version/tests/toml-test" "$suite"
    rm -rf "$work/unpacked"
  fi
fi
[ -f "$suite/tests/files-toml-1.0.0" ] || { echo "toml-test: no tests/files-toml-1.0.0 under $suite" >&2; exit 2; }
version=$(grep -m1 -o '^v[0-9][0-9.]*' "$suite/CHANGELOG.md" 2>/dev/null || echo "unknown version")

swift build --product toml-decoder 2>&1 | grep -v -e '^\[[0-9]*/[0-9]*\]' -e '^Compiling' -e '^Write ' >&2 || true
decoder="$(swift build --show-bin-path)/toml-decoder"
[ -x "$decoder" ] || { echo "toml-test: $decoder was not built" >&2; exit 2; }

echo "toml-test: suite $version, TOML 1.0.0 cases, decoder $decoder" >&2
exec python3 - "$suite/tests" "$decoder" <<'PYTHON'
import json, math, re, subprocess, sys, datetime

tests, decoder = sys.argv[1], sys.argv[2]
cases = [line.strip() for line in open(f"{tests}/files-toml-1.0.0") if line.strip().endswith(".toml")]

def is_value(m):
    return isinstance(m, dict) and len(m) == 2 and "type" in m and "value" in m

DATE = r"(\d{4})-(\d{2})-(\d{2})"
TIME = r"(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
PATTERNS = {
    "datetime": re.compile(f"^{DATE}T{TIME}(Z|[+-]\\d{{2}}:\\d{{2}})$"),
    "datetime-local": re.compile(f"^{DATE}T{TIME}$"),
    "date-local": re.compile(f"^{DATE}$"),
    "time-local": re.compile(f"^{TIME}$"),
}

def instant(kind, text):
    """Nanoseconds since an epoch, as Go's time.Parse with toml-test's layouts would compare them (or None)."""
    text = text.replace(" ", "T").replace("t", "T").replace("z", "Z")
    m = PATTERNS[kind].match(text)
    if not m:
        return None
    g = list(m.groups())
    days, clock, offset = 0, 0, 0
    try:
        if kind != "time-local":
            days = (datetime.date(int(g[0]), int(g[1]), int(g[2])) - datetime.date(1, 1, 1)).days
            g = g[3:]
        if kind == "date-local":
            return days * 86400 * 10**9
        hour, minute, second = int(g[0]), int(g[1]), int(g[2])
        if hour > 23 or minute > 59 or second > 59:
            return None
        frac = int((g[3] or "0")[:9].ljust(9, "0"))
        clock = (hour * 3600 + minute * 60 + second) * 10**9 + frac
        if kind == "datetime" and g[4] != "Z":
            sign = -1 if g[4][0] == "-" else 1
            offset = sign * (int(g[4][1:3]) * 3600 + int(g[4][4:6]) * 60) * 10**9
    except ValueError:
        return None
    return days * 86400 * 10**9 + clock - offset

def compare(want, have, key):
    """None if equal, else why not."""
    if isinstance(want, list):
        if not isinstance(have, list):
            return f"{key}: expected an array, got {json.dumps(have)}"
        if len(want) != len(have):
            return f"{key}: array lengths differ: expected {len(want)}, got {len(have)}"
        for i, (w, h) in enumerate(zip(want, have)):
            why = compare(w, h, f"{key}[{i}]")
            if why:
                return why
        return None
    if not isinstance(have, dict):
        return f"{key}: expected a table or value, got {json.dumps(have)}"
    if is_value(want) != is_value(have):
        return f"{key}: expected {'a value' if is_value(want) else 'a table'}, got {json.dumps(have)}"
    if is_value(want):
        wt, ht = want["type"], have["type"]
        if wt != ht:
            return f"{key}: expected type {wt}, got {ht}"
        if wt == "array":
            return compare(want["value"], have["value"], key)
        wv, hv = want["value"], have["value"]
        if not isinstance(hv, str):
            return f"{key}: value is not a string: {json.dumps(hv)}"
        if wt == "float":
            wl, hl = wv.lower(), hv.lower()
            if wl.endswith("nan") or hl.endswith("nan"):
                equal = wl.lstrip("+-") == hl.lstrip("+-")
            else:
                try:
                    equal = float(wl) == float(hl)
                except ValueError:
                    return f"{key}: not a float: {hv!r}"
        elif wt in PATTERNS:
            h = instant(wt, hv)
            if h is None:
                return f"{key}: not a {wt}: {hv!r}"
            equal = instant(wt, wv) == h
        elif wt == "bool":
            equal = wv.lower() == hv.lower()
        else:
            equal = wv == hv
        return None if equal else f"{key}: expected {wv!r}, got {hv!r}"
    for k in want:
        if k not in have:
            return f"{key}.{k}: missing from the decoder's output"
    for k in have:
        if k not in want:
            return f"{key}.{k}: not in the expected output"
    for k in want:
        why = compare(want[k], have[k], f"{key}.{k}" if key else k)
        if why:
            return why
    return None

counts = {"valid": [0, 0], "invalid": [0, 0]}
failures = []
for case in cases:
    kind = "invalid" if case.startswith("invalid/") else "valid"
    with open(f"{tests}/{case}", "rb") as f:
        data = f.read()
    try:
        run = subprocess.run([decoder], input=data, capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        why = "timed out"
    else:
        out, err = run.stdout.decode("utf-8", "replace"), run.stderr.decode("utf-8", "replace").strip()
        if kind == "invalid":
            if run.returncode == 1 and err:
                why = None
            elif run.returncode == 0:
                why = "expected an error, but the decoder accepted it: " + out.strip()[:300]
            else:
                why = f"exit status {run.returncode} (expected 1), stderr: {err[:300]}"
        elif run.returncode != 0 or err:
            why = f"exit status {run.returncode}: {err[:300]}"
        else:
            try:
                have = json.loads(out)
            except ValueError as e:
                why = f"output is not JSON ({e}): {out[:300]}"
            else:
                with open(f"{tests}/{case[:-5]}.json") as f:
                    want = json.load(f)
                why = compare(want, have, "")
    counts[kind][0 if why is None else 1] += 1
    if why is not None:
        failures.append(f"FAIL {case}: {why}")

for line in failures:
    print(line)
for kind in ("valid", "invalid"):
    passed, failed = counts[kind]
    print(f"toml-test {kind}: {passed} passed, {failed} failed, of {passed + failed}")
passed = sum(c[0] for c in counts.values())
failed = sum(c[1] for c in counts.values())
print(f"toml-test: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PYTHON
