"""Anonymous feedback: pick a topic, write one message or a few, confirm. Whatever the channel.

Stored rows carry no link to the sender. What links them while they write (the draft, and the
per-person count behind the rate limit) lives in memory only and is never written to disk; a
restart forgets an unsent draft, which is the price of that. The one exception is theirs to
choose: "Send, and I'd like an answer" keeps their chat number sealed until the team's answer
reaches them (bot/feedback_answers.py), and that answer lets them answer back once.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.config import FeedbackTopic
from bot.core import texts
from bot.core.actions import Action, Kind
from bot.core.ideas import normalise
from bot.core.screens import Button, Reply, Screen, shortened
from bot.feedback_answers import AnswerRequests
from bot.storage import feedback_repo
from bot.storage.db import Database

FEEDBACK_MAX = 2000
RATE_WINDOW = timedelta(hours=1)
DOUBLE_TAP = timedelta(seconds=30)
WANTS_ANSWER = "a"  # FEEDBACK_SEND's value for "Send, and I'd like an answer"
# FEEDBACK's value for "Send it to the team" starts with this, then the update the words came in.
OFFERED = "+"
OFFERS_KEPT = 3


@dataclass
class Draft:
    topic: FeedbackTopic | None  # None until they pick one (their words may come first)
    messages: list[str] = field(default_factory=list)
    updates: set[int] = field(default_factory=set)  # the updates its messages came in
    answering: int | None = None  # the answer request this answers back to


class RateLimit:
    """At most `limit` messages per person per window, counted in memory only."""

    def __init__(self, limit: int, window: timedelta = RATE_WINDOW) -> None:
        self.limit = limit
        self._window = window
        self._sent: defaultdict[int, deque[datetime]] = defaultdict(deque)

    def room(self, user_id: int, now: datetime) -> int:
        """How many more messages they may send now."""
        sent = self._sent[user_id]
        while sent and now - sent[0] >= self._window:
            sent.popleft()
        if not sent:
            del self._sent[user_id]  # keep nothing about people who are not sending
            return self.limit
        return self.limit - len(sent)

    def record(self, user_id: int, now: datetime, count: int) -> None:
        self._sent[user_id].extend([now] * count)

    def sent_since(self, user_id: int, moment: datetime) -> bool:
        sent = self._sent.get(user_id)
        return bool(sent) and sent[-1] >= moment


def worth_offering(words: str) -> bool:
    """Words typed where none were asked for that say enough to send to the team (three words or
    more), not "ok" or "?"."""
    return len(normalise(words).split()) >= 3


def topic_screen(topics: tuple[FeedbackTopic, ...], draft: Draft | None = None) -> Screen:
    """Which topic; with their words already typed, quoted above the question."""
    rows = tuple(
        (Button(texts.topic_label(t.id, t.label), Action(Kind.FEEDBACK, value=t.id)),) for t in topics
    )
    if draft is not None and draft.messages:
        return Screen(texts.FEEDBACK_WHICH_TOPIC.format(messages=_quoted(draft)), rows, menu=True)
    return Screen(texts.FEEDBACK_TOPIC, rows, menu=True)


def _quoted(draft: Draft) -> str:
    return "\n\n".join(f"“{message}”" for message in draft.messages)


def _confirm_screen(draft: Draft, answers_offered: bool) -> Screen:
    """Their words, with Send, "Send, and I'd like an answer" (unless the team cannot answer, or
    this is already an answer back) and Don't send."""
    ask = Button(texts.FEEDBACK_ASK_BUTTON, Action(Kind.FEEDBACK_SEND, value=WANTS_ANSWER))
    return Screen(
        texts.FEEDBACK_CONFIRM.format(messages=_quoted(draft)),
        (
            (Button(texts.FEEDBACK_SEND_BUTTON, Action(Kind.FEEDBACK_SEND)),),
            *(((ask,),) if answers_offered and draft.answering is None else ()),
            (Button(texts.FEEDBACK_CANCEL_BUTTON, Action(Kind.FEEDBACK_CANCEL)),),
        ),
    )


class Feedback:
    def __init__(
        self,
        db: Database,
        topics: tuple[FeedbackTopic, ...],
        per_hour: int,
        answers: AnswerRequests,
        clock: Callable[[], datetime],
        answers_offered: bool = True,
    ) -> None:
        self.db = db
        self.topics = topics
        self.answers = answers
        # Only where the team reads feedback as it comes (it is posted to the team chat) can it
        # answer: elsewhere it sees counts alone, and nobody is promised an answer.
        self.answers_offered = answers_offered
        self._rate = RateLimit(per_hour)
        self._drafts: dict[int, Draft] = {}
        # Words typed at a question answered with buttons, offered to send as feedback, by the
        # update they came in; in memory like drafts, the last few per person.
        self._offered: dict[int, dict[int, str]] = {}
        self._clock = clock

    def is_writing(self, user_id: int) -> bool:
        return user_id in self._drafts

    def begin(self, user_id: int) -> Reply:
        """The topics; anything typed before they pick one is kept for it. A draft already under
        way is shown again, never wiped."""
        draft = self._drafts.get(user_id)
        if draft is not None and (draft.messages or draft.answering is not None):
            return Reply([self._where_it_stands(draft)])
        self._drafts[user_id] = Draft(None)
        return Reply([topic_screen(self.topics)])

    def _where_it_stands(self, draft: Draft) -> Screen:
        """A draft's next step: its topic to pick, or its words to send."""
        if draft.topic is None:
            return topic_screen(self.topics, draft)
        if not draft.messages and draft.answering is not None:
            return Screen(texts.ANSWER_BACK_WRITE.format(limit=FEEDBACK_MAX))
        if not draft.messages:
            return Screen(texts.FEEDBACK_WRITE.format(topic=self._label(draft.topic), limit=FEEDBACK_MAX))
        return _confirm_screen(draft, self.answers_offered)

    @staticmethod
    def _label(topic: FeedbackTopic) -> str:
        return texts.topic_label(topic.id, topic.label)

    def left_topics(self, user_id: int) -> bool:
        """They went back to a consultation before picking a topic: what they type next is for
        it, not for feedback. True if words they had typed were let go (they are told)."""
        draft = self._drafts.get(user_id)
        if draft is None or draft.topic is not None or draft.answering is not None:
            return False
        del self._drafts[user_id]
        return bool(draft.messages)

    def offer(self, user_id: int, words: str, update_id: int) -> Screen:
        """Words typed where buttons were wanted: kept (the last few, each under its own button),
        and offered to send to the team."""
        offered = self._offered.setdefault(user_id, {})
        offered[update_id] = words
        while len(offered) > OFFERS_KEPT:
            del offered[next(iter(offered))]
        send = Button(texts.SEND_AS_FEEDBACK_BUTTON, Action(Kind.FEEDBACK, value=f"{OFFERED}{update_id}"))
        return Screen(texts.TYPED_AT_BUTTONS.format(words=shortened(words)), ((send,),))

    def take_offer(self, user_id: int, key: str) -> Reply:
        """ "Send it to the team": the words typed under that offer, waiting for a topic, checked as
        any feedback is. Tapped twice, the draft it made is shown again."""
        offered = self._offered.get(user_id, {})
        update_id = int(key) if key.isdecimal() and len(key) < 19 else -1
        words = offered.get(update_id)
        draft = self._drafts.get(user_id)
        if words is None:
            if draft is not None and draft.messages:
                return Reply(replace=self._where_it_stands(draft))
            return Reply([topic_screen(self.topics)], replace=Screen(texts.OFFER_GONE))
        # Added to a draft under way (theirs to send together), else a new one for a topic.
        draft = draft or Draft(None)
        refused = self._refusal(user_id, draft, words)
        if refused is not None:
            return refused  # the words stay offered: nothing is lost
        del offered[update_id]
        if not offered:
            del self._offered[user_id]
        self._drafts[user_id] = draft
        draft.messages.append(words.strip())
        draft.updates.add(update_id)
        return Reply(replace=self._where_it_stands(draft))

    def choose_topic(self, user_id: int, topic_id: str) -> Reply:
        topic = next((t for t in self.topics if t.id == topic_id), None)
        if topic is None:
            return Reply([topic_screen(self.topics)], notice=texts.MOVED_ON)
        draft = self._drafts.get(user_id)
        if draft is not None and draft.messages:  # their words came first, or a second tap: kept
            if draft.answering is None:  # (an answer back keeps the topic it answers)
                draft.topic = topic
            return Reply(replace=self._where_it_stands(draft))
        self._drafts[user_id] = Draft(topic)
        return Reply(
            replace=Screen(texts.FEEDBACK_WRITE.format(topic=self._label(topic), limit=FEEDBACK_MAX))
        )

    async def begin_answer_back(self, user_id: int, request_id: int, token: str) -> Reply:
        """ "Answer back" under the team's answer: one message to the team, once."""
        topic_id = await self.answers.answer_back_topic(request_id, token)
        if topic_id is None:
            return Reply([Screen(texts.ANSWER_BACK_GONE)])
        draft = self._drafts.get(user_id)
        if draft is not None and draft.answering == request_id:  # tapped again: as it stands
            return Reply([self._where_it_stands(draft)])
        if draft is not None and draft.messages:  # other words under way: never wiped
            return Reply([Screen(texts.FINISH_FIRST), self._where_it_stands(draft)])
        topic = next((t for t in self.topics if t.id == topic_id), FeedbackTopic(topic_id, topic_id))
        self._drafts[user_id] = Draft(topic, answering=request_id)
        return Reply([self._where_it_stands(self._drafts[user_id])])

    def add(self, user_id: int, text: str, update_id: int) -> Reply:
        """A typed message while writing feedback: checked, then held until they tap Send (once,
        however often its update is handled)."""
        draft = self._drafts[user_id]
        if update_id in draft.updates:
            return Reply([self._where_it_stands(draft)])
        refused = self._refusal(user_id, draft, text)
        if refused is not None:
            return refused
        draft.messages.append(text.strip())
        draft.updates.add(update_id)
        return Reply([self._where_it_stands(draft)])

    def _refusal(self, user_id: int, draft: Draft, text: str) -> Reply | None:
        """Why these words cannot join the draft (empty, too long, too many this hour), with the
        draft as it stands; None if they can."""
        message = text.strip()
        if not message:
            return Reply([Screen(texts.FEEDBACK_EMPTY)])
        if len(message) > FEEDBACK_MAX:
            return Reply([Screen(texts.feedback_too_long(len(message), FEEDBACK_MAX))])
        if self._rate.room(user_id, self._clock()) <= len(draft.messages):
            held = [self._where_it_stands(draft)] if draft.messages else []
            return Reply([Screen(texts.FEEDBACK_TOO_MANY), *held])
        return None

    async def send(self, user_id: int, wants_answer: bool = False) -> Reply:
        """Store the draft (asking for an answer, if they chose to): the reply comes once it is
        committed."""
        draft = self._drafts.pop(user_id, None)
        if draft is not None and draft.topic is None and draft.messages:  # no topic yet: ask it
            self._drafts[user_id] = draft
            return Reply(replace=self._where_it_stands(draft))
        if draft is None or draft.topic is None or not draft.messages:
            if self._rate.sent_since(user_id, self._clock() - DOUBLE_TAP):
                return Reply(notice=texts.FEEDBACK_SENT)  # a second tap on Send: it went the first time
            # Drafts live in memory: after a restart the words are gone. Say so, and offer a way on.
            return Reply([topic_screen(self.topics)], replace=Screen(texts.FEEDBACK_LOST))
        day = self._clock().date()
        wants_answer = wants_answer and draft.answering is None

        def store(db: sqlite3.Connection) -> bool:
            answers = None
            if draft.answering is not None:
                answers = self.answers.take_answer_back_in(db, draft.answering)
                if answers is None:
                    return False  # used already (a second tap, or from another message)
            request = self.answers.ask_in(db, user_id) if wants_answer else None
            for message in draft.messages:
                feedback_repo.add(db, draft.topic.id, message, day, request, answers)
            return True

        if not await self.db.transaction(store):
            # The answer back closed while they wrote: their words are kept, to send as feedback.
            draft.answering = None
            self._drafts[user_id] = draft
            again = self._where_it_stands(draft)
            return Reply(replace=replace(again, text=f"{texts.ANSWER_BACK_CLOSED}\n\n{again.text}"))
        self._rate.record(user_id, self._clock(), len(draft.messages))
        sent = texts.FEEDBACK_SENT_ASKED if wants_answer else texts.FEEDBACK_SENT
        return Reply(replace=Screen(sent), outbox=True)

    def cancel(self, user_id: int) -> Reply:
        self._drafts.pop(user_id, None)
        return Reply(replace=Screen(texts.FEEDBACK_CANCELLED))

    def stop_writing(self, user_id: int) -> bool:
        """Forget an unsent draft and any words offered (on /cancel); True if there was a draft."""
        self._offered.pop(user_id, None)
        return self._drafts.pop(user_id, None) is not None
