"""The kinds of concern the safeguarding checks name, most serious first.

The phrase list's sections, the corpus's labels and the classifier's categories are these ids. When one
message matches several, the first one here is reported.
"""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "suicide",
    "self_harm",
    "sexual_abuse",
    "physical_abuse",
    "domestic_abuse",
    "sexual_exploitation",
    "grooming",
    "online_harms",
    "criminal_exploitation",
    "honour_based_abuse",
    "radicalisation",
    "missing_homeless",
    "neglect",
    "emotional_abuse",
    "bullying_threats",
    "substance_misuse",
    "in_care",
)

# Section names used before the list had these categories; a team's own phrase file may still use them.
OLD_NAMES = {
    "abuse": "physical_abuse",
    "missing": "missing_homeless",
    "violence": "bullying_threats",
    "drugs_pressure": "criminal_exploitation",
    "bullying": "bullying_threats",
}


def label(category: str) -> str:
    """How the team sees a category: "sexual exploitation"."""
    return category.replace("_", " ")
