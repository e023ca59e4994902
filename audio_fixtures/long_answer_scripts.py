"""Scripts of the long answers: realistic TPM interview answers, one to five minutes each.

Notation, one sentence per line:
  {um} {uh} {er} {ah}   a filled pause, spoken as its own unit (so its time is known exactly)
  |                     a unit boundary inside the sentence with the short gap of fluent speech
  /1.4/                 a unit boundary with a silent pause of that many seconds
Sentences are separated by a natural pause (0.35-0.8 s, see build_long_answers.py). No commas
inside a unit: every engine pauses at a comma, and a unit must not hide a pause. Numbers are
written as people write them ("50,000", "30%") where the engines read them aloud correctly, so
the WER's number folding is exercised too.
"""

SYSTEM_DESIGN_NOTIFICATIONS = """\
{um} /0.4/ before I draw anything I want to make sure I understand the scope.
We are building a notification service for a marketplace app | with about twenty million monthly users.
It sends order updates | price alerts | and marketing messages | over push | email and text messages.
The product team cares most about order updates | because a late delivery notice turns into a support ticket.
So my first requirement is that an order update reaches the phone within ten seconds | ninety nine percent of the time.
Marketing messages can wait | and they must respect quiet hours and the opt out settings.
{uh} /0.5/ at peak we expect around 50,000 events per second | mostly during evening sales.
Let me walk through the write path first.
Every team publishes an event to a shared queue | with a schema that the platform team owns.
A router reads from that queue | looks up the user's preferences | and decides which channel to use.
Then each channel has its own sender | {uh} because push | email and text have very different vendors and limits.
/1.2/ the main trade off here is latency versus cost.
Text messages are expensive | so we only send a text when push fails | and only for order updates.
{um} I would keep the preference lookup in a cache | with a short expiry | because preferences change rarely.
For reliability | {um} /0.5/ every sender retries with backoff | and after three failures the event goes to a dead letter queue.
The on call engineer gets paged | when the dead letter queue grows faster than a hundred events a minute.
/0.9/ now for monitoring.
We track the time from event to delivery for each channel | and we alert on the ninety ninth percentile.
We also track the opt out rate | {ah} because a spike there means we are annoying people.
{er} /0.6/ the riskiest dependency is the email vendor.
If they throttle us during a sale | marketing email backs up | so I would give order updates their own queue and their own quota.
That way a marketing blast can never delay a delivery notice.
For the rollout I would start with {um} order updates in one region | compare delivery times with the old system for two weeks | and then move marketing over.
The success metric is fewer support tickets about missing updates | and I would want to see a 30% drop within a quarter.
/1.0/ to summarize | one queue in | a router that knows preferences | separate senders per channel | and strict priority for order updates.
I am happy to go deeper on the router or on the vendor failover.
"""

BEHAVIORAL_CONFLICT = """\
Sure. | This was at my last company | when I was the program manager for a payments migration.
Two teams disagreed about the launch date.
The payments team wanted to move every merchant in one weekend | because running two systems was costing them a lot of on call time.
{um} /0.5/ the risk team wanted a slow rollout over two months | because they had seen fraud spike after the last migration.
Both teams came to me separately | and each of them asked me to escalate.
/1.1/ I decided not to escalate right away.
First I asked each lead to {um} /0.4/ write down what would have to be true | for the other plan to be acceptable.
{uh} that changed the conversation.
The payments lead said a slow rollout was fine | if the old system could be put in read only mode after the first week.
The risk lead said a fast rollout was fine | if fraud checks ran on every transaction for the first month.
Once those conditions were on paper | it was clear that they were not really in conflict.
/0.8/ we agreed on a three week rollout in four waves.
The first wave was our own employees' test merchants | then five percent of real merchants | then half | then everyone.
I set up a short daily review with both leads | {uh} /0.6/ where we looked at fraud rates and failed payments side by side.
{ah} /0.4/ in the second wave we did see a small rise in declined cards.
Because we had agreed on the numbers up front | nobody argued about whether it was serious.
We paused for two days | {um} fixed a currency rounding bug | and continued.
The migration finished one week later than the payments team wanted | but four weeks earlier than the original risk plan.
/1.0/ what I learned is that a disagreement about dates is often a disagreement about risk.
Now when two teams fight about a deadline | I ask them to name the risk they are protecting against | before we talk about the calendar.
"""

SCENARIO_SLIPPED_DEPENDENCY = """\
{uh} /0.4/ okay | so the situation is that the identity team just told us their new login service will be six weeks late.
And our launch depends on it.
The first thing I would do is understand what exactly is late.
Is it the whole service | or only the part we need?
/0.9/ often a team is late on the full scope | but the one endpoint we depend on is almost ready.
{ah} /0.5/ then I would map out our options with my engineering lead.
Option one is to wait | and move our launch by six weeks.
Option two is to launch with the old login flow | and switch later.
Option three is to help them | by lending one of our engineers for a few weeks.
{um} /0.6/ each option has a cost.
Waiting costs us the marketing window before the holidays.
The old login flow works | but it means we build a migration twice.
Lending an engineer slows our own work | {uh} and it only helps if their problem is capacity and not design.
/1.3/ I would bring these options to the product director with a recommendation | not just a problem.
My recommendation would probably be option two | because the holiday window matters more than a second migration.
Then I would tell every team that depends on our launch the same day | so that nobody hears about the change from someone else.
"""

EXEC_EXPLAIN_LATENCY = """\
Here is the short version.
Our checkout page got slower last month | and we now know why.
A new fraud check was added to every purchase | and it waits for an outside vendor to answer.
When that vendor is slow | every customer waits.
{um} /0.5/ we lost about 2% of purchases on the slowest days.
The fix has two parts.
This week we are {er} /0.4/ moving the fraud check off the critical path | so a customer can finish paying while the check runs.
/0.8/ next month we will add a time limit | so a slow vendor can never hold up a purchase for more than half a second.
{uh} the risk is a small increase in fraud during that half second window.
The risk team has agreed that it is worth it | and we will watch the numbers daily.
I will send you a one page update every Friday until checkout is back to where it was.
"""

SYSTEM_DESIGN_RATE_LIMITER = """\
Let me start with what the rate limiter is protecting.
We have a public API | and a few large customers can send enough traffic to slow everyone else down.
{um} /0.5/ so the goal is fairness between customers | and protecting the database behind the API.
I would set limits per customer and per endpoint | because a search call costs far more than a status check.
The limiter runs in the gateway | {uh} and it keeps counters in a shared cache | so every gateway node sees the same numbers.
/1.0/ the trade off is accuracy versus speed.
An exact global count needs a network call for every request | which adds latency.
{er} instead each node can take a small batch of tokens from the shared cache | and spend them locally.
That keeps the added latency under a millisecond | and the counts are off by at most one batch.
When a customer goes over the limit | {um} /0.5/ they get a clear error with a retry time | not a timeout.
/0.7/ for rollout I would run it in shadow mode first | logging who would have been limited | without blocking anyone.
That tells us whether the limits are set right | before a real customer is affected.
"""

BEHAVIORAL_FAILURE = """\
{ah} /0.4/ the project I think about most is a reporting tool that we shipped | and that almost nobody used.
We spent four months building dashboards for the sales team.
The launch went smoothly | and the tool worked.
But after six weeks | {um} only a handful of people opened it each week.
/1.0/ when I talked to the sales managers | the problem was obvious.
They did not want dashboards | they wanted one number in their morning email.
{um} we had asked them what reports they wanted | instead of asking what decisions they made each day.
I owned that mistake in the team review.
Then we built the {uh} /0.5/ morning email in two weeks | reusing the same data pipeline.
Usage went from a handful of people to almost the whole sales team.
Since then I start every project by watching the users do their job for a day | before anyone writes a requirement.
"""

# answer id -> (kind, script, engine, voice, speed setting, digital silence at both ends)
# speed: espeak words per minute; piper and flite a length scale (above 1 is slower).
LONG_ANSWERS = [
    ("long_espeak_design", "system design", SYSTEM_DESIGN_NOTIFICATIONS, "espeak", "en-us+m1", 160, False),
    ("long_piper_behavioral", "behavioral", BEHAVIORAL_CONFLICT, "piper", "joe", 1.0, False),
    ("long_flite_scenario", "scenario", SCENARIO_SLIPPED_DEPENDENCY, "flite", "slt", 1.05, False),
    ("long_espeak_exec", "exec explain", EXEC_EXPLAIN_LATENCY, "espeak", "en-gb-x-rp+f3", 145, True),
    ("long_piper_design", "system design", SYSTEM_DESIGN_RATE_LIMITER, "piper", "joe", 1.12, True),
    ("long_flite_behavioral", "behavioral", BEHAVIORAL_FAILURE, "flite", "awb", 1.0, False),
]
