#!/usr/bin/env bash
# Set up mockloop: system libraries, a .venv, and the package at the versions in constraints.txt.
# Usage: scripts/setup.sh [demo|test]   (test also installs the PulseAudio server the tests start)
# Safe to run again: it only does what is missing.
#
# Tested on Debian/Ubuntu (installs what is missing when run as root). On macOS (Homebrew),
# Fedora, Arch and openSUSE it checks the same needs and names the command that installs them.
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="${1:-demo}"
# Debian/Ubuntu package names; other platforms are mapped in missing_elsewhere below.
packages=(espeak-ng sox libportaudio2 python3-venv)
if [ "$purpose" = "test" ]; then
  packages+=(pulseaudio pulseaudio-utils libasound2-plugins chromium)
  # accuracy eval and tests: real read speech with transcripts, audio with no speech, flite voices
  packages+=(pocketsphinx-testdata codec2-examples flite)
fi

platform() {
  case "$(uname -s)" in
    Darwin) echo macos; return ;;
    Linux) ;;
    *) echo unknown; return ;;
  esac
  if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then echo debian
  elif command -v dnf >/dev/null 2>&1; then echo fedora
  elif command -v pacman >/dev/null 2>&1; then echo arch
  elif command -v zypper >/dev/null 2>&1; then echo suse
  else echo unknown
  fi
}

has_portaudio() {
  python3 -c "import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library('portaudio') else 1)" 2>/dev/null
}

# What is missing on a platform other than Debian, as that platform's package names.
missing_elsewhere() {
  local os="$1" need=()
  case "$os" in
    macos)
      # pyttsx3 speaks through macOS's own voice (NSSpeechSynthesizer): no espeak-ng needed.
      has_portaudio || need+=(portaudio)
      ;;
    fedora | suse)
      command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
      has_portaudio || need+=(portaudio)
      [ "$purpose" = "test" ] && { command -v pulseaudio >/dev/null 2>&1 || need+=(pulseaudio pulseaudio-utils); command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium); }
      ;;
    arch)
      command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
      has_portaudio || need+=(portaudio)
      [ "$purpose" = "test" ] && { command -v pulseaudio >/dev/null 2>&1 || need+=(pulseaudio); command -v chromium >/dev/null 2>&1 || need+=(chromium); }
      ;;
    *)
      command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
      has_portaudio || need+=(portaudio)
      ;;
  esac
  echo "${need[*]}"
}

install_hint() {
  local os="$1" pkgs="$2"
  case "$os" in
    macos) echo "brew install $pkgs   (Homebrew: https://brew.sh)" ;;
    fedora) echo "sudo dnf install -y $pkgs" ;;
    arch) echo "sudo pacman -S --needed $pkgs" ;;
    suse) echo "sudo zypper install -y $pkgs" ;;
    *) echo "your package manager's packages for: $pkgs (PortAudio's shared library and the espeak-ng speech engine)" ;;
  esac
}

os="$(platform)"
if ! python3 -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)" 2>/dev/null; then
  case "$os" in
    macos) hint="brew install python@3.12" ;;
    *) hint="install Python 3.11 or newer from your package manager or python.org" ;;
  esac
  echo "setup: mockloop needs Python 3.11 or newer as python3; $hint" >&2
  exit 1
fi

if [ "$os" = "debian" ]; then
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
    if [ "$(id -u)" = "0" ]; then
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
else
  need="$(missing_elsewhere "$os")"
  if [ -n "$need" ]; then
    echo "setup: mockloop needs: $need" >&2
    echo "setup: install with: $(install_hint "$os" "$need")" >&2
    exit 1
  fi
  if [ "$purpose" = "test" ] && [ "$os" = "macos" ]; then
    echo "setup: note: the audio I/O tests need a PulseAudio server (Linux); on macOS run them in CI or a Linux VM" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi

# Reinstall when the dependencies or their pinned versions change.
stamp=.venv/.mockloop-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  echo "setup: installing mockloop and its Python packages (versions from constraints.txt) into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
  touch "$stamp"
fi
