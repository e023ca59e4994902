"""The rule-based judge, one behaviour per test, on realistic spoken answers."""

import pytest

from content_helpers import text_transcript, timed_transcript

from mockloop.content import judge_content


def verdicts(text, kind, **kwargs):
    result = judge_content(text_transcript(text), kind, **kwargs)
    return {v.id: v for v in result.rubric}


# --- system design ------------------------------------------------------------------------------


def test_a_question_about_scale_counts_as_clarifying():
    v = verdicts("Okay, before I draw anything, how many uploads a day are we expecting at peak?", "system_design")
    assert v["clarifies_requirements"].met


def test_stating_a_design_is_not_clarifying():
    v = verdicts("So I'd put a load balancer in front of the API servers and a Redis cache behind them.", "system_design")
    assert not v["clarifies_requirements"].met


def test_scoping_before_the_first_component_meets_scope_before_design():
    text = (
        "Who reviews the anomalies, an internal team or the customer? I'll assume fifty thousand sensors "
        "reporting once a second. So the design: sensors publish to a gateway that writes to Kafka."
    )
    assert verdicts(text, "system_design")["scope_before_design"].met


def test_a_component_before_any_scoping_fails_scope_before_design():
    text = (
        "I'd use Kafka for this, with a consumer service that writes to Postgres. "
        "Oh, and how many events per second are we expecting?"
    )
    v = verdicts(text, "system_design")
    assert v["clarifies_requirements"].met
    assert not v["scope_before_design"].met


def test_success_needs_a_number_not_a_feeling():
    assert not verdicts("Success is when the users are happy with it.", "system_design")["defines_success"].met
    v = verdicts("Success would be ninety five percent of alerts reviewed within fifteen minutes.", "system_design")
    assert v["defines_success"].met


def test_a_lot_of_traffic_is_not_a_load_estimate():
    assert not verdicts("It needs to scale to a lot of traffic, like really a lot.", "system_design")["sizes_the_load"].met
    assert verdicts("We're looking at about two thousand writes per second at peak.", "system_design")["sizes_the_load"].met


def test_a_tradeoff_needs_an_alternative_and_a_reason():
    assert not verdicts("I'd use Triton since it handles batching well.", "system_design")["explains_tradeoffs"].met
    text = "I'd go with hourly batch rather than streaming, because labels arrive a week late anyway."
    assert verdicts(text, "system_design")["explains_tradeoffs"].met


def test_someone_should_own_it_names_no_owner():
    assert not verdicts("Someone should own the alerting, probably.", "system_design")["names_owners"].met
    assert verdicts("The ingestion team owns the gateway and its on-call.", "system_design")["names_owners"].met


def test_passive_should_have_retries_is_not_a_failure_plan():
    text = "The system should have retries if a service fails, and it should be highly available."
    assert not verdicts(text, "system_design")["plans_failures"].met


def test_a_failure_with_its_recovery_is_a_failure_plan():
    text = "If the regional gateway goes down, the devices buffer locally for an hour and we replay the backlog."
    assert verdicts(text, "system_design")["plans_failures"].met


@pytest.mark.parametrize(
    "text",
    [
        "If the update fails its self test on a camera, that camera rolls back to the previous model.",
        "When the canary failed, the deploy rolled back on its own within two minutes.",
        "If the primary store is unreachable for a few seconds, ranking then falls back to default values.",
        "When the primary region went down, traffic fell back to the standby region.",
    ],
)
def test_an_inflected_recovery_verb_completes_a_failure_plan(text):
    assert verdicts(text, "system_design")["plans_failures"].met


def test_monitoring_without_threshold_and_responder_is_not_enough():
    assert not verdicts("We'd have dashboards for latency and alert if things look bad.", "system_design")[
        "monitoring_to_action"
    ].met
    text = "If consumer lag passes two minutes, the ingestion on-call is paged and scales out the consumers."
    assert verdicts(text, "system_design")["monitoring_to_action"].met


def test_cost_needs_money_not_just_an_adjective():
    assert not verdicts("Object storage is cheap, so I'm not worried about cost.", "system_design")["estimates_cost"].met
    assert verdicts("Compute would be maybe ten thousand dollars a month.", "system_design")["estimates_cost"].met


def test_a_risk_needs_its_mitigation():
    assert not verdicts("There are some risks with this approach.", "system_design")["names_risks"].met
    text = "The biggest risk is reviewer fatigue; to mitigate it we cap the queue per reviewer."
    assert verdicts(text, "system_design")["names_risks"].met


# --- behavioral ---------------------------------------------------------------------------------


def test_only_we_is_not_owning_actions():
    text = (
        "At my last company the migration was two months behind. We split the hosts into waves, we "
        "worked with the vendor, and we finished in the end."
    )
    v = verdicts(text, "behavioral")
    assert v["star_situation"].met
    assert not v["owns_actions"].met and not v["star_action"].met


def test_first_person_past_actions_are_owned_actions():
    text = (
        "At my previous job two VPs wanted the same team. I set up a meeting with both of them, and I "
        "proposed we split the work. In the end both projects shipped."
    )
    v = verdicts(text, "behavioral")
    assert v["star_action"].met and v["owns_actions"].met
    assert v["star_result"].met


def test_habits_and_hypotheticals_are_not_a_story():
    text = "I always try to build relationships early. What I would do is sit down with the team and align."
    v = verdicts(text, "behavioral")
    assert not any(x.met for x in v.values())


def test_a_result_without_a_number_is_not_quantified():
    text = (
        "When I was at a mapping startup our partner was unhappy with map quality. I moved two people onto "
        "their issues. In the end the partner renewed."
    )
    v = verdicts(text, "behavioral")
    assert v["star_result"].met and not v["quantified_result"].met


# --- scenario -----------------------------------------------------------------------------------


def test_deciding_not_to_escalate_is_not_escalation():
    text = "The slip is within our buffer, so I don't think this needs escalation yet."
    assert not verdicts(text, "scenario")["escalation"].met


def test_escalating_to_a_director_is_escalation():
    text = "If we haven't found the cause within two hours, I'd escalate to the director of ML."
    assert verdicts(text, "scenario")["escalation"].met


def test_stakeholders_need_at_least_two_named_groups():
    assert not verdicts("I'd keep everyone updated and talk to the team.", "scenario")["stakeholders"].met
    text = "I'd tell the product manager today and give the account managers a note for our top customers."
    assert verdicts(text, "scenario")["stakeholders"].met


def test_timeline_impact_needs_the_size_of_the_slip():
    assert not verdicts("I'd try to get it out as soon as possible.", "scenario")["timeline_impact"].met
    assert verdicts("The launch slips by about two weeks, to the twenty second.", "scenario")["timeline_impact"].met


# --- technical ----------------------------------------------------------------------------------


def test_naming_a_race_condition_does_not_explain_it():
    text = "So we had a race condition in some retry code and it caused some weird behavior."
    assert not verdicts(text, "technical")["explains_root_cause"].met


def test_a_vague_fix_is_not_a_fix():
    assert not verdicts("We made some changes to the retry logic after that.", "technical")["describes_fix"].met
    text = "The fix was an idempotency key on every provider call plus a conditional update to claim the job."
    assert verdicts(text, "technical")["describes_fix"].met


# --- exec_explain -------------------------------------------------------------------------------


def test_a_recommendation_at_the_end_does_not_lead():
    text = (
        "So some background on the project first. The team worked on it all year. There were delays with "
        "the data. We tried a few things. Anyway, my recommendation is to delay the launch."
    )
    assert not verdicts(text, "exec_explain")["leads_with_recommendation"].met
    assert verdicts("My recommendation is to delay the launch by two weeks.", "exec_explain")[
        "leads_with_recommendation"
    ].met


def test_text_answers_are_timed_at_150_words_per_minute():
    short = " ".join(["word"] * 200) + "."
    long = " ".join(["word"] * 260) + "."
    assert verdicts(short, "exec_explain")["within_time_limit"].met
    v = verdicts(long, "exec_explain")["within_time_limit"]
    assert not v.met and "estimated" in v.note


def test_audio_answers_are_timed_from_the_word_times():
    # 200 words at 0.6 s a word: estimated 80 s from the count, but actually spoken over 2 minutes.
    transcript = timed_transcript(" ".join(["word"] * 200) + ".", seconds_per_word=0.6)
    result = judge_content(transcript, "exec_explain")
    verdict = next(v for v in result.rubric if v.id == "within_time_limit")
    assert not verdict.met
    assert result.extras["checks"]["within_time_limit"]["measured"] is True


def test_a_prompt_time_limit_replaces_the_default():
    from mockloop.content.prompts import Prompt

    prompt = Prompt("ex-test", "exec_explain", "generic", "t", "x", 60, [("explain", 60)], ["plain_language"], {})
    text = " ".join(["word"] * 200) + "."  # 80 s at 150 wpm
    assert not verdicts(text, "exec_explain", prompt=prompt)["within_time_limit"].met


def test_explained_jargon_is_plain_language():
    text = (
        "I recommend the distilled model, which just means a smaller copy trained to imitate the big one. "
        "It costs a fifth as much to run."
    )
    assert verdicts(text, "exec_explain")["plain_language"].met


def test_unexplained_jargon_fails_plain_language():
    text = "Our p99 inference latency is high because the KV cache causes OOMs, so we could quantize to int8."
    v = verdicts(text, "exec_explain")["plain_language"]
    assert not v.met and "p99" in v.note
