"""The HTML report highlights exactly the words the analysis marked, on a real analysed answer."""

from __future__ import annotations

import json
import re

import pytest

from mockloop.review.html_report import session_report
from mockloop.review.loader import open_session

pytestmark = pytest.mark.slow  # needs the real `analyze --json` run of the sample answer

_WORD_SPAN = re.compile(r'<span class="w( [^"]*)?"')


def _report_tags(html: str) -> list[set[str]]:
    """The classes of each transcript word span, in transcript order."""
    transcript = html[html.index('<p class="transcript">') :]
    transcript = transcript[: transcript.index("</p>")]
    return [set((m.group(1) or "").split()) for m in _WORD_SPAN.finditer(transcript)]


def _marked_by_analysis(analysis: dict, key: str) -> set[int]:
    return {i for item in analysis["delivery"][key] for i in item["word_indices"]}


@pytest.fixture(scope="module")
def real_analysis(sample_json_run, valid_analysis) -> dict:
    code, stdout, stderr = sample_json_run
    assert code == 0, stderr
    return valid_analysis(json.loads(stdout))


def test_the_report_marks_exactly_the_words_the_analysis_marked(real_analysis, store, make_session):
    html = session_report(open_session(store, make_session(analysis=real_analysis).id))
    tags = _report_tags(html)

    assert len(tags) == len(real_analysis["transcript"]["words"])
    for key, tag in (("fillers", "filler"), ("hedges", "hedge"), ("decision_markers", "marker")):
        assert {i for i, t in enumerate(tags) if tag in t} == _marked_by_analysis(real_analysis, key), tag
    assert _marked_by_analysis(real_analysis, "fillers"), "the sample answer has fillers"
