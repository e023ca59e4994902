"""The report and the replay show the interviewer's turns where they happened, apart from the
candidate's words, and the report grades the asking (tests/review/conftest.py: ``conversation``)."""

from __future__ import annotations

import re
from html import unescape

from typer.testing import CliRunner

from mockloop.cli.app import app
from mockloop.content.prompts import get_prompt
from mockloop.review.html_report import session_report
from mockloop.review.loader import open_session


def transcript_of(html: str) -> str:
    start = html.index('<p class="transcript">')
    return html[start : html.index("</p>", start)]


def test_each_interviewer_turn_sits_in_the_transcript_at_its_time_between_the_candidates_words(store, make_session, conversation):
    html = session_report(open_session(store, make_session(analysis=conversation).id))
    transcript = transcript_of(html)
    turns = re.findall(r'<span class="said" data-start="([\d.]+)" data-kind="(\w+)"><b>([^<]*)</b><time>([^<]*)</time>([^<]*)</span>', transcript)
    assert [(float(t[0]), t[1], unescape(t[4])) for t in turns] == [
        (34.7, "clarification", "A platform team of six engineers runs ingestion; the reviewers belong to an operations group."),
        (60.3, "time_cue", "Five minutes left."),
        (73.8, "follow_up", "Let me stop you there: which part do you build first?"),
    ]
    assert [t[2] for t in turns] == ["Interviewer answers your question", "Interviewer time cue", "Interviewer follows up"]
    assert [t[3] for t in turns] == ["0:35", "1:00", "1:14"]
    # in place: after the candidate's last word before it and before the first word after it
    assert transcript.index(">owns.</span>") < transcript.index('data-kind="clarification"') < transcript.index(">The</span>", transcript.index(">owns.</span>"))
    assert transcript.index(">later.</span>") < transcript.index('data-kind="follow_up"') < transcript.index(">Storage</span>")
    # never one of the candidate's words: the word spans are exactly the transcript's words
    assert len(re.findall(r'<span class="w[ "]', transcript)) == len(conversation["transcript"]["words"])


def test_the_candidates_question_to_the_interviewer_is_marked_in_the_transcript(store, make_session, conversation):
    html = session_report(open_session(store, make_session(analysis=conversation).id))
    asked = re.findall(r'<span class="w [^"]*\basked\b[^"]*" data-start="[\d.]+"[^>]*>([^<]*)</span>', transcript_of(html))
    assert asked == ["which", "the", "operations", "team", "owns."]


def test_the_timeline_draws_a_span_for_each_interviewer_turn(store, make_session, conversation):
    html = session_report(open_session(store, make_session(analysis=conversation).id))
    spans = re.findall(r'<rect class="said-span" data-start="([\d.]+)"', html)
    assert [float(s) for s in spans] == [34.7, 60.3, 73.8]


def test_the_report_grades_the_asking_with_times_facts_missed_facts_and_the_order(store, make_session, conversation):
    html = session_report(open_session(store, make_session(analysis=conversation).id))
    start = html.index("<h3>Your clarifying questions</h3>")
    section = html[start : html.index("</ul>", start)]
    asked = re.search(r'<li class="asked"><button class="ev" type="button" data-start="([\d.]+)"><time>([^<]*)</time>([^<]*)</button>', section)
    assert float(asked.group(1)) == 32.52 and asked.group(2) == "0:33"
    assert unescape(asked.group(3)) == '"which the operations team owns?" (reached teams)'
    facts = {f.id: f.answer for f in get_prompt("sd-sensor-anomaly-review").facts}
    missed = [unescape(m) for m in re.findall(r'<li class="missed"><span class="mark">✗</span>([^<]*)</li>', section)]
    assert missed == [f"You never asked about {fact}: {facts[fact]}" for fact in ("users", "volume", "regions")]
    assert '<li class="order missed"><span class="mark">✗</span>Your first design statement came before any clarifying question.</li>' in section


def test_an_answer_with_no_question_asked_says_so(store, make_session, conversation):
    conversation["content"]["clarifying"] = {"asked": [], "missed_critical": ["users"], "scoped_before_design": False}
    html = session_report(open_session(store, make_session(analysis=conversation).id))
    assert "You asked the interviewer no clarifying question." in html


def test_an_analysis_from_before_conversations_shows_no_turns_and_no_asking(store, make_session, sample_analysis):
    html = session_report(open_session(store, make_session(analysis=sample_analysis).id))
    assert '<span class="said"' not in html and '<rect class="said-span"' not in html and "Your clarifying questions" not in html


def test_what_the_interviewer_and_the_candidate_said_is_escaped(store, make_session, conversation):
    hostile = '<img src=x onerror="alert(1)">'
    conversation["turns"][2]["text"] = hostile
    conversation["turns"][3]["kind"] = '"><script>alert(2)</script>'
    conversation["content"]["clarifying"]["asked"][0]["quote"] = "</button><script>alert(3)</script>"
    conversation["content"]["clarifying"]["missed_critical"] = ["<b>users</b>"]
    html = session_report(open_session(store, make_session(analysis=conversation).id))
    assert "<img" not in html and "<script>alert" not in html and "<b>users" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "&lt;/button&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in html


def test_the_replay_prints_each_interviewer_turn_on_its_own_line_where_it_happened(make_session, conversation):
    session = make_session(analysis=conversation)
    result = CliRunner().invoke(app, ["replay", session.id, "--no-audio", "--speed", "60"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    lines = result.output.replace("?", "").splitlines()  # a "?" follows each word the model was unsure of
    said = [line for line in lines if line.startswith("» Interviewer")]
    assert said == [
        "» Interviewer answers your question (0:35): A platform team of six engineers runs ingestion; the reviewers belong to an operations group.",
        "» Interviewer time cue (1:00): Five minutes left.",
        "» Interviewer follows up (1:14): Let me stop you there: which part do you build first",
    ]
    text = result.output.replace("?", "")
    assert text.index("operations team owns.") < text.index("» Interviewer answers") < text.index("The main trade")
    assert text.index("add the rest later.") < text.index("» Interviewer follows up") < text.index("Storage is the biggest")


def test_the_replay_from_a_later_time_leaves_out_the_turns_before_it(make_session, conversation):
    session = make_session(analysis=conversation)
    result = CliRunner().invoke(app, ["replay", session.id, "--no-audio", "--speed", "60", "--from", "1:10"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "» Interviewer follows up (1:14)" in result.output and "Five minutes left" not in result.output


def exported_markdown(session) -> str:
    result = CliRunner().invoke(app, ["export", session.id, "--format", "md"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_the_markdown_export_puts_each_interviewer_turn_in_the_transcript_where_it_happened(make_session, conversation):
    md = exported_markdown(make_session(analysis=conversation))
    transcript = md[md.index("Transcript:") :]
    said = [line for line in transcript.splitlines() if line.startswith("> *Interviewer")]
    assert said == [
        "> *Interviewer answers your question (0:35):* A platform team of six engineers runs ingestion; the reviewers belong to an operations group.",
        "> *Interviewer time cue (1:00):* Five minutes left.",
        "> *Interviewer follows up (1:14):* Let me stop you there: which part do you build first?",
    ]
    assert transcript.index("owns.**") < transcript.index("*Interviewer answers") < transcript.index("The main trade")
    assert transcript.index("add the rest later.") < transcript.index("*Interviewer follows up") < transcript.index("Storage is the biggest")


def test_the_markdown_export_marks_the_candidates_question_to_the_interviewer(make_session, conversation):
    md = exported_markdown(make_session(analysis=conversation))
    assert "**which the operations team owns.**" in md[md.index("Transcript:") :]


def test_the_markdown_export_grades_the_asking(make_session, conversation):
    md = exported_markdown(make_session(analysis=conversation))
    section = md[md.index("Clarifying questions:") : md.index("Transcript:")]
    facts = {f.id: f.answer for f in get_prompt("sd-sensor-anomaly-review").facts}
    assert '- Asked at 0:33: "which the operations team owns?" (reached teams)' in section
    for fact in ("users", "volume", "regions"):
        assert f"- [ ] You never asked about {fact}: {facts[fact]}" in section
    assert "- [ ] Your first design statement came before any clarifying question." in section


def test_the_markdown_export_of_an_answer_from_before_conversations_is_as_it_was(make_session, sample_analysis):
    md = exported_markdown(make_session(analysis=sample_analysis))
    assert "Clarifying questions:" not in md and "*Interviewer" not in md and "**" not in md[md.index("Transcript:") :]
    assert f"> {sample_analysis['transcript']['text']}" in md
