"""Frame-level measurements of the audio itself: loudness, voicing and spectral change.

Word timestamps from Whisper sit on a 20 ms grid and stretch over neighbouring silence, so pause
boundaries and filled pauses are measured here, on 10 ms frames, instead of being read off the
transcript. Everything is vectorised NumPy and processed in blocks, so an hour of audio costs a
few seconds and little memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mockloop.analysis import frames
from mockloop.analysis.frames import HOP_S, HOP_SAMPLES, SAMPLE_RATE, WINDOW_SAMPLES
from mockloop.config import SpeechLevelSettings

_LEVELS = SpeechLevelSettings()
_NFFT = 512
_BLOCK_FRAMES = 1000  # 10 s of frames per vectorised block: its FFT temporaries are about 25 MB
_MIN_PITCH_HZ, _MAX_PITCH_HZ = 70.0, 400.0
_N_BANDS = 24


@dataclass
class FrameFeatures:
    """Per-frame measurements on the grid of analysis.frames: frame i covers [i*HOP_S, i*HOP_S + WINDOW_S)."""

    energy_db: np.ndarray  # frame RMS in dBFS
    voicing: np.ndarray  # 0..1, height of the normalised autocorrelation peak in the pitch range
    pitch_hz: np.ndarray  # pitch estimate where voiced, else 0
    change_db: np.ndarray  # mean change of the log band spectrum from 30 ms earlier: low in a held vowel
    noise_floor_db: float
    speech_level_db: float
    clipped: np.ndarray | None = None  # per frame: share of its samples at full scale (None: not measured)

    @property
    def clipped_share(self) -> float:
        """Share of the frames above the sound threshold that are clipped (0 when none are)."""
        if self.clipped is None or self.n_frames == 0:
            return 0.0
        loud = self.energy_db > self.speech_threshold_db()
        if not loud.any():
            return 0.0
        return float(np.mean(self.clipped[loud] >= _LEVELS.clipped_frame_min_share))
    f0_hz: np.ndarray | None = None  # Praat's pitch track on the same frames (analysis/prosody.py), when measured

    @property
    def n_frames(self) -> int:
        return len(self.energy_db)

    def frame_at(self, seconds: float) -> int:
        return int(np.clip(round(seconds / HOP_S), 0, max(self.n_frames - 1, 0)))

    def speech_threshold_db(self) -> float:
        """This recording's sound/silence threshold (frames.speech_threshold_db)."""
        return frames.speech_threshold_db(self.noise_floor_db, self.speech_level_db)

    def holds_speech(self) -> bool:
        """Whether the recording has speech to keep words for (frames.recording_holds_speech)."""
        return frames.recording_holds_speech(self.noise_floor_db, self.speech_level_db)


def _mel_band_matrix() -> np.ndarray:
    """Triangular bands on the mel scale between 100 Hz and 7 kHz, for spectral-change measures."""
    def to_mel(hz):
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    def to_hz(mel):
        return 700.0 * (10 ** (mel / 2595.0) - 1.0)

    edges_hz = to_hz(np.linspace(to_mel(100.0), to_mel(7000.0), _N_BANDS + 2))
    bins = np.fft.rfftfreq(_NFFT, 1.0 / SAMPLE_RATE)
    matrix = np.zeros((len(bins), _N_BANDS), dtype=np.float32)
    for band in range(_N_BANDS):
        low, centre, high = edges_hz[band : band + 3]
        rising = (bins - low) / (centre - low)
        falling = (high - bins) / (high - centre)
        matrix[:, band] = np.clip(np.minimum(rising, falling), 0.0, None)
    return matrix


_BANDS = _mel_band_matrix()
_HANN = np.hanning(WINDOW_SAMPLES).astype(np.float32)


def _windows(samples: np.ndarray) -> np.ndarray:
    n_frames = max(0, 1 + (len(samples) - WINDOW_SAMPLES) // HOP_SAMPLES) if len(samples) >= WINDOW_SAMPLES else 0
    if n_frames == 0:
        return np.zeros((0, WINDOW_SAMPLES), dtype=np.float32)
    shape = (n_frames, WINDOW_SAMPLES)
    strides = (samples.strides[0] * HOP_SAMPLES, samples.strides[0])
    return np.lib.stride_tricks.as_strided(samples, shape=shape, strides=strides)


def unclipped_rms(rms: np.ndarray, clipped: np.ndarray) -> np.ndarray:
    """Frame RMS as it would have been without clipping, estimated from the clipped share.

    Clipping flattens the loud part of a recording at full scale, so its RMS stops growing and
    speech x40 measures barely above its amplified room tone. Speech samples are close to
    Laplacian: a share p of them beyond full scale means an RMS of sqrt(2) / -ln(p). It is an
    estimate (on jfk.wav x40 it reads about 8 dB high), enough to restore the contrast; frames
    with no clipped sample keep their measured RMS exactly.
    """
    share = np.clip(clipped, 0.0, 0.995)
    estimate = np.where(share > 0.0, np.sqrt(2.0) / -np.log(np.where(share > 0.0, share, 0.5)), 0.0)
    return np.maximum(rms, estimate)


def clipped_share(windows: np.ndarray) -> np.ndarray:
    """Per row of ``windows``: the share of its samples at full scale (clipped)."""
    return np.mean(np.abs(windows) >= _LEVELS.clip_level_fullscale, axis=1)


def _block_features(windows: np.ndarray):
    clipped = clipped_share(windows)
    rms = unclipped_rms(np.sqrt(np.mean(windows.astype(np.float64) ** 2, axis=1)), clipped)
    energy_db = 20.0 * np.log10(rms + 1e-7)
    windowed = windows * _HANN
    spectrum = np.abs(np.fft.rfft(windowed, n=_NFFT, axis=1)) ** 2
    band_db = 10.0 * np.log10(spectrum @ _BANDS + 1e-10).astype(np.float32)
    # Autocorrelation through the power spectrum (Wiener-Khinchin), normalised by lag 0.
    centred = windows - windows.mean(axis=1, keepdims=True)
    power = np.abs(np.fft.rfft(centred, n=2 * _NFFT, axis=1)) ** 2
    autocorr = np.fft.irfft(power, axis=1)[:, :_NFFT]
    autocorr /= autocorr[:, :1] + 1e-12
    # Correct the bias of the finite window so long lags are not penalised.
    lags = np.arange(_NFFT)
    bias = np.clip((WINDOW_SAMPLES - lags) / WINDOW_SAMPLES, 1e-3, None)
    autocorr = autocorr / bias
    low_lag = int(SAMPLE_RATE / _MAX_PITCH_HZ)
    high_lag = int(SAMPLE_RATE / _MIN_PITCH_HZ)
    region = autocorr[:, low_lag:high_lag]
    best = np.argmax(region, axis=1)
    voicing = np.clip(region[np.arange(len(region)), best], 0.0, 1.0)
    pitch = SAMPLE_RATE / (best + low_lag)
    return energy_db, voicing, pitch, band_db, clipped


@dataclass
class RawFrames:
    """Frame measurements of one stretch of audio, before recording-wide levels are known.

    Streaming computes these chunk by chunk; `assemble` joins them into FrameFeatures.
    """

    energy_db: np.ndarray
    voicing: np.ndarray
    pitch_hz: np.ndarray
    change_db: np.ndarray
    clipped: np.ndarray | None = None  # per frame: share of samples at full scale


def measure_raw(samples: np.ndarray) -> RawFrames:
    """Measure 16 kHz mono samples: one frame per 10 ms hop, ``len(samples) // 160`` frames.

    The last frames, whose 25 ms window would run past the end, repeat the last full frame, so
    chunks cut at hop boundaries join into exactly the frames of the whole recording's timeline.
    """
    samples = np.ascontiguousarray(samples, dtype=np.float32)
    all_frames = _windows(samples)
    energy, voicing, pitch, change, clipped = [], [], [], [], []
    previous_bands = None
    for i in range(0, len(all_frames), _BLOCK_FRAMES):
        e, v, p, bands, c = _block_features(all_frames[i : i + _BLOCK_FRAMES])
        joined = bands if previous_bands is None else np.concatenate([previous_bands, bands])
        diff = np.zeros(len(joined), dtype=np.float32)
        diff[3:] = np.abs(joined[3:] - joined[:-3]).mean(axis=1)
        change.append(diff[-len(bands) :] if previous_bands is not None else diff)
        previous_bands = bands[-3:]
        energy.append(e)
        voicing.append(v.astype(np.float32))
        pitch.append(p.astype(np.float32))
        clipped.append(c.astype(np.float32))
    target = len(samples) // HOP_SAMPLES
    raw = RawFrames(
        *(np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32) for parts in (energy, voicing, pitch, change, clipped))
    )
    return _pad_frames(raw, target)


def _pad_frames(raw: RawFrames, target: int) -> RawFrames:
    def pad(values: np.ndarray, fill: float) -> np.ndarray:
        if len(values) >= target:
            return values[:target]
        tail = values[-1] if len(values) else fill
        return np.concatenate([values, np.full(target - len(values), tail, dtype=values.dtype if len(values) else np.float32)])

    clipped = raw.clipped if raw.clipped is not None else np.zeros(len(raw.energy_db), dtype=np.float32)
    return RawFrames(
        pad(raw.energy_db, -140.0), pad(raw.voicing, 0.0), pad(raw.pitch_hz, 0.0), pad(raw.change_db, 0.0), pad(clipped, 0.0)
    )


def assemble(parts: list[RawFrames]) -> FrameFeatures:
    """Join chunk measurements and apply the recording-wide noise floor and speech level."""
    energy_db = np.concatenate([p.energy_db for p in parts]) if parts else np.zeros(0)
    voicing = np.concatenate([p.voicing for p in parts]) if parts else np.zeros(0, dtype=np.float32)
    pitch = np.concatenate([p.pitch_hz for p in parts]) if parts else np.zeros(0, dtype=np.float32)
    change = np.concatenate([p.change_db for p in parts]) if parts else np.zeros(0, dtype=np.float32)
    clipped = np.concatenate(
        [p.clipped if p.clipped is not None else np.zeros(len(p.energy_db), dtype=np.float32) for p in parts]
    ) if parts else np.zeros(0, dtype=np.float32)
    floor, level = levels(energy_db)
    # Voicing in near-silence is noise periodicity; only trust it where there is sound.
    quiet = energy_db < floor + 6.0
    voicing = np.where(quiet, 0.0, voicing).astype(np.float32)
    pitch = np.where(voicing > 0.0, pitch, 0.0).astype(np.float32)
    return FrameFeatures(energy_db, voicing, pitch, change, floor, level, clipped)


def measure(samples: np.ndarray) -> FrameFeatures:
    """Compute FrameFeatures for a whole recording of 16 kHz mono samples."""
    return assemble([measure_raw(samples)])


DIGITAL_SILENCE_DBFS = _LEVELS.digital_silence_dbfs


def levels(energy_db: np.ndarray) -> tuple[float, float]:
    """Noise floor and typical speech level of a recording, in dBFS.

    The floor is the room tone: frames of digital silence are left out of it, or a recording that
    starts with zeros would get a floor of -140 dB and a speech threshold under its room tone,
    and every pause would count as sound.
    """
    if energy_db.size == 0:
        return -100.0, -100.0
    live = energy_db[energy_db > DIGITAL_SILENCE_DBFS]
    measured = live if live.size else energy_db
    floor = float(np.percentile(measured, 5))
    level = float(np.percentile(measured, 95))
    return floor, level


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open [start, end) index ranges where ``mask`` is True."""
    if mask.size == 0:
        return []
    padded = np.concatenate(([False], mask.astype(bool), [False]))
    changes = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(changes[::2].tolist(), changes[1::2].tolist()))


def bridged_runs(mask: np.ndarray, max_gap_frames: int) -> list[tuple[int, int]]:
    """Like `runs`, with runs separated by at most ``max_gap_frames`` False frames joined into one."""
    merged: list[list[int]] = []
    for start, end in runs(mask):
        if merged and start - merged[-1][1] <= max_gap_frames:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]
