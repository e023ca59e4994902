"""Quiet speech in a noisy room keeps its words.

A hoarse, quiet speaker (cold_corpus) with pink noise at -40 dBFS added speaks under the speech
threshold that pauses are found with. Words there are not text over silence: half of them were
dropped as such until the over-silence check asked only for audible sound.
"""

from __future__ import annotations

import pytest

from mockloop.analysis.eval import Method

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("noise_dbfs", [-45.0, -40.0])
def test_a_quiet_speaker_in_pink_noise_keeps_most_of_the_words_heard_without_it(SHARED_AUDIO, analyzer, eval_method, noise_dbfs):  # noqa: N803
    path = SHARED_AUDIO / "mfa_monologues" / "cold_corpus.wav"
    quiet_words = eval_method().run(path)[0]
    noisy_words = Method("mockloop in a noisy room", analyzer, noise_dbfs=noise_dbfs).run(path)[0]
    assert len(noisy_words) >= 0.8 * len(quiet_words), " ".join(w.text for w in noisy_words)
