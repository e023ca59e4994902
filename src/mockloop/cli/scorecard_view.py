"""The terminal scorecard: what a candidate reads right after answering.

Only rendering lives here; every number comes from the Analysis.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mockloop.analysis.uncertainty import confidence_of
from mockloop.models import Analysis
from mockloop.display import number, pace
from mockloop.timefmt import clock


def _fmt(value, unit="", digits=0):
    if value is None:
        return "-"
    return f"{value:.{digits}f}{unit}"


def _times(items, limit=8) -> str:
    shown = [clock(i.start) for i in items[:limit] if i.start is not None]
    more = f" +{len(items) - limit}" if len(items) > limit else ""
    return ", ".join(shown) + more


def delivery_table(a: Analysis) -> Table:
    d = a.delivery
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Duration", clock(a.transcript.duration_s) if a.transcript.duration_s is not None else "text input")
    table.add_row("Words", str(d.word_count))
    table.add_row("Pace", f"{pace(d.words_per_minute)} wpm overall, {pace(d.articulation_rate_wpm)} wpm while speaking")
    counts = Counter(f.text for f in d.fillers)
    top = ", ".join(f"{t} x{n}" for t, n in counts.most_common(4)) or "none"
    table.add_row("Fillers", Text(f"{len(d.fillers)} ({number('fillers_per_minute', d.fillers_per_minute)}/min); most frequent: {top}"))
    if d.fillers:
        table.add_row("", Text(_times(d.fillers, 12), style="dim"))
    if a.transcript.has_timings:
        longest = max((p.duration for p in d.pauses), default=None)
        table.add_row(
            "Pauses",
            f"{len(d.pauses)} of 0.25 s or more; longest {_fmt(longest, ' s', 1)}; "
            f"{len(d.long_pauses)} long (>= {d.long_pause_threshold_s:.0f} s)"
            + (f" at {_times(d.long_pauses)}" if d.long_pauses else ""),
        )
        table.add_row("Response latency", _fmt(d.response_latency_s, " s", 1))
    markers = ", ".join(f'"{m.text}" {clock(m.start)}' if m.start is not None else f'"{m.text}"' for m in d.decision_markers[:5])
    table.add_row("Decision markers", Text(f"{len(d.decision_markers)}" + (f": {markers}" if markers else "")))
    if d.longest_stretch_without_marker_s is not None:
        table.add_row("Longest without one", _fmt(d.longest_stretch_without_marker_s, " s"))
    hedge_counts = Counter(h.text for h in d.hedges)
    table.add_row("Hedges", Text(f"{len(d.hedges)}" + (": " + ", ".join(f"{t} x{n}" for t, n in hedge_counts.most_common(4)) if d.hedges else "")))
    _prosody_rows(table, d)
    return table


JUDGE_NAMES = {"rules": "rules", "llm": "LLM", "rules+llm": "both"}


def _llm_requested(a: Analysis) -> bool:
    judges = (a.content.extras or {}).get("judges") or {}
    return judges.get("requested") == "llm" or judges.get("llm") is not None


def judge_line(a: Analysis) -> Text | None:
    """Who decided the rubric: said when the LLM judge was asked for, above all when it fell back."""
    if not _llm_requested(a):
        return None
    judges = (a.content.extras or {}).get("judges") or {}
    if judges.get("llm") is None:
        reason = judges.get("fallback") or "the LLM judge gave no verdicts"
        return Text(f"LLM judge not used, the rules decided every item: {reason}", style="yellow")
    model = judges.get("model")
    cached = " (cached)" if judges.get("cached") else ""
    return Text(f"Judged by the rules and the LLM judge{f' {model}' if model else ''}{cached}; the Judge column says who decided.", style="dim")


def _quote(text: str, limit: int = 40) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _prosody_rows(table: Table, d) -> None:
    p = d.prosody
    if p is not None:
        flat = " (monotone)" if p.monotone else ""
        table.add_row("Pitch", f"median {p.pitch_median_hz:.0f} Hz, range {p.pitch_range_semitones:.1f} semitones{flat}")
        if p.monotone and p.flattest:
            table.add_row("", Text("flattest: " + ", ".join(f"{clock(w.start)}-{clock(w.end)}" for w in p.flattest), style="dim"))
        table.add_row("Loudness", f"{p.loudness_dbfs:.0f} dBFS, varies over {p.intensity_range_db:.0f} dB")
        ups = ", ".join(f"{clock(s.start)} '{_quote(s.text)}'" for s in p.uptalk[:3])
        table.add_row("Uptalk", f"{len(p.uptalk)} of {p.statements} statements ended on a rise" + (f": {ups}" if ups else ""))
        if p.trailing_off:
            table.add_row("Trailing off", f"{len(p.trailing_off)}: " + ", ".join(f"{clock(s.start)} '{_quote(s.text)}'" for s in p.trailing_off[:3]))
    reps = ", ".join(f"'{r.text}'" + (f" {clock(r.start)}" if r.start is not None else "") for r in d.repetitions[:4])
    table.add_row("Repetitions", f"{len(d.repetitions)}" + (f": {reps}" if reps else ""))
    c = d.conciseness
    if c is not None:
        first = f"{c.first_point_s:.0f} s" if c.first_point_s is not None else "none heard"
        parts = [f"first point after {first}"]
        if c.longest_without_decision_s is not None:
            parts.append(f"longest without a decision {c.longest_without_decision_s:.0f} s")
        if c.run_on_sentences:
            parts.append(f"{len(c.run_on_sentences)} run-on sentence{'s' if len(c.run_on_sentences) != 1 else ''}")
        if c.bottom_line_first is not None:
            parts.append("bottom line first" if c.bottom_line_first else "bottom line not in the first sentence")
        table.add_row("Conciseness", "; ".join(parts))


def content_table(a: Analysis) -> Table | Text:
    if not a.content.rubric:
        return Text("No content rubric for this answer.", style="dim")
    show_judge = _llm_requested(a)
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("Rubric item")
    table.add_column("Met")
    if show_judge:
        table.add_column("Judge")
    table.add_column("Evidence", overflow="fold")
    for verdict in a.content.rubric:
        evidence = verdict.evidence[0] if verdict.evidence else None
        quote = ""
        if evidence is not None:
            quote = (f"{clock(evidence.start)} " if evidence.start is not None else "") + f'"{evidence.quote}"'
        cells = [verdict.id, Text("yes", style="green") if verdict.met else Text("no", style="red")]
        if show_judge:
            cells.append(JUDGE_NAMES.get(verdict.judge, verdict.judge))
        shown = Text(quote, style="dim")
        if evidence is not None and evidence.uncertain:
            shown.append(f" {UNCERTAIN_QUOTE_NOTE}", style="yellow")
        table.add_row(*cells, shown)
    return table


UNCERTAIN_QUOTE_NOTE = "(rests on words the model was unsure of)"


def model_answer_view(comparison) -> Group:
    """The answer beside the prompt's model answer, move by move (see content.comparison)."""
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("Move")
    table.add_column("Made")
    table.add_column("Your words", overflow="fold")
    table.add_column("Model answer", overflow="fold")
    for move in comparison.moves:
        said = ""
        if move.made:
            said = (f"{clock(move.candidate_start)} " if move.candidate_start is not None else "") + (f'"{move.candidate}"' if move.candidate else "(met)")
        table.add_row(
            Text(move.label),
            Text("yes", style="green") if move.made else Text("no", style="red"),
            Text(said, style="dim"),
            Text(move.model, style="dim"),
        )
    return Group(Text("Against the model answer: " + comparison.summary(), style="bold"), table)


def transcript_text(a: Analysis) -> Text:
    """The transcript with each run of uncertain words in [brackets] (and yellow, where colour shows)."""
    confidence = confidence_of(a)
    uncertain = set(confidence.uncertain_word_indices)
    text = Text()
    words = a.transcript.words
    for i, word in enumerate(words):
        if i:
            text.append(" ")
        if i in uncertain:
            opens, closes = (i - 1) not in uncertain, (i + 1) not in uncertain
            text.append(("[" if opens else "") + word.text + ("]" if closes else ""), style="yellow")
        else:
            text.append(word.text)
    if not words:
        text.append("(no speech)", style="dim")
    if uncertain:
        text.append(
            f"\n[ ] the model was unsure of these words (probability under {confidence.word_min_probability:.2f})",
            style="dim",
        )
    return text


def render_analysis(a: Analysis, console: Console | None = None) -> None:
    console = console or Console(markup=False)
    sc = a.scorecard
    title = f"mockloop: {a.source} ({a.kind.replace('_', ' ')})"
    scores = Text.assemble(
        ("Delivery ", "bold"), (_fmt(sc.delivery_score), "bold cyan"), ("/100   ", ""),
        ("Content ", "bold"), (_fmt(sc.content_score), "bold cyan"), ("/100", ""),
    )
    warnings = [Text(f"! {warning}", style="bold yellow") for warning in sc.warnings]
    if sc.warnings:
        scores.append("   (provisional)", style="yellow")
    tips = Text("\n".join(f"{i}. {tip}" for i, tip in enumerate(sc.tips, 1)))
    judged = judge_line(a)
    content = [content_table(a)] + ([judged] if judged is not None else [])
    from mockloop.content.comparison import comparison_for

    comparison = comparison_for(a.content, (a.content.extras or {}).get("prompt_id"))
    if comparison is not None:
        content += [Text(""), model_answer_view(comparison)]
    body = Group(
        *warnings, scores, Text(""), delivery_table(a), Text(""), *content, Text(""),
        Text("Transcript", style="bold"), transcript_text(a), Text(""), Text("Tips", style="bold"), tips,
    )
    console.print(Panel(body, title=Text(title), expand=False))  # Text: the file name is user text, not markup
