"""Ideas young people send to suggestion questions: filing them (the same idea counted once per
person), holding anything risky for a careful look, moderation decisions and the vote shortlist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from sqlite3 import Connection

from bot.core.engine import Progress, ranking
from bot.core.ideas import Screener, normalise
from bot.core.models import OPTIONS_MAX, Consultation, RankedQuestion, SuggestionQuestion
from bot.core.privacy import recorded_time
from bot.storage import ideas_repo, votes_repo
from bot.storage.db import Database
from bot.storage.ideas_repo import APPROVED, MERGED, REJECTED, Idea

DECISIONS = {"a": APPROVED, "r": REJECTED}

# How long a new idea waits for its reason before going to the team anyway.
REASON_WAIT = timedelta(minutes=5)


class Shortlisting(Enum):
    ADDED = "Added to the ballot."
    REMOVED = "Taken off the ballot."
    LOCKED = "The ballot is locked: young people have already voted."
    FULL = f"The ballot is full: it holds at most {OPTIONS_MAX} options."
    NOT_APPROVED = "That idea is no longer an approved one: see /moderate."


@dataclass(frozen=True)
class Decided:
    """What a moderation tap did: `changed` is False when someone had decided it already."""

    changed: bool
    idea: Idea | None


class Ideas:
    def __init__(self, db: Database, screener: Screener, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.screener = screener
        self.clock = clock

    def file(
        self,
        db: Connection,
        consultation: Consultation,
        respondent: str,
        before: Progress,
        after: Progress,
        typed: str | None,
        alerted: bool = False,
        held_for: int | None = None,
    ) -> None:
        """Bring the ideas tables in line with a step just applied (in the step's transaction):
        ideas added or taken back, and the reason typed for the idea just sent. Typed words that
        raised a safeguarding alert (`alerted`) are never filed for moderation, as an idea or as a
        reason. An idea in the possible-concerns queue (`held_for`, the item) waits for its decision;
        a reason there is not kept as a reason (the team has its words)."""
        now = self.clock()
        day = recorded_time(now, anonymous=True).date().isoformat()
        for question in consultation.questions:
            if not isinstance(question, SuggestionQuestion):
                continue
            old, new = ranking(before, question.id), ranking(after, question.id)
            for idea in new:
                if idea not in old and not alerted:
                    flags = tuple(flag.value for flag in self.screener.flags(idea))
                    # Held back a while for the reason its sender is asked for next.
                    post_after = now + REASON_WAIT if question.ask_why else now
                    ideas_repo.add_submission(
                        db,
                        consultation.id,
                        question.id,
                        respondent,
                        idea,
                        normalise(idea),
                        flags,
                        day,
                        post_after,
                        held_for,
                    )
            for idea in old:
                if idea not in new:
                    ideas_repo.withdraw(db, consultation.id, question.id, respondent, normalise(idea))
        if before.asking_why is not None and after.asking_why is None and before.position is not None:
            idea = normalise(before.asking_why)
            # A reason the checks worry about is not kept as a reason: its words are with the team.
            if typed is not None and not alerted and held_for is None:
                ideas_repo.set_why(db, consultation.id, before.position, respondent, idea, typed.strip())
            ideas_repo.ready_to_post(db, consultation.id, before.position, idea, now)

    # --- moderation ----------------------------------------------------------------------------

    async def awaiting_moderation(self) -> list[Idea]:
        return await self.db.read(ideas_repo.awaiting_moderation)

    async def not_yet_posted(self) -> list[Idea]:
        now = self.clock()
        return await self.db.read(lambda db: ideas_repo.not_yet_posted(db, now))

    async def posted(self, idea_id: int) -> None:
        now = self.clock()
        await self.db.transaction(lambda db: ideas_repo.mark_posted(db, idea_id, now))

    async def get(self, idea_id: int) -> Idea | None:
        return await self.db.read(lambda db: ideas_repo.get(db, idea_id))

    async def decide(self, idea_id: int, decision: str, worker_id: int) -> Decided:
        """Approve or reject ("a" / "r"); who and when are recorded."""
        now = self.clock()

        def record(db: Connection) -> Decided:
            changed = ideas_repo.decide(db, idea_id, DECISIONS[decision], worker_id, now)
            return Decided(changed, ideas_repo.get(db, idea_id))

        return await self.db.transaction(record)

    async def merge_targets(self, idea_id: int) -> list[Idea]:
        """Approved ideas from the same question that this one could be merged into."""

        def read(db: Connection) -> list[Idea]:
            idea = ideas_repo.get(db, idea_id)
            if idea is None:
                return []
            return [
                i for i in ideas_repo.approved(db, idea.consultation_id, idea.question_id) if i.id != idea_id
            ]

        return await self.db.read(read)

    async def merge(self, idea_id: int, into: int, worker_id: int) -> Decided:
        """Count this idea's supporters for an approved idea of the same question."""
        now = self.clock()

        def record(db: Connection) -> Decided:
            idea, target = ideas_repo.get(db, idea_id), ideas_repo.get(db, into)
            fits = (
                idea is not None
                and target is not None
                and target.status == APPROVED
                and (target.consultation_id, target.question_id) == (idea.consultation_id, idea.question_id)
            )
            changed = fits and ideas_repo.decide(db, idea_id, MERGED, worker_id, now, merged_into=into)
            return Decided(changed, ideas_repo.get(db, idea_id))

        return await self.db.transaction(record)

    # --- the shortlist ---------------------------------------------------------------------------

    async def shortlist(self, vote: Consultation, question: RankedQuestion) -> tuple[list[Idea], set[int]]:
        """(approved ideas it can draw on, the ids of those on the ballot now)."""
        assert question.options_from is not None
        source_consultation, _, source_question = question.options_from.partition("/")

        def read(db: Connection) -> tuple[list[Idea], set[int]]:
            candidates = ideas_repo.approved(db, source_consultation, source_question)
            chosen = {i.id for i in ideas_repo.shortlisted(db, vote.id, question.id)}
            return candidates, chosen

        return await self.db.read(read)

    async def set_shortlisted(
        self, vote: Consultation, question: RankedQuestion, idea_id: int, wanted: bool, worker_id: int
    ) -> Shortlisting:
        """Put an approved idea on the ballot (wanted) or take it off; refused once anyone has
        voted (changing the ballot then would be unfair) or when the ballot is full."""
        assert question.options_from is not None
        source_consultation, _, source_question = question.options_from.partition("/")
        now = self.clock()

        def record(db: Connection) -> Shortlisting:
            if votes_repo.ballots_cast(db, vote.id):
                return Shortlisting.LOCKED
            allowed = {i.id for i in ideas_repo.approved(db, source_consultation, source_question)}
            on_ballot = {i.id for i in ideas_repo.shortlisted(db, vote.id, question.id)}
            if idea_id not in allowed | on_ballot:
                return Shortlisting.NOT_APPROVED
            if wanted and idea_id not in on_ballot and len(question.options) + len(on_ballot) >= OPTIONS_MAX:
                return Shortlisting.FULL
            ideas_repo.set_shortlisted(db, vote.id, question.id, idea_id, wanted, worker_id, now)
            return Shortlisting.ADDED if wanted else Shortlisting.REMOVED

        return await self.db.transaction(record)
