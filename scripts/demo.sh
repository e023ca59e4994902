#!/usr/bin/env bash
# `make demo`: a complete mock interview on the embedded defaults.
# With a microphone and a terminal, you answer for real; otherwise the bundled sample answer plays
# the candidate through the same recording path.
set -euo pipefail
cd "$(dirname "$0")/.."
prompt=sd-robot-fleet-anomalies  # the bundled answer is about this fleet (audio_fixtures/sample_answer.json)
if [ -t 0 ] && .venv/bin/python -c "from mockloop.audio_io.devices import find_input_device; find_input_device(None)" >/dev/null 2>&1; then
  echo "demo: microphone found: answer out loud, press Enter when you are done."
  exec .venv/bin/mockloop interview --prompt "$prompt" --minutes 3
fi
echo "demo: no microphone (or no terminal): the bundled sample answer plays the candidate."
exec .venv/bin/mockloop interview --prompt "$prompt" --answer-audio audio_fixtures/sample_answer.flac --answer-speed 4
