"""The one error type meant to be shown to the user.

Library code raises MockloopError with a sentence a user can act on; the CLI prints it as a single
line on stderr and exits non-zero. Anything else is a bug and keeps its traceback.
"""


class MockloopError(Exception):
    """An error whose message is written for the user (one line, says what to do)."""

    exit_code = 2


class InputError(MockloopError):
    """The file or text the user gave cannot be analyzed."""


class ModelError(MockloopError):
    """The transcription model cannot be found or loaded."""


class AudioDeviceError(MockloopError):
    """A microphone or speaker problem."""
