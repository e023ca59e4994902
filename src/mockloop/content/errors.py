"""User-facing errors of the content side (prompt bank, rubric kinds).

They subclass mockloop.errors.MockloopError, so the CLI prints them as one line on stderr and
exits 2; the messages say what to do next.
"""

from __future__ import annotations

from mockloop.errors import MockloopError


class UnknownPromptError(MockloopError):
    """No prompt in the bank has the requested id."""


class UnknownKindError(MockloopError):
    """The kind of round is not one of the known kinds."""


class UnknownCompanyError(MockloopError):
    """The company style is not one the bank knows."""


class PromptBankError(MockloopError):
    """A prompt bank file is missing or does not validate."""


class UnknownJudgeError(MockloopError):
    """The --judge value is not a known judge."""


class ModelAnswerError(MockloopError):
    """A model answer file is missing or does not validate against the prompt bank."""
