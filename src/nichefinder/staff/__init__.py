"""Staff: who in the business runs each feed, and by which rules.

The roster is read and checked by :func:`load_staff` (:mod:`~nichefinder.staff.roster`); each
feed's posts get intents (:mod:`~nichefinder.staff.intents`) whose owning departments staff it,
by min-cost flow under everyone's hours (:func:`assign_staff`,
:mod:`~nichefinder.staff.staffing`), with a code of conduct per feed
(:mod:`~nichefinder.staff.conduct`).
"""

from .conduct import code_of_conduct
from .intents import INTENTS, OTHER, Intent, detect_intents, intent_shares, owners_of
from .roster import DEPARTMENTS, load_staff, normalise_department, split_platforms
from .staffing import (
    LEAD_SHARE,
    STAFFING_NOTE,
    Staffing,
    assign_staff,
    feed_intents,
    staffing_table,
)

__all__ = [
    "DEPARTMENTS",
    "INTENTS",
    "LEAD_SHARE",
    "OTHER",
    "STAFFING_NOTE",
    "Intent",
    "Staffing",
    "assign_staff",
    "code_of_conduct",
    "detect_intents",
    "feed_intents",
    "intent_shares",
    "load_staff",
    "normalise_department",
    "owners_of",
    "split_platforms",
    "staffing_table",
]
