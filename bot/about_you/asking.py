"""Asking "about you": after a consultation's answers are sent, an offer, then one question at a
time, each saved as it is tapped; /aboutyou to see, change or delete what they said.

Nothing is held in memory: every button names the consultation (or none, from /aboutyou) and the
question, and the next question is worked out from what they have said, so a restart, a double tap
or an old message all land somewhere sensible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from sqlite3 import Connection

from bot.about_you.profiles import Profiles, Said
from bot.about_you.questions import FIELDS, RATHER_NOT, AboutQuestion, Field
from bot.core import texts
from bot.core.actions import Action, Kind
from bot.core.models import Consultation
from bot.core.preview import PREVIEW_ABOUT_END, PREVIEW_BANNER
from bot.core.privacy import pseudonym
from bot.core.screens import Button, Reply, Screen
from bot.storage import repos
from bot.storage.db import Database

GO = "go"  # start (or carry on) asking
STOP = "no"  # no more questions: the rest of this consultation's are not asked again
CHANGE = "change"  # /aboutyou: ask again what they answered before
DELETE = "delete"  # /aboutyou: ask whether to delete it all
DELETE_YES = "delete-yes"
KEEP = "keep"
SKIP = "-"


@dataclass(frozen=True)
class Run:
    """One round of asking: a consultation's questions not asked before, or (none) everything
    they were asked before, again."""

    consultation: Consultation | None
    questions: list[AboutQuestion]

    def still_to_ask(self, said: Said, after: Field | None = None) -> AboutQuestion | None:
        fields = [q.field for q in self.questions]
        start = fields.index(after) + 1 if after in fields else 0
        for q in self.questions[start:]:
            if self.consultation is None or q.field not in said:
                return q
        return None


class AboutYou:
    def __init__(
        self,
        db: Database,
        profiles: Profiles,
        pseudonym_key: bytes,
        find: Callable[[str], Consultation | None],
    ) -> None:
        self.db = db
        self.profiles = profiles
        self.key = pseudonym_key
        self.find = find  # a launched consultation by id (never a preview copy or a draft)

    # --- from the Conversation -------------------------------------------------------------------

    def sent_in(
        self, db: Connection, user_id: int, consultation: Consultation, response_id: int
    ) -> Screen | None:
        """A response has just been sent (in this transaction): it counts under what they said
        before, and the offer to ask what they have not been asked (None if nothing)."""
        questions = self.profiles.used_by(consultation)
        if not consultation.about_you:  # nothing to read or write on this send
            return None
        if consultation.preview_of is not None:  # a worker trying it: every question, nothing kept
            return _offer(consultation) if questions else None
        said = self.profiles.said_in(db, user_id)
        self.profiles.copy_in(db, consultation, response_id, said)
        if said:  # used now: retention counts from this month
            self.profiles.record_in(db, user_id, said)
        return None if Run(consultation, questions).still_to_ask(said) is None else _offer(consultation)

    # --- /aboutyou ---------------------------------------------------------------------------------

    async def show(self, user_id: int) -> Reply:
        said = await self.db.read(lambda db: self.profiles.said_in(db, user_id))
        return Reply([self._mine(said)])

    def _mine(self, said: Said) -> Screen:
        asked = self.profiles.questions(f for f in FIELDS if f in said)
        if not asked:
            return Screen(texts.ABOUT_NOTHING)
        lines = "\n".join(f"• {q.wording} {_answer(q, said[q.field])}" for q in asked)
        return Screen(
            texts.ABOUT_MINE.format(lines=lines),
            (
                (Button(texts.ABOUT_CHANGE_BUTTON, Action(Kind.ABOUT_YOU, value=CHANGE)),),
                (Button(texts.ABOUT_DELETE_BUTTON, Action(Kind.ABOUT_YOU, value=DELETE)),),
            ),
        )

    # --- a tap ---------------------------------------------------------------------------------------

    async def press(self, user_id: int, action: Action, consultation: Consultation | None) -> Reply:
        """A tap; `consultation` the one its button names, as this person may reach it (None if
        it names none, or one they cannot)."""
        if not action.consultation and not action.question and action.value in (DELETE, DELETE_YES, KEEP):
            return await self._deleting(user_id, action.value)
        if action.consultation and consultation is None:
            return Reply(notice=texts.MOVED_ON)
        if consultation is not None and consultation.preview_of is not None:
            return _previewed(Run(consultation, self.profiles.used_by(consultation)), action)
        said_before = await self.db.read(lambda db: self.profiles.said_in(db, user_id))
        if consultation is None:
            run = Run(None, self.profiles.questions(f for f in FIELDS if f in said_before))
        else:
            run = Run(consultation, self.profiles.used_by(consultation))
        if not action.question:
            if action.value == STOP:
                return await self._stop(user_id, run)
            first = run.still_to_ask(said_before)
            return Reply(replace=question_screen(run, first) if first else Screen(texts.ABOUT_DONE))
        asked = next((q for q in run.questions if _code(q.field) == action.question), None)
        value = None if action.value == SKIP else action.value
        if asked is None or (value is not None and value != RATHER_NOT and asked.group(value) is None):
            return Reply(notice=texts.MOVED_ON)
        said = await self.db.transaction(lambda db: self._record(db, user_id, asked.field, value))
        following = run.still_to_ask(said, after=asked.field)
        return Reply(replace=question_screen(run, following) if following else Screen(texts.ABOUT_DONE))

    def _record(self, db: Connection, user_id: int, field: Field, value: str | None) -> Said:
        """Saved, and the answers they have sent to every consultation still open that asks it
        count under it, so one person is in one group everywhere. A closed one keeps the groups
        its answers were sent under, as what was published at its close does."""
        said = self.profiles.said_in(db, user_id)
        said[field] = value
        self.profiles.record_in(db, user_id, said)
        now = self.profiles.clock()
        launched = (self.find(cid) for cid in repos.consultations_with_responses(db))
        asking = [c for c in launched if c is not None and field in c.about_you and c.is_open(now)]
        for consultation in asking:
            stored = repos.load_response(db, consultation.id, pseudonym(self.key, consultation.id, user_id))
            if stored is not None and stored.progress.submitted:
                self.profiles.copy_in(db, consultation, stored.id, said)
        return said

    async def _stop(self, user_id: int, run: Run) -> Reply:
        def stop(db: Connection) -> None:
            said = self.profiles.said_in(db, user_id)
            if run.consultation is None:
                return
            left = {q.field: None for q in run.questions if q.field not in said}
            if left:  # not asked again: skipping is an answer too
                self.profiles.record_in(db, user_id, {**said, **left})

        await self.db.transaction(stop)
        return Reply(replace=Screen(texts.ABOUT_STOPPED))

    async def _deleting(self, user_id: int, value: str) -> Reply:
        """Delete asks first; then it goes, from every sent response too."""
        if value == KEEP:
            return Reply(replace=Screen(texts.ABOUT_KEPT))
        if value == DELETE:
            yes = Button(texts.ABOUT_DELETE_YES_BUTTON, Action(Kind.ABOUT_YOU, value=DELETE_YES))
            keep = Button(texts.ABOUT_KEEP_BUTTON, Action(Kind.ABOUT_YOU, value=KEEP))
            return Reply(replace=Screen(texts.ABOUT_DELETE_ASK, ((yes,), (keep,))))

        def delete(db: Connection) -> None:
            self.profiles.forget_in(
                db, user_id, repos.response_ids(db, repos.respondents_of(db, self.key, user_id))
            )

        await self.db.transaction(delete)
        await self.db.forget_old_pages()  # not left readable in the write-ahead log either
        return Reply(replace=Screen(texts.ABOUT_DELETED))


def _offer(consultation: Consultation) -> Screen:
    return _bannered(
        consultation,
        Screen(
            texts.ABOUT_OFFER,
            (
                (Button(texts.ABOUT_GO_BUTTON, Action(Kind.ABOUT_YOU, consultation.id, value=GO)),),
                (Button(texts.ABOUT_NO_BUTTON, Action(Kind.ABOUT_YOU, consultation.id, value=STOP)),),
            ),
            menu=True,
        ),
    )


def _previewed(run: Run, action: Action) -> Reply:
    """A worker's preview: each question in turn, whatever they tap, and nothing stored."""
    assert run.consultation is not None
    end = _bannered(run.consultation, Screen(PREVIEW_ABOUT_END))
    if not action.question and action.value == STOP:
        return Reply(replace=end)
    tapped = next((q.field for q in run.questions if _code(q.field) == action.question), None)
    if action.question and tapped is None:
        return Reply(notice=texts.MOVED_ON)
    following = Run(None, run.questions).still_to_ask({}, after=tapped)
    return Reply(replace=question_screen(run, following) if following else end)


def _bannered(consultation: Consultation, screen: Screen) -> Screen:
    """A preview's screens say so, as its questions do."""
    return replace(screen, text=PREVIEW_BANNER + screen.text) if consultation.preview_of else screen


def question_screen(run: Run, question: AboutQuestion) -> Screen:
    """One question: its groups, then "rather not say", Skip and "No more questions"."""
    cid = run.consultation.id if run.consultation else ""
    n = [q.field for q in run.questions].index(question.field) + 1

    def tap(value: str) -> Action:
        return Action(Kind.ABOUT_YOU, cid, _code(question.field), value)

    rows = [(Button(g.wording, tap(g.id)),) for g in question.groups]
    rows.append((Button(texts.RATHER_NOT_BUTTON, tap(RATHER_NOT)),))
    stop = Action(Kind.ABOUT_YOU, cid, value=STOP)
    rows.append((Button(texts.SKIP_BUTTON, tap(SKIP)), Button(texts.ABOUT_STOP_BUTTON, stop)))
    heading = texts.ABOUT_HEADING.format(n=n, total=len(run.questions))
    screen = Screen(f"{heading}\n\n{question.wording}", tuple(rows), menu=True)
    return _bannered(run.consultation, screen) if run.consultation else screen


def _code(field: Field) -> str:
    """A question's short name in a button (a consultation id and an area's id leave little room
    in 64 bytes): its place in the standard set."""
    return str(FIELDS.index(field))


def _answer(question: AboutQuestion, value: str | None) -> str:
    if value is None:
        return texts.SKIPPED
    if value == RATHER_NOT:
        return texts.RATHER_NOT_SAID
    group = question.group(value)
    return f"— {group.wording}" if group else texts.SKIPPED
