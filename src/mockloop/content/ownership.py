"""Committed versus passive language: does the answer say who does what?

"We'll implement exponential backoff, owned by ingestion" tells the interviewer who is on the hook;
"the system should have retries" does not. Counting both, with examples, shows the user which of
their sentences to rewrite.
"""

from __future__ import annotations

from functools import lru_cache

from mockloop.content.patterns import base_book, load_yaml
from mockloop.content.text import Doc, format_time, is_filler

MAX_EXAMPLES = 3


@lru_cache(maxsize=1)
def _patterns():
    data = load_yaml("ownership.yaml")
    book = base_book()
    return [book.compile(p) for p in data["committed"]], [book.compile(p) for p in data["passive"]]


def analyse(doc: Doc) -> dict:
    """The ownership_language block of content.extras: counts, share committed and examples."""
    committed_patterns, passive_patterns = _patterns()
    committed, passive = [], []
    indices = doc.sentences_for(committed_patterns + passive_patterns)
    if indices is None:
        indices = range(len(doc.sentences))
    for index in indices:
        sentence = doc.sentences[index]
        bucket = None
        match = next((m for p in committed_patterns if (m := doc.search(p, index))), None)
        if match:
            bucket = committed
        else:
            match = next((m for p in passive_patterns if (m := doc.search(p, index))), None)
            if match:
                bucket = passive
        if bucket is None:
            continue
        first, _ = sentence.token_span(*match.span())
        word = sentence.tokens[first].word_index
        short = sentence.last_word - sentence.first_word < 24
        quote_from = sentence.first_word if short else max(sentence.first_word, word - 6)
        while quote_from < word and is_filler(doc.words[quote_from].text):
            quote_from += 1
        bucket.append(
            {
                "quote": doc.quote(quote_from, sentence.last_word, max_words=24),
                "start": doc.start(quote_from),
                "time": format_time(doc.start(quote_from)),
            }
        )
    total = len(committed) + len(passive)
    return {
        "committed": len(committed),
        "passive": len(passive),
        "committed_share": round(len(committed) / total, 2) if total else None,
        "committed_examples": committed[:MAX_EXAMPLES],
        "passive_examples": passive[:MAX_EXAMPLES],
    }
