"""Audio in, Analysis out: decode, frame measurements, transcription, delivery, scorecard.

The stages, in the order data flows through them: `frames` (the one frame grid and the
speech-level rules), `decode` (files to 16 kHz samples), `acoustics` (10 ms frame measurements), `transcribe` and `stream` (words with times),
`pauses`, `fillers`, `markers` (delivery measures), `delivery`, `scorecard`, and `contract`
(the public JSON form). `pipeline.Analyzer` runs them; `batch` runs it over a folder.
"""
