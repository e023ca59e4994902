"""mockloop: a local, private, voice-based mock interviewer for TPM interviews."""

__version__ = "0.1.0"
