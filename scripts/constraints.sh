#!/usr/bin/env bash
# Regenerate constraints.txt: the exact versions of every Python package mockloop installs, so a
# fresh machine (scripts/setup.sh, CI) gets the versions the tests passed with.
#
#   scripts/constraints.sh                 resolve afresh: a throw-away venv gets the newest versions
#                                          pyproject.toml allows (all extras), then they are frozen
#   scripts/constraints.sh --from VENV     freeze the packages of an existing venv (one the tests
#                                          passed in), e.g. --from .venv
#
# Then run the tests with the new file (`make test` reinstalls when constraints.txt changes) and
# commit it. `make constraints` runs the first form.
set -euo pipefail
cd "$(dirname "$0")/.."

out=constraints.txt
python=${PYTHON:-python3}
venv=""
cleanup=""
if [ "${1:-}" = "--from" ]; then
  venv="${2:?usage: scripts/constraints.sh [--from VENV]}"
  [ -x "$venv/bin/python" ] || { echo "constraints: $venv has no bin/python" >&2; exit 1; }
else
  venv="$(mktemp -d "${TMPDIR:-/tmp}/mockloop-constraints.XXXXXX")"
  cleanup="$venv"
  trap 'rm -rf "$cleanup"' EXIT
  # Every optional group in pyproject.toml, so the constraints cover what any extra installs.
  extras="$("$python" - <<'PY'
import tomllib
with open("pyproject.toml", "rb") as f:
    print(",".join(sorted(tomllib.load(f)["project"].get("optional-dependencies", {}))))
PY
)"
  echo "constraints: resolving mockloop[${extras}] in a fresh venv ($venv)"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[${extras}]"
fi

tmp="$(mktemp "${TMPDIR:-/tmp}/constraints.XXXXXX")"
{
  echo "# Exact versions the test suite passed with; used by scripts/setup.sh and CI (pip install -c)."
  echo "# Regenerate with scripts/constraints.sh (see its header), run the tests, commit. Python $("$venv/bin/python" -c 'import platform; print(platform.python_version())'), $(uname -s) $(uname -m)."
  # Not mockloop itself (editable), no comments pip adds, and no local-path installs.
  "$venv/bin/python" -m pip freeze --disable-pip-version-check --exclude-editable \
    | grep -v '^#' | grep -v ' @ file:' | grep -iv '^mockloop==' | LC_ALL=C sort -f
} >"$tmp"
count=$(grep -vc '^#' "$tmp")
if [ "$count" -lt 5 ]; then
  echo "constraints: only $count packages found in $venv; keeping the old $out" >&2
  rm -f "$tmp"
  exit 1
fi
mv "$tmp" "$out"
echo "constraints: wrote $count pinned packages to $out"
grep -i '^typer==' "$out" || true
