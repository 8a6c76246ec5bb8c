from collections import defaultdict

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nichefinder.exceptions import InputError, StaffingError
from nichefinder.results import Feed
from nichefinder.staffing import (
    Staffing,
    assign_staff,
    load_staff,
    normalise_department,
    staffing_table,
)

ROSTER_CSV = """name,department,expertise,role,platforms,hours_per_week,social_active
Bob,Accounts,"refunds, invoices, VAT, direct debits",Accounts assistant,twitter,4,no
Carla,Customer Service,"complaints, returns, faults, order problems",CS lead,twitter;facebook,6,yes
Dev,logistics,"deliveries, couriers, tracking, parcels",Dispatch manager,,3,0
Erin,Marketing,"campaigns, launches, brand, new products",Social manager,twitter;instagram,8,25
Hank,Human Resources,"jobs, recruiting, interviews, graduate scheme",Recruiter,linkedin,2,yes
"""

ROSTER_YAML = """staff:
  - name: Bob
    department: Accounts
    expertise: refunds, invoices, VAT, direct debits
    role: Accounts assistant
    platforms: [twitter]
    hours_per_week: 4
    social_active: false
  - {name: Carla, department: Customer Service,
     expertise: "complaints, returns, faults, order problems", role: CS lead,
     platforms: "twitter; facebook", hours_per_week: 6, social_active: yes}
  - {name: Dev, department: logistics, expertise: "deliveries, couriers, tracking, parcels",
     role: Dispatch manager, hours_per_week: 3, social_active: 0}
  - {name: Erin, department: Marketing, expertise: "campaigns, launches, brand, new products",
     role: Social manager, platforms: [twitter, instagram], hours_per_week: 8,
     social_active: 25}
  - {name: Hank, department: Human Resources,
     expertise: "jobs, recruiting, interviews, graduate scheme", role: Recruiter,
     platforms: linkedin, hours_per_week: 2, social_active: "yes"}
"""

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


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


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


# ---------------------------------------------------------------- load_staff


def test_csv_and_yaml_rosters_load_the_same(tmp_path):
    csv = load_staff(write(tmp_path / "staff.csv", ROSTER_CSV))
    yml = load_staff(write(tmp_path / "staff.yaml", ROSTER_YAML))
    pd.testing.assert_frame_equal(csv, yml)
    assert csv["department"].tolist() == [
        "accounts", "customer service", "dispatch", "marketing", "hr"]
    assert csv["platforms"].tolist()[:3] == [("twitter",), ("twitter", "facebook"), ()]
    assert csv["social_active"].tolist() == [False, True, False, True, True]
    assert csv["posts_per_month"].tolist()[3] == 25.0


def test_loaded_roster_passes_through_and_platform_aliases(roster):
    pd.testing.assert_frame_equal(load_staff(roster), roster)
    staff = load_staff(pd.DataFrame({"name": ["A"], "department": ["Comms"], "expertise": ["x"],
                                     "platforms": ["X, FB | Instagram"], "hours_per_week": ["2.5"],
                                     "social_active": ["12"]}))
    assert staff.loc[0, "platforms"] == ("twitter", "facebook", "instagram")
    assert staff.loc[0, "department"] == "pr" and staff.loc[0, "department_given"] == "Comms"
    assert staff.loc[0, "hours_per_week"] == 2.5 and staff.loc[0, "posts_per_month"] == 12.0


def test_yaml_plain_list_and_defaults(tmp_path):
    f = write(tmp_path / "staff.yml",
              "- {name: Ann, department: support, expertise: complaints}\n")
    staff = load_staff(f)
    assert staff.loc[0, "department"] == "customer service"
    assert staff.loc[0, "hours_per_week"] == 4.0
    assert not staff.loc[0, "social_active"]


@pytest.mark.parametrize(
    "given, canonical",
    [("Customer Service", "customer service"), ("customer-service", "customer service"),
     ("support", "customer service"), ("Accounts Dept", "accounts"), ("Finance", "accounts"),
     ("Logistics", "dispatch"), ("Human Resources", "hr"), ("Public Relations", "pr"),
     ("R&D", "product"), ("Bakery", "Bakery")],
)
def test_department_synonyms(given, canonical):
    assert normalise_department(given) == canonical


@pytest.mark.parametrize(
    "text, message",
    [
        ("name,department,expertise,hours_per_week\nA,x,y,1\nB,x,y,2\nC,x,y,3\nD,x,y,lots\n",
         r"^staff\.csv row 4: hours_per_week 'lots' is not a number; write hours as a number "
         r"like 5$"),
        ("name,department\nA,x\n",
         r"required column 'expertise' not found; columns are: name, department"),
        ("name,department,expertise\nBob,x,y\nbob,z,w\n",
         r"staff\.csv row 2: name 'bob' is already on row 1; names must be unique"),
        ("", r"staff\.csv is empty"),
        ("name,department,expertise\n", r"staff\.csv has no staff rows"),
        ("name,department,expertise,social_active\nA,x,y,maybe\n",
         r"row 1: social_active 'maybe' is not yes/no or a number"),
        ("name,department,expertise,hours_per_week\nA,x,y,-3\n",
         r"row 1: hours_per_week -3 is not between 0 and 168"),
        ("name,department,expertise\nA,,y\n", r"row 1: department is empty"),
        ("name,department,expertise\nA,x,y,extra\n", r"row 1: has 4 fields but the header has 3"),
    ],
)
def test_load_staff_errors(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        load_staff(write(tmp_path / "staff.csv", text))


def test_every_bad_row_is_named_on_one_line(tmp_path):
    f = write(tmp_path / "staff.csv",
              "name,department,expertise,hours_per_week\nA,x,y,lots\nB,x,y,2\n,x,y,1\n")
    with pytest.raises(InputError) as info:
        load_staff(f)
    message = str(info.value)
    assert "row 1: hours_per_week 'lots'" in message and "row 3: name is empty" in message
    assert "\n" not in message
    assert info.value.row == 1 and info.value.path == str(f)


@pytest.mark.parametrize(
    "text, message",
    [("staff: 3\n", r"expected a list of people"),
     ("- name: A\n  department: x\n  expertise: [unclosed\n", r"not valid YAML at line"),
     ("- just a string\n", r"staff\.yaml row 1: is a str, not a mapping"),
     ("- {name: A, department: x}\n", r"required column 'expertise' not found")],
)
def test_load_staff_yaml_errors(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        load_staff(write(tmp_path / "staff.yaml", text))


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_staff(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="unknown roster format '.xlsx'"):
        load_staff(write(tmp_path / "staff.xlsx", "x"))
