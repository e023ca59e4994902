#!/usr/bin/env bash
# Set up mockloop on a Debian/Ubuntu machine: system libraries, a .venv, and the package.
# Usage: scripts/setup.sh [demo|test]   (test also installs the PulseAudio server the tests start)
# Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="${1:-demo}"
packages=(espeak-ng libportaudio2 python3-venv)
if [ "$purpose" = "test" ]; then
  packages+=(pulseaudio pulseaudio-utils libasound2-plugins chromium)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    # python3-venv may be satisfied by a Python that ships venv itself (pyenv, python.org builds).
    if [ "$pkg" = "python3-venv" ] && python3 -c "import venv, ensurepip" 2>/dev/null; then
      continue
    fi
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: mockloop needs these system packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi

stamp=.venv/.mockloop-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing mockloop and its Python packages into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
  touch "$stamp"
fi
