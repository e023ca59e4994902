"""The HTML report sets the main answer beside the prompt's model answer, move by move."""

from __future__ import annotations

import copy
import re
from html import unescape

from mockloop.content.model_answers import get_model_answer
from mockloop.review.html_report import session_report
from mockloop.review.loader import open_session

PROMPT_ID = "sd-sensor-anomaly-review"  # the sample sessions' prompt


def section(html: str) -> str:
    start = html.index("<h3>Against the model answer</h3>")
    return html[start : html.index("</table>", start)]


def rows(html: str) -> list[str]:
    return re.findall(r"<tr class=\"(?:made|missed)\">.*?</tr>", section(html))


def test_the_report_lists_made_and_missing_moves_from_the_saved_verdicts(store, make_session, sample_analysis):
    html = session_report(open_session(store, make_session().id))
    met = {v["id"] for v in sample_analysis["content"]["rubric"] if v["met"]}
    model = get_model_answer(PROMPT_ID)
    missing = [m.label for m in model.moves if m.item not in met]
    summary = f"{len(model.moves) - len(missing)} of the {len(model.moves)} moves; missing: {', '.join(missing)}."
    assert summary in unescape(section(html))
    shown = rows(html)
    assert len(shown) == len(model.moves)
    for move, row in zip(model.moves, shown):
        text = unescape(row)
        assert move.label in text and move.say in text
        assert ('class="made"' in row) == (move.item in met)
        if move.item not in met:
            assert "missing" in text


def test_a_made_move_plays_the_candidates_words_from_their_time(store, make_session, sample_analysis):
    html = session_report(open_session(store, make_session().id))
    verdict = next(v for v in sample_analysis["content"]["rubric"] if v["id"] == "sizes_the_load")
    evidence = verdict["evidence"][0]
    row = next(r for r in rows(html) if "size the readings per second" in r)
    assert f'data-start="{float(evidence["start"]):.2f}"' in row
    assert evidence["quote"] in unescape(row)


def test_text_from_the_session_file_is_escaped(store, make_session, sample_analysis):
    tampered = copy.deepcopy(sample_analysis)
    verdict = next(v for v in tampered["content"]["rubric"] if v["met"] and v["evidence"])
    verdict["evidence"][0]["quote"] = "<script>alert(1)</script> fifteen readings"
    html = session_report(open_session(store, make_session(analysis=tampered).id))
    assert "<script>alert(1)</script> fifteen" not in section(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; fifteen readings" in section(html)


def test_a_session_on_a_prompt_the_bank_does_not_have_gets_no_comparison(store, make_session):
    prompt = {"id": "sd-retired-prompt", "kind": "system_design", "title": "Old prompt", "text": "Design it."}
    html = session_report(open_session(store, make_session(prompt=prompt).id))
    assert "Against the model answer" not in html and "<h3>Rubric</h3>" in html
