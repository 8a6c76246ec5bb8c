import pytest

from nichefinder.results import Feed
from nichefinder.staff.conduct import GENERAL_RULES, INTENT_RULES, code_of_conduct


def make_feed(platforms=("twitter",), intents=None):
    return Feed(id=0, name="Feed", groups=(0,), platforms=platforms, posts_per_week=10.0,
                hours_per_week=2.0, intents=intents or {})


def test_billing_on_twitter():
    code = code_of_conduct(make_feed(), {"billing": 0.8, "complaint": 0.2}, ("twitter",))
    text = " ".join(code)
    assert "card numbers" in text and "direct message" in text
    assert "280 characters" in text
    assert code[: len(GENERAL_RULES)] == GENERAL_RULES
    # billing (largest share) comes before complaint
    assert code.index(INTENT_RULES["billing"]) < code.index(INTENT_RULES["complaint"])
    assert code[-1].startswith("Escalate") and "accounts" in code[-1] and "legal" in code[-1]


@pytest.mark.parametrize(
    "intent, phrase",
    [("delivery", "delivery dates dispatch can't keep"),
     ("launch", "unannounced products"),
     ("careers", "individual candidates"),
     ("reputation", "PR"),
     ("buying_question", "discounts")],
)
def test_intent_rules(intent, phrase):
    code = code_of_conduct(make_feed(platforms=()), {intent: 1.0})
    assert any(phrase in rule for rule in code)


def test_defaults_come_from_the_feed_and_small_intents_are_skipped():
    feed = make_feed(platforms=("X", "reddit"), intents={"careers": 0.97, "billing": 0.03})
    code = code_of_conduct(feed)
    assert INTENT_RULES["careers"] in code and INTENT_RULES["billing"] not in code
    assert any(rule.startswith("Twitter/X") for rule in code)
    assert any(rule.startswith("Reddit") for rule in code)
    assert "HR" in code[-1]


def test_unknown_platform_gets_a_generic_rule():
    code = code_of_conduct(make_feed(platforms=("mastodon",)), {})
    assert any(rule.startswith("mastodon:") for rule in code)
    assert code[-1].startswith("Escalate what you cannot answer within a day to the feed lead")
