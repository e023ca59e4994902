"""Charts drawn as inline SVG on the server, so the report needs no script library and no network.

Every mark that stands for a moment of the answer carries ``data-start`` (seconds), which the
report's script turns into a seek of the audio.
"""

from __future__ import annotations

from html import escape

from mockloop.review.highlights import Pause, Said, timeline
from mockloop.timefmt import clock

WIDTH, HEIGHT = 1000, 222
LEFT, RIGHT = 8, 8
PHASE_Y, PHASE_H = 4, 20
LANES = {"marker": 44, "filler": 72, "hedge": 96, "uptalk": 120, "repetition": 144, "pause": 168, "interviewer": 192}
LANE_LABELS = {
    "marker": "decision markers", "filler": "fillers", "hedge": "hedges",
    "uptalk": "rising ends (uptalk)", "repetition": "repetitions", "pause": "pauses", "interviewer": "the interviewer speaking",
}


def answer_timeline(analysis: dict, phases: list | None = None) -> str:
    """An SVG of one answer: the round's phases on top, then markers, fillers, hedges, pauses and
    the spans where the interviewer spoke."""
    duration = max(float(analysis.get("duration_s") or 0.0), 1.0)
    span = WIDTH - LEFT - RIGHT

    def x(t: float) -> float:
        return round(LEFT + span * min(max(t, 0.0), duration) / duration, 1)

    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" role="img" '
        f'aria-label="Timeline of the answer: phases, decision markers, fillers, hedges, pauses and the interviewer speaking" data-duration="{duration}">'
    ]
    start = 0.0
    for i, phase in enumerate(phases or []):
        try:
            name, length = str(phase[0]), float(phase[1])
        except (TypeError, ValueError, IndexError):
            continue
        if start < duration:
            x0, x1 = x(start), x(start + length)
            parts.append(f'<rect class="phase phase-{i % 3}" x="{x0}" y="{PHASE_Y}" width="{max(x1 - x0, 1)}" height="{PHASE_H}" rx="3"/>')
            parts.append(f'<text class="phase-label" x="{x0 + 6}" y="{PHASE_Y + 14}">{escape(name)} (until {clock(start + length)})</text>')
        start += length
    for lane, y in LANES.items():
        parts.append(f'<line class="lane" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        parts.append(f'<text class="lane-label" x="{WIDTH - RIGHT - 4}" y="{y - 5}" text-anchor="end">{LANE_LABELS[lane]}</text>')
    for minute in range(0, int(duration // 60) + 1):
        parts.append(f'<text class="tick" x="{x(minute * 60) + 2}" y="{HEIGHT - 2}">{minute}:00</text>')
    delivery = analysis.get("delivery") or {}
    for event in timeline(analysis):
        if isinstance(event, Pause):
            x0, x1 = x(event.start), x(event.end)
            cls = "pause long" if event.long else "pause"
            parts.append(
                f'<rect class="{cls}" data-start="{event.start:.2f}" x="{x0}" y="{LANES["pause"] - 7}" width="{max(x1 - x0, 2)}" height="14">'
                f"<title>pause {event.duration:.1f} s at {clock(event.start)}</title></rect>"
            )
        elif isinstance(event, Said):
            x0, x1 = x(event.start), x(event.end)
            label = escape(f"{event.label} at {clock(event.start)}: {event.text}")
            parts.append(
                f'<rect class="said-span" data-start="{event.start:.2f}" x="{x0}" y="{LANES["interviewer"] - 7}" width="{max(x1 - x0, 3)}" height="14">'
                f"<title>{label}</title></rect>"
            )
    prosody = delivery.get("prosody") if isinstance(delivery.get("prosody"), dict) else {}
    for items, lane in (
        (delivery.get("decision_markers"), "marker"), (delivery.get("fillers"), "filler"), (delivery.get("hedges"), "hedge"),
        (prosody.get("uptalk"), "uptalk"), (delivery.get("repetitions"), "repetition"),
    ):
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            try:
                t = float(item.get("start") or 0.0)
            except (TypeError, ValueError):
                continue
            label = escape(f"{item.get('text', '')} at {clock(t)}")
            parts.append(f'<circle class="dot {lane}" data-start="{t:.2f}" cx="{x(t)}" cy="{LANES[lane]}" r="6"><title>{label}</title></circle>')
    parts.append(f'<line class="playhead" x1="{LEFT}" x2="{LEFT}" y1="0" y2="{HEIGHT - 12}"/>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, labels: list[str], values: list, unit: str = "") -> str:
    """A small SVG line chart of one metric over sessions (gaps where a value is missing)."""
    w, h, pad = 600, 160, 28
    known = [v for v in values if v is not None]
    parts = [f'<figure class="trend"><figcaption>{escape(title)}</figcaption><svg viewBox="0 0 {w} {h}" role="img" aria-label="{escape(title)}">']
    if known:
        lo, hi = min(known), max(known)
        if hi - lo < 1e-9:
            lo, hi = lo - 1, hi + 1
        n = max(len(values) - 1, 1)

        def xy(i: int, v: float) -> tuple[float, float]:
            return round(pad + (w - 2 * pad) * i / n, 1), round(h - pad - (h - 2 * pad) * (v - lo) / (hi - lo), 1)

        points = [xy(i, v) for i, v in enumerate(values) if v is not None]
        parts.append(f'<text class="axis" x="2" y="{pad - 6}">{hi:g}{unit}</text><text class="axis" x="2" y="{h - 6}">{lo:g}{unit}</text>')
        parts.append('<polyline class="trend-line" points="' + " ".join(f"{px},{py}" for px, py in points) + '"/>')
        for (px, py), (label, v) in zip(points, [(l, v) for l, v in zip(labels, values) if v is not None]):
            parts.append(f'<circle class="trend-dot" cx="{px}" cy="{py}" r="4"><title>{escape(label)}: {v:g}{unit}</title></circle>')
    else:
        parts.append(f'<text class="axis" x="{pad}" y="{h / 2}">no data</text>')
    parts.append("</svg></figure>")
    return "".join(parts)
