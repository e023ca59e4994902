"""The mechanics of a conversation: hearing a question to the interviewer, the end of a turn, echo
(the filter itself is ``mockloop.analysis.echo``, shared by every path that transcribes an answer).

An interviewer answers a clarifying question only when it was put to them: the candidate asks and
then stops to wait. A rhetorical question ("What happens when half of the uploads fail? Devices
buffer locally...") is answered by the candidate straight away. Whisper often drops the "?", so a
sentence counts as a question from its wording (a wh-word or an inverted auxiliary at the start of
the clause, a request such as "can I ask"), and as put to the interviewer from the wait after it,
which may be shorter when the wording addresses the listener ("do you", "do we know").

Everything here works on plain words with times (``mockloop.models.Word``), so the same functions
serve the live loop, a recorded answer file and the eval.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Iterable, Optional, Sequence

from mockloop.content.facts import fact_for_question, normalise

SPEAKERS = ("interviewer", "candidate")
# What a turn is; "answer" is the candidate speaking, the rest are the interviewer's kinds.
TURN_KINDS = ("prompt", "answer", "question", "clarification", "neutral", "follow_up", "time_cue", "closing")
# How the replay and the report name an interviewer's turn of each kind. A cut-in is a follow-up
# said while the candidate is still answering.
INTERVIEWER_LABELS = {
    "clarification": "answers your question", "neutral": "replies", "follow_up": "follows up",
    "time_cue": "time cue", "closing": "closes", "prompt": "asks",
}

# A pause this long inside a sentence-less stretch of words ends a sentence (Whisper drops stops).
SENTENCE_GAP_S = 0.7
# The wait after a question that hands the turn to the interviewer, with and without wording
# that addresses the listener. Rhetorical questions are answered within about half a second (the
# labelled set's speakers go on after 0.25-0.6 s); a question worded to the listener ("can I ask
# who owns operations?") needs less proof than a bare one, and the reply must start within 1 s.
WAIT_S = 1.5
ADDRESSED_WAIT_S = 0.8
# The quiet after a closing phrase ("that's my design") that ends the answer.
CLOSING_WAIT_S = 1.2
# A question already answered is found again when its stretch is decoded anew (the look-ahead's
# words give way to the cut chunk's): its end can move by a few hundred ms, and its start by a
# whole clause when the sentences are cut differently ("Before I design anything, can I ask ...").
# A question ending no later than this after an answered one's end is that one; a new question
# ends after the reply, seconds later.
SAME_QUESTION_S = 1.0

# After a comma these start a relative clause ("..., which changes the design").
RELATIVES = frozenset("which who whom whose where when".split())
WH_WORDS = frozenset("what who whom whose how when where which why".split())
AUXILIARIES = frozenset(
    "is are was were do does did can could should would will shall may might have has am "
    "isnt arent dont doesnt didnt cant couldnt shouldnt wont".split()
)
# Subjects an inverted auxiliary is followed by in a question ("are we", "is the data").
SUBJECTS = frozenset("i we you they it there this that these those the a an our your users each any".split())
PRONOUNS = frozenset("i we you they he she".split())
# Words a question clause may start after ("so, before I start, can I ask ...").
LEAD_INS = frozenset("so and but okay ok right well um uh and also then first quick question just".split())
REQUESTS = (
    "can i ask", "could i ask", "may i ask", "i want to ask", "id like to ask", "i would like to ask",
    "i wanted to ask", "i was wondering", "i wonder", "do we know", "do you know", "can you tell me",
    "could you tell me", "is it ok if i assume", "should i assume", "can i assume", "am i right that",
)
# Wording that puts the question to the listener.
ADDRESSEE = ("you", "can i ask", "could i ask", "may i ask", "do we know", "should i assume", "can i assume", "are we", "do we", "is there", "are there", "the interviewer")
CLOSINGS = (
    "thats my design", "that is my design", "ill stop there", "i will stop there", "that is it", "thats it",
    "thats all", "that is all", "thats my answer", "that is my answer", "happy to go deeper", "ill pause there",
    "i will pause there", "thats where id stop", "thats the design", "that covers it",
)


@dataclass(frozen=True)
class Turn:
    """One turn of the conversation, in seconds from the start of the answer's recording."""

    speaker: str  # "interviewer" | "candidate"
    kind: str  # one of TURN_KINDS
    start: float
    end: float
    text: str
    fact: Optional[str] = None  # the fact an interviewer's clarification gave

    def to_dict(self) -> dict:
        data = asdict(self)
        data["start"], data["end"] = round(self.start, 3), round(self.end, 3)
        return data


@dataclass(frozen=True)
class Sentence:
    text: str
    start: float
    end: float
    first_word: int  # index into the words it was cut from
    last_word: int


@dataclass(frozen=True)
class DetectedQuestion:
    """A sentence of the candidate's that is worded as a question, and whether it was put to us."""

    text: str
    start: float
    end: float
    wait_s: Optional[float]  # quiet after it (to the next word, or to "now"); None while unknown
    addressed: bool  # put to the interviewer: they should answer
    fact: Optional[str] = None  # the fact it reaches on the prompt's sheet


@dataclass(frozen=True)
class TurnEnd:
    reason: str  # "question" | "closing" (Enter, time limit and silence come from the recorder)
    at: float  # when the candidate's last word ended
    question: Optional[DetectedQuestion] = None


@dataclass(frozen=True)
class ClarifyingAsk:
    fact: str
    start: float
    quote: str


@dataclass(frozen=True)
class ClarifyingGrade:
    """``content.clarifying``: what the candidate asked and which critical facts they never did."""

    asked: tuple[ClarifyingAsk, ...] = ()
    missed_critical: tuple[str, ...] = ()
    first_question_s: Optional[float] = None
    first_design_s: Optional[float] = None
    scoped_before_design: Optional[bool] = None  # None when there was no design statement
    missed_answers: dict = field(default_factory=dict)  # critical id -> what the interviewer knew

    def to_dict(self) -> dict:
        return {
            "asked": [{"fact": a.fact, "start": round(a.start, 3), "quote": a.quote} for a in self.asked],
            "missed_critical": list(self.missed_critical),
            "first_question_s": None if self.first_question_s is None else round(self.first_question_s, 3),
            "first_design_s": None if self.first_design_s is None else round(self.first_design_s, 3),
            "scoped_before_design": self.scoped_before_design,
        }


# --- sentences and questions --------------------------------------------------------------------


def sentences(words: Sequence) -> list[Sentence]:
    """Cut timed words into sentences at end punctuation and at pauses of SENTENCE_GAP_S."""
    out: list[Sentence] = []
    first = 0
    for index, word in enumerate(words):
        last = index == len(words) - 1
        ends = word.text.rstrip().endswith((".", "?", "!"))
        gap = None if last else _gap(word, words[index + 1])
        if last or ends or (gap is not None and gap >= SENTENCE_GAP_S):
            chunk = words[first : index + 1]
            out.append(Sentence(" ".join(w.text.strip() for w in chunk), _t(chunk[0].start), _t(word.end), first, index))
            first = index + 1
    return out


def is_question_wording(text: str) -> bool:
    """True when a sentence is worded as a question, with or without its "?"."""
    if text.rstrip().endswith("?"):
        return True
    words = normalise(text).split()
    if not words:
        return False
    joined = " ".join(words)
    if any(re.search(rf"\b{re.escape(r)}\b", joined) for r in REQUESTS):
        return True
    # The clause may start after a lead-in ("so", "okay", "before I start,"): look at the first
    # few clause starts, split at commas in the original text.
    for position, clause in enumerate([normalise(part).split() for part in re.split(r"[,;:]", text)][:3]):
        while clause and clause[0] in LEAD_INS:
            clause = clause[1:]
        if position and clause and clause[0] in RELATIVES:
            continue  # ", which changes the design": a relative clause, not a question
        if len(clause) >= 2 and _question_start(clause):
            return True
    return False


def _question_start(words: list[str]) -> bool:
    head, after = words[0], words[1]
    if head in WH_WORDS:
        # "how many", "what is", "who owns"... but not "what I would do is" or "how we handle it"
        # (a question inverts: "what would I", "how do we").
        return after not in PRONOUNS
    return head in AUXILIARIES and (after in SUBJECTS or after.endswith("s"))


def addresses_listener(text: str) -> bool:
    joined = " " + normalise(text) + " "
    return any(f" {cue} " in joined for cue in ADDRESSEE)


def find_questions(words: Sequence, now_s: Optional[float] = None, prompt=None, quiet_s: Optional[float] = None) -> list[DetectedQuestion]:
    """Every question-worded sentence, with whether it was put to the interviewer.

    ``now_s``: how far the audio has been heard (live); the last sentence's wait runs to it. Without
    it (a whole file) the last sentence's wait is unknown and it is not counted as addressed.
    ``quiet_s``: how long the microphone has been quiet up to ``now_s`` (live). The words lag the
    audio by the time a decode takes, so a rhetorical question can be the last words decoded
    while the candidate is already answering it: the wait after the last sentence is never longer
    than the quiet the audio heard.
    """
    out = []
    cut = sentences(words)
    for index, sentence in enumerate(cut):
        if not is_question_wording(sentence.text):
            continue
        if index + 1 < len(cut):
            wait = cut[index + 1].start - sentence.end
        elif now_s is not None:
            wait = now_s - sentence.end if quiet_s is None else min(now_s - sentence.end, quiet_s)
        else:
            wait = None
        needed = ADDRESSED_WAIT_S if addresses_listener(sentence.text) else WAIT_S
        fact = fact_for_question(prompt, sentence.text) if prompt is not None else None
        out.append(
            DetectedQuestion(
                sentence.text, sentence.start, sentence.end, None if wait is None else round(wait, 3),
                wait is not None and wait >= needed, fact.id if fact else None,
            )
        )
    return out


def question_mark_baseline(words: Sequence) -> list[Sentence]:
    """The plain baseline the eval prints beside the detector: sentences that end with "?"."""
    return [s for s in sentences(words) if s.text.rstrip().endswith("?")]


# --- the end of a turn --------------------------------------------------------------------------


def turn_end(
    words: Sequence, now_s: float, prompt=None, answered: Iterable[float] = (), quiet_s: Optional[float] = None
) -> Optional[TurnEnd]:
    """Whether the candidate has handed the turn over by ``now_s``; None while it is theirs.

    A question put to the interviewer that has not been answered yet hands over for a reply;
    ``answered`` holds the end times of the questions already answered, and a question ending
    within SAME_QUESTION_S after one of them is that one. A closing phrase followed by quiet ends
    the answer. ``quiet_s``: the quiet the microphone heard up to ``now_s`` (see find_questions);
    the words alone cannot tell a wait from speech not decoded yet.
    """
    if not words:
        return None
    latest_answered = max(answered, default=None)
    cut = sentences(words)
    last = cut[-1]
    quiet = now_s - last.end if quiet_s is None else min(now_s - last.end, quiet_s)
    for question in find_questions(words, now_s, prompt, quiet_s):
        already = latest_answered is not None and question.end <= latest_answered + SAME_QUESTION_S
        if question.addressed and not already and question.end == last.end:
            return TurnEnd("question", last.end, question)
    if quiet >= CLOSING_WAIT_S and is_closing(last.text):
        return TurnEnd("closing", last.end)
    return None


def is_closing(text: str) -> bool:
    joined = " " + normalise(text) + " "
    return any(f" {phrase} " in joined for phrase in CLOSINGS)


# --- grading the asking -------------------------------------------------------------------------


def grade_clarifying(questions: Sequence[DetectedQuestion], prompt, first_design_s: Optional[float] = None) -> ClarifyingGrade:
    """Which facts the candidate's questions reached, which critical facts were never asked for,
    and whether the first question came before the first design statement."""
    asked, reached = [], set()
    for question in questions:
        if question.fact and question.fact not in reached:
            reached.add(question.fact)
            asked.append(ClarifyingAsk(question.fact, question.start, question.text))
    facts = tuple(getattr(prompt, "facts", ()) or ())
    missed = tuple(f.id for f in facts if f.critical and f.id not in reached)
    first_q = min((a.start for a in asked), default=None)
    scoped = None
    if first_design_s is not None:
        scoped = first_q is not None and bool(first_q < first_design_s)
    return ClarifyingGrade(
        tuple(asked), missed, first_q, first_design_s, scoped,
        {f.id: f.answer for f in facts if f.id in missed},
    )


# --- one transcript of the conversation ---------------------------------------------------------


def first_design_s(content) -> Optional[float]:
    """When the first design statement was said, from the rule judge's sequencing block."""
    point = ((getattr(content, "extras", None) or {}).get("sequencing") or {}).get("first_design_statement")
    start = point.get("start") if isinstance(point, dict) else None
    # A plain float: word times can be numpy's, and a numpy comparison is no JSON boolean.
    return float(start) if start is not None else None


def candidate_turns(words: Sequence, questions: Sequence[DetectedQuestion], interviewer: Sequence[Turn]) -> list[Turn]:
    """The candidate's words as turns: split where the interviewer spoke, each question put to the
    interviewer a turn of its own (kind "question", with the fact it reached)."""
    breaks = sorted(t.start for t in interviewer if t.start > 0)
    asked = {round(q.start, 3): q for q in questions if q.addressed}
    turns: list[Turn] = []
    group: list[Sentence] = []

    def flush():
        if group:
            turns.append(Turn("candidate", "answer", group[0].start, group[-1].end, " ".join(s.text for s in group)))
            group.clear()

    for sentence in sentences(words):
        if group and any(group[-1].end <= b <= sentence.start for b in breaks):
            flush()
        question = asked.get(round(sentence.start, 3))
        if question is not None:
            flush()
            turns.append(Turn("candidate", "question", sentence.start, sentence.end, sentence.text, question.fact))
        else:
            group.append(sentence)
    flush()
    return turns


REPLY_KINDS = ("clarification", "neutral")  # the interviewer's turns that answer a question put to it


def as_answered(questions: Sequence[DetectedQuestion], words: Sequence, interviewer: Sequence[Turn]) -> list[DetectedQuestion]:
    """The questions put to the interviewer, each one it replied to carrying the reply's fact.

    The interviewer replies to the words heard while the candidate waits; the saved words come
    from a later decode of the whole stretch, which can word the question differently (through a
    laptop microphone under load, "how the data arrives" came back as "how the data rhymes",
    which reaches no fact). The reply is what happened: the question it answered reached the
    fact it gave. When the saved words hold no question put to the interviewer before a reply,
    the candidate's last sentence before it is the one that was answered.
    """
    out = sorted(questions, key=lambda q: q.start)
    cut = sentences(words)
    previous_end = 0.0
    for reply in sorted(interviewer, key=lambda t: t.start):
        if reply.kind not in REPLY_KINDS:
            previous_end = max(previous_end, reply.end)
            continue
        asked = [k for k, q in enumerate(out) if previous_end <= q.end <= reply.start]
        if asked:
            k = asked[-1]
            out[k] = replace(out[k], addressed=True, fact=reply.fact)
        else:
            said = [s for s in cut if previous_end <= s.end <= reply.start]
            if said:
                last = said[-1]
                out.append(DetectedQuestion(last.text, last.start, last.end, round(reply.start - last.end, 3), True, reply.fact))
                out.sort(key=lambda q: q.start)
        previous_end = max(previous_end, reply.end)
    return out


def conversation_of(words: Sequence, prompt, interviewer: Sequence[Turn], content=None, heard_s: Optional[float] = None):
    """``(turns, grade)`` for one answer: every turn in time order, and ``content.clarifying``."""
    questions = as_answered([q for q in find_questions(words, heard_s, prompt) if q.addressed], words, interviewer)
    grade = grade_clarifying(questions, prompt, first_design_s(content) if content is not None else None)
    turns = sorted(list(interviewer) + candidate_turns(words, questions, interviewer), key=lambda t: (t.start, t.speaker != "interviewer"))
    return turns, grade


def add_conversation(data: dict, analysis, prompt, interviewer: Sequence[Turn]) -> ClarifyingGrade:
    """Write ``turns`` and ``content.clarifying`` into an answer's JSON ``data`` (the interview
    and ``mockloop rescore`` both); returns the grade."""
    turns, grade = conversation_of(
        analysis.transcript.words, prompt, interviewer, analysis.content, analysis.transcript.duration_s
    )
    data["turns"] = [turn.to_dict() for turn in turns]
    data.setdefault("content", {})["clarifying"] = grade.to_dict()
    return grade


def interviewer_turns_from(saved: Iterable) -> list[Turn]:
    """The interviewer's Turns from saved turn dicts (an answer's ``turns``, or its ``playback``
    in session.json; both already checked by session_files), the candidate's left out."""
    turns = []
    for item in saved or ():
        if not isinstance(item, dict) or item.get("speaker", "interviewer") != "interviewer" or not isinstance(item.get("text"), str):
            continue
        start = float(item.get("start") or 0.0)
        end = float(item.get("end") if item.get("end") is not None else start)
        kind = item.get("kind") if isinstance(item.get("kind"), str) else "neutral"
        fact = item.get("fact") if isinstance(item.get("fact"), str) else None
        turns.append(Turn("interviewer", kind, start, max(end, start), item["text"], fact))
    return turns


@dataclass(frozen=True)
class AskingNote:
    """One sentence of the grading of the asking: a question asked (with its time), a critical
    fact never asked for, or whether scoping came before design."""

    kind: str  # "asked" | "missed" | "order"
    text: str
    start: Optional[float] = None  # when the question was asked ("asked" only)
    good: Optional[bool] = None  # "order": True when scoping came first


def asking_notes(clarifying: dict, prompt=None) -> list[AskingNote]:
    """The grading of the asking (``content.clarifying``, possibly read back from a session file)
    as notes: each question with the fact it reached, each critical fact never asked for (with
    what the interviewer would have said), and whether scoping came before design."""
    notes = []
    for ask in clarifying.get("asked") or []:
        if not isinstance(ask, dict) or not isinstance(ask.get("fact"), str):
            continue
        start = ask.get("start")
        start = float(start) if isinstance(start, (int, float)) and not isinstance(start, bool) else None
        notes.append(AskingNote("asked", f"\"{ask.get('quote') or ''}\" (reached {ask['fact']})", start))
    answers = {f.id: f.answer for f in (getattr(prompt, "facts", ()) or ())}
    for fact in clarifying.get("missed_critical") or []:
        if not isinstance(fact, str):
            continue
        known = answers.get(fact)
        notes.append(AskingNote("missed", f"You never asked about {fact.replace('_', ' ')}" + (f": {known}" if known else ".")))
    scoped = clarifying.get("scoped_before_design")
    if isinstance(scoped, bool):
        text = "You scoped before your first design statement." if scoped else "Your first design statement came before any clarifying question."
        notes.append(AskingNote("order", text, good=scoped))
    return notes


def clarifying_lines(clarifying: dict, prompt=None) -> list[str]:
    """The grading of the asking in plain sentences, for the scorecard (see asking_notes)."""
    from mockloop.timefmt import clock

    return [f"Asked at {clock(n.start or 0)}: {n.text}" if n.kind == "asked" else n.text for n in asking_notes(clarifying, prompt)]


def _gap(word, following) -> Optional[float]:
    if word.end is None or following.start is None:
        return None
    return following.start - word.end


def _t(value) -> float:
    return float(value) if value is not None else 0.0
