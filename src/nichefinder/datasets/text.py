"""The words of the synthetic audience, and how a post is made from them.

The sentence templates and the values of their slots are data, in ``kettle_and_crumb.json``
beside this module. Slots in ``{braces}`` are filled from a topic's own ``slots`` first, then
from :data:`SLOTS`: a list of values (one is drawn), a string, or a pattern of literal text,
whole numbers, picks and random characters, drawn in order. :data:`TOPICS` are the genuine
topics, each with the department that would answer it; :data:`TRAPS` are what a channel plan must
not turn into feeds (bot campaigns, a one-day spike, a tiny niche); :data:`CHATTER` is off-topic
talk. The functions turn a topic into post texts: templates filled, mixed and roughened (case,
typos, emoji, hashtags, @mentions) so posts read like social posts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

__all__ = [
    "ASKS",
    "BRAND",
    "BRAND_REPLIES",
    "CHATTER",
    "DATA",
    "GLUE",
    "OPENERS",
    "REPLY_OPENERS",
    "SLOTS",
    "TOPICS",
    "TRAPS",
    "brand_broadcast",
    "fill",
    "post_text",
    "reply_text",
    "roughen",
    "text_key",
]

BRAND = "@kettleandcrumb"
"""The brand's own handle; its posts have ``kind == "brand"`` in the truth."""


def _pattern(parts):
    """A slot value drawn from ``parts``: literal text, ``{"int": [lo, hi]}`` (inclusive),
    ``{"pick": [...]}`` or ``{"chars": ALPHABET, "n": N}``, one draw each, in order."""

    def draw(rng: np.random.Generator) -> str:
        out = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            elif "int" in part:
                lo, hi = part["int"]
                out.append(str(int(rng.integers(lo, hi + 1))))
            elif "pick" in part:
                out.append(str(rng.choice(part["pick"])))
            else:
                out.append("".join(rng.choice(list(part["chars"]), part["n"])))
        return "".join(out)

    return draw


def _slots(values: dict) -> dict:
    """Slot values with their patterns made into draw functions."""
    return {k: _pattern(v["pattern"]) if isinstance(v, dict) else v for k, v in values.items()}


def _load() -> dict:
    data = json.loads(Path(__file__).with_name("kettle_and_crumb.json").read_text("utf-8"))
    data["slots"] = _slots(data["slots"])
    for group in ("topics", "traps", "chatter"):
        for spec in data[group].values():
            if "slots" in spec:
                spec["slots"] = _slots(spec["slots"])
    return data


DATA = _load()
"""Everything in ``kettle_and_crumb.json``, with slot patterns made into draw functions."""

SLOTS: dict = DATA["slots"]
OPENERS: list = DATA["openers"]
GLUE: list = DATA["glue"]
ASKS: list = DATA["asks"]
REPLY_OPENERS: list = DATA["reply_openers"]
BRAND_REPLIES: list = DATA["brand_replies"]
TOPICS: dict = DATA["topics"]
TRAPS: dict = DATA["traps"]
CHATTER: dict = DATA["chatter"]


_SLOT = re.compile(r"\{(\w+)\}")


def fill(template: str, slots: dict, rng: np.random.Generator) -> str:
    """Fill ``{slot}`` placeholders from ``slots`` then :data:`SLOTS`; one draw per name."""
    chosen: dict[str, str] = {}

    def pick(match: re.Match) -> str:
        name = match.group(1)
        if name not in chosen:
            values = slots[name] if name in slots else SLOTS[name]
            if callable(values):
                chosen[name] = str(values(rng))
            elif isinstance(values, str):
                chosen[name] = values
            else:
                chosen[name] = str(values[int(rng.integers(len(values)))])
        return chosen[name]

    return _SLOT.sub(pick, template)


def text_key(text: str) -> str:
    """Text reduced to lower-case letters and digits, to spot trivial variants."""
    return re.sub(r"[^a-z0-9]+", "", text.lower().replace(BRAND, ""))


def _typo(text: str, rng: np.random.Generator) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not candidates:
        return text
    i = candidates[int(rng.integers(len(candidates)))]
    w = words[i]
    j = int(rng.integers(1, len(w) - 2))
    if rng.random() < 0.5:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    else:
        w = w[:j] + w[j + 1 :]
    words[i] = w
    return " ".join(words)


def roughen(text: str, spec: dict, rng: np.random.Generator, *, mention: bool = False) -> str:
    """Make a clean sentence read like a social post: case, typos, emoji, tags, mentions."""
    if rng.random() < 0.15:
        text = _typo(text, rng)
    if rng.random() < 0.22:
        text = text.lower()
    if rng.random() < 0.12 and text[-1:] in ".?!":
        text = text[:-1]
    elif rng.random() < 0.08 and text[-1:] in ".?!":
        text = text + text[-1]
    if mention and rng.random() < 0.1:
        text = f"{BRAND} {text}"
    emoji = spec.get("emoji", ())
    if emoji and rng.random() < 0.3:
        text = f"{text} {''.join(rng.choice(emoji, size=int(rng.integers(1, 3))))}"
    tags = spec.get("hashtags", ())
    if tags and rng.random() < 0.3:
        picked = rng.choice(tags, size=min(len(tags), int(rng.integers(1, 3))), replace=False)
        text = f"{text} {' '.join('#' + t for t in picked)}"
    return text


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def _clause(spec: dict, rng: np.random.Generator, exclude: set[int]) -> str:
    """One core phrasing of the topic: a filled template, sometimes cut to one sentence."""
    templates = spec["templates"]
    i = int(rng.integers(len(templates)))
    for _ in range(4):  # prefer a template this post has not used yet
        if i not in exclude:
            break
        i = int(rng.integers(len(templates)))
    exclude.add(i)
    text = fill(str(templates[i]), spec.get("slots", {}), rng)
    parts = [p for p in _SENTENCE_END.split(text) if p]
    if len(parts) > 1 and rng.random() < 0.6:
        text = parts[int(rng.integers(len(parts)))]
    return text


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) < 2 else text


def post_text(spec: dict, rng: np.random.Generator) -> str:
    """A post built from independently drawn fragments of the topic.

    Two or three core phrasings (filled templates, sometimes cut to one sentence) are mixed
    with optional context, detail and ask fragments, so that every post is a different mix
    and the topic forms one broad cloud instead of one tight island per template.
    """
    slots = spec.get("slots", {})
    n_core = int(rng.choice(3, p=(0.05, 0.45, 0.5))) + 1
    used: set[int] = set()
    pieces = [_clause(spec, rng, used)]
    for _ in range(n_core - 1):
        glue = str(rng.choice(GLUE))
        clause = _clause(spec, rng, used)
        pieces.append(f"{glue} {_lower_first(clause)}" if glue else clause)
    followups = spec.get("followups", ())
    if followups and rng.random() < 0.4:
        pieces.insert(int(rng.integers(1, len(pieces) + 1)),
                      fill(str(rng.choice(followups)), slots, rng))
    if len(pieces) > 1 and rng.random() < 0.3:
        order = rng.permutation(len(pieces))
        pieces = [pieces[j] for j in order]
        pieces = [p[0].upper() + p[1:] if p[:1].islower() and " " in p else p for p in pieces]
    text = " ".join(pieces)
    if rng.random() < 0.25:
        text = f"{text} {rng.choice(ASKS)}"
    if rng.random() < 0.2:
        text = f"{rng.choice(OPENERS)} {_lower_first(text)}"
    return roughen(text, spec, rng, mention=spec.get("mention", True))


def reply_text(spec: dict, parent_author: str, rng: np.random.Generator) -> str:
    replies = spec.get("replies", ())
    text = post_text(spec, rng)
    if replies and rng.random() < 0.4:
        reply = fill(str(rng.choice(replies)), spec.get("slots", {}), rng)
        text = f"{reply} {_lower_first(text)}" if rng.random() < 0.6 else f"{text} {reply}"
    elif rng.random() < 0.4:
        text = f"{rng.choice(REPLY_OPENERS)} {text}"
    if rng.random() < 0.35:
        text = f"{parent_author} {text}"
    return text


def brand_broadcast(spec: dict, rng: np.random.Generator) -> str:
    text = fill(str(rng.choice(spec["brand"])), spec.get("slots", {}), rng)
    tags = spec.get("hashtags", ())
    if tags and rng.random() < 0.4:
        text = f"{text} #{rng.choice(tags)}"
    return text
