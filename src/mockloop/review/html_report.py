"""One self-contained HTML file per session: audio embedded, styles and script inline, no network.

A coach or the candidate opens it anywhere (laptop or phone): the prompt, the scorecard, a
timeline of the answer, a transcript whose words seek the audio, the rubric with clickable
evidence and the tips. Built with ``string.Template`` (no template engine dependency).
"""

from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path
from string import Template

from mockloop.review.assets import CSS, JS
from mockloop.review.charts import answer_timeline, line_chart
from mockloop.review.highlights import Pause, Said, timeline
from mockloop.review.loader import AnswerView, SessionView
from mockloop.review.metrics import METRICS
from mockloop.timefmt import clock

PAGE = Template(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>$css</style></head>
<body><main>
$body
<p class="meta">Made by mockloop $version. Everything on this page is in this one file; nothing is loaded from the network.</p>
</main><script>$js</script></body></html>
"""
)


def session_report(view: SessionView, version: str = "") -> str:
    """The HTML page of one session."""
    r = view.record
    prompt = r.prompt
    where = ", ".join(p for p in (prompt.get("kind", "").replace("_", " "), prompt.get("company")) if p)
    head = [
        f'<p class="meta">Mock interview {escape(r.id)} &middot; {escape(r.created_at[:16].replace("T", " "))} &middot; {escape(where)}</p>',
        f"<h1>{escape(prompt.get('title') or prompt.get('id') or 'Mock interview')}</h1>",
        f"<blockquote>{escape(prompt.get('text') or '')}</blockquote>" if prompt.get("text") else "",
        _overall(view),
    ]
    for problem in view.problems():
        head.append(f'<p class="problem">{escape(problem)}</p>')
    sections = [
        _answer(a, prompt.get("phases") if a.role == "main" else None, prompt.get("id") if a.role == "main" else None)
        for a in view.answers
    ]
    title = f"{prompt.get('title') or 'Mock interview'} ({r.id})"
    return _page(title, "\n".join(head + sections), version)


def history_report(rows: list[dict], title: str, version: str = "", skills=None) -> str:
    """The HTML page of trends over sessions (rows from ``SessionIndex.history``).

    ``skills``: (item progress, measure trends, glance) from ``review.skills``, drawn as
    "At a glance" and met/missed per rubric item over time.
    """
    from mockloop.display import number

    labels = [f"{row['created_at'][:16].replace('T', ' ')} {row['prompt_title'] or ''}" for row in rows]
    charts = [line_chart(label, labels, [row.get(name) for row in rows]) for name, label, _ in METRICS]
    table = ['<div class="scroll"><table class="hist"><tr><th>session</th>' + "".join(f"<th>{escape(l)}</th>" for _, l, _ in METRICS) + "</tr>"]
    for row in rows:
        cells = "".join(f"<td>{escape(number(n, row.get(n)))}</td>" for n, _, _ in METRICS)
        table.append(f"<tr><td>{escape(row['id'])}<br><span class='meta'>{escape(row['prompt_title'] or '')}</span></td>{cells}</tr>")
    table.append("</table></div>")
    body = (
        f"<h1>{escape(title)}</h1><p class='meta'>{len(rows)} sessions, oldest first.</p>"
        f"<section class='card'><div class='trends'>{''.join(charts)}</div></section>"
        f"<section class='card'>{''.join(table)}</section>"
        + (_skills_card(*skills) if skills else "")
    )
    return _page(title, body, version)


def _skills_card(items, trends, glance) -> str:
    """At a glance, then one row per rubric item: a square per session, filled when met."""
    listed = lambda entries: "".join(f"<li>{escape(e)}</li>" for e in entries) or "<li>none yet</li>"  # noqa: E731
    out = [
        "<section class='card' id='skills'><h2>At a glance</h2>",
        f"<h3>Biggest improvements</h3><ul>{listed(glance.improvements)}</ul><h3>Weakest skills</h3><ul>{listed(glance.weakest)}</ul>",
        "<h2>Progress per skill</h2><div class='scroll'><table class='hist'><tr><th>skill</th><th>met</th><th>over time (oldest first)</th></tr>",
    ]
    for p in items:
        marks = "".join(
            "<span title='not judged'>&middot;</span>" if o is None else ("<span title='met'>&#9632;</span>" if o else "<span title='missed'>&#9633;</span>")
            for o in p.outcomes
        )
        out.append(f"<tr><td>{escape(p.item)}<br><span class='meta'>{escape(p.kind)}</span></td><td>{sum(p.judged)}/{len(p.judged)}</td><td>{marks}</td></tr>")
    for t in trends:
        out.append(f"<tr><td>{escape(t.label)}<br><span class='meta'>delivery</span></td><td>{escape(t.verdict)}</td><td>{escape(t.bars())}</td></tr>")
    out.append("</table></div></section>")
    return "".join(out)


def _page(title: str, body: str, version: str) -> str:
    return PAGE.substitute(title=escape(title), css=CSS, js=JS, body=body, version=escape(version))


def _overall(view: SessionView) -> str:
    from mockloop.display import number
    from mockloop.review.metrics import session_metrics

    r = view.record
    m = session_metrics(view)  # the same session numbers as history, compare and export
    stats = [
        (r.overall.get("delivery_score"), "delivery score"),
        (r.overall.get("content_score"), "content score"),
        (clock(r.overall.get("duration_s") or r.duration_s), "duration"),
        (number("words_per_minute", m.words_per_minute), "words / minute"),
        (number("fillers_per_minute", m.fillers_per_minute), "fillers / minute"),
        (m.long_pauses, "long pauses"),
        (m.decision_markers, "decision markers"),
    ]
    cells = "".join(f'<div class="stat"><b>{"-" if v is None else escape(str(v))}</b><span>{label}</span></div>' for v, label in stats)
    return f'<section class="card"><h2>Scorecard</h2><div class="stats">{cells}</div></section>'


def _answer(answer: AnswerView, phases, prompt_id=None) -> str:
    title = "Main answer" if answer.role == "main" else "Follow-up"
    out = [f'<section class="card answer" id="answer-{answer.index}"><h2>{answer.index}. {title}</h2>']
    if answer.role != "main":
        out.append(f"<blockquote>{escape(answer.question)}</blockquote>")
    for problem in answer.problems:
        out.append(f'<p class="problem">{escape(problem)}</p>')
    if answer.audio is not None:
        payload = audio_payload(answer.audio)
        if payload is None:
            out.append(f'<p class="problem">{escape(answer.audio.name)} is not readable audio; it is not embedded.</p>')
        else:
            mime, data = payload
            out.append(f'<div class="player"><audio controls preload="auto" src="data:{mime};base64,{data}"></audio></div>')
    a = answer.analysis
    if a is None:
        out.append("</section>")
        return "".join(out)
    sc = a.get("scorecard") or {}
    out.append(
        f'<p class="meta">Delivery {_value(sc.get("delivery_score"))}, content {_value(sc.get("content_score"))}, '
        f'{clock(a.get("duration_s"))} long. Click a word, a mark on the timeline or a piece of evidence to hear it.</p>'
    )
    for warning in sc.get("warnings") or []:
        out.append(f'<p class="warning">{escape(str(warning))}</p>')
    out.append(answer_timeline(a, phases))
    if phases:
        spans, at = [], 0.0
        for phase in phases:
            try:
                at += float(phase[1])
                spans.append(f"{escape(str(phase[0]))} until {clock(at)}")
            except (TypeError, ValueError, IndexError):
                continue
        out.append(f'<p class="phases">Phases of the round: {", ".join(spans)}.</p>')
    out.append(
        '<div class="legend"><span><i style="background:var(--marker)"></i>decision marker</span>'
        '<span><i style="background:var(--filler)"></i>filler</span><span><i style="background:var(--hedge)"></i>hedge</span>'
        '<span><i style="background:var(--uptalk)"></i>rising end</span><span><i style="background:var(--repetition)"></i>repetition</span>'
        '<span><i style="background:var(--pause)"></i>pause</span><span><i style="background:var(--long)"></i>long pause</span>'
        '<span><i style="background:var(--interviewer)"></i>the interviewer speaking, and your questions to the interviewer</span>'
        '<span><u class="unsure-sample">wavy underline</u>: the model was unsure of the word</span></div>'
    )
    out.append(_how_it_sounded(a))
    out.append("<h3>Transcript</h3>" + _transcript(a))
    if answer.role == "main":
        out.append(_asking(a, prompt_id))
    out.append("<h3>Rubric</h3>" + _rubric(a))
    out.append(_model_answer(a, prompt_id))
    tips = sc.get("tips") or []
    if tips:
        out.append("<h3>Tips</h3><ul class='tips'>" + "".join(f"<li>{escape(t)}</li>" for t in tips) + "</ul>")
    out.append("</section>")
    return "".join(out)


def _how_it_sounded(analysis: dict) -> str:
    """Pitch, loudness, uptalk and repetitions in one short paragraph (session files are untrusted)."""
    delivery = analysis.get("delivery") or {}
    p = delivery.get("prosody") if isinstance(delivery.get("prosody"), dict) else None
    parts = []
    try:
        if p is not None:
            parts.append(f"Pitch median {float(p['pitch_median_hz']):.0f} Hz, range {float(p['pitch_range_semitones']):.1f} semitones"
                         + (" (monotone)" if p.get("monotone") is True else ""))
            parts.append(f"loudness varies over {float(p['intensity_range_db']):.0f} dB")
            ups = [u for u in p.get("uptalk") or [] if isinstance(u, dict)]
            parts.append(f"{len(ups)} of {int(p.get('statements') or 0)} statements ended on a rise")
        reps = delivery.get("repetitions")
        if isinstance(reps, list):
            parts.append(f"{len(reps)} repetition{'s' if len(reps) != 1 else ''} or restart{'s' if len(reps) != 1 else ''}")
    except (KeyError, TypeError, ValueError):
        return ""
    return f'<p class="sounded">How it sounded: {escape("; ".join(parts))}.</p>' if parts else ""


def _transcript(analysis: dict) -> str:
    parts = []
    for event in timeline(analysis):
        if isinstance(event, Pause):
            cls = "gap long" if event.long else "gap"
            parts.append(f'<span class="{cls}" data-start="{event.start:.2f}" title="pause">{event.duration:.1f} s</span> ')
        elif isinstance(event, Said):
            parts.append(
                f'<span class="said" data-start="{event.start:.2f}" data-kind="{escape(event.kind)}"><b>{escape(event.label)}</b>'
                f"<time>{clock(event.start)}</time>{escape(event.text)}</span> "
            )
        else:
            cls = " ".join(["w", *sorted(event.tags)])
            unsure = ' title="the model was unsure of this word"' if "uncertain" in event.tags else ""
            parts.append(f'<span class="{cls}" data-start="{event.start:.3f}"{unsure}>{escape(event.text)}</span> ')
    if not parts:
        parts.append(escape((analysis.get("transcript") or {}).get("text") or ""))
    return f'<p class="transcript">{"".join(parts)}</p>'


def _asking(analysis: dict, prompt_id) -> str:
    """The grading of the asking (``content.clarifying``): each clarifying question with its time
    (it seeks the audio) and the fact it reached, each critical fact never asked for with what the
    interviewer knew, and whether scoping came before the first design statement."""
    from mockloop.interview.conversation import asking_notes

    clarifying = (analysis.get("content") or {}).get("clarifying")
    if not isinstance(clarifying, dict):
        return ""
    notes = asking_notes(clarifying, bank_prompt(prompt_id))
    items = []
    for note in notes:
        if note.kind == "asked" and note.start is not None:
            items.append(
                f'<li class="asked"><button class="ev" type="button" data-start="{note.start:.2f}"><time>{clock(note.start)}</time>'
                f"{escape(note.text)}</button></li>"
            )
        elif note.kind == "asked":
            items.append(f'<li class="asked"><button class="ev" type="button">{escape(note.text)}</button></li>')
        else:
            cls = "missed" if note.kind == "missed" else f"order {'met' if note.good else 'missed'}"
            mark = "✓" if note.good else "✗"
            items.append(f'<li class="{cls}"><span class="mark">{mark}</span>{escape(note.text)}</li>')
    if not any(n.kind == "asked" for n in notes):
        items.insert(0, '<li class="none">You asked the interviewer no clarifying question.</li>')
    return f'<h3>Your clarifying questions</h3><ul class="asking">{"".join(items)}</ul>'


def bank_prompt(prompt_id):
    """The prompt bank's prompt for a saved id (its fact sheet says what each missed fact was), or None."""
    from mockloop.errors import MockloopError

    if not isinstance(prompt_id, str) or not prompt_id:
        return None
    try:
        from mockloop.content.prompts import get_prompt

        return get_prompt(prompt_id)
    except MockloopError:
        return None


def _rubric(analysis: dict) -> str:
    items = []
    for item in (analysis.get("content") or {}).get("rubric") or []:
        met = bool(item.get("met"))
        name = escape(str(item.get("id", "")).replace("_", " "))
        li = [f'<li class="{"met" if met else "missed"}"><span class="mark">{"✓" if met else "✗"}</span><span class="name">{name}</span>']
        if item.get("note"):
            li.append(f' <span class="meta">{escape(str(item["note"]))}</span>')
        for ev in item.get("evidence") or []:
            start = ev.get("start")
            unsure = ' <span class="unsure">(rests on words the model was unsure of)</span>' if ev.get("uncertain") is True else ""
            if start is None:
                li.append(f'<button class="ev" type="button">“{escape(ev.get("quote", ""))}”{unsure}</button>')
            else:
                li.append(
                    f'<button class="ev" type="button" data-start="{float(start):.2f}"><time>{clock(float(start))}</time>'
                    f'“{escape(ev.get("quote", ""))}”{unsure}</button>'
                )
        items.append("".join(li) + "</li>")
    score = (analysis.get("content") or {}).get("score")
    return f'<p class="meta">Content score {_value(score)}.</p><ul class="rubric">{"".join(items)}</ul>'


def _model_answer(analysis: dict, prompt_id) -> str:
    """The main answer beside the prompt's model answer, move by move; empty when there is none."""
    from mockloop.content.comparison import comparison_for

    comparison = comparison_for(_content_of(analysis), prompt_id if isinstance(prompt_id, str) else None)
    if comparison is None:
        return ""
    rows = ["<tr><th>Move</th><th>Your words</th><th>Model answer</th></tr>"]
    for move in comparison.moves:
        if not move.made:
            said = '<span class="meta">missing</span>'
        elif not move.candidate:
            said = '<span class="meta">met</span>'
        elif move.candidate_start is None:
            said = f'<button class="ev" type="button">“{escape(move.candidate)}”</button>'
        else:
            said = (
                f'<button class="ev" type="button" data-start="{move.candidate_start:.2f}"><time>{clock(move.candidate_start)}</time>'
                f'“{escape(move.candidate)}”</button>'
            )
        mark = "✓" if move.made else "✗"
        rows.append(
            f'<tr class="{"made" if move.made else "missed"}"><td>{mark} {escape(move.label)}</td><td>{said}</td>'
            f"<td>{escape(move.model)}</td></tr>"
        )
    return (
        f'<h3>Against the model answer</h3><p class="meta">{escape(comparison.summary())}.</p>'
        f'<div class="scroll"><table class="moves">{"".join(rows)}</table></div>'
    )


def _content_of(analysis: dict):
    """The verdicts of a saved analysis as a ContentResult (session files are untrusted: anything
    not shaped like a verdict is left out, and a verdict counts as met only when it says true)."""
    from mockloop.models import ContentResult, Evidence, RubricVerdict

    content = analysis.get("content") if isinstance(analysis.get("content"), dict) else {}
    verdicts = []
    for item in content.get("rubric") or []:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        evidence = []
        for ev in item.get("evidence") or []:
            if isinstance(ev, dict) and isinstance(ev.get("quote"), str):
                start = ev.get("start")
                ok = isinstance(start, (int, float)) and not isinstance(start, bool) and start == start and abs(start) != float("inf")
                evidence.append(Evidence(ev["quote"], float(start) if ok else None))
        verdicts.append(RubricVerdict(item["id"], item.get("met") is True, evidence))
    score = content.get("score")
    return ContentResult(kind=str(analysis.get("kind", "")), rubric=verdicts, score=score if isinstance(score, (int, float)) else None)


def _value(value) -> str:
    """A number (or anything) from a session file, as escaped text; ``-`` when absent."""
    return "-" if value is None else escape(str(value))


def audio_payload(path: Path) -> tuple[str, str] | None:
    """The answer audio as (MIME type, base64), re-encoded to FLAC when that is smaller.

    A WAV of a 45-minute answer is ~86 MB; FLAC roughly halves it and every current browser
    plays it. Only a plain file that decodes as audio is embedded: a symlink, or bytes that are not
    audio (``answer-1.wav`` replaced by a copy of some other file), give None.
    """
    import soundfile

    path = Path(path)
    if path.is_symlink() or not path.is_file():
        return None
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        data, rate = soundfile.read(io.BytesIO(raw), dtype="int16", always_2d=True)
    except Exception:  # noqa: BLE001 - libsndfile's errors vary by format: not audio, not embedded
        return None
    mime = "audio/wav"
    try:
        buffer = io.BytesIO()
        soundfile.write(buffer, data, rate, format="FLAC", subtype="PCM_16")
        if buffer.tell() < len(raw):
            raw, mime = buffer.getvalue(), "audio/flac"
    except Exception:  # noqa: BLE001 - FLAC is only a size optimisation: keep the WAV
        pass
    return mime, base64.b64encode(raw).decode("ascii")
