"""Every typed word a young person sends goes through `Triage.check` and comes out in one tier:

* ALERT (urgent): a phrase on the list (phrases.py). The young person sees where to get help at once
  and the team gets an alert (alerts.py).
* REVIEW: the classifier (classifier.py) scores it at or above its review threshold, or it is in a
  language the checks cannot read (languages.py). It joins the "possible concerns" queue that a
  person reads (review.py); the young person is not interrupted.
* NONE.

The phrase list decides urgency because a list entry is specific and a person chose it; the classifier
hears what no list can (indirect talk, new slang) but is wrong too often to interrupt a young person
on its own, so what it hears waits for a person's judgement.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.safeguarding.classifier import Model
from bot.safeguarding.languages import unread
from bot.safeguarding.phrases import Concern, Phrasebook, normalise

UNREAD_LANGUAGE = "unread_language"  # the category of a review item the checks could not read


class Tier(StrEnum):
    ALERT = "alert"
    REVIEW = "review"
    NONE = "none"


@dataclass(frozen=True)
class Verdict:
    tier: Tier
    category: str  # what kind of concern (for NONE: the classifier's best guess, unused)
    score: float  # the classifier's concern score, 0..1
    phrase: str | None = None  # for ALERT: the list entry that matched
    urgent_review: bool = False  # for REVIEW: a score high enough that the team should hear at once

    @property
    def concern(self) -> Concern:
        assert self.tier is Tier.ALERT and self.phrase is not None
        return Concern(self.category, self.phrase)


NOTHING = Verdict(Tier.NONE, "", 0.0)


class Triage:
    def __init__(self, phrasebook: Phrasebook, model: Model) -> None:
        self.phrasebook = phrasebook
        self.model = model

    def check(self, text: str) -> Verdict:
        if not text or not text.strip():
            return NOTHING
        plain = normalise(text)
        score = self.model.score(text, plain)
        listed = self.phrasebook.check(text)
        if listed is not None:
            return Verdict(Tier.ALERT, listed.category, score.concern, listed.phrase)
        if unread(text, plain.split(), self.model.known_words):
            return Verdict(Tier.REVIEW, UNREAD_LANGUAGE, score.concern)
        if score.concern >= self.model.review_threshold_for(text):
            urgent = score.concern >= self.model.high_threshold
            return Verdict(Tier.REVIEW, score.category, score.concern, urgent_review=urgent)
        return Verdict(Tier.NONE, score.category, score.concern)
