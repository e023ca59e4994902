"""Scripts for the clarifying-question label set (build_questions.py).

Each clip is a candidate's opening on one prompt: a list of (label, sentence) pairs.
  ask    a question put to the interviewer; the candidate then waits for a reply
  rhet   a question the candidate answers themselves straight away
  say    a statement
  think  a statement followed by a long thinking pause (a pause alone is not a question)
`fact` on an ask is the fact id it should reach on the prompt's sheet (None: not on the sheet).
"""

CLIPS = [
    {"prompt": "sd-robot-fleet-anomalies", "lines": [
        ("say", "Okay, let me start by making sure I understand the problem."),
        ("ask", "How many robots are in the fleet right now?", "volume"),
        ("say", "Thanks, that is a useful number to size against."),
        ("rhet", "What happens when a robot loses its connection?"),
        ("say", "It should keep readings on board and send them later."),
        ("say", "I'd put a queue in front of the detector so bursts are absorbed."),
    ]},
    {"prompt": "sd-robot-fleet-anomalies", "lines": [
        ("say", "Before I draw anything, I want to scope this."),
        ("ask", "Who are the users of the flags, is it operators in each city?", "users"),
        ("think", "Right, so operators act on the output."),
        ("ask", "And do we know how the data arrives from the robots?", "regions"),
        ("say", "Good, so uploads can come late and in bursts."),
        ("rhet", "Why does that matter? Because the detector cannot assume readings are in order."),
    ]},
    {"prompt": "sd-sensor-anomaly-review", "lines": [
        ("say", "So this is an ingestion pipeline with a human in the loop."),
        ("rhet", "What is the hardest part here?"),
        ("say", "I think it is keeping the reviewers from drowning in false alarms."),
        ("ask", "Can I ask how many reviewers we have today?", "users"),
        ("say", "Okay, forty people sets a hard ceiling on the flag rate."),
        ("think", "Let me think about the detector for a moment."),
        ("say", "I would start with simple thresholds per sensor type."),
    ]},
    {"prompt": "sd-sensor-anomaly-review", "lines": [
        ("ask", "Is this real time or batch?", "latency"),
        ("say", "Understood, minutes are fine for review."),
        ("ask", "What kind of budget are we working with for this?", "budget"),
        ("say", "Then I will avoid a managed stream processor at first."),
        ("rhet", "How do we know the labels improve the detector? We compare precision before and after each retrain."),
    ]},
    {"prompt": "sd-dataset-versioning", "lines": [
        ("say", "Versioning labelled data is mostly a storage question."),
        ("rhet", "Do we copy everything for each version? No, that would cost far too much."),
        ("say", "Instead each version points at immutable files plus a list of label edits."),
        ("ask", "Should I assume the images contain personal data?", "data_sensitivity"),
        ("say", "Then deletion has to reach old versions too, which changes the design."),
    ]},
    {"prompt": "sd-dataset-versioning", "lines": [
        ("say", "Let me ask a couple of things first."),
        ("ask", "Roughly how much data are we talking about?", "volume"),
        ("think", "Two hundred million images, okay."),
        ("ask", "What do we have today for storing labels?", "existing"),
        ("say", "So we migrate from a table that is overwritten in place."),
        ("say", "I would keep the current table and add an append only edit log next to it."),
    ]},
    {"prompt": "sd-low-confidence-routing", "lines": [
        ("say", "The core of this is a router that decides which predictions a human sees."),
        ("ask", "Who owns the review team, is that us or the customer?", "teams"),
        ("say", "Okay, that tells me who gets paged."),
        ("rhet", "What if the review queue backs up? We lower the routing threshold for a while."),
        ("say", "And we alert when the oldest item waits more than an hour."),
    ]},
    {"prompt": "sd-low-confidence-routing", "lines": [
        ("say", "I want to start from the users."),
        ("ask", "Are we serving one customer or many customers on this?", "users"),
        ("say", "Got it, one customer to begin with."),
        ("ask", "Do you have a target for how quickly a human must respond?", "latency"),
        ("think", "Alright, a few hours gives us room to batch."),
        ("say", "So I'd batch the routed items every ten minutes."),
    ]},
    {"prompt": "bh-project-off-track", "lines": [
        ("ask", "Does it have to be a recent example?", "example_scope"),
        ("say", "Okay, I will use one from last year."),
        ("say", "I was leading a migration of our billing service to a new database."),
        ("rhet", "How did I notice it was slipping? The weekly burn down stopped moving for two sprints."),
        ("say", "I called a review with the two team leads that same week."),
    ]},
    {"prompt": "bh-project-off-track", "lines": [
        ("say", "Sure, I have a good one for this."),
        ("ask", "How much detail would you like on the technical side?", "focus"),
        ("say", "Fine, I will keep it light then."),
        ("think", "The project was a mobile release for a retail client."),
        ("rhet", "What went wrong? We had underestimated the payment integration by about a month."),
        ("say", "I cut two features and moved the launch by ten days."),
    ]},
    {"prompt": "sd-robot-fleet-anomalies", "lines": [
        ("say", "My plan is to ingest, detect, and route to review."),
        ("rhet", "Where does the detector run? In the cloud, because the robots have little spare compute."),
        ("say", "Readings go into a stream partitioned by robot."),
        ("ask", "Could you tell me if camera frames are part of the readings?", "data_sensitivity"),
        ("say", "Okay, then frames stay out of the review tool unless a reviewer asks."),
        ("say", "That's my design at a high level."),
    ]},
    {"prompt": "sd-sensor-anomaly-review", "lines": [
        ("say", "I'd like to begin with the data path."),
        ("say", "Sensors publish to a regional gateway which batches their readings."),
        ("rhet", "Why batch at the gateway? It cuts the number of connections by a lot."),
        ("think", "Then the detector reads from a stream."),
        ("say", "Flagged windows are written to a review queue with a deadline."),
        ("say", "I'll stop there and go deeper wherever you like."),
    ]},
    {"prompt": "sd-dataset-versioning", "lines": [
        ("ask", "Who are the main consumers of these versions?", "users"),
        ("say", "Right, engineers training models and the audit team."),
        ("ask", "Is there any rule about how long we keep old versions?", None),
        ("say", "Okay, I will assume one year, matching the reproducibility goal."),
        ("say", "Every training run records the version id it read."),
    ]},
    {"prompt": "sd-low-confidence-routing", "lines": [
        ("say", "Two million predictions a day is about twenty three a second."),
        ("rhet", "Is that a lot? Not really, one small service can route that."),
        ("say", "The expensive part is human time, not compute."),
        ("ask", "What does the budget look like for the reviewers?", "budget"),
        ("say", "Then the threshold is set by how many items we can afford to review."),
    ]},
]
