"""Tests of the roster: reading and checking staff from CSV, YAML or a DataFrame."""

import pandas as pd
import pytest

from nichefinder.exceptions import InputError
from nichefinder.staff.roster import load_staff, normalise_department, split_platforms

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


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_and_yaml_rosters_load_the_same(tmp_path):
    csv = load_staff(write(tmp_path / "staff.csv", ROSTER_CSV))
    yml = load_staff(write(tmp_path / "staff.yaml", ROSTER_YAML))
    pd.testing.assert_frame_equal(csv, yml)
    assert csv["department"].tolist() == [
        "accounts", "customer service", "dispatch", "marketing", "hr"]
    assert csv["platforms"].tolist()[:3] == [("twitter",), ("twitter", "facebook"), ()]
    assert csv["social_active"].tolist() == [False, True, False, True, True]
    assert csv["posts_per_month"].tolist()[3] == 25.0


def test_loaded_roster_passes_through_and_platform_aliases(tmp_path):
    roster = load_staff(write(tmp_path / "staff.csv", ROSTER_CSV))
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
    with pytest.raises(InputError, match="unknown roster format '.pdf'"):
        load_staff(write(tmp_path / "staff.pdf", "x"))
    with pytest.raises(InputError, match="staff.xlsx is not a readable workbook"):
        load_staff(write(tmp_path / "staff.xlsx", "x"))


@pytest.mark.parametrize("given, platforms", [
    ("X; fb, Insta|x", ("twitter", "facebook", "instagram")),
    (["LinkedIn", " yt "], ("linkedin", "youtube")),
    (float("nan"), ()),
    (None, ()),
    ("", ()),
])
def test_split_platforms(given, platforms):
    assert split_platforms(given) == platforms


def test_a_yaml_roster_of_nested_aliases_is_refused_not_expanded(tmp_path):
    doc = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        doc += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    doc += "staff: *i\n"
    f = tmp_path / "staff.yaml"
    f.write_text(doc)
    assert len(doc) < 1024
    with pytest.raises(InputError, match=r"staff.yaml: YAML uses more than 50 aliases|"
                                         r"staff.yaml: YAML expands to"):
        load_staff(f)


def test_a_roster_may_come_as_a_workbook_or_compressed(tmp_path):
    import gzip

    xlsxwriter = pytest.importorskip("xlsxwriter")
    rows = [["name", "department", "expertise"], ["Ana Ruiz", "Support", "refunds, orders"],
            ["Li Wei", "Finance", "invoices"]]
    book = xlsxwriter.Workbook(str(tmp_path / "staff.xlsx"))
    sheet = book.add_worksheet("Team")
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    with gzip.open(tmp_path / "staff.csv.gz", "wt") as fh:
        fh.write("\n".join(",".join(f'"{v}"' for v in row) for row in rows) + "\n")
    for name in ("staff.xlsx", "staff.csv.gz"):
        staff = load_staff(tmp_path / name)
        assert staff["name"].tolist() == ["Ana Ruiz", "Li Wei"]
        assert staff["department"].tolist() == ["customer service", "accounts"]
