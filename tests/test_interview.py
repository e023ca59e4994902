"""The interview loop: ask, record, probe, score, save; and what is left behind when it stops early.

These tests drive ``Interview`` directly with ``--answer-audio``-style file sources fed as fast
as the recorder takes them, so they need no sound server. Analysis is done by a stand-in that
measures the recorded file without transcribing it, which keeps these tests about the loop (the
real Whisper pipeline runs in tests/test_interview_e2e.py).
"""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile as sf

from mockloop.content.probes import FollowUp
from mockloop.errors import InputError, ModelError
from mockloop.interview.loop import (
    AnswerAnalyzer,
    Interview,
    InterviewInterrupted,
    InterviewSettings,
    InterviewView,
    phase_at,
    silence_rule,
    spoken_summary,
)
from mockloop.models import Analysis, ContentResult, DeliveryMetrics, RubricVerdict, Scorecard, Transcript
from mockloop.sessions import SessionStorageError, SessionStore
from mockloop.audio_io.voice import Speaker

RUBRIC = ("clarifies_requirements", "sizes_the_load", "plans_failures", "names_owners")

PROMPT = SimpleNamespace(
    id="sd-test", kind="system_design", company=None, title="Ingest robot telemetry",
    text="Design a system that flags anomalies in robot sensor data.", time_limit_s=600,
    phases=[("Clarify", 60), ("Design", 420), ("Wrap up", 120)], probes={},
)


class MeasuringAnalyzer:
    """Stands in for the Whisper pipeline: measures each answer file, transcribes nothing.

    ``met`` lists, per answer in order, the rubric items that answer is said to meet; delivery
    scores 80, 60, 40 ... in answer order, so weighted overall scores can be checked by hand.
    """

    def __init__(self, met: list[set[str]]):
        self.met = met
        self.calls: list[Path] = []

    def load(self) -> None:
        pass

    def start_stream(self, live=False):
        return None  # no live transcription: every answer is measured from its saved file

    def analyze_stream(self, streamer, source, kind=None, prompt=None):
        raise AssertionError("start_stream returned no stream to analyse")

    def analyze_file(self, path, kind=None, prompt=None) -> Analysis:
        self.calls.append(Path(path))
        n = len(self.calls)
        duration_s = sf.info(str(path)).duration
        met = self.met[n - 1]
        rubric = [RubricVerdict(item, item in met) for item in RUBRIC]
        content_score = round(100 * len(met) / len(RUBRIC))
        delivery = DeliveryMetrics(
            duration_s=duration_s, word_count=0, speaking_time_s=duration_s, words_per_minute=140.0,
            articulation_rate_wpm=150.0, fillers=[], fillers_per_minute=0.0, pauses=[], long_pause_threshold_s=2.0,
            response_latency_s=0.5, decision_markers=[], longest_stretch_without_marker_s=None, hedges=[],
        )
        return Analysis(
            source=Path(path).name, kind=kind, transcript=Transcript([], duration_s), delivery=delivery,
            content=ContentResult(kind=kind, rubric=rubric, score=content_score),
            scorecard=Scorecard(delivery_score=100 - 20 * n, content_score=content_score, tips=["Size the load before you design. It anchors the rest."]),
            prompt_id=getattr(prompt, "id", None),
        )


def probe_the_gaps(prompt, content, n):
    """Asks about every unmet rubric item, like the content module's chooser."""
    return [
        FollowUp(items=(v.id,), text=f"How would you handle {v.id.replace('_', ' ')}?", probe="")
        for v in content.rubric if not v.met
    ][:n]


class RecordingView(InterviewView):
    """Keeps the warnings the loop shows."""

    def __init__(self):
        self.warnings: list[str] = []

    def warning(self, message: str) -> None:
        self.warnings.append(message)


def write_answer(path: Path, seconds: float, rate: int = 16000) -> Path:
    """A tone standing in for speech (the stand-in analyzer does not listen)."""
    t = np.arange(int(seconds * rate)) / rate
    sf.write(path, (0.2 * np.sin(2 * np.pi * 180 * t)).astype("float32"), rate)
    return path


def run(tmp_path, settings: InterviewSettings, analyzer=None, **kwargs):
    store = SessionStore(tmp_path / "sessions")
    interview = Interview(PROMPT, settings, store, analyzer=analyzer or MeasuringAnalyzer([{"clarifies_requirements"}]), **kwargs)
    return interview, interview.run()


def test_a_silent_interview_saves_the_answer_its_analysis_and_a_scorecard(tmp_path, valid_analysis):
    answer = write_answer(tmp_path / "answer.wav", 4.0)
    _, session = run(tmp_path, InterviewSettings(speak=False, answer_audio=(answer,), answer_speed=0))

    record = json.loads((session.folder / "session.json").read_text())
    assert record["status"] == "complete" and record["ended_at"]
    assert record["prompt"]["id"] == "sd-test" and record["settings"]["style"] == "silent"
    assert record["versions"]["python"] and "sounddevice" in record["versions"]
    [main] = record["answers"]
    assert main["role"] == "main" and main["stop_reason"] == "end_of_audio"
    assert main["duration_s"] == pytest.approx(4.0, abs=0.01)
    assert sf.info(session.folder / main["audio"]).duration == pytest.approx(4.0, abs=0.01)
    analysis = valid_analysis(json.loads((session.folder / main["analysis"]).read_text()))
    assert analysis["schema"] == "mockloop.analysis/1" and analysis["scorecard"]["content_score"] == 25
    assert record["overall"] == {"delivery_score": 80, "content_score": 25, "duration_s": 4.0}
    scorecard = (session.folder / "scorecard.md").read_text()
    assert "Ingest robot telemetry" in scorecard and "| **Overall** | 80 | 25 |" in scorecard
    assert "Rubric missed: sizes_the_load, plans_failures, names_owners" in scorecard


def test_the_probing_style_asks_follow_ups_on_the_gaps_and_records_each_separately(tmp_path):
    files = [write_answer(tmp_path / f"answer{n}.wav", seconds) for n, seconds in enumerate((3.0, 1.0, 2.0))]
    analyzer = MeasuringAnalyzer([{"clarifies_requirements"}, {"sizes_the_load"}, {"plans_failures"}])
    settings = InterviewSettings(style="probing", max_probes=2, speak=False, answer_audio=tuple(files), answer_speed=0)
    _, session = run(tmp_path, settings, analyzer=analyzer, probe_chooser=probe_the_gaps)

    answers = session.record.answers
    assert [a.role for a in answers] == ["main", "probe", "probe"]
    assert [a.question for a in answers[1:]] == ["How would you handle sizes the load?", "How would you handle plans failures?"]
    assert [a.asks for a in answers] == [None, ["sizes_the_load"], ["plans_failures"]]
    assert [a.duration_s for a in answers] == [3.0, 1.0, 2.0]
    assert [p.name for p in analyzer.calls] == ["answer-1.wav", "answer-2.wav", "answer-3.wav"]
    # each follow-up is judged on the one item it asked about, and met it
    assert [a.content_score for a in answers] == [25, 100, 100]
    # delivery weighted by length: (80*3 + 60*1 + 40*2) / 6; content: 3 of 4 items met across answers
    assert session.record.overall["delivery_score"] == 63
    assert session.record.overall["content_score"] == 75


def test_a_follow_up_without_its_own_answer_file_is_skipped_not_answered_by_another(tmp_path):
    main, follow_up = write_answer(tmp_path / "main.wav", 3.0), write_answer(tmp_path / "probe.wav", 1.0)
    analyzer = MeasuringAnalyzer([{"clarifies_requirements"}, {"sizes_the_load"}])
    settings = InterviewSettings(style="probing", max_probes=2, speak=False, answer_audio=(main, follow_up), answer_speed=0)
    view = RecordingView()
    _, session = run(tmp_path, settings, analyzer=analyzer, probe_chooser=probe_the_gaps, view=view)

    assert [a.role for a in session.record.answers] == ["main", "probe"]
    assert [p.name for p in analyzer.calls] == ["answer-1.wav", "answer-2.wav"]
    [skipped] = session.record.skipped
    assert skipped["question"] == "How would you handle plans failures?" and skipped["asks"] == ["plans_failures"]
    assert "answer file" in skipped["reason"]
    saved = json.loads((session.folder / "session.json").read_text())
    assert saved["skipped"] == [skipped] and len(saved["answers"]) == 2
    assert any("skipped" in warning for warning in view.warnings)
    assert "Follow-up not asked: *How would you handle plans failures?*" in (session.folder / "scorecard.md").read_text()


def test_a_follow_up_answer_that_misses_its_item_does_not_lower_the_main_score(tmp_path):
    files = [write_answer(tmp_path / f"answer{n}.wav", 2.0) for n in range(2)]
    analyzer = MeasuringAnalyzer([{"clarifies_requirements", "plans_failures"}, set()])
    settings = InterviewSettings(style="probing", max_probes=1, speak=False, answer_audio=tuple(files), answer_speed=0)
    _, session = run(tmp_path, settings, analyzer=analyzer, probe_chooser=probe_the_gaps)

    main, probe = session.record.answers
    assert main.content_score == 50 and probe.content_score == 0
    assert session.record.overall["content_score"] == 50


def test_the_time_limit_cuts_a_long_answer(tmp_path):
    answer = write_answer(tmp_path / "answer.wav", 10.0)
    _, session = run(tmp_path, InterviewSettings(speak=False, time_limit_s=2.5, answer_audio=(answer,), answer_speed=0))
    [main] = session.record.answers
    assert main.stop_reason == "time_limit" and main.duration_s == 2.5


def test_questions_and_summary_are_rendered_into_the_session_when_spoken(tmp_path):
    answer = write_answer(tmp_path / "answer.wav", 1.0)
    settings = InterviewSettings(speak=True, answer_audio=(answer,), answer_speed=0)
    _, session = run(tmp_path, settings, speaker=Speaker(play=False))

    assert session.record.answers[0].question_audio == "question-1.wav"
    for name in ("question-1.wav", "summary.wav"):
        assert sf.info(session.folder / name).duration > 1.0


def test_ctrl_c_keeps_the_recording_and_marks_the_session_interrupted(tmp_path):
    answer = write_answer(tmp_path / "answer.wav", 30.0)

    class InterruptAfterOneSecond(InterviewView):
        def tick(self, recorder):
            if recorder.elapsed_s >= 1.0:
                signal.raise_signal(signal.SIGINT)  # exactly what Ctrl-C delivers

    settings = InterviewSettings(speak=False, answer_audio=(answer,), answer_speed=1.0)
    interview = Interview(PROMPT, settings, SessionStore(tmp_path / "sessions"), view=InterruptAfterOneSecond(), analyzer=MeasuringAnalyzer([set()]))
    with pytest.raises(InterviewInterrupted, match="Stopped. What was recorded is kept in"):
        interview.run()

    record = json.loads((interview.session.folder / "session.json").read_text())
    assert record["status"] == "interrupted"
    assert record["answers"][0]["stop_reason"] == "interrupted"
    kept = sf.info(interview.session.folder / "answer-1.wav").duration
    assert 1.0 <= kept <= 1.5 and kept == pytest.approx(record["answers"][0]["duration_s"], abs=0.01)


def test_an_unwritable_sessions_folder_fails_before_anything_is_asked(tmp_path):
    answer = write_answer(tmp_path / "answer.wav", 1.0)
    asked = []

    class Watching(InterviewView):
        def question_asked(self, index, role, text):
            asked.append(text)

    store = SessionStore(tmp_path / "a-file" / "sessions")
    (tmp_path / "a-file").write_text("")
    interview = Interview(PROMPT, InterviewSettings(speak=False, answer_audio=(answer,)), store, view=Watching(), analyzer=MeasuringAnalyzer([set()]))
    with pytest.raises(SessionStorageError, match="--sessions-dir"):
        interview.run()
    assert asked == []


def test_the_pipeline_analyzer_and_the_stand_in_both_are_answer_analyzers():
    from mockloop.analysis.pipeline import Analyzer

    assert isinstance(Analyzer(), AnswerAnalyzer)
    assert isinstance(MeasuringAnalyzer([]), AnswerAnalyzer)
    assert not isinstance(SimpleNamespace(analyze_file=lambda path: None), AnswerAnalyzer)


def test_an_answer_that_cannot_be_analysed_is_still_saved_with_the_reason(tmp_path):
    class BrokenModel(MeasuringAnalyzer):
        def analyze_file(self, path, kind=None, prompt=None):
            raise InputError("the model could not read this")

    answer = write_answer(tmp_path / "answer.wav", 1.0)
    _, session = run(tmp_path, InterviewSettings(speak=False, answer_audio=(answer,), answer_speed=0), analyzer=BrokenModel([]))
    [main] = session.record.answers
    assert session.record.status == "complete" and main.analysis is None
    assert "Not analysed: the model could not read this" in main.error
    assert (session.folder / main.audio).is_file()
    assert "Not analysed" in (session.folder / "scorecard.md").read_text()


def test_audio_the_microphone_lost_is_recorded_on_the_answer_and_warned_about(tmp_path):
    """PortAudio counts input blocks it dropped while the process was busy; the saved audio has a
    gap at each, and the session says so (here the answer file's source reports two)."""
    warned = []

    class DroppingTwo(InterviewView):
        def answer_started(self, index, recorder, limit_s, phases, stops):
            recorder.source.overflows = 2  # what MicrophoneSource counts from PortAudio's status flags

        def warning(self, message):
            warned.append(message)

    answer = write_answer(tmp_path / "answer.wav", 2.0)
    _, session = run(tmp_path, InterviewSettings(speak=False, answer_audio=(answer,), answer_speed=0), view=DroppingTwo())
    [main] = json.loads((session.folder / "session.json").read_text())["answers"]
    assert main["dropped_blocks"] == 2
    assert any("lost 2 block(s) of audio" in message for message in warned), warned
    assert SessionStore(tmp_path / "sessions").open(session.folder.name).record.answers[0].dropped_blocks == 2  # read back through the checks


def test_an_answer_that_lost_no_audio_says_nothing_about_it(tmp_path):
    answer = write_answer(tmp_path / "answer.wav", 2.0)
    _, session = run(tmp_path, InterviewSettings(speak=False, answer_audio=(answer,), answer_speed=0))
    [main] = json.loads((session.folder / "session.json").read_text())["answers"]
    assert "dropped_blocks" not in main or main["dropped_blocks"] is None


# --- small rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "elapsed_s, expected",
    [(0, ("Clarify", 60)), (59.5, ("Clarify", 0.5)), (60, ("Design", 420)), (590, ("Wrap up", 10)), (600, None)],
)
def test_the_phase_shown_follows_the_clock(elapsed_s, expected):
    assert phase_at(PROMPT.phases, elapsed_s) == expected


def test_system_design_answers_never_stop_on_silence_unless_asked():
    assert silence_rule("system_design", None) is None
    assert silence_rule("behavioral", None).after_s == 12.0
    assert silence_rule("system_design", 20).after_s == 20
    assert silence_rule("behavioral", 0) is None


def test_the_spoken_summary_is_two_or_three_sentences(tmp_path):
    answer = write_answer(tmp_path / "answer.wav", 0.5)
    analysis = MeasuringAnalyzer([{"clarifies_requirements"}]).analyze_file(answer, kind="system_design")
    text = spoken_summary({"delivery_score": 80, "content_score": 25, "duration_s": 185.0}, {1: analysis})
    assert text == (
        "Thank you. You spoke for 3 minutes and 5 seconds at about 140 words per minute. "
        "You scored delivery 80 and content 25 out of 100. To improve: Size the load before you design."
    )


@pytest.mark.parametrize("field, value", [("time_limit_s", float("nan")), ("time_limit_s", float("inf")), ("silence_stop_s", float("nan")), ("answer_speed", -1.0)])
def test_settings_refuse_numbers_that_would_hang_or_crash_the_recorder(field, value):
    with pytest.raises(InputError, match="must be a number"):
        InterviewSettings(**{field: value})


def test_settings_refuse_an_unknown_style():
    with pytest.raises(InputError, match="Unknown interviewer style 'chatty'"):
        InterviewSettings(style="chatty")


def test_a_model_that_cannot_load_stops_the_interview_before_the_first_question(tmp_path):
    asked = []

    class Recording(InterviewView):
        def question_asked(self, index, role, text):
            asked.append(text)

    class Unloadable(MeasuringAnalyzer):
        def load(self):
            raise ModelError("cannot load model from /models/garbage: not a CTranslate2 model")

    answer = write_answer(tmp_path / "answer.wav", 0.2)
    store = SessionStore(tmp_path / "sessions")
    interview = Interview(
        PROMPT, InterviewSettings(speak=False, answer_audio=(answer,), answer_speed=0), store, view=Recording(),
        analyzer=Unloadable([set()]),
    )
    with pytest.raises(ModelError, match="cannot load model"):
        interview.run()
    assert asked == []
    assert not (tmp_path / "sessions").exists(), "no session folder for an interview that never started"


def test_the_loop_waits_on_a_background_model_load(tmp_path):
    """The model loads while the devices open; the interview waits for it instead of failing."""
    loaded = threading.Event()

    class SlowToLoad(MeasuringAnalyzer):
        def load(self):
            loaded.wait(0.5)
            loaded.set()

        def analyze_file(self, path, kind=None, prompt=None):
            assert loaded.is_set()
            return super().analyze_file(path, kind, prompt)

    answer = write_answer(tmp_path / "answer.wav", 0.2)
    _, session = run(tmp_path, InterviewSettings(speak=False, answer_audio=(answer,), answer_speed=0), analyzer=SlowToLoad([set()]))
    assert session.record.answers[0].analysis == "answer-1.json"


def test_without_a_speech_engine_the_interview_goes_on_in_text_with_one_warning(tmp_path):
    warnings = []

    class Collecting(InterviewView):
        def warning(self, message):
            warnings.append(message)

    answers = (write_answer(tmp_path / "answer.wav", 0.5), write_answer(tmp_path / "follow-up.wav", 0.5))
    settings = InterviewSettings(style="probing", max_probes=1, speak=True, answer_audio=answers, answer_speed=0)
    interview = Interview(
        PROMPT, settings, SessionStore(tmp_path / "sessions"), view=Collecting(),
        analyzer=MeasuringAnalyzer([set(), set()]), speaker=Speaker(driver="no_such_driver"), probe_chooser=probe_the_gaps,
    )
    session = interview.run()

    assert session.record.status == "complete" and len(session.record.answers) == 2
    assert [a.question_audio for a in session.record.answers] == [None, None]
    assert len(warnings) == 1 and "No text-to-speech engine" in warnings[0]


def test_a_style_that_cuts_in_says_it_during_the_main_answer_and_keeps_it_as_a_turn(tmp_path):
    from mockloop.interview.styles import STYLES, Style

    quick = Style("quick", "cuts in after a second", neutral_reply="Go on.", follow_ups=False, cut_in_s=1.0,
                  cut_in=STYLES["tiktok"].cut_in)
    answer = write_answer(tmp_path / "answer.wav", 3.0)
    said = []

    class Listening(InterviewView):
        def interviewer_said(self, index, kind, text):
            said.append((index, kind, text))

    # fed at twice real time, so the loop watches the clock as it would with a microphone
    settings = InterviewSettings(style="tiktok", speak=False, answer_audio=(answer,), answer_speed=2.0)
    store = SessionStore(tmp_path / "sessions")
    session = Interview(PROMPT, settings, store, view=Listening(), analyzer=MeasuringAnalyzer([set()]), style=quick).run()

    assert said == [(1, "follow_up", quick.cut_in)]
    [turn] = json.loads((session.folder / "answer-1.json").read_text())["turns"]
    assert turn["speaker"] == "interviewer" and turn["kind"] == "follow_up" and turn["text"] == quick.cut_in
    assert 1.0 <= turn["start"] < 3.0


def test_an_llm_interviewer_that_cannot_be_reached_leaves_the_rules_wording_with_a_visible_note(tmp_path):
    from mockloop.content.llm_judge import LLMOptions
    from mockloop.interview.llm_interviewer import LLMInterviewer
    from mockloop.interview.styles import STYLES

    files = [write_answer(tmp_path / f"answer{n}.wav", 1.0) for n in range(2)]
    analyzer = MeasuringAnalyzer([{"clarifies_requirements"}, {"sizes_the_load"}])
    closed_port = LLMOptions(model="m", base_url="http://127.0.0.1:9/v1", api_key="k", timeout_s=2.0, max_retries=0, deadline_s=3.0)
    settings = InterviewSettings(style="probing", max_probes=1, speak=False, answer_audio=tuple(files), answer_speed=0, interviewer="llm")
    view = RecordingView()
    _, session = run(tmp_path, settings, analyzer=analyzer, probe_chooser=probe_the_gaps, view=view,
                     interviewer=LLMInterviewer(PROMPT, STYLES["probing"], closed_port))

    assert session.record.answers[1].question == "How would you handle sizes the load?"
    [note] = session.record.notes
    assert "LLM interviewer unavailable" in note and "the rules spoke" in note
    assert note in view.warnings
    assert json.loads((session.folder / "session.json").read_text())["notes"] == [note]


class HeardSoFar:
    """Stands in for the live transcriber: takes the blocks, reports scripted words so far."""

    def __init__(self, words):
        self.words = words

    def feed(self, block):
        pass

    def words_so_far(self):
        return list(self.words)

    def close(self):
        pass


def test_the_probing_interviewer_asks_one_follow_up_at_a_pause_late_in_the_design_phase(tmp_path):
    import dataclasses as dc

    from mockloop.content import get_prompt
    from mockloop.models import Word

    prompt = dc.replace(get_prompt("sd-sensor-anomaly-review"), time_limit_s=10, phases=[("intro", 1), ("design", 8), ("questions", 1)])
    said = "We have two thousand robots, each sends a reading every second. Reviewers confirm or dismiss the flags in a queue."
    heard = [Word(w, start=0.2 + 0.3 * n, end=0.45 + 0.3 * n) for n, w in enumerate(said.split())]

    class Streaming(MeasuringAnalyzer):
        def start_stream(self, live=False):
            return HeardSoFar(heard)

        def analyze_stream(self, streamer, source, kind=None, prompt=None):
            return self.analyze_file(tmp_path / "answer.wav", kind=kind, prompt=prompt)

    # three seconds of "speech", then the candidate pauses for five
    rate = 16000
    t = np.arange(3 * rate) / rate
    quiet = 0.002 * np.random.default_rng(1).standard_normal(5 * rate)
    sf.write(tmp_path / "answer.wav", np.concatenate([0.2 * np.sin(2 * np.pi * 180 * t), quiet]).astype("float32"), rate)
    said_live = []

    class Listening(InterviewView):
        def interviewer_said(self, index, kind, text):
            said_live.append((index, kind, text))

    settings = InterviewSettings(style="probing", max_probes=0, speak=False, answer_audio=(tmp_path / "answer.wav",), answer_speed=2.0)
    session = Interview(prompt, settings, SessionStore(tmp_path / "sessions"), view=Listening(), analyzer=Streaming([set()])).run()

    [(index, kind, text)] = said_live
    assert index == 1 and kind == "follow_up"
    assert text.endswith("What happens when half of the uploads fail because of network jitter in remote regions?")
    [turn] = json.loads((session.folder / "answer-1.json").read_text())["turns"]
    assert turn["kind"] == "follow_up" and 5.8 <= turn["start"] < 9.0


def test_every_fact_sheet_reply_is_rendered_while_the_prompt_is_read(tmp_path):
    from mockloop.content import get_prompt

    prompt = get_prompt("sd-sensor-anomaly-review")
    answer = write_answer(tmp_path / "answer.wav", 1.0)
    settings = InterviewSettings(speak=True, answer_audio=(answer,), answer_speed=0)
    interview = Interview(prompt, settings, SessionStore(tmp_path / "sessions"), analyzer=MeasuringAnalyzer([set()]),
                          speaker=Speaker(play=False))
    interview.run()
    replies = [fact.answer for fact in prompt.facts] + [interview.style.neutral_reply]
    assert interview.replies_ready.wait(120)  # rendered in the background
    for text in replies:
        path = interview.reply_audio(text)
        assert path is not None and path.parent == interview.session.folder and sf.info(path).duration > 1.0


class AskingView(InterviewView):
    """Keeps the grading of the asking the loop shows, per answer."""

    def __init__(self):
        self.graded: dict[int, list[str]] = {}

    def asking_graded(self, index: int, lines: list[str]) -> None:
        self.graded[index] = lines


def test_the_view_is_shown_each_critical_fact_the_candidate_never_asked_about(tmp_path):
    from mockloop.content.prompts import get_prompt

    prompt = get_prompt("sd-robot-fleet-anomalies")
    critical = [fact for fact in prompt.facts if fact.critical]
    answer = write_answer(tmp_path / "answer.wav", 3.0)
    view = AskingView()
    settings = InterviewSettings(speak=False, answer_audio=(answer,), answer_speed=0, max_probes=0)
    Interview(prompt, settings, SessionStore(tmp_path / "sessions"), analyzer=MeasuringAnalyzer([set()]), view=view).run()
    [lines] = view.graded.values()
    for fact in critical:
        assert f"You never asked about {fact.id.replace('_', ' ')}: {fact.answer}" in lines


def test_lines_said_during_an_answer_reach_the_file_analysis_as_echo_and_are_kept_in_the_session(tmp_path):
    """Without a live stream, the answer is analysed from its saved file: the interviewer's
    played lines go with it as echo, and session.json keeps them for a later rescore."""
    from mockloop.analysis.echo import EchoSpan
    from mockloop.interview.styles import STYLES, Style

    quick = Style("quick", "cuts in after a second", neutral_reply="Go on.", follow_ups=False, cut_in_s=1.0,
                  cut_in=STYLES["tiktok"].cut_in)

    class FromTheFile(MeasuringAnalyzer):
        echo = None

        def analyze_file(self, path, kind=None, prompt=None, echo=()):
            FromTheFile.echo = list(echo)
            return super().analyze_file(path, kind, prompt)

    answer = write_answer(tmp_path / "answer.wav", 3.0)
    settings = InterviewSettings(style="tiktok", speak=True, answer_audio=(answer,), answer_speed=2.0)
    session = Interview(PROMPT, settings, SessionStore(tmp_path / "sessions"), analyzer=FromTheFile([set()]),
                        speaker=Speaker(play=False), style=quick).run()

    [span] = FromTheFile.echo
    assert isinstance(span, EchoSpan) and span.text == quick.cut_in and 1.0 <= span.start < span.end
    [played] = json.loads((session.folder / "session.json").read_text())["answers"][0]["playback"]
    assert played["speaker"] == "interviewer" and played["kind"] == "follow_up" and played["text"] == quick.cut_in
    assert (played["start"], played["end"]) == (round(span.start, 3), round(span.end, 3))
