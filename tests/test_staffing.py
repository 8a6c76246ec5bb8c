from collections import defaultdict

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nichefinder.exceptions import StaffingError
from nichefinder.results import Feed
from nichefinder.staff.roster import load_staff
from nichefinder.staff.staffing import Staffing, assign_staff, staffing_table

from .test_roster import ROSTER_CSV, write

BILLING = Feed(id=0, name="Billing & refunds", groups=(0,), platforms=("twitter",),
               posts_per_week=40.0, hours_per_week=5.0, keywords=("refund", "charged", "invoice"))
DELIVERY = Feed(id=1, name="Where is my order", groups=(1,), platforms=("facebook", "twitter"),
                posts_per_week=30.0, hours_per_week=4.0, keywords=("parcel", "delivery", "courier"))
COMPLAINTS = Feed(id=2, name="Complaints", groups=(2,), platforms=("twitter",),
                  posts_per_week=50.0, hours_per_week=5.0, keywords=("broken", "terrible"))
FEEDS = [BILLING, DELIVERY, COMPLAINTS]
TEXTS = {
    0: ["I was charged twice", "where is my refund", "invoice is wrong", "refund please"],
    1: ["my parcel never arrived", "courier lost my package", "when will my order be delivered",
        "tracking not updating"],
    2: ["terrible service", "my kettle is broken", "nobody answers support", "worst experience"],
}


@pytest.fixture
def roster(tmp_path):
    return load_staff(write(tmp_path / "staff.csv", ROSTER_CSV))


def lead_of(feed):
    leads = [r for r in feed.staff if r.role == "lead"]
    assert len(leads) == 1
    return leads[0]


def check_capacity(result: Staffing, staff: pd.DataFrame):
    hours = defaultdict(float)
    for feed in result.feeds:
        for role in feed.staff:
            hours[role.name] += role.hours_per_week
    capacity = dict(zip(staff["name"], staff["hours_per_week"], strict=True))
    for name, used in hours.items():
        assert used <= capacity[name] + 1e-9, (name, used, capacity[name])


# ---------------------------------------------------------------- who leads what


def test_experts_lead_their_feeds(roster):
    result = assign_staff(FEEDS, roster, TEXTS, random_state=0)
    by_name = {f.name: f for f in result.feeds}
    assert lead_of(by_name["Billing & refunds"]).department == "accounts"
    assert lead_of(by_name["Billing & refunds"]).name == "Bob"
    assert lead_of(by_name["Where is my order"]).department == "dispatch"
    assert lead_of(by_name["Complaints"]).department == "customer service"
    check_capacity(result, roster)
    for feed in result.feeds:
        roles = [r for r in feed.staff if r.role in ("lead", "backup")]
        assert len({r.name for r in roles}) == len(roles) >= 2  # lead and backup differ
        assert sum(r.hours_per_week for r in roles) == pytest.approx(feed.hours_per_week)
        assert feed.code_of_conduct and feed.intents
        for role in feed.staff:
            assert role.reasons and 0 < role.share_of_week <= 1


def test_lead_gets_sixty_percent_when_hours_allow(roster):
    result = assign_staff([BILLING], roster, TEXTS)
    lead = lead_of(result.feeds[0])
    assert lead.hours_per_week == pytest.approx(3.0)  # 60% of 5 h
    assert "accounts owns billing and refund questions (100% of posts)" in lead.reasons
    assert any(r.startswith("expertise matches: refunds") for r in lead.reasons)
    assert lead.share_of_week == pytest.approx(0.75)


def test_mentor_pairs_for_experts_new_to_social(roster):
    result = assign_staff([BILLING], roster, TEXTS)
    staff = result.feeds[0].staff
    mentors = [r for r in staff if r.role == "mentor"]
    assert mentors, staff
    assert any("mentors Bob, who is new to social" in reason
               for m in mentors for reason in m.reasons)
    social = dict(zip(roster["name"], roster["social_active"], strict=True))
    assert all(social[m.name] for m in mentors)
    assert all(m.hours_per_week == pytest.approx(0.5) for m in mentors)
    check_capacity(result, roster)


def test_socially_active_accountant_leads_feed_matching_expertise():
    staff = load_staff(pd.DataFrame({
        "name": ["Alice", "Erin"],
        "department": ["Accounts", "Marketing"],
        "expertise": ["sourdough baking, bread, starters", "campaigns, brand, launches"],
        "hours_per_week": [4, 20],
        "social_active": ["yes", 30],
        "platforms": ["instagram", "instagram; twitter"],
    }))
    feed = Feed(id=0, name="Sourdough club", groups=(0,), platforms=("instagram",),
                posts_per_week=20.0, hours_per_week=3.0, keywords=("sourdough", "starter", "bake"))
    texts = {0: ["my sourdough starter smells odd", "best flour for bread?", "crumb shot!"]}
    result = assign_staff([feed], staff, texts)
    lead = lead_of(result.feeds[0])
    assert lead.name == "Alice" and lead.department == "accounts"
    assert any(r.startswith("expertise matches") for r in lead.reasons)
    assert any(r.startswith("active on instagram") for r in lead.reasons)


def test_fake_embedder_path(roster, fake_embedder):
    result = assign_staff(FEEDS, roster, TEXTS, embedder=fake_embedder.embed, random_state=0)
    assert fake_embedder.calls > 0
    assert lead_of(result.feeds[0]).name == "Bob"
    check_capacity(result, roster)


def test_deterministic(roster):
    a = assign_staff(FEEDS, roster, TEXTS, random_state=0)
    b = assign_staff(FEEDS, roster, TEXTS, random_state=0)
    assert [f.to_dict() for f in a.feeds] == [f.to_dict() for f in b.feeds]
    assert a.notes == b.notes


def test_given_intents_are_kept(roster):
    feed = Feed(id=5, name="Misc", groups=(5,), platforms=("twitter",), posts_per_week=5.0,
                hours_per_week=1.0, intents={"delivery": 1.0})
    result = assign_staff([feed], roster, {})
    assert result.feeds[0].intents == {"delivery": 1.0}
    assert lead_of(result.feeds[0]).name == "Dev"


# ---------------------------------------------------------------- gaps and infeasibility


def test_infeasible_roster_explains_the_need():
    staff = load_staff(pd.DataFrame({
        "name": ["Bob"], "department": ["accounts"], "expertise": ["refunds, invoices"],
        "hours_per_week": [1.5], "social_active": ["yes"],
    }))
    feed = Feed(id=0, name="Billing & refunds", groups=(0,), platforms=("twitter",),
                posts_per_week=60.0, hours_per_week=6.0, keywords=("refund", "invoice"))
    result = assign_staff([feed], staff, {0: ["refund please", "invoice wrong"]})
    out = result.feeds[0]
    assert lead_of(out).name == "Bob" and lead_of(out).hours_per_week == pytest.approx(1.5)
    text = " ".join(out.notes)
    assert "needs 6.0 h/week" in text and "only 1.5 h could be staffed" in text
    assert "accounts staff have 1.5 h/week in all" in text
    assert "no backup" in text
    assert any("needs 6.0 h/week" in n for n in result.notes)


def test_missing_department_is_a_hiring_need(roster):
    jobs = Feed(id=3, name="Careers", groups=(3,), platforms=("linkedin",), posts_per_week=5.0,
                hours_per_week=1.0, keywords=("jobs",))
    no_hr = roster[roster["department"] != "hr"].copy()
    no_hr.attrs.update(roster.attrs)
    result = assign_staff([jobs], no_hr, {3: ["are you hiring?", "job interview tips"]})
    assert any("hiring need: nobody in hr is on the roster" in n for n in result.notes)
    # nobody else fits careers at all: the feed is left unstaffed rather than handed to anyone
    assert result.feeds[0].staff == ()
    assert "nobody in hr is on the roster" in result.feeds[0].notes[0]


def test_weak_best_fit_is_a_training_need(roster):
    feed = Feed(id=4, name="Gardening", groups=(4,), platforms=("twitter",), posts_per_week=5.0,
                hours_per_week=2.0, keywords=("roses", "compost"))
    result = assign_staff([feed], roster, {4: ["my roses have black spot", "compost heap smells"]})
    assert lead_of(result.feeds[0])
    assert any("Gardening: weak fit: the best available lead" in n for n in result.notes)


def test_nothing_staffable_strict_raises_else_notes():
    staff = load_staff(pd.DataFrame({
        "name": ["Zed"], "department": ["sales"], "expertise": ["pricing"],
        "hours_per_week": [0],
    }))
    with pytest.raises(StaffingError, match="no feed could be staffed: 1 feed"):
        assign_staff([BILLING], staff, TEXTS, strict=True)
    result = assign_staff([BILLING], staff, TEXTS)
    assert result.feeds[0].staff == ()
    assert result.notes[0].startswith("no feed could be staffed")
    assert "not staffed" in result.feeds[0].notes[0]


def test_no_feeds():
    staff = load_staff(pd.DataFrame({"name": ["A"], "department": ["x"], "expertise": ["y"]}))
    assert assign_staff([], staff, {}).feeds == ()


names = st.sampled_from(["accounts", "customer service", "dispatch", "marketing", "hr",
                         "sales", "Bakery"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    people=st.lists(
        st.tuples(names, st.integers(0, 16), st.booleans(),
                  st.sampled_from(["refunds", "parcels", "complaints", "cakes", "jobs"])),
        min_size=1, max_size=6,
    ),
    loads=st.lists(st.integers(0, 20), min_size=1, max_size=4),
)
def test_capacity_is_never_exceeded(people, loads):
    staff = load_staff(pd.DataFrame({
        "name": [f"p{i}" for i in range(len(people))],
        "department": [p[0] for p in people],
        "hours_per_week": [p[1] / 2 for p in people],
        "social_active": [p[2] for p in people],
        "expertise": [p[3] for p in people],
    }))
    templates = [BILLING, DELIVERY, COMPLAINTS]
    feeds = [
        Feed(id=i, name=f"feed {i}", groups=(i,), platforms=("twitter",), posts_per_week=10.0,
             hours_per_week=load / 2, keywords=templates[i % 3].keywords)
        for i, load in enumerate(loads)
    ]
    texts = {i: TEXTS[i % 3] for i in range(len(feeds))}
    result = assign_staff(feeds, staff, texts, random_state=0)
    check_capacity(result, staff)
    for feed in result.feeds:
        leads = [r for r in feed.staff if r.role == "lead"]
        workers = [r for r in feed.staff if r.role in ("lead", "backup")]
        assert len(leads) <= 1
        assert len({r.name for r in workers}) == len(workers)
        assert sum(r.hours_per_week for r in workers) <= max(1.0, feed.hours_per_week) + 1e-9
        if workers:
            assert len(leads) == 1
            assert leads[0].hours_per_week >= max(r.hours_per_week for r in workers)
        for mentor in (r for r in feed.staff if r.role == "mentor"):
            assert all(reason.startswith(("mentors", "active")) for reason in mentor.reasons)


def test_staffing_table(roster):
    result = assign_staff(FEEDS, roster, TEXTS, random_state=0)
    table = staffing_table(result)
    assert list(table["name"]) == list(roster["name"])
    assert {"Billing & refunds", "hours_assigned", "hours_free", "roles"} <= set(table.columns)
    assert (table["hours_free"] >= 0).all()
    bob = table.set_index("name").loc["Bob"]
    assert bob["Billing & refunds"] == pytest.approx(3.0)
    assert "lead: Billing & refunds" in bob["roles"]
    total = sum(r.hours_per_week for f in result.feeds for r in f.staff)
    assert table["hours_assigned"].sum() == pytest.approx(total)
    assert set(result.fit.columns) >= {"feed", "name", "fit", "domain", "expertise", "hours"}
