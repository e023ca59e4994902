"""How well follow-ups fit, measured on the model answers, beside the plain chooser they replaced.

Cases: every model answer whole (nothing is missing: a follow-up there is noise), and every model
answer with the moves of one item left out, for each phrase-judged item the rules then find
missing (one known gap). The candidate then answers the follow-up with that item's own moves.
Printed per chooser:

- asked on a complete answer: share of complete answers that got any follow-up (want 0);
- first on the gap: share of one-gap answers whose first follow-up asks about that gap;
- about a met item: share of follow-ups asking about an item the answer already met (want 0);
- session below main: share of one-gap cases where the session content score, after a good
  follow-up answer, is lower than the main answer's alone (want 0).

The baseline is the plain chooser: the first bank probe of each gap, focus items first, and the
focus items' probes when nothing is missing; its session score is the unweighted share of items
met in any answer, each answer judged on the whole rubric.

Usage: python -m mockloop.content.followup_eval
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from mockloop.content.judge import judge_content
from mockloop.content.model_answers import load_answers
from mockloop.content.probes import follow_ups, judge_follow_up, session_content_score
from mockloop.content.prompts import load_bank
from mockloop.content.rubric import get_rubric
from mockloop.content.text import transcript_from_text


@dataclass
class Tally:
    complete: int = 0
    asked_on_complete: int = 0
    one_gap: int = 0
    first_on_gap: int = 0
    asked: int = 0
    about_met: int = 0
    below_main: int = 0
    examples: list = field(default_factory=list)

    def row(self, name: str) -> str:
        def share(n, d):
            return f"{n / d:.2f} ({n}/{d})" if d else "-"

        return (f"{name:10s} {share(self.asked_on_complete, self.complete):>18s} {share(self.first_on_gap, self.one_gap):>18s} "
                f"{share(self.about_met, self.asked):>18s} {share(self.below_main, self.one_gap):>18s}")


def plain_chooser(prompt, result, n: int = 2) -> list[tuple[str, str]]:
    """(item, probe) pairs as the interview loop chose them before: gaps focus-first, else focus."""
    order = {item_id: i for i, item_id in enumerate(get_rubric(result.kind).ids)}
    gaps = sorted((v.id for v in result.rubric if not v.met), key=lambda i: (i not in prompt.focus, order.get(i, 99)))
    chosen = []
    for item_id in gaps or list(prompt.focus):
        if prompt.probes.get(item_id):
            chosen.append((item_id, prompt.probes[item_id][0]))
        if len(chosen) >= n:
            break
    return chosen


def plain_session_score(main, replies) -> int:
    ids = [v.id for v in main.rubric]
    met = {v.id for content in [main, *replies] for v in content.rubric if v.met}
    return round(100 * len(met & set(ids)) / len(ids))


def evaluate() -> tuple[Tally, Tally]:
    ours, plain = Tally(), Tally()
    answers = load_answers()
    for prompt in load_bank():
        answer = answers.get(prompt.id)
        if answer is None:
            continue
        rubric = get_rubric(prompt.kind)
        whole = transcript_from_text(answer.text)
        result = judge_content(whole, prompt.kind, prompt=prompt)
        if result.score == 100:
            for tally, asked in ((ours, follow_ups(prompt, result, whole)), (plain, plain_chooser(prompt, result))):
                tally.complete += 1
                tally.asked_on_complete += bool(asked)
        for item_id in dict.fromkeys(move.item for move in answer.moves):
            if rubric.rules[item_id].code is not None:
                continue
            text = " ".join(move.say for move in answer.moves if move.item != item_id)
            transcript = transcript_from_text(text)
            main = judge_content(transcript, prompt.kind, prompt=prompt)
            missed = [v.id for v in main.rubric if not v.met]
            if missed != [item_id]:
                continue  # the other moves met it, or leaving it out broke another item
            reply = judge_content(transcript_from_text(answer.met_example(item_id)), prompt.kind, prompt=prompt)
            met = {v.id for v in main.rubric if v.met}

            chosen = follow_ups(prompt, main, transcript)
            ours.one_gap += 1
            ours.first_on_gap += bool(chosen) and chosen[0].items == (item_id,)
            ours.asked += len(chosen)
            ours.about_met += sum(1 for f in chosen if set(f.items) & met)
            if chosen:
                focused = judge_follow_up(reply, chosen[0], prompt)
                overall = session_content_score(prompt, main, [(chosen[0].items, focused)])
            else:
                overall = main.score
            ours.below_main += overall < main.score

            picked = plain_chooser(prompt, main)
            plain.one_gap += 1
            plain.first_on_gap += bool(picked) and picked[0][0] == item_id
            plain.asked += len(picked)
            plain.about_met += sum(1 for gap, _ in picked if gap in met)
            plain.below_main += plain_session_score(main, [reply] if picked else []) < main.score
    return ours, plain


def main() -> int:
    ours, plain = evaluate()
    print("Follow-ups on the model answers (complete, and with one item's moves left out)")
    print(f"{'chooser':10s} {'asked on complete':>18s} {'first on the gap':>18s} {'about a met item':>18s} {'session < main':>18s}")
    print(ours.row("mockloop"))
    print(plain.row("plain"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
