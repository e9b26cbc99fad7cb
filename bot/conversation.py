"""A young person's conversation with the bot, whatever the channel: consent, choosing a
consultation, answering, pausing. Reads and writes storage; every write commits before a reply.

Each database visit is one function run inside `Database.transaction` or `Database.read`, so an
answer is checked, applied and saved as one unit.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from sqlite3 import Connection
from typing import TypeGuard

from bot.about_you import council
from bot.about_you.asking import AboutYou
from bot.about_you.profiles import Profiles
from bot.config import Settings, pseudonym_key
from bot.core import i18n, texts
from bot.core.actions import Action, Kind, decode
from bot.core.engine import (
    WITH_THE_TEAM,
    Answer,
    Outcome,
    Progress,
    Result,
    apply,
    apply_photo,
    apply_text,
    begin,
    finished_an_idea,
    is_repeat_of_last_step,
    ranking,
    recover,
    reopen,
    typed_choice,
)
from bot.core.i18n import Reading
from bot.core.ideas import DEFAULT_BLOCKLIST_PATH, Blocklist, BlocklistError, Screener, parse_blocklist
from bot.core.models import Consultation, PhotoQuestion, Question, SuggestionQuestion, TextQuestion
from bot.core.privacy import first_of_month, pseudonym, recorded_time
from bot.core.screens import (
    FULL_NOTICE,
    KEEP,
    Answered,
    ContactRequest,
    Held,
    PrivacyFacts,
    Reply,
    Screen,
    agreed_screen,
    already_sent_screen,
    consent_nudge,
    consent_screen,
    consultation_list,
    did_you_mean_screen,
    erase_screen,
    language_screen,
    my_data_screen,
    paused_screen,
    question_screen,
    sent_screen,
    updates_screen,
    withdraw_screen,
)
from bot.definitions import Definitions
from bot.feedback import OFFERED, WANTS_ANSWER, Feedback, worth_offering
from bot.feedback_answers import AnswerRequests
from bot.ideas import Ideas
from bot.photo_answers import PhotoAnswers
from bot.photos import PhotoRejected, Rejection
from bot.published import live_for_reader, publication, vote_screens
from bot.roles import Roles
from bot.safeguarding import classifier
from bot.safeguarding.alerts import Person, Safeguarding, is_pending, signpost_screen
from bot.safeguarding.phrases import (
    DEFAULT_PHRASEBOOK_PATH,
    Phrasebook,
    PhrasebookError,
    parse_phrasebook,
)
from bot.safeguarding.review import KEEP_SENDER, ReviewQueue
from bot.safeguarding.triage import NOTHING, Tier, Triage, Verdict
from bot.storage import alerts_repo, feedback_repo, lifecycle_repo, mydata_repo, repos
from bot.storage.db import Database
from bot.storage.migrate import migrate
from bot.surveys import Catalogue
from bot.votes import Votes, ballot_ready, record_ballots, with_ballot_options

log = logging.getLogger(__name__)


# Choices of language made before consent, kept in memory at most (about 100 bytes each).
READINGS_BEFORE_CONSENT_MAX = 10_000


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Conversation:
    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        pseudonym_key: bytes,
        feedback: Feedback,
        safeguarding: Safeguarding,
        review: ReviewQueue,
        ideas: Ideas,
        votes: Votes,
        photos: PhotoAnswers,
        roles: Roles,
        definitions: Definitions,
        privacy: PrivacyFacts,
        about_you: AboutYou,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.db = db
        self.catalogue = catalogue
        self.feedback = feedback
        self.safeguarding = safeguarding
        self.review = review
        self.ideas = ideas
        self.votes = votes
        self.photos = photos
        self.roles = roles
        self.definitions = definitions
        self.privacy_facts = privacy
        self.about_you = about_you
        self.key = pseudonym_key
        self.clock = clock
        # A language or easy-read choice made before agreeing to the privacy notice: nothing is
        # stored about anyone before they agree, so it waits here and is saved with their consent.
        self._reading_before_consent: dict[int, Reading] = {}
        # The consultation each person was in when they began feedback, to offer again after it.
        self._back_after_feedback: dict[int, str] = {}
        # Who has their last use noted for this month already (see `seen`).
        self._seen_month = first_of_month(clock().date())
        self._seen: set[int] = set()

    # --- entry points, one per kind of thing a young person can do ---------------------------

    async def start(self, user_id: int, payload: str = "") -> Reply:
        """/start, perhaps from a deep link naming a consultation."""
        consultation_id = payload.strip().lower()
        if await self._participant(user_id) is None:
            return Reply([consent_screen(consultation_id if self.catalogue.get(consultation_id) else "")])
        # Agreed to an older notice: told once that it changed, not asked again (what they agreed
        # to take part in is the same; the notice now says all of it).
        told = await self.db.transaction(
            lambda db: repos.catch_up_privacy_version(db, user_id, texts.PRIVACY_VERSION)
        )
        reply = await self._back_to_consultation(
            user_id,
            self._open(user_id, consultation_id) if consultation_id else self._resume_or_list(user_id),
        )
        if told:
            reply.screens.insert(0, Screen(texts.PRIVACY_UPDATED))
        return reply

    async def press(self, person: Person, data: str, update_id: int) -> Reply:
        """A button tap; `data` is the button's callback data."""
        user_id = person.user_id
        action = decode(data)
        if action is None:
            return await self._moved_on(user_id)
        if action.kind is Kind.CONTACT:  # answered even before consent: safety comes first
            return await self.safeguarding.choose(person, action.value)
        if action.kind is Kind.WITHDRAW_CONTACT:  # a request can come before consent, too
            alert_id = _number(action.value) or 0
            if await self.safeguarding.withdraw(user_id, alert_id):
                # The outbox takes who they are off the team's message, if it was posted.
                return Reply([Screen(texts.CONTACT_WITHDRAWN)], outbox=True)
            return Reply(notice=texts.NOT_WITHDRAWN)
        if action.kind is Kind.PRIVACY:
            return await self.privacy(user_id, action.consultation, in_place=True)
        if action.kind is Kind.DECLINE:
            if await self._participant(user_id) is not None:
                return await self._moved_on(user_id)
            self._reading_before_consent.pop(user_id, None)  # "nothing about you has been saved"
            return Reply(replace=Screen(texts.DECLINED))
        if action.kind is Kind.CONSENT:
            return await self._consent(user_id, action.consultation, action.value == FULL_NOTICE)
        # How they read can change before consent too: they may not read this language.
        reading = i18n.current()
        if action.kind is Kind.LANGUAGE and action.value not in i18n.LANGUAGES:
            return Reply(replace=language_screen(action.consultation))
        if action.kind is Kind.LANGUAGE:
            reading = replace(reading, language=action.value)
        elif action.kind is Kind.EASY_READ:
            reading = replace(reading, easy=action.value == "1")
        elif action.kind is Kind.LISTEN:
            reading = replace(reading, listen=action.value == "1")
        if action.kind in (Kind.LANGUAGE, Kind.EASY_READ, Kind.LISTEN):
            return await self._set_reading(user_id, reading, action.kind, action.consultation)
        if action.kind is Kind.STOP_WAITING:  # a sealed number can outlive the consent record
            return await self._stop_waiting(user_id, action.value)
        if await self._participant(user_id) is None:
            return Reply([consent_nudge()])
        match action.kind:
            case Kind.OPEN:
                return await self._back_to_consultation(user_id, self._open(user_id, action.consultation))
            case Kind.FEEDBACK if action.value.startswith(OFFERED):
                offered = self.feedback.take_offer(user_id, action.value.removeprefix(OFFERED))
                return await self._writing_feedback(user_id, offered)
            case Kind.FEEDBACK if action.value:
                return await self._writing_feedback(
                    user_id, self.feedback.choose_topic(user_id, action.value)
                )
            case Kind.FEEDBACK:
                return await self.start_feedback(user_id)
            case Kind.FEEDBACK_SEND:
                sent = await self.feedback.send(user_id, action.value == WANTS_ANSWER)
                return await self._after_feedback(user_id, sent)
            case Kind.ANSWER_BACK if (request_id := _number(action.question)) is not None:
                answering = await self.feedback.begin_answer_back(user_id, request_id, action.value)
                return await self._writing_feedback(user_id, answering)
            case Kind.FEEDBACK_CANCEL:
                return await self._after_feedback(user_id, self.feedback.cancel(user_id))
            case Kind.UPDATES:
                return await self._set_updates(user_id, action.value == "1")
            case Kind.PAUSE:
                paused = await self._pause(user_id)
                return Reply(replace=paused) if paused else await self._moved_on(user_id)
            case Kind.ABOUT_YOU:
                named = self._available(user_id, action.consultation) if action.consultation else None
                return await self.about_you.press(user_id, action, named)
            case Kind.ERASE if action.value == "1":
                return await self._erase(user_id)
            case Kind.ERASE:
                return Reply(replace=Screen(texts.ERASE_KEPT))
        return await self._back_to_consultation(user_id, self._on_consultation(user_id, action, update_id))

    async def _on_consultation(self, user_id: int, action: Action, update_id: int) -> Reply:
        """A tap on a consultation's own buttons: a step, its results, changing answers, ideas."""
        consultation = self._available(user_id, action.consultation)
        if consultation is None:
            return await self._moved_on(user_id)
        match action.kind:
            case Kind.RESULTS:
                return await self._result(consultation)
            case Kind.REOPEN:
                return await self._reopen(user_id, consultation)
            case Kind.WITHDRAW if action.value in ("", KEEP):
                return await self._choose_idea_to_withdraw(
                    user_id, consultation, action.question, action.value
                )
        return await self._step(user_id, consultation, update_id, action)

    async def _back_to_consultation(self, user_id: int, going: Awaitable[Reply]) -> Reply:
        """Back to a consultation: feedback whose topic was never picked is let go (and they are
        told, if they had typed it), and the consultation feedback paused is no longer waiting."""
        let_go = self.feedback.left_topics(user_id)
        self._back_after_feedback.pop(user_id, None)
        return _told_if_let_go(await going, let_go)

    async def _stop_waiting(self, user_id: int, value: str) -> Reply:
        """/mydata's "Stop waiting for an answer": that sealed number deleted, if it is theirs."""
        only = _number(value)
        if only is None:
            return Reply(notice=texts.MOVED_ON)
        stopped = await self.db.transaction(lambda db: self.feedback.answers.withdraw_in(db, user_id, only))
        return Reply([Screen(texts.STOPPED_WAITING if stopped else texts.STOPPED_ALREADY)])

    async def text(self, user_id: int, text: str, update_id: int) -> Reply:
        """A typed message that is not a command. Every one is checked for signs of harm first.
        Feedback pauses any consultation, so one that is current again (they went back to it) takes
        what they type: an unsent feedback draft waits under its own Send."""
        participant = await self._participant(user_id)
        consultation = await self._current(user_id) if participant else None
        if participant is not None and consultation is not None:
            # An answer: its alert or review item, if any, is written in the answer's own transaction.
            verdict = self.safeguarding.check(text)
            return await self._step(user_id, consultation, update_id, text, verdict)
        if participant is None:
            reply = Reply([consent_nudge()])
        elif self.feedback.is_writing(user_id):
            reply = self.feedback.add(user_id, text, update_id)
        else:
            reply = Reply([Screen(texts.NOT_UNDERSTOOD)])
        source = "feedback" if self.feedback.is_writing(user_id) else "message"
        return await self._with_safeguarding(reply, user_id, text, source, update_id)

    async def start_feedback(self, user_id: int) -> Reply:
        """/feedback: anonymous feedback on a topic, any time."""
        if await self._participant(user_id) is None:
            return Reply([consent_nudge()])
        return await self._writing_feedback(user_id, self.feedback.begin(user_id))

    async def _writing_feedback(self, user_id: int, reply: Reply) -> Reply:
        """If they are writing feedback now, pause any consultation: what they type is feedback,
        even were the bot to restart mid-draft (the draft is in memory; the pause is stored).
        Which one it was is remembered, to offer it again once the feedback is sent."""
        if not self.feedback.is_writing(user_id):
            return reply
        consultation = await self._current(user_id)
        if consultation is not None:
            self._back_after_feedback[user_id] = consultation.id
            await self.db.transaction(lambda db: self._set_current(db, user_id, None))
        return reply

    async def _after_feedback(self, user_id: int, reply: Reply) -> Reply:
        """Feedback sent or dropped: the consultation it paused, offered again if they are still
        part-way through it and have not gone back to it."""
        if self.feedback.is_writing(user_id):  # not sent after all (a topic to pick first)
            return reply
        consultation_id = self._back_after_feedback.pop(user_id, None)
        consultation = self._available(user_id, consultation_id) if consultation_id else None
        if consultation is None or not consultation.is_open(self.clock()) or await self._current(user_id):
            return reply
        stored = await self.db.read(lambda db: self._load(db, consultation, user_id))
        if stored is not None and not stored.progress.submitted:
            reply.screens.append(paused_screen(consultation))
        return reply

    async def current_question(self, user_id: int) -> tuple[Consultation, Question] | None:
        """The consultation (worded for them) and question they stand on, if any."""
        consultation = await self._current(user_id)
        if consultation is None:
            return None
        stored = await self.db.read(lambda db: self._load(db, consultation, user_id))
        position = stored.progress.position if stored is not None else None
        question = consultation.question(position) if position else None
        return (consultation, question) if question is not None else None

    async def seen(self, user_id: int) -> None:
        """They used the bot: note the month (QUIET_PARTICIPANT_DAYS counts from their last), once
        a month per person. Anyone without a consent row (not agreed yet, staff) costs a read, never a
        write transaction: a consent's own day stands for its month, and the update after it is noted."""
        month = first_of_month(self.clock().date())
        if month != self._seen_month:
            self._seen_month, self._seen = month, set()
        if user_id in self._seen or await self._participant(user_id) is None:
            return
        await self.db.transaction(lambda db: lifecycle_repo.note_seen(db, user_id, month))
        self._seen.add(user_id)

    async def reading_of(self, user_id: int, language_code: str | None) -> Reading:
        """How to speak to them: their choice (stored once they agreed), else their Telegram app's
        language if we have it, else English."""
        participant = await self._participant(user_id)
        if participant is not None:
            return participant.reading
        chosen = self._reading_before_consent.get(user_id)
        return chosen or Reading(i18n.supported(language_code) or i18n.DEFAULT)

    @staticmethod
    def languages() -> Reply:
        """/language: the languages, each named in itself."""
        return Reply([language_screen()])

    async def easy_read(self, user_id: int) -> Reply:
        """/easyread: switch between easy-read and standard wording."""
        now = i18n.current()
        return await self._set_reading(
            user_id, replace(now, easy=not now.easy), Kind.EASY_READ, in_place=False
        )

    async def listen(self, user_id: int) -> Reply:
        """/listen: voice notes with the questions that have them, or not."""
        now = i18n.current()
        return await self._set_reading(
            user_id, replace(now, listen=not now.listen), Kind.LISTEN, in_place=False
        )

    async def _set_reading(
        self, user_id: int, reading: Reading, changed: Kind, consultation_id: str = "", in_place: bool = True
    ) -> Reply:
        """Change how they read (`changed`: their language, easy read or listening); say so in the
        new way, then carry on where they were."""
        participant = await self._participant(user_id)
        if participant is None:
            waiting = self._reading_before_consent
            waiting[user_id] = reading
            if len(waiting) > READINGS_BEFORE_CONSENT_MAX:  # those who never came back: the oldest go
                del waiting[next(iter(waiting))]
        else:
            await self.db.transaction(lambda db: repos.set_reading(db, user_id, reading))
        with i18n.speaking(reading):
            if changed is Kind.EASY_READ:
                said = texts.EASY_READ_ON if reading.easy else texts.EASY_READ_OFF
            elif changed is Kind.LISTEN:
                said = texts.LISTEN_ON if reading.listen else texts.LISTEN_OFF
            else:
                said = texts.LANGUAGE_SET
            if participant is None:
                reply = Reply([consent_screen(consultation_id)])
            else:
                reply = await self._resume_or_list(user_id)
        if in_place:
            reply.replace = Screen(said)
        else:
            reply.screens.insert(0, Screen(said))
        return reply

    async def updates(self, user_id: int) -> Reply:
        """/updates: opt in or out of "you said, we did" messages."""
        if await self._participant(user_id) is None:
            return Reply([consent_nudge()])
        return Reply([updates_screen()])

    async def about(self, user_id: int) -> Reply:
        """/aboutyou: what they said about themselves, to change or delete."""
        if await self._participant(user_id) is None:
            return Reply([consent_nudge()])
        return await self.about_you.show(user_id)

    async def delete_me(self, user_id: int) -> Reply:
        """/deleteme: what can and cannot be deleted, and a button to confirm."""
        if await self._participant(user_id) is None:
            return Reply([Screen(texts.NOTHING_STORED)])
        return Reply([erase_screen(self.privacy_facts)])

    async def _erase(self, user_id: int) -> Reply:
        def erase(db: Connection) -> tuple[repos.Erased, int, int, bool]:
            erased = repos.erase_person(db, user_id, repos.respondents_of(db, self.key, user_id))
            self.review.forget_sender_in(db, user_id)
            waiting = self.feedback.answers.withdraw_in(db, user_id)
            # Their responses' copies went with the responses.
            about = self.about_you.profiles.forget_in(db, user_id, [])
            return erased, self.safeguarding.forget_pending_in(db, user_id), waiting, about

        erased, requests, waiting, about = await self.db.transaction(erase)
        await self.db.forget_old_pages()
        self.photos.forget(erased.photos)
        self.feedback.stop_writing(user_id)
        self._back_after_feedback.pop(user_id, None)
        log.info("Erased a young person's data on request: %d response(s)", erased.responses)
        done = texts.erase_done(erased.answers, erased.responses)
        said = [
            done,
            *([texts.ERASE_CONTACT_CLEARED] if requests else []),
            *([texts.ERASE_ANSWER_CLEARED] if waiting else []),
            *([texts.ERASE_ABOUT_YOU_CLEARED] if about else []),
        ]
        # outbox: an alert whose choice they were still making goes now, and a posted request leaves
        # the team's message.
        return Reply(replace=Screen("\n\n".join(said)), outbox=True)

    async def my_data(self, user_id: int) -> Reply:
        """/mydata: everything held about them, found by their Telegram id and their pseudonym in
        each consultation, with a button to withdraw each contact request not yet picked up."""
        # Archived ones too (in English: `get` words only those young people can still reach).
        consultations = [self.catalogue.get(cid) or c for cid, c in self.catalogue.consultations.items()]

        def gather(db: Connection) -> Held:
            answered = []
            for consultation in consultations:
                live = with_ballot_options(db, consultation)
                respondent = self._respondent(consultation, user_id)
                stored = self._load(db, live, user_id)
                voted = mydata_repo.voted(db, consultation.id, respondent)
                ideas = tuple(mydata_repo.ideas_sent(db, consultation.id, respondent))
                if stored is not None or voted or ideas:
                    answered.append(Answered(live, stored.progress if stored else None, voted, ideas))
            requests = tuple(
                ContactRequest(a.id, a.raised_at[:10], a.contact_name or "", is_pending(a))
                for a in alerts_repo.holding(db, user_id)
                if a.wants_contact == 1
            )
            record = mydata_repo.consent_record(db, user_id)
            return Held(
                record.consented_on if record else None,
                record.wants_updates if record else False,
                record.last_seen if record else "",
                tuple(answered),
                requests,
                self.review.holding_in(db, user_id),
                tuple(self.feedback.answers.waiting_in(db, user_id)),
                bool(self.about_you.profiles.said_in(db, user_id)),
            )

        return Reply([my_data_screen(await self.db.read(gather))])

    async def _set_updates(self, user_id: int, wanted: bool) -> Reply:
        await self.db.transaction(lambda db: feedback_repo.set_wants_updates(db, user_id, wanted))
        return Reply(replace=Screen(texts.UPDATES_ON if wanted else texts.UPDATES_OFF))

    async def expects_photo(self, user_id: int) -> bool:
        """Whether they stand on a photo question (so a picture they send is worth downloading)."""
        consultation = await self._current(user_id)
        if consultation is None or not consultation.is_open(self.clock()):
            return False
        stored = await self.db.read(lambda db: self._load(db, consultation, user_id))
        if stored is None or stored.progress.submitted or stored.progress.position is None:
            return False
        return isinstance(consultation.question(stored.progress.position), PhotoQuestion)

    async def photo(self, user_id: int, data: bytes, update_id: int, caption: str = "") -> Reply:
        """A picture sent to a photo question: cleaned, stored, and saved as the answer."""
        consultation = await self._current(user_id)
        if consultation is None:
            return await self.unreadable(user_id, update_id, caption)
        try:
            name = await self.photos.keep(data)
        except PhotoRejected as rejected:
            problem = (
                texts.PHOTO_NOT_A_PICTURE
                if rejected.reason is Rejection.NOT_AN_IMAGE
                else texts.PHOTO_TOO_BIG
            )
            return await self.photo_refused(user_id, problem, update_id, caption)
        reply = await self._step(user_id, consultation, update_id, SentPhoto(name))
        return await self._with_safeguarding(reply, user_id, caption, "message", update_id)

    async def photo_refused(self, user_id: int, problem: str, update_id: int, caption: str = "") -> Reply:
        """A file that cannot be their photo: say why kindly; the question stays as it was."""
        reply = await self._resume_or_list(user_id, quiet=True)
        reply.screens.insert(0, Screen(problem))
        return await self._with_safeguarding(reply, user_id, caption, "message", update_id)

    async def unreadable(self, user_id: int, update_id: int, caption: str = "") -> Reply:
        """A sticker, photo, voice note... where none was asked for; its caption is still read."""
        reply = await self._resume_or_list(user_id, quiet=True)
        if await self._participant(user_id) is not None:  # before consent, the nudge says enough
            reply.screens.insert(0, Screen(texts.STICKER_OR_MEDIA))
        return await self._with_safeguarding(reply, user_id, caption, "message", update_id)

    async def edited(self, user_id: int, text: str, update_id: int) -> Reply:
        """An edited message: edits cannot change a saved answer, but the new words are still read."""
        reply = Reply([Screen(texts.EDITS_NOT_SEEN)])
        return await self._with_safeguarding(reply, user_id, text, "message", update_id)

    async def _with_safeguarding(
        self, reply: Reply, user_id: int, words: str, source: str, update_id: int
    ) -> Reply:
        """If the words may disclose harm: signposting before anything else, and an alert (one
        per update, however often it is handled). A bare "I'm not sure what you mean" would be the
        wrong thing to say after it: dropped. If they might: quietly into the review queue."""
        verdict = self.safeguarding.check(words) if words else NOTHING
        if verdict.tier is Tier.REVIEW:
            await self.review.add(user_id, words, verdict, source, update_id)
            reply.outbox = reply.outbox or verdict.urgent_review
        if verdict.tier is not Tier.ALERT:
            return reply
        signpost = await self.safeguarding.raise_alert(user_id, words, verdict.concern, source, update_id)
        pointers = (texts.NOT_UNDERSTOOD, texts.STICKER_OR_MEDIA)
        kept = [screen for screen in reply.screens if screen.text not in pointers]
        return Reply([signpost, *kept], reply.replace, reply.notice, outbox=True)

    async def help(self, user_id: int, staff_lines: str = "") -> Reply:
        """What they can do, then where they are (the question they stand on), so help never
        leaves them lost."""
        here = (
            await self._resume_or_list(user_id, quiet=True) if await self._participant(user_id) else Reply()
        )
        return Reply([Screen(texts.HELP + staff_lines), *here.screens])

    async def privacy(self, user_id: int, consultation_id: str = "", in_place: bool = False) -> Reply:
        """The full privacy notice (/privacy, "Read more"); before they agree, with the consent
        buttons under it, turning the tapped short version into it."""
        notice = self.privacy_facts.notice()
        if await self._participant(user_id) is not None:
            return Reply([Screen(notice)])
        screen = consent_screen(consultation_id, notice)
        return Reply(replace=screen) if in_place else Reply([screen])

    @staticmethod
    def unknown_command() -> Reply:
        return Reply([Screen(texts.NOT_UNDERSTOOD)])

    async def cancel(self, user_id: int) -> Reply:
        if self.feedback.stop_writing(user_id):
            return await self._after_feedback(user_id, Reply([Screen(texts.FEEDBACK_CANCELLED)]))
        paused = await self._pause(user_id)
        return Reply([paused or Screen(texts.NOTHING_TO_CANCEL)])

    async def _pause(self, user_id: int) -> Screen | None:
        """Stop the consultation they are in for now (their answers and place kept): what to
        show, with a button to carry on; None if they are in none."""
        consultation = await self._current(user_id)
        if consultation is None:
            return None
        await self.db.transaction(lambda db: self._set_current(db, user_id, None))
        return paused_screen(consultation)

    # --- the steps behind them -----------------------------------------------------------------

    async def _participant(self, user_id: int) -> repos.Participant | None:
        return await self.db.read(lambda db: repos.get_participant(db, user_id))

    def _respondent(self, consultation: Consultation, user_id: int) -> str:
        return pseudonym(self.key, consultation.id, user_id)

    def _respondents(self, user_id: int) -> dict[str, str]:
        """{consultation id: their pseudonym} for every consultation a step can be on."""
        ids = [*self.catalogue.consultations, *self.catalogue.previews]
        return {consultation_id: pseudonym(self.key, consultation_id, user_id) for consultation_id in ids}

    async def _current(self, user_id: int) -> Consultation | None:
        """The consultation they are taking now, if any. Marked on their response, found through
        their pseudonyms: the consent record names none, so nothing joins the two without the key."""
        respondents = self._respondents(user_id)
        current = await self.db.read(lambda db: repos.current_consultation(db, respondents))
        return self._available(user_id, current or "")

    def _set_current(self, db: Connection, user_id: int, consultation_id: str | None) -> None:
        respondents = self._respondents(user_id)
        if consultation_id is not None:  # a preview copy may have left the catalogue meanwhile
            respondents[consultation_id] = pseudonym(self.key, consultation_id, user_id)
        repos.set_current_consultation(db, respondents, consultation_id)

    def _load(self, db: Connection, consultation: Consultation, user_id: int) -> repos.StoredResponse | None:
        """Their response, with its place made valid for the definition as it is now."""
        stored = repos.load_response(db, consultation.id, self._respondent(consultation, user_id))
        if stored is None:
            return None
        return repos.StoredResponse(stored.id, recover(consultation, stored.progress))

    def _time_to_record(self, consultation: Consultation) -> datetime:
        return recorded_time(self.clock(), consultation.anonymous)

    async def _consent(self, user_id: int, consultation_id: str, full_notice: bool) -> Reply:
        day = recorded_time(self.clock(), anonymous=True)
        agreed_now = await self.db.transaction(
            lambda db: repos.record_consent(db, user_id, day, texts.PRIVACY_VERSION, i18n.current())
        )
        self._reading_before_consent.pop(user_id, None)
        # Agreed before: the same tap handled again (the bot stopped before its reply went out),
        # a double tap or an old consent message. Either way the notice shows it was given and
        # they get where they are, never a toast alone (opening is idempotent).
        if consultation_id:
            reply = await self._open(user_id, consultation_id)
        else:
            reply = await (self._list(user_id) if agreed_now else self._resume_or_list(user_id))
        reply.replace = agreed_screen(self.privacy_facts.notice() if full_notice else "")
        return reply

    async def _list(self, user_id: int) -> Reply:
        now = self.clock()
        open_now = self.catalogue.open_now(now)
        respondents = {c.id: self._respondent(c, user_id) for c in open_now}
        statuses = await self.db.read(lambda db: repos.response_statuses(db, respondents))
        started = {cid for cid, status in statuses.items() if status == "in_progress"}
        submitted = {cid for cid, status in statuses.items() if status == "submitted"}
        # An earlier version still open is for those who began it: others see only the newest.
        listed = [c for c in open_now if c.id not in self.catalogue.superseded or c.id in statuses]
        return Reply([consultation_list(listed, started, submitted, self.catalogue.results_to_share(now))])

    async def _result(self, consultation: Consultation) -> Reply:
        """A closed vote's result as published (frozen at close), if young people may see it."""
        canonical = self.catalogue.find(consultation.id)
        shared = consultation in self.catalogue.results_to_share(self.clock())
        published = None
        if canonical and shared:
            published = await publication(self.votes, canonical)
        if published is None:
            return Reply([Screen(texts.NO_RESULT_YET.format(title=consultation.title))])
        live = await live_for_reader(self.db, consultation)
        # Drawing takes ~0.3 s a chart: in a thread, so nobody else's tap waits behind it.
        return Reply(await asyncio.to_thread(vote_screens, published, live))

    async def _reopen(self, user_id: int, consultation: Consultation) -> Reply:
        """Change answers already sent, where the consultation allows it and while it is open."""
        if not consultation.allow_changes or not consultation.is_open(self.clock()):
            return await self._open(user_id, consultation.id)

        def reopen_response(db: Connection) -> Progress | None:
            live = with_ballot_options(db, consultation)
            stored = self._load(db, live, user_id)
            if stored is None or not stored.progress.submitted:
                return None
            progress = reopen(live, stored.progress)
            repos.save_progress(db, stored, progress, self._time_to_record(consultation))
            self._set_current(db, user_id, consultation.id)
            return progress

        progress = await self.db.transaction(reopen_response)
        if progress is None:  # a double tap: already reopened
            return await self._moved_on(user_id)
        live = await self.db.read(lambda db: with_ballot_options(db, consultation))
        return Reply(replace=question_screen(live, progress))

    async def _choose_idea_to_withdraw(
        self, user_id: int, consultation: Consultation, question_id: str, value: str
    ) -> Reply:
        """The list of their ideas to take one back from; or, on "keep them all", the question."""
        question = consultation.question(question_id)
        stored = await self.db.read(lambda db: self._load(db, consultation, user_id))
        if not isinstance(question, SuggestionQuestion) or stored is None or stored.progress.submitted:
            return await self._moved_on(user_id)
        if value == KEEP:
            return Reply(replace=question_screen(consultation, stored.progress))
        return Reply(replace=withdraw_screen(consultation, question, stored.progress))

    async def _resume_or_list(self, user_id: int, quiet: bool = False) -> Reply:
        """Show the question they are on, or else what is open (or nothing, when quiet)."""
        participant = await self._participant(user_id)
        if participant is None:
            return Reply([consent_nudge()])
        consultation = await self._current(user_id)
        if consultation is not None and consultation.is_open(self.clock()):
            live = await self.db.read(lambda db: with_ballot_options(db, consultation))
            stored = await self.db.read(lambda db: self._load(db, live, user_id))
            if stored is not None and not stored.progress.submitted:
                return Reply([question_screen(live, stored.progress)])
        return Reply() if quiet else await self._list(user_id)

    async def _open(self, user_id: int, consultation_id: str) -> Reply:
        """Start a consultation, or carry on with it where they left off."""
        consultation = self._available(user_id, consultation_id)
        if consultation is None:
            reply = await self._list(user_id)
            reply.screens.insert(0, Screen(texts.UNKNOWN_CONSULTATION))
            return reply
        if not consultation.is_open(self.clock()):
            reply = await self._list(user_id)
            reply.screens.insert(0, Screen(texts.NOT_OPEN.format(title=consultation.title)))
            return reply
        consultation = await self.db.read(lambda db: with_ballot_options(db, consultation))
        if not ballot_ready(consultation):
            return Reply([Screen(texts.NOT_READY.format(title=consultation.title))])

        def open_response(db: Connection) -> tuple[repos.StoredResponse, bool]:
            """(their response, whether it was created just now); a finished one is left alone."""
            stored = self._load(db, consultation, user_id)
            if stored is not None and stored.progress.submitted:
                return stored, False
            created = stored is None
            if stored is None:
                stored = repos.create_response(
                    db,
                    consultation.id,
                    self._respondent(consultation, user_id),
                    None if consultation.anonymous else user_id,
                    begin(consultation),
                    self._time_to_record(consultation),
                )
            self._set_current(db, user_id, consultation.id)
            return stored, created

        stored, created = await self.db.transaction(open_response)
        if stored.progress.submitted:
            return Reply([already_sent_screen(consultation, stored.progress)])
        return Reply([question_screen(consultation, stored.progress, intro=created)])

    async def _step(
        self,
        user_id: int,
        consultation: Consultation,
        update_id: int,
        user_input: Action | str | SentPhoto,
        verdict: Verdict = NOTHING,
    ) -> Reply:
        """Apply one tap or typed answer to the stored progress and commit it, once per update."""
        if not consultation.is_open(self.clock()):
            await self.db.transaction(lambda db: self._set_current(db, user_id, None))
            reply = await self._list(user_id)
            reply.screens.insert(0, Screen(texts.NOT_OPEN.format(title=consultation.title)))
            if isinstance(user_input, str):  # not an answer any more, but still read for harm
                return await self._with_safeguarding(reply, user_id, user_input, "message", update_id)
            if isinstance(user_input, SentPhoto):  # it closed while the photo was on its way
                self.photos.forget([user_input.name])
            return reply

        alert_ids: list[int] = []
        review_ids: list[int] = []
        photos_gone: list[str] = []
        about_you: list[Screen] = []  # the offer to ask "about you", once their answers are sent
        consultation = await self.db.read(lambda db: with_ballot_options(db, consultation))

        def apply_and_save(db: Connection) -> tuple[repos.StoredResponse | None, Outcome | None]:
            """(their response before, the outcome); no outcome for a redelivered update."""
            first_delivery = repos.claim_update(db, update_id, self.clock())
            # Handled again, this finds the alert it raised (signposting again) or its review item.
            if verdict.tier is Tier.ALERT:
                assert isinstance(user_input, str)
                alert_ids.append(
                    self.safeguarding.raise_in(db, user_id, user_input, verdict.concern, "answer", update_id)
                )
            elif verdict.tier is Tier.REVIEW:
                assert isinstance(user_input, str)
                review_ids.append(self.review.add_in(db, user_id, user_input, verdict, "answer", update_id))
            stored = self._load(db, consultation, user_id)
            if stored is None or not first_delivery:
                return stored, None
            if isinstance(user_input, Action):
                outcome = apply(consultation, stored.progress, user_input)
            elif isinstance(user_input, SentPhoto):
                outcome = apply_photo(consultation, stored.progress, user_input.name)
            else:
                outcome = apply_text(consultation, stored.progress, user_input)
                if alert_ids and outcome.result is Result.ACCEPTED:
                    outcome = replace(
                        outcome, progress=_words_with_the_team(stored.progress, outcome.progress)
                    )
            if outcome.result is Result.ACCEPTED:
                held_for = review_ids[0] if review_ids else None
                photos_gone.extend(
                    self._save_step(
                        db,
                        user_id,
                        consultation,
                        stored,
                        outcome.progress,
                        user_input,
                        bool(alert_ids),
                        held_for,
                    )
                )
                if outcome.progress.submitted:
                    offer = self.about_you.sent_in(db, user_id, consultation, stored.id)
                    about_you.extend([offer] if offer else [])
            return stored, outcome

        stored, outcome = await self.db.transaction(apply_and_save)
        self.photos.forget(photos_gone)  # only now that the answers without them have committed
        if isinstance(user_input, SentPhoto) and (outcome is None or outcome.result is not Result.ACCEPTED):
            self.photos.forget([user_input.name])  # a redelivery or not wanted: keep no copy
        # Words a safeguarding check caught are with the team already: not offered as feedback too.
        offer_as = None if alert_ids or review_ids else update_id
        reply = await self._reply_to_step(user_id, consultation, user_input, stored, outcome, offer_as)
        reply.screens.extend(about_you)
        if (
            stored is not None
            and outcome is not None
            and finished_an_idea(consultation, stored.progress, outcome.progress)
        ):
            reply.outbox = True  # the team hears of a new idea at once, to moderate it
        if alert_ids:
            reply.screens.insert(0, signpost_screen(alert_ids[0]))  # before anything else
            reply.outbox = True
        reply.outbox = reply.outbox or verdict.urgent_review
        return reply

    def _save_step(
        self,
        db: Connection,
        user_id: int,
        consultation: Consultation,
        stored: repos.StoredResponse,
        after: Progress,
        user_input: Action | str | SentPhoto,
        alerted: bool,
        held_for: int | None,
    ) -> list[str]:
        """Everything an accepted step writes: progress, ideas sent or taken back, photos, ballots.
        Typed words that raised an alert never reach moderation; words in the review queue
        (`held_for`) wait for its decision. Returns the photos it let go, whose files to delete once
        it has committed."""
        repos.save_progress(db, stored, after, self._time_to_record(consultation))
        photos_gone = self.photos.file(db, consultation, stored.id, stored.progress, after)
        respondent = self._respondent(consultation, user_id)
        typed = user_input if isinstance(user_input, str) else None
        if consultation.id not in self.catalogue.previews:  # a worker trying it: no ideas to moderate
            self.ideas.file(db, consultation, respondent, stored.progress, after, typed, alerted, held_for)
        if after.submitted:
            record_ballots(db, consultation, respondent, after, self.clock())
        self._set_current(db, user_id, None if after.submitted else consultation.id)
        return photos_gone

    async def _reply_to_step(
        self,
        user_id: int,
        consultation: Consultation,
        user_input: Action | str | SentPhoto,
        stored: repos.StoredResponse | None,
        outcome: Outcome | None,
        offer_as: int | None = None,
    ) -> Reply:
        """What they see after a step; typed words refused at a question answered with buttons
        are offered as feedback under `offer_as` (their update), unless None."""
        if stored is None:
            return await self._moved_on(user_id)
        here = self._current_screen(consultation, stored.progress)
        if outcome is None:
            # This update was applied before (the bot stopped, or its reply failed, before it was
            # done): show where they are, on the tapped message itself if it was a tap.
            return Reply(replace=here) if isinstance(user_input, Action) else Reply([here])
        if outcome.result is Result.ACCEPTED:
            return self._after_step(
                consultation, stored.progress, outcome.progress, isinstance(user_input, Action)
            )
        if outcome.result is Result.REJECTED:
            assert outcome.problem is not None
            if isinstance(user_input, Action):  # a toast under the buttons they just tapped
                return Reply(notice=outcome.problem)
            # A typed message: say what was wrong, then put the question back within reach (its
            # words and buttons: pictures already sent are still just above).
            again = replace(question_screen(consultation, stored.progress), album=(), voice=None)
            position = stored.progress.position
            question = consultation.question(position) if position else None
            on_buttons = position is None or _answered_with_buttons(question)  # the review too
            if offer_as is not None and isinstance(user_input, str) and on_buttons:
                said = self._typed_at_buttons(
                    user_id, consultation, question, stored.progress, user_input, offer_as
                )
                if said is not None:
                    return Reply([said, again])
            return Reply([Screen(outcome.problem), again])
        if isinstance(user_input, Action) and is_repeat_of_last_step(
            consultation, stored.progress, user_input
        ):
            # A double tap, or a tap again on a question whose reply never came: the tapped
            # message becomes where they are (unchanged if the first tap already made it so).
            return Reply(replace=here, notice=texts.MOVED_ON)
        return Reply([here], notice=texts.MOVED_ON)

    def _typed_at_buttons(
        self,
        user_id: int,
        consultation: Consultation,
        question: Question | None,
        progress: Progress,
        words: str,
        update_id: int,
    ) -> Screen | None:
        """Their words are never just dropped: the button they name (unless it is ticked
        already), or an offer to send them to the team; None for a word or two that says
        nothing more than the buttons do."""
        choice = typed_choice(consultation, question, words) if question is not None else None
        if choice is not None:
            label, action = choice
            if action.kind is Kind.TOGGLE and action.value in ranking(progress, action.question):
                return Screen(texts.ALREADY_TICKED.format(label=label))
            return did_you_mean_screen(label, action)
        return self.feedback.offer(user_id, words, update_id) if worth_offering(words) else None

    @staticmethod
    def _after_step(consultation: Consultation, before: Progress, after: Progress, via_button: bool) -> Reply:
        """A tap turns its own message into what comes next, so buttons stay where the thumb is;
        after a typed answer the next question is a new message below it. A question's voice
        note comes once, when they reach it, not again with each tap on it."""
        done = after.submitted
        screen = sent_screen(consultation, after) if done else question_screen(consultation, after)
        if after.position == before.position:
            screen = replace(screen, voice=None)
        return Reply(replace=screen) if via_button else Reply([screen])

    @staticmethod
    def _current_screen(consultation: Consultation, progress: Progress) -> Screen:
        if progress.submitted:
            return already_sent_screen(consultation, progress)
        return question_screen(consultation, progress)

    def _available(self, user_id: int, consultation_id: str) -> Consultation | None:
        """The consultation a step is on; a preview copy only to the team (whatever the id says)."""
        if consultation_id in self.catalogue.previews and not self.roles.is_staff(user_id):
            return None
        return self.catalogue.get(consultation_id)

    async def _moved_on(self, user_id: int) -> Reply:
        reply = await self._resume_or_list(user_id)
        reply.notice = texts.MOVED_ON
        return reply


def _number(value: str) -> int | None:
    """A number from a button's data (ours hold plain digits); None for anything else."""
    return int(value) if re.fullmatch("[0-9]{1,18}", value) else None


def _told_if_let_go(reply: Reply, let_go: bool) -> Reply:
    """Words typed for feedback before a topic was picked, let go as they went elsewhere: said."""
    if let_go:
        reply.screens.insert(0, Screen(texts.FEEDBACK_NOT_SENT))
    return reply


def _answered_with_buttons(question: Question | None) -> TypeGuard[Question]:
    return question is not None and not isinstance(
        question, TextQuestion | SuggestionQuestion | PhotoQuestion
    )


def _words_with_the_team(before: Progress, after: Progress) -> Progress:
    """The step with what it typed (an answer in words, or an idea) saying its words went to the
    safeguarding team: they are kept once, in the alert. Such an idea is never filed for moderation,
    and nobody asks for its reason."""
    answers = dict(after.answers)
    for question_id, answer in after.answers.items():
        if answer == before.answers.get(question_id):
            continue
        if isinstance(answer.value, str):
            answers[question_id] = Answer(WITH_THE_TEAM)
        elif isinstance(answer.value, tuple):  # their ideas, one just sent
            sent = ranking(before, question_id)
            marker = () if WITH_THE_TEAM in sent else (WITH_THE_TEAM,)
            answers[question_id] = Answer(tuple(idea for idea in answer.value if idea in sent) + marker)
    return replace(after, answers=answers, asking_why=None)


@dataclass(frozen=True)
class SentPhoto:
    """A photo already cleaned and stored under `name`, to be saved as an answer."""

    name: str


class WordListProblem(Exception):
    """The safeguarding phrase list or the idea block list (ours or the workers' extension)
    cannot be read."""


def load_phrasebook(extension: Path | None) -> Phrasebook:
    """Our phrase list, extended by the workers' file if there is one."""
    books = []
    for path in (DEFAULT_PHRASEBOOK_PATH, extension):
        if path is None:
            continue
        try:
            books.append(parse_phrasebook(path.read_text(encoding="utf-8"), str(path)))
        except (OSError, UnicodeDecodeError) as error:
            raise WordListProblem(f"{path}: cannot read it: {error}") from None
        except PhrasebookError as error:
            raise WordListProblem(str(error)) from None
    phrasebook = books[0]
    for extra in books[1:]:
        phrasebook = phrasebook.extended(extra)
    return phrasebook


def load_blocklist(extension: Path | None) -> Blocklist:
    """Our idea block list, extended by the council's file (real names, local words) if set."""
    found = Blocklist(frozenset(), frozenset())
    for path in (DEFAULT_BLOCKLIST_PATH, extension):
        if path is None:
            continue
        try:
            extra = parse_blocklist(path.read_text(encoding="utf-8"), str(path))
        except (OSError, UnicodeDecodeError) as error:
            raise WordListProblem(f"{path}: cannot read it: {error}") from None
        except BlocklistError as error:
            raise WordListProblem(str(error)) from None
        found = Blocklist(found.extra_profanity | extra.extra_profanity, found.real_names | extra.real_names)
    return found


def privacy_facts(settings: Settings) -> PrivacyFacts:
    """What the privacy notice says that the settings decide."""
    return PrivacyFacts(
        controller=settings.privacy_controller,
        contact=settings.privacy_contact,
        dpo=settings.privacy_dpo,
        lawful_basis=settings.privacy_lawful_basis,
        answer_days=settings.retention_days,
        feedback_days=settings.feedback_retention_days,
        quiet_days=settings.quiet_participant_days,
        contact_days=settings.alert_identity_days,
        concern_days=KEEP_SENDER.days,
        backup_days=settings.backup_keep,
    )


@asynccontextmanager
async def open_conversation(settings: Settings, database_path: Path) -> AsyncIterator[Conversation]:
    """Open and migrate the database, load the consultations and the safeguarding phrases, and
    build the Conversation."""
    phrasebook = load_phrasebook(settings.safeguarding_phrases_file)
    council_file = council.read(settings.about_you_file)
    model = classifier.shipped()
    screener = Screener(load_blocklist(settings.idea_blocklist_file))
    db = await Database.open(database_path)
    try:
        await migrate(db)
        # Telegram stops redelivering an update within a day (the inbox keeps its own record
        # longer); older records only take space.
        a_day_ago = _utc_now() - timedelta(days=1)
        await db.transaction(lambda connection: repos.forget_updates_before(connection, a_day_ago))
        key = pseudonym_key(settings.pseudonym_key, settings.pseudonym_key_file, database_path)
        photos = PhotoAnswers(settings.photo_directory, _utc_now)
        await db.read(photos.sweep)
        catalogue = Catalogue({})
        definitions = Definitions(db, catalogue, settings.surveys_dir, photos, _utc_now)
        for problem in await definitions.load():
            if problem.warning:  # it loaded: worth a look, nothing more
                log.info("Consultation note: %s", problem)
            else:
                log.error("Skipped a consultation: %s", problem)
        for warning in council.unaskable(
            catalogue.consultations.values(), council_file, settings.about_you_file
        ):
            log.warning("Consultation note: %s", warning)
        log.info(
            "Serving %d consultation(s) from %s and chat: %s; %d draft(s)",
            len(catalogue.consultations),
            settings.surveys_dir,
            ", ".join(catalogue.consultations) or "none",
            len(catalogue.drafts),
        )
        answers = AnswerRequests(db, key, _utc_now)
        feedback = Feedback(
            db,
            settings.feedback_topics,
            settings.feedback_per_hour,
            answers,
            _utc_now,
            answers_offered=settings.feedback_to_team == "immediately" and settings.team_chat_id is not None,
        )
        safeguarding = Safeguarding(
            db,
            Triage(phrasebook, model),
            key,
            timedelta(minutes=settings.safeguarding_choice_minutes),
            timedelta(minutes=settings.alert_repost_minutes),
            _utc_now,
            team_hours=settings.team_schedule,
        )
        review = ReviewQueue(db, safeguarding, settings.team_schedule, _utc_now, key)
        profiles = Profiles(key, council_file, _utc_now)
        votes = Votes(db, catalogue, _utc_now, settings.min_cell_size, profiles)
        await votes.apply_closures()
        ideas = Ideas(db, screener, _utc_now)
        roles = Roles(db, settings, _utc_now)
        await roles.load()
        yield Conversation(
            db,
            catalogue,
            key,
            feedback,
            safeguarding,
            review,
            ideas,
            votes,
            photos,
            roles,
            definitions,
            privacy_facts(settings),
            AboutYou(db, profiles, key, catalogue.find),
        )
    finally:
        await db.close()
