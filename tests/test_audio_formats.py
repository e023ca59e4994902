"""Any common recording format gives the same answer: the same words and the same length.

One synthetic answer (syn_01: en-us, 20 s, five phrases, no fillers) is re-encoded with PyAV into
the formats people actually hand over (a 44.1 kHz stereo WAV from an editor, MP3, an iPhone-style
M4A/AAC, Ogg and WebM Opus from a browser, an 8 kHz telephone WAV) and analysed with the real
model. The words must overlap the ground-truth text and the duration must match the original
within 0.1 s (lossy codecs may pad a frame).

syn_01 rather than syn_02: tiny.en hallucinates a trailing word on syn_02, which the guard then
decodes again; six runs of syn_01 take ~15 s.
"""

from __future__ import annotations

import re
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile as sf

CLIP = "syn_01"
MIN_CONTENT_OVERLAP = 0.70
DURATION_TOL_S = 0.1
STOPWORDS = {
    "a", "an", "the", "to", "of", "and", "or", "in", "on", "at", "for", "with", "by", "is", "are", "be", "has",
    "have", "had", "we", "i", "you", "it", "this", "that", "what", "who", "do", "does", "some", "each", "me",
    "let", "should", "whether", "up",
}


def content_words(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9'-]+", text.lower().replace("\u2019", "'"))
    return [w.strip("'-") for w in words if w.strip("'-") and w.strip("'-") not in STOPWORDS]


def encode(samples: np.ndarray, rate: int, path: Path, codec: str, out_rate: int, layout: str) -> None:
    """Write mono float ``samples`` to ``path`` with PyAV (container from the extension)."""
    try:
        av.codec.Codec(codec, "w")
    except Exception:  # noqa: BLE001 - UnknownCodecError and friends differ across PyAV versions
        pytest.skip(f"this PyAV build has no '{codec}' encoder")
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)[np.newaxis, :]
    frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
    frame.sample_rate = rate
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=out_rate, layout=layout)
        formats = stream.codec_context.codec.audio_formats
        resampler = av.AudioResampler(format=formats[0].name if formats else "s16", layout=layout, rate=out_rate)
        for converted in resampler.resample(frame) + resampler.resample(None):
            container.mux(stream.encode(converted))
        container.mux(stream.encode(None))


# What PyAV reports when it reads back each encoder's output.
DECODER_NAMES = {"mp3float": "mp3lame", "mp3": "mp3lame", "libopus": "opus"}

FORMATS = [
    pytest.param("answer.wav", "pcm_s16le", 44100, "stereo", id="wav-44.1kHz-stereo"),
    pytest.param("answer.mp3", "libmp3lame", 44100, "mono", id="mp3"),
    pytest.param("answer.m4a", "aac", 48000, "mono", id="m4a-aac"),
    pytest.param("answer.ogg", "libopus", 48000, "mono", id="ogg-opus"),
    pytest.param("answer.webm", "libopus", 48000, "mono", id="webm-opus"),
    pytest.param("answer.wav", "pcm_s16le", 8000, "mono", id="wav-8kHz-telephone"),
]


@pytest.mark.parametrize("name, codec, out_rate, layout", FORMATS)
def test_every_format_transcribes_to_the_same_words_and_duration(
    analyzer, synthetic_clip, tmp_path, name, codec, out_rate, layout
):
    source, truth = synthetic_clip(CLIP)
    samples, rate = sf.read(source, dtype="float32")
    encoded = tmp_path / name
    encode(samples, rate, encoded, codec, out_rate, layout)
    with av.open(str(encoded)) as written:  # the file really is what this case claims
        stream = written.streams.audio[0]
        decoded_as = DECODER_NAMES.get(stream.codec_context.name, stream.codec_context.name)
        assert (decoded_as, stream.rate, stream.channels) == (codec.removeprefix("lib"), out_rate, 2 if layout == "stereo" else 1)

    analysis = analyzer.analyze_file(encoded)

    truth_words = content_words(truth["text"])
    heard = set(content_words(analysis.transcript.text))
    found = [w for w in truth_words if w in heard]
    assert len(found) >= MIN_CONTENT_OVERLAP * len(truth_words), (
        f"only {len(found)}/{len(truth_words)} truth words heard; missing "
        f"{sorted(set(truth_words) - heard)} in {analysis.transcript.text!r}"
    )
    assert analysis.transcript.duration_s == pytest.approx(truth["duration_s"], abs=DURATION_TOL_S)
    assert analysis.source == name
