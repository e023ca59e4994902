"""One mock interview, start to finish: ask, listen, probe, score, save.

``Interview.run()`` is the whole loop as a plain object, so tests and other front ends drive it
without a terminal. It never prints: everything a person should see goes through an
``InterviewView`` (the CLI's draws a live meter; the base class shows nothing). Every step is
written to the session folder as it happens, so a crash, a Ctrl-C or a failing device leaves the
audio and a truthful ``session.json`` behind.

The Whisper model loads in a background thread while the interviewer reads the prompt aloud,
so the scorecard is not delayed by the model load.
"""

from __future__ import annotations

import dataclasses
import math
import platform
import random
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Protocol, Sequence, runtime_checkable

from mockloop.audio_io.levels import SilenceStop
from mockloop.audio_io.recorder import Recorder, RecordingResult, StopReason
from mockloop.display import number as display_number, pace as display_pace
from mockloop.errors import InputError, MockloopError
from mockloop.interview.conversation import ADDRESSED_WAIT_S
from mockloop.interview.styles import STYLES as INTERVIEWER_STYLES, Cue, Style, cues_for, live_probe_due
from mockloop.sessions import SCORECARD, AnswerRecord, Session, SessionStorageError, SessionStore
from mockloop.timefmt import clock

if TYPE_CHECKING:
    from mockloop.analysis.stream import StreamingTranscriber
    from mockloop.models import Analysis


@runtime_checkable
class AnswerAnalyzer(Protocol):
    """What the interview needs from an analyzer; ``mockloop.analysis.pipeline.Analyzer`` is one.

    ``start_stream`` may return None: that analyzer cannot transcribe while the candidate talks,
    and each answer is analysed from its saved file instead.
    """

    def load(self) -> None:
        """Load the model (called in a background thread while the prompt is spoken)."""

    def analyze_file(self, path: Path, kind: str | None = None, prompt: Any = None, echo: Sequence = ()) -> "Analysis":
        """Analyse a saved answer. ``echo`` (passed only when the interviewer spoke during it):
        ``mockloop.analysis.echo.EchoSpan``s whose words are not the candidate's."""

    def start_stream(self, live: bool = False) -> "StreamingTranscriber | None":
        """A transcriber to feed the recording into as it is made, or None."""

    def analyze_stream(self, streamer: "StreamingTranscriber", source: str, kind: str | None = None, prompt: Any = None, echo: Sequence = ()) -> "Analysis":
        """Finish a stream from start_stream and analyse it; ``echo`` as for analyze_file."""

STYLES = tuple(INTERVIEWER_STYLES)
DEFAULT_TIME_LIMIT_S = 20 * 60.0  # when neither the prompt nor --minutes says
PROBE_TIME_LIMIT_S = 3 * 60.0
SILENCE_STOP_S = 12.0  # long enough to think aloud; system design answers never stop on silence
NO_SILENCE_STOP_KINDS = ("system_design",)


class InterviewInterrupted(MockloopError):
    """Ctrl-C: the interview stopped; what was recorded is on disk."""

    exit_code = 130


@dataclass(frozen=True)
class InterviewSettings:
    """How the interview runs; echoed into session.json so a session can be reproduced.

    ``silence_stop_s``: None picks the default for the prompt's kind; 0 turns it off.
    ``answer_audio``: recordings that stand in for the microphone, one per answer in order; a
    follow-up with no file of its own is skipped (and recorded as skipped), never answered by
    another answer's recording.
    ``interactive``: a person is at a terminal, so Enter can end an answer.
    """

    style: str = "silent"
    max_probes: int = 2
    time_limit_s: Optional[float] = None
    silence_stop_s: Optional[float] = None
    speak: bool = True
    voice: Optional[str] = None
    rate: Optional[int] = None
    input_device: Optional[str] = None
    output_device: Optional[str] = None
    samplerate: Optional[int] = None
    answer_audio: tuple[Path, ...] = ()
    answer_speed: float = 1.0
    model: Optional[str] = None
    interactive: bool = False
    interviewer: str = "rules"  # "llm": an LLM words replies and follow-ups (see llm_interviewer.py)

    def __post_init__(self):
        if self.style not in STYLES:
            raise InputError(f"Unknown interviewer style {self.style!r}; use one of: {', '.join(STYLES)}.")
        if self.interviewer not in ("rules", "llm"):
            raise InputError(f"Unknown interviewer {self.interviewer!r}; use 'rules' or 'llm'.")
        if not 0 <= self.max_probes <= 5:
            raise InputError("--probes must be between 0 and 5.")
        if self.time_limit_s is not None and not (math.isfinite(self.time_limit_s) and self.time_limit_s > 0):
            raise InputError("--minutes must be a number more than 0.")
        for name, value in (("--silence-stop", self.silence_stop_s), ("--answer-speed", self.answer_speed)):
            if value is not None and not (math.isfinite(value) and value >= 0):
                raise InputError(f"{name} must be a number, 0 or more.")

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["answer_audio"] = [str(path) for path in self.answer_audio]
        return data


class InterviewView:
    """What the loop shows, step by step. This base class shows nothing (tests, scripts)."""

    def prompt_shown(self, prompt) -> None: ...

    def question_asked(self, index: int, role: str, text: str) -> None: ...

    def warning(self, message: str) -> None: ...

    def answer_started(self, index: int, recorder: Recorder, limit_s: float, phases: list, stops: list[str]) -> None: ...

    def interviewer_said(self, index: int, kind: str, text: str) -> None:
        """A line said during an answer: a time cue, or a cut-in (kind "follow_up")."""

    def tick(self, recorder: Recorder) -> None: ...

    def enter_pressed(self) -> bool:
        return False

    def answer_finished(self, index: int, result: RecordingResult) -> None: ...

    def analyzing(self, index: int) -> None: ...

    def analysis_ready(self, index: int, analysis) -> None: ...

    def asking_graded(self, index: int, lines: list[str]) -> None:
        """The grading of the candidate's clarifying questions, as sentences (conversation.clarifying_lines)."""

    def finished(self, session: Session, summary: str) -> None: ...


def choose_prompt(prompt_id: str | None = None, kind: str | None = None, company: str | None = None, rng: random.Random | None = None):
    """The prompt to ask: ``prompt_id`` if given, else a random one matching kind and company.

    Raises:
        MockloopError: unknown id (from the prompt bank), or nothing matches.
    """
    from mockloop.content.prompts import filter_prompts, get_prompt, load_bank

    if prompt_id:
        return get_prompt(prompt_id)
    prompts = load_bank()
    matches = filter_prompts(prompts, kind=kind, company=company)
    if not matches:
        wanted = " and ".join(part for part in (f"kind {kind}" if kind else "", f"company {company}" if company else "") if part)
        raise InputError(f"No prompt with {wanted} in the bank; run `mockloop prompts` to see them.")
    return (rng or random.Random()).choice(matches)


def phase_at(phases: Sequence, elapsed_s: float) -> tuple[str, float] | None:
    """The round's phase at ``elapsed_s`` and the seconds left in it; None past the last phase.

    ``phases`` is a list of (name, seconds) pairs, as in the prompt bank.
    """
    start = 0.0
    for phase in phases or ():
        name, seconds = (phase["name"], phase["seconds"]) if isinstance(phase, dict) else phase
        if elapsed_s < start + seconds:
            return str(name), start + seconds - elapsed_s
        start += seconds
    return None


def silence_rule(kind: str, setting_s: float | None) -> SilenceStop | None:
    """The silence stop for an answer: the user's setting, else the default for the kind."""
    if setting_s is None:
        return None if kind in NO_SILENCE_STOP_KINDS else SilenceStop(SILENCE_STOP_S)
    return SilenceStop(setting_s) if setting_s > 0 else None


class Interview:
    """Runs one interview and keeps its session folder up to date.

    Args:
        prompt: a ``mockloop.content.prompts.Prompt`` (anything with its fields works).
        settings: how to run it.
        store: where the session is saved.
        view: what to show; the default shows nothing.
        analyzer: an AnswerAnalyzer; by default a ``mockloop.analysis.pipeline.Analyzer`` for
            ``settings.model``.
        speaker: a ``mockloop.audio_io.voice.Speaker``; by default one built from the settings.
        probe_chooser: ``(prompt, content_result, n) -> list[FollowUp | str]``, the follow-ups
            for a style that asks them; by default ``mockloop.content.probes.follow_ups``.
        style: a ``mockloop.interview.styles.Style`` to use instead of ``settings.style``'s.
        interviewer: a ``RulesInterviewer`` / ``LLMInterviewer`` instead of ``settings.interviewer``'s.
    """

    def __init__(
        self, prompt, settings: InterviewSettings, store: SessionStore, view: InterviewView | None = None,
        analyzer: AnswerAnalyzer | None = None, speaker=None, probe_chooser=None, style: Style | None = None,
        interviewer=None,
    ):
        from mockloop.interview.llm_interviewer import make_interviewer

        self.style = style or INTERVIEWER_STYLES[settings.style]
        # Speaks for the interviewer: clarifying answers and follow-up wording (rules or LLM).
        self.interviewer = interviewer or make_interviewer(settings.interviewer, prompt, self.style)
        self.turns: dict[int, list] = {}  # answer index -> the interviewer's Turns during it
        self._cue_threads: list[threading.Thread] = []
        self.replies_ready = threading.Event()  # set once the rules' replies are rendered (or cannot be)
        self.clarifying: dict[int, Any] = {}  # answer index -> conversation.ClarifyingGrade
        self._echo: dict[int, list] = {}  # answer index -> the interviewer's Turns played during it (echo)
        self.prompt = prompt
        self.settings = settings
        self.store = store
        self.view = view or InterviewView()
        self._analyzer = analyzer
        self._analyzer_ready = threading.Event()
        self._analyzer_error: BaseException | None = None
        self._speaker = speaker
        self._probe_chooser = probe_chooser
        self._speech_off = False
        self._microphone = None
        self._answer_files: list = []
        self.session: Session | None = None
        self.analyses: dict[int, Any] = {}
        self._live_streams: dict[int, Any] = {}

    # --- the loop ----------------------------------------------------------------------------

    def run(self) -> Session:
        """Run the interview; returns the saved session.

        Raises:
            InterviewInterrupted: Ctrl-C (the session is saved as "interrupted").
            MockloopError: a device, disk or input problem (the session is saved as "failed").
        """
        # A missing microphone or answer file, a bad voice or an unusable model fails here,
        # before anything is saved or said. The model loads while the devices open.
        self._load_analyzer_in_background()
        if self.settings.answer_audio:
            self._answer_files = self._open_answer_files()
            if self.style.follow_ups and len(self._answer_files) < 1 + self.settings.max_probes:
                self.view.warning(
                    f"{len(self._answer_files)} answer file(s) for up to {1 + self.settings.max_probes} answers: "
                    "a follow-up without a file of its own is skipped."
                )
        else:
            self._microphone = self._open_microphone()
        if self.settings.speak:
            self._prepare_speaker()
        self._analyzer_ready.wait()
        if self._analyzer_error is not None:
            raise self._analyzer_error
        self.session = self.store.create(
            prompt=_prompt_dict(self.prompt), settings=self.settings.to_dict(), versions=_versions()
        )
        self._render_replies_in_background()
        try:
            self.view.prompt_shown(self.prompt)
            limit_s = self.settings.time_limit_s or _prompt_limit(self.prompt)
            main = self._ask_and_record(1, "main", self.prompt.text, limit_s, getattr(self.prompt, "phases", None) or [])
            if main is not None and self.style.follow_ups:
                index = 2
                for follow_up in self._choose_probes(main):
                    if self._answer_files and index > len(self._answer_files):
                        self._skip(follow_up, f"no answer file for it (answer {index} needs its own --answer-audio file)")
                        continue
                    follow_up = self._worded(follow_up, main)
                    self._ask_and_record(index, "probe", follow_up.text, min(PROBE_TIME_LIMIT_S, limit_s), [], follow_up)
                    index += 1
            self._finish()
        except KeyboardInterrupt:
            self._close("interrupted")
            raise InterviewInterrupted(
                f"Stopped. What was recorded is kept in {self.session.folder}."
            ) from None
        except MockloopError as exc:
            try:
                self._close("failed", error=str(exc))
            except SessionStorageError:
                pass  # the disk is full too: the next run recovers the session from its audio
            raise
        return self.session

    def _ask_and_record(self, index: int, role: str, question: str, limit_s: float, phases: list, follow_up=None):
        """Speak the question, record the answer, analyse it; returns the Analysis or None.

        A follow-up's answer is judged on the rubric items it asked about (``follow_up.items``).
        """
        record = AnswerRecord(index=index, role=role, question=question, audio=self.session.answer_audio(index).name)
        if follow_up is not None:
            record.asks = list(follow_up.items)
            from mockloop.interview.conversation import Turn

            self.turns.setdefault(index, []).append(Turn("interviewer", "follow_up", 0.0, 0.0, question))
        self.session.record.answers.append(record)
        self.view.question_asked(index, role, question)
        if self.settings.speak:
            spoken = self._speak(question, self.session.question_audio(index))
            record.question_audio = spoken
        self.session.save()

        result = self._record(index, record, limit_s, phases)
        if result.error is not None:
            raise result.error
        return self._analyze(index, record, follow_up)

    def _worded(self, follow_up, main):
        """The follow-up in the interviewer's words; an LLM failure is noted and the rules' stand."""
        reply = self.interviewer.follow_up(follow_up, main.transcript.text)
        if reply.note:
            self._note(reply.note)
        return dataclasses.replace(follow_up, text=reply.text) if reply.text != follow_up.text else follow_up

    def _note(self, message: str) -> None:
        """Something the user should know about how the interview ran (kept in session.json)."""
        if message not in self.session.record.notes:
            self.session.record.notes.append(message)
            self.session.save()
        self.view.warning(message)

    def _skip(self, follow_up, reason: str) -> None:
        """A follow-up that cannot be answered: not asked, and said so in session.json."""
        self.session.record.skipped.append({"question": follow_up.text, "asks": list(follow_up.items), "reason": reason})
        self.session.save()
        self.view.warning(f"Follow-up skipped: {reason}.")

    def _record(self, index: int, record: AnswerRecord, limit_s: float, phases: list) -> RecordingResult:
        source = self._source_for(index)
        rule = silence_rule(self.prompt.kind, self.settings.silence_stop_s)
        recorder = Recorder(self.session.answer_audio(index), source, time_limit_s=limit_s, silence_stop=rule)
        self._live_streams[index] = self._start_live_stream(recorder)
        record.started_at = _now()
        record.source = source.description
        record.samplerate = recorder.samplerate
        cues = cues_for(self.style, phases, limit_s) if index == 1 else []
        probed = index != 1  # one live follow-up at most, and only in the main answer
        recorder.start()
        try:
            self.view.answer_started(index, recorder, limit_s, phases, self._stop_conditions(rule, limit_s))
            listener = _Listener(self, index, recorder)
            while recorder.wait(0.1) is None:
                if self.view.enter_pressed():
                    recorder.request_stop(StopReason.ENTER)
                listener.hear()
                while cues and recorder.elapsed_s >= cues[0].at_s:
                    self._say_cue(index, cues.pop(0), recorder)
                if live_probe_due(self.style, phases, recorder.elapsed_s, recorder.silent_for_s, probed):
                    probed = self._probe_now(index, recorder)
                self.view.tick(recorder)
        except KeyboardInterrupt:
            result = recorder.stop(StopReason.INTERRUPTED)
            self._note_result(record, result)
            self.view.answer_finished(index, result)
            raise
        result = recorder.stop()
        listener.finish()
        while self._cue_threads:  # a line still being said: wait, so its turn and echo span are kept
            self._cue_threads.pop().join()
        self._note_result(record, result)
        self.view.answer_finished(index, result)
        if result.overflows:
            self.view.warning(
                f"Answer {index}: the microphone input lost {result.overflows} block(s) of audio while the computer was "
                "busy; the recording has a gap at each, so pauses and words there may be wrong."
            )
        return result

    def _played(self, index: int, turn) -> None:
        """A line of the interviewer's has been played during answer ``index``: keep its span as
        echo, and in session.json at once (a killed interview leaves it for ``mockloop rescore``)."""
        self._echo.setdefault(index, []).append(turn)
        record = next((a for a in self.session.record.answers if a.index == index), None)
        if record is None:
            return
        record.playback = [played.to_dict() for played in self._echo[index]]
        try:
            self.session.save()
        except SessionStorageError:
            pass  # the answer's own save at its end reports a full disk

    def _say_cue(self, index: int, cue: Cue, recorder: Recorder) -> None:
        self._say_during(index, "follow_up" if cue.kind == "cut_in" else cue.kind, cue.text, recorder)

    def _probe_now(self, index: int, recorder: Recorder) -> bool:
        """At a pause late in the design phase: a follow-up on a gap that is still open, quoting
        what the candidate said so far. Returns True once asked (or when there is nothing to ask
        about yet, False, so the next pause tries again)."""
        from mockloop.content.probes import follow_up_now

        live = self._live_streams.get(index)
        words = live.words_so_far() if live is not None else []
        follow_up = follow_up_now(self.prompt, words)
        if follow_up is None:
            return bool(words)  # nothing heard yet: try at the next pause; nothing missing: done
        reply = self.interviewer.follow_up(follow_up, " ".join(w.text for w in words))
        if reply.note:
            self._note(reply.note)
        self._say_during(index, "follow_up", reply.text, recorder)
        return True

    def _say_during(self, index: int, kind: str, text: str, recorder: Recorder) -> None:
        """Say a line while the recording goes on; keep it as an interviewer turn, and its
        playback span as echo, so a microphone that hears it does not put it in the candidate's
        words."""
        from mockloop.interview.conversation import Turn

        turns = self.turns.setdefault(index, [])
        at_s = recorder.elapsed_s
        # Without sound, the turn's end is estimated at 2.5 words a second.
        turn = Turn("interviewer", kind, at_s, at_s + len(text.split()) / 2.5, text)
        turns.append(turn)
        self.view.interviewer_said(index, kind, text)
        if not self.settings.speak or self._speech_off:
            return
        path = self.session.path(f"cue-{index}-{len(turns)}.wav")

        def say():
            rendered = self.reply_audio(text)  # time cues and cut-ins are rendered ahead too
            start = recorder.elapsed_s
            if rendered is not None and getattr(self._speaker, "play", False):
                from mockloop.audio_io.playback import play_file

                try:
                    play_file(rendered, device=self.settings.output_device)
                except MockloopError as exc:
                    self.view.warning(str(exc))
            else:
                self._speak(text, path)
            end = max(recorder.elapsed_s, start + 0.1)
            played = Turn("interviewer", kind, start, end, text)
            self._played(index, played)
            turns[turns.index(turn)] = played

        thread = threading.Thread(target=say, name="mockloop-cue", daemon=True)
        self._cue_threads.append(thread)
        thread.start()

    def _note_result(self, record: AnswerRecord, result: RecordingResult) -> None:
        record.duration_s = round(result.duration_s, 3)
        record.stop_reason = result.stop_reason.value
        record.error = str(result.error) if result.error else None
        record.dropped_blocks = int(result.overflows) or None
        try:
            self.session.save()
        except SessionStorageError:
            if result.error is None:
                raise
            # The recording already failed (a full disk fails both): report that error, not this one.

    def _stop_conditions(self, rule: SilenceStop | None, limit_s: float) -> list[str]:
        stops = [f"at {clock(limit_s)}"]
        if rule:
            stops.append(f"after {rule.after_s:.0f} s of silence")
        if self.settings.answer_audio:
            stops.append("at the end of the answer file")
        if self.settings.interactive:
            stops.insert(0, "on Enter")
        return stops

    # --- audio in and out --------------------------------------------------------------------

    def _open_microphone(self):
        from mockloop.audio_io.sources import MicrophoneSource

        return MicrophoneSource(device=self.settings.input_device, samplerate=self.settings.samplerate)

    def _open_answer_files(self) -> list:
        from mockloop.audio_io.sources import FileSource

        return [FileSource(path, speed=self.settings.answer_speed) for path in self.settings.answer_audio]

    def _source_for(self, index: int):
        """The microphone, or the answer file for answer ``index`` (run() never asks past the last)."""
        if self._microphone is not None:
            return self._microphone
        return self._answer_files[index - 1]

    def _prepare_speaker(self) -> None:
        from mockloop.audio_io.voice import Speaker, TTSUnavailable

        if self._speaker is None:
            self._speaker = Speaker(voice=self.settings.voice, rate=self.settings.rate, output_device=self.settings.output_device)
        try:
            self._speaker.check_voice()
        except TTSUnavailable:
            pass  # reported (once) when the first question is spoken

    def _render_replies_in_background(self) -> None:
        """Render every reply the rules can give (each fact's answer, the style's neutral reply)
        and the main answer's timed lines while the prompt is read, so answering a clarifying
        question or saying a time cue only has to start playback."""
        self._replies: dict[str, Path] = {}
        texts = [fact.answer for fact in getattr(self.prompt, "facts", ()) or ()]
        if texts:
            texts.append(self.style.neutral_reply)
        limit_s = self.settings.time_limit_s or _prompt_limit(self.prompt)
        texts += [cue.text for cue in cues_for(self.style, getattr(self.prompt, "phases", None) or [], limit_s)]
        if not self.settings.speak or self._speaker is None or not texts:
            self.replies_ready.set()
            return

        def render():
            from mockloop.audio_io.voice import TTSUnavailable

            try:
                for n, text in enumerate(dict.fromkeys(texts), start=1):
                    self._replies[text] = self._speaker.synthesize(text, self.session.path(f"reply-{n}.wav"))
            except (TTSUnavailable, MockloopError):
                pass  # no engine: replies are shown as text, as the questions are
            finally:
                self.replies_ready.set()

        threading.Thread(target=render, name="mockloop-reply-render", daemon=True).start()

    def reply_audio(self, text: str) -> Path | None:
        """The pre-rendered audio of a rules reply, or None while it is not ready (say it as usual)."""
        return getattr(self, "_replies", {}).get(text)

    def _speak(self, text: str, path: Path) -> str | None:
        if self._speech_off:
            return None
        utterance = self._speaker.speak(text, save_to=path)
        if utterance.warning:
            self.view.warning(utterance.warning)
            # Warn once: without an engine, stop trying; without a speaker, still save the audio.
            if utterance.audio_path is None:
                self._speech_off = True
            else:
                self._speaker.play = False
        return utterance.audio_path.name if utterance.audio_path else None

    # --- analysis ----------------------------------------------------------------------------

    def _load_analyzer_in_background(self) -> None:
        def load():
            try:
                if self._analyzer is None:
                    from mockloop.analysis.pipeline import Analyzer

                    self._analyzer = Analyzer(model=self.settings.model)
                self._analyzer.load()
            except BaseException as exc:  # raised by run() before the session is created
                self._analyzer_error = exc
            finally:
                self._analyzer_ready.set()

        threading.Thread(target=load, name="mockloop-model-load", daemon=True).start()

    def _start_live_stream(self, recorder: Recorder):
        """Transcribe while the candidate talks, when the analyzer can stream (the real one can)."""
        from mockloop.interview.live_feed import LiveStream

        def make_streamer():
            if self._analyzer_error is not None:
                raise self._analyzer_error
            return self._analyzer.start_stream(live=True)

        return LiveStream(recorder.blocks(), recorder.samplerate, make_streamer, self._analyzer_ready)

    def _analyze(self, index: int, record: AnswerRecord, follow_up=None):
        from mockloop.analysis.echo import echo_spans

        self.view.analyzing(index)
        self._analyzer_ready.wait()
        try:
            if self._analyzer_error is not None:
                raise self._analyzer_error
            live = self._live_streams.pop(index, None)
            streamer = None
            if live is not None:
                try:
                    streamer = live.streamer()
                except MockloopError:
                    raise
                except Exception:  # noqa: BLE001 - streaming is an optimisation: fall back to the file
                    streamer = None
            # The interviewer's lines played during the answer: heard back by the microphone,
            # they are dropped from the candidate's words on either path.
            echo = {"echo": echo_spans(self._echo[index])} if self._echo.get(index) else {}
            if streamer is not None:
                analysis = self._analyzer.analyze_stream(
                    streamer, self.session.answer_audio(index).name, kind=self.prompt.kind, prompt=self.prompt, **echo
                )
            else:
                analysis = self._analyzer.analyze_file(
                    self.session.answer_audio(index), kind=self.prompt.kind, prompt=self.prompt, **echo
                )
        except MockloopError as exc:
            record.error = f"Not analysed: {exc}"
            self.session.save()
            self.view.warning(f"Answer {index} was not analysed: {exc}")
            return None
        if follow_up is not None:
            _judge_as_follow_up(analysis, follow_up, self.prompt)
        self.analyses[index] = analysis
        data = _analysis_json(analysis)
        from mockloop.interview.conversation import add_conversation

        grade = self.clarifying[index] = add_conversation(data, analysis, self.prompt, self.turns.get(index, []))
        record.analysis = self.session.write_json(self.session.answer_analysis(index).name, data).name
        record.delivery_score = analysis.scorecard.delivery_score
        record.content_score = analysis.scorecard.content_score
        self.session.save()
        self.view.analysis_ready(index, analysis)
        if follow_up is None:
            from mockloop.interview.conversation import clarifying_lines

            lines = clarifying_lines(grade.to_dict(), self.prompt)
            if lines:
                self.view.asking_graded(index, lines)
        return analysis

    def _choose_probes(self, analysis) -> list:
        """The follow-ups (``mockloop.content.probes.FollowUp``) for the main answer's gaps."""
        from mockloop.content.probes import FollowUp, follow_ups

        n = self.settings.max_probes
        if self._probe_chooser is None:
            return follow_ups(self.prompt, analysis.content, analysis.transcript, n=n)[:n]
        chosen = list(self._probe_chooser(self.prompt, analysis.content, n))[:n]
        return [c if isinstance(c, FollowUp) else FollowUp(items=(), text=str(c), probe=str(c)) for c in chosen]

    # --- the end -----------------------------------------------------------------------------

    def _finish(self) -> None:
        record = self.session.record
        record.overall = overall_scores(record.answers, self.analyses, self.prompt)
        record.scorecard = self.session.write_text(SCORECARD, scorecard_markdown(self.session, self.analyses, self.clarifying, self.prompt)).name
        summary = spoken_summary(record.overall, self.analyses)
        self._close("complete")
        self.view.finished(self.session, summary)
        if self.settings.speak and summary:
            self._speak(summary, self.session.path("summary.wav"))

    def _close(self, status: str, error: str | None = None) -> None:
        record = self.session.record
        record.status = status
        record.ended_at = _now()
        if error:
            record.error = error
        self.session.save()


class _Listener:
    """Hears the candidate while an answer records: answers a question put to the interviewer
    (from the fact sheet, else the style's neutral reply) while the recording goes on, and ends
    the answer on a closing such as "that's my design". Replies are kept as interviewer turns and
    their playback spans as echo to drop from the candidate's words.

    A file playing the candidate (``--answer-audio``) is held at each pause of HOLD_AT_QUIET_S
    until the words said so far have been transcribed (a busy machine decodes seconds behind, and
    the file would otherwise go on past a question before it is heard), and while a reply is
    spoken, as a person waits for it. At ``--answer-speed 0`` (at once) there is no conversation.
    """

    HOLD_AT_QUIET_S = ADDRESSED_WAIT_S  # the shortest wait that hands a question over
    HOLD_LIMIT_S = 60.0  # a stalled transcriber never holds a file longer (a busy machine decodes at half real time)
    HEARD_MARGIN_S = 0.3  # the words may end a little before the recorder's level falls

    def __init__(self, interview: "Interview", index: int, recorder: Recorder):
        self.interview, self.index, self.recorder = interview, index, recorder
        self.answered: list[float] = []  # end times of the questions already answered
        self.speaking: threading.Thread | None = None
        source = recorder.source
        self.file = source if hasattr(source, "hold") else None
        self.off = self.file is not None and not getattr(source, "speed", 1.0)
        self._held_since: float | None = None
        self._pause_waited: float | None = None  # the pause start a hold has already timed out on

    def hear(self) -> None:
        from mockloop.interview.conversation import turn_end

        live = self.interview._live_streams.get(self.index)
        if live is None or self.off:
            return
        if self.speaking is not None and self.speaking.is_alive():
            return
        now, quiet = self.recorder.elapsed_s, self.recorder.silent_for_s
        if self.file is not None and self._words_behind(live, now, quiet):
            return
        words = self._without_our_voice(live.words_so_far())
        end = turn_end(words, now, self.interview.prompt, self.answered, quiet)
        if end is None:
            return
        if end.reason == "closing":
            self.recorder.request_stop(StopReason.TURN_END)
            return
        self.answered.append(end.question.end)
        self._reply(end.question)

    def _words_behind(self, live, now: float, quiet: float) -> bool:
        """For a file: hold it at a pause while the words have not reached the pause yet (True),
        else let it go on (it is also let go after a reply)."""
        import time

        pause_start = now - quiet
        heard = live.heard_until_s()
        behind = (
            quiet >= self.HOLD_AT_QUIET_S and self.recorder.heard_speech and heard is not None
            and heard < pause_start - self.HEARD_MARGIN_S and self._pause_waited != pause_start
        )
        if behind:
            if self._held_since is None:
                self._held_since = time.monotonic()
                self.file.hold()
            if time.monotonic() - self._held_since < self.HOLD_LIMIT_S:
                live.catch_up()
                return True
            self._pause_waited = pause_start  # the transcriber is stuck: go on without its words
        self._held_since = None
        if self.file.held:
            self.file.release()
        return False

    def finish(self) -> None:
        """Wait for a reply still being spoken, so its turn is kept."""
        if self.speaking is not None:
            self.speaking.join()

    def _without_our_voice(self, words: list) -> list:
        """The words heard so far, less the interviewer's own lines coming back (one pass of the
        shared echo filter over all of them)."""
        from mockloop.analysis.echo import drop_echo

        played = self.interview._echo.get(self.index, [])
        if not played:
            return list(words)
        return drop_echo(words, [(t.start, t.end) for t in played], [t.text for t in played])[0]

    def _reply(self, question) -> None:
        from mockloop.interview.conversation import Turn

        interview = self.interview
        reply = interview.interviewer.answer(question.text)
        if getattr(reply, "note", None):
            interview._note(reply.note)
        kind = "clarification" if reply.fact else "neutral"
        interview.view.interviewer_said(self.index, kind, reply.text)
        turns = interview.turns.setdefault(self.index, [])
        path = interview.session.path(f"reply-{self.index}-{len(turns) + 1}.wav")

        if self.file is not None and interview.settings.speak and not interview._speech_off:
            self.file.hold(fill=True)  # the candidate on file waits for the reply, as a person would

        def say():
            start = self.recorder.elapsed_s
            rendered = interview.reply_audio(reply.text)
            if interview.settings.speak and rendered is not None and getattr(interview._speaker, "play", False):
                from mockloop.audio_io.playback import play_file

                try:
                    play_file(rendered, device=interview.settings.output_device)
                except MockloopError as exc:
                    interview.view.warning(str(exc))
            elif interview.settings.speak:
                interview._speak(reply.text, path)
            end = max(self.recorder.elapsed_s, start + 0.1)
            turn = Turn("interviewer", kind, start, end, reply.text, reply.fact)
            interview._played(self.index, turn)
            turns.append(turn)

        self.speaking = threading.Thread(target=say, name="mockloop-reply", daemon=True)
        self.speaking.start()


# --- scores and words for the end of the interview -----------------------------------------


def overall_scores(answers: list[AnswerRecord], analyses: dict[int, Any], prompt=None) -> dict:
    """Session scores from the answers' scores.

    Delivery: the answers' delivery scores weighted by how long each answer ran. Content: the
    main answer's score, with the credit its follow-ups earned on the items they asked about
    (``mockloop.content.probes.session_content_score``): a follow-up can add, never take away.
    """
    from mockloop.content.probes import session_content_score

    weighted = [(a.delivery_score, a.duration_s or 0.0) for a in answers if a.delivery_score is not None]
    total_s = sum(seconds for _, seconds in weighted)
    delivery = round(sum(score * seconds for score, seconds in weighted) / total_s) if total_s else None

    content = None
    if 1 in analyses:
        answered = [(a.asks or (), analyses[a.index].content) for a in answers if a.role == "probe" and a.index in analyses]
        content = session_content_score(prompt, analyses[1].content, answered)
    return {
        "delivery_score": delivery,
        "content_score": content,
        "duration_s": round(sum(a.duration_s or 0.0 for a in answers), 3),
    }


def spoken_summary(overall: dict, analyses: dict[int, Any]) -> str:
    """Two or three sentences the interviewer says at the end."""
    main = analyses.get(1)
    if main is None:
        return "Thank you. Your answer is saved, but it could not be scored this time."
    sentences = []
    wpm = main.delivery.words_per_minute
    pace = f" at about {display_pace(wpm)} words per minute" if wpm else ""
    sentences.append(f"Thank you. You spoke for {_spoken_duration(overall.get('duration_s') or 0)}{pace}.")
    scores = [
        f"{name} {value}" for name, value in (("delivery", overall.get("delivery_score")), ("content", overall.get("content_score")))
        if value is not None
    ]
    if scores:
        sentences.append(f"You scored {' and '.join(scores)} out of 100.")
    if main.scorecard.warnings:  # an unreliable transcript: say so before any advice built on it
        sentences.append("The transcript may be unreliable, so treat these scores with caution.")
    tips = list(main.scorecard.tips)
    if tips:
        sentences.append(f"To improve: {_first_sentence(tips[0])}")
    return " ".join(sentences)


def scorecard_markdown(session: Session, analyses: dict[int, Any], clarifying: dict | None = None, prompt_obj=None) -> str:
    """The session's scorecard as Markdown, written next to the audio; ``clarifying`` maps an
    answer index to its conversation.ClarifyingGrade (the grading of the asking)."""
    record = session.record
    prompt = record.prompt
    lines = [f"# Mock interview {record.id}", ""]
    where = ", ".join(part for part in (prompt.get("kind"), prompt.get("company")) if part)
    lines += [f"**{prompt.get('title') or prompt.get('id')}** ({where}), {record.created_at}", ""]
    lines += ["> " + line for line in str(prompt.get("text", "")).splitlines()] + [""]
    lines += [
        "| | Delivery | Content | Duration | Words/min | Fillers/min | Long pauses | Ended by |",
        "|---|---|---|---|---|---|---|---|",
        f"| **Overall** | {_score(record.overall.get('delivery_score'))} | {_score(record.overall.get('content_score'))} "
        f"| {clock(record.overall.get('duration_s'))} | | | | |",
    ]
    for answer in record.answers:
        analysis = analyses.get(answer.index)
        d = analysis.delivery if analysis else None
        lines.append(
            f"| {answer.index}. {answer.role} | {_score(answer.delivery_score)} | {_score(answer.content_score)} "
            f"| {clock(answer.duration_s)} | {display_number('words_per_minute', d.words_per_minute if d else None)} "
            f"| {display_number('fillers_per_minute', d.fillers_per_minute if d else None)} | {len(d.long_pauses) if d else '-'} "
            f"| {(answer.stop_reason or '-').replace('_', ' ')} |"
        )
    for skipped in getattr(record, "skipped", None) or []:
        lines += ["", f"Follow-up not asked: *{skipped.get('question')}* ({skipped.get('reason')})"]
    for note in getattr(record, "notes", None) or []:
        lines += ["", f"Note: {note}"]
    for answer in record.answers:
        analysis = analyses.get(answer.index)
        lines += ["", f"## {answer.index}. {'Main answer' if answer.role == 'main' else 'Follow-up'}", ""]
        if answer.role != "main":
            lines += [f"*{answer.question}*", ""]
        lines.append(f"Audio: `{answer.audio}`" + (f", analysis: `{answer.analysis}`" if answer.analysis else ""))
        if analysis is None:
            lines += ["", f"Not analysed. {answer.error or ''}".strip()]
            continue
        met = [v.id for v in analysis.content.rubric if v.met]
        missed = [v.id for v in analysis.content.rubric if not v.met]
        lines += ["", f"- Rubric met: {', '.join(met) or 'none'}", f"- Rubric missed: {', '.join(missed) or 'none'}"]
        grade = (clarifying or {}).get(answer.index)
        if grade is not None and answer.role == "main":
            from mockloop.interview.conversation import clarifying_lines

            lines += [f"- Clarifying: {line}" for line in clarifying_lines(grade.to_dict(), prompt_obj)]
        lines += [f"- Warning: {warning}" for warning in analysis.scorecard.warnings]
        lines += [f"- Tip: {tip}" for tip in analysis.scorecard.tips]
        lines += ["", "Transcript:", "", "> " + (analysis.transcript.text or "(no speech)")]
    return "\n".join(lines) + "\n"


def _judge_as_follow_up(analysis, follow_up, prompt) -> None:
    """Re-judge a follow-up answer's content on what the follow-up asked (in place)."""
    from mockloop.content.probes import judge_follow_up

    if not follow_up.items:
        return  # a chooser that did not say what it asks: the whole rubric stands
    whole = analysis.content
    analysis.content = judge_follow_up(whole, follow_up, prompt)
    other_tips = [tip for tip in analysis.scorecard.tips if tip not in whole.tips]
    analysis.scorecard = dataclasses.replace(
        analysis.scorecard, content_score=analysis.content.score, tips=analysis.content.tips + other_tips
    )


def _analysis_json(analysis) -> dict:
    from mockloop.analysis.contract import analysis_to_dict

    return analysis_to_dict(analysis)


def _prompt_dict(prompt) -> dict:
    fields = ("id", "kind", "company", "title", "text", "time_limit_s")
    data = {name: getattr(prompt, name, None) for name in fields}
    data["phases"] = [list(p.values()) if isinstance(p, dict) else list(p) for p in (getattr(prompt, "phases", None) or [])]
    return data


def _prompt_limit(prompt) -> float:
    return float(getattr(prompt, "time_limit_s", None) or DEFAULT_TIME_LIMIT_S)


def _versions() -> dict:
    from importlib import metadata

    versions = {"python": platform.python_version(), "platform": platform.platform()}
    for package in ("mockloop", "faster-whisper", "sounddevice", "pyttsx3"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _score(value) -> str:
    return "-" if value is None else str(value)


def _spoken_duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes == 0:
        return f"{secs} seconds"
    unit = "minute" if minutes == 1 else "minutes"
    return f"{minutes} {unit}" + (f" and {secs} seconds" if secs else "")


def _first_sentence(text: str) -> str:
    head = text.split(". ")[0].strip()
    return head if head.endswith((".", "!", "?")) else head + "."
