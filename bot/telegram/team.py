"""The participation team's side: the outbox that posts safeguarding alerts and feedback to the
team chat, the buttons workers use on them, /yousaid, and the confirming question before any send;
who the team is and where its words may go (`TeamChat.is_team_place`).

Every privileged button and command checks the tapper's numeric Telegram id at the moment of use,
and then the chat: a private chat with the bot, the team chat or the safeguarding chat, never
another group where anyone may read along.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from html import escape
from sqlite3 import Connection
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from telegram import Bot, Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot.config import Settings
from bot.core import i18n, texts
from bot.core.actions import Action, Kind, decode
from bot.core.i18n import counted
from bot.core.models import Consultation
from bot.feedback import Feedback
from bot.lifecycle import Lifecycle
from bot.roles import Roles
from bot.safeguarding.alerts import AlertGroup, Safeguarding
from bot.storage import feedback_repo, repos
from bot.storage.alerts_repo import Alert
from bot.storage.feedback_repo import FeedbackItem
from bot.summaries import Summaries
from bot.surveys import Catalogue
from bot.telegram.render import split_text

log = logging.getLogger(__name__)
T = TypeVar("T")

NOT_ALLOWED = "Sorry, only the participation team can do that."
WHERE_TO_USE = "Please use {command} in the team chat or in a private chat with me."
WHERE_TO_TAP = "Please use these buttons in the team chat or in a private chat with me."
# drafts.py's commands, refused elsewhere here, ahead of its handlers (group -1).
NO_TEAM_CHAT = (
    "Neither SAFEGUARDING_CHAT_ID nor TEAM_CHAT_ID is set: safeguarding alerts and feedback are kept "
    "in the database and will be posted as soon as one is set. Add the bot to the team's group, send "
    "/chatid there, put that number in TEAM_CHAT_ID and restart."
)
SOURCES = {
    "feedback": "anonymous feedback",
    "answer": "a consultation answer",
    "message": "a message to the bot",
}
STATUS_LABELS = {"read": "👀 Read", "acting": "🛠️ Acting on it", "done": "✅ Done"}
# If Telegram cannot take a post (a network fault, or the bot is not in the chat), try again after:
RETRY_WAIT = timedelta(seconds=30)
REPLY_MAX = 300
# Room for the alert's own lines (and HTML escaping) within Telegram's 4096 characters.
WORDS_SHOWN_MAX = 2500
MESSAGE_MAX = 4096  # Telegram's limit, in UTF-16 code units
# A group's message: each follower's words get at least this much room, or the earliest are left
# out (all are in the database); and room is kept for each "[cut: ...]" note.
FOLLOWER_WORDS_MIN = 120
CUT_NOTE_ROOM = 70
ACKNOWLEDGE_LABEL = "🙋 I'm handling this"
# An edit refused with one of these leaves nothing to fix: it says that already, or it is gone.
EDIT_SETTLED = ("message is not modified", "message to edit not found", "message can't be edited")
PUBLIC_UPDATE_MAX = 1000


def _keyboard(label: str, action: Action) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=action.encode())]])


# A question before something that cannot be taken back (a message to many young people, closing
# a consultation): its two buttons carry YES or NO.
YES, NO = "1", "0"
CANCELLED = "Cancelled: nothing was done."
YOU_SAID_GONE = "This was sent or cancelled already (or the bot restarted): send /yousaid again."


def confirm_keyboard(kind: Kind, consultation: str, yes: str) -> InlineKeyboardMarkup:
    """`yes` does what the question asks; Cancel does nothing."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(yes, callback_data=Action(kind, consultation, value=YES).encode()),
                InlineKeyboardButton("✖️ Cancel", callback_data=Action(kind, consultation, value=NO).encode()),
            ]
        ]
    )


async def cancelled(update: Update) -> None:
    """A Cancel tap: answered, and the question says nothing was done (its buttons gone)."""
    query = update.callback_query
    assert query is not None
    await query.answer("Cancelled.")
    if isinstance(query.message, Message):
        await edit_quietly(query.message, CANCELLED)


def young_people(n: int) -> str:
    return counted(n, "young person", "young people")


def _acknowledge_keyboard(group: AlertGroup) -> InlineKeyboardMarkup:
    return _keyboard(ACKNOWLEDGE_LABEL, Action(Kind.ACKNOWLEDGE, value=str(group.lead_id)))


def _edit_settled(error: TelegramError) -> bool:
    """Whether an edit's refusal leaves nothing to fix: the message says it already, or is gone."""
    return isinstance(error, BadRequest) and any(reason in error.message.lower() for reason in EDIT_SETTLED)


def group_text(
    alerts: Sequence[Alert],
    tz: ZoneInfo,
    *,
    reminder: bool = False,
    posts: int = 0,
    acknowledged_by: str | None = None,
) -> str:
    """Alerts from one young person as one team message (HTML): the first one's words, then
    "+ N more from the same young person" with each one's time and words, cut so that the whole
    stays within Telegram's limit. Who wrote them only if one of them asks to be contacted."""
    lead, followers = alerts[0], list(alerts[1:])
    contact = next((a for a in alerts if a.wants_contact and a.user_id is not None), None)
    if contact is not None:
        name = escape(contact.contact_name or "this young person")
        handle = f" (@{escape(contact.contact_username)})" if contact.contact_username else ""
        link = f'<a href="tg://user?id={contact.user_id}">{name}</a>{handle}'
        who = f"{link}: they asked to be contacted. Tap the name to message them."
    elif any(a.contact_withdrawn for a in alerts):
        who = "an anonymous young person (they asked to be contacted, then withdrew the request)"
    else:
        who = "an anonymous young person (they did not ask to be contacted)"
    head = [
        f"🚨 <b>Safeguarding alert #{lead.id}</b> ({_category(lead)})",
        f"From: {who}",
        f"In: {SOURCES.get(lead.source, lead.source)}, {local_time(lead.raised_at, tz)}",
        "",
    ]
    if reminder:
        head.insert(0, f"⏰ <b>Not acknowledged yet</b> (posted {counted(posts, 'time')} before)")
    tail = ["", f"✅ Being handled by {escape(acknowledged_by)}."] if acknowledged_by else []

    def compose(lead_words: str, shown: list[tuple[Alert, str]], left_out: int) -> str:
        lines = [*head, f"<i>Their words:</i>\n{lead_words}"]
        if followers:
            lines += ["", f"➕ <b>{len(followers)} more from the same young person</b>"]
        if left_out:
            lines.append(f"<i>({left_out} earlier not shown here: all are kept in the database)</i>")
        for alert, words in shown:
            where = f"{SOURCES.get(alert.source, alert.source)}, {local_time(alert.raised_at, tz)}"
            lines += ["", f"<i>#{alert.id} ({_category(alert)}), in {where}:</i>\n{words}"]
        return "\n".join(lines + tail)

    if not followers:
        return compose(words_shown(lead.words), [], 0)
    # Room for the words: the message without them, less a cut note's room for each. The latest
    # followers are kept if they cannot all have a fair amount of room.
    kept = followers
    while True:
        bare = _units(compose("", [(a, "") for a in kept], len(followers) - len(kept)))
        room = MESSAGE_MAX - bare - CUT_NOTE_ROOM * (len(kept) + 1)
        if room >= FOLLOWER_WORDS_MIN * (len(kept) + 1) or not kept:
            break
        kept = kept[1:]
    wanted = [min(_units(escape(lead.words)), WORDS_SHOWN_MAX)] + [_units(escape(a.words)) for a in kept]
    shares = _shares(wanted, max(room, 0))
    return compose(
        words_shown(lead.words, shares[0]),
        [(alert, words_shown(alert.words, share)) for alert, share in zip(kept, shares[1:], strict=True)],
        len(followers) - len(kept),
    )


def feedback_text(item: FeedbackItem, topics: dict[str, str]) -> str:
    lines = [
        f"📝 <b>Feedback #{item.id}</b>: {escape(topics.get(item.topic, item.topic))} ({item.received_on})",
        "",
        escape(item.body),
        "",
        f"Status: {STATUS_LABELS.get(item.status, 'new')}",
    ]
    if item.answers_feedback is not None:
        lines.insert(1, f"↩️ Their answer back to the team's answer to #{item.answers_feedback}")
    if item.public_reply:
        lines.append(f"Team's note: {escape(item.public_reply)}")
    lines.append(answer_line(item))
    return "\n".join(lines)


def answer_line(item: FeedbackItem) -> str:
    """Whether the sender asked for an answer, and where it stands."""
    request = item.answer_request
    if request is None:
        return (
            f"<i>They didn't ask for an answer. To note a reply for the team: /reply {item.id} your words</i>"
        )
    if request.answer is not None:
        if request.delivered_on:
            state = f"delivered {request.delivered_on}"
        elif request.undeliverable:
            state = "could not be delivered: they may have blocked the bot or left Telegram"
        else:
            state = "waiting for Telegram" if request.reachable else "not delivered: they deleted their data"
        return f"💬 Answered ({state}): {escape(request.answer)}"
    if request.reachable:
        return (
            f"💬 <b>They'd like an answer.</b> /reply {item.id} your words reaches them; they stay anonymous."
        )
    return (
        "💬 They asked for an answer but can no longer be reached (they deleted their data, or 30 days "
        "passed)."
    )


def _status_action(feedback_id: int, status: str) -> Action:
    return Action(Kind.FEEDBACK_STATUS, question=str(feedback_id), value=status)


def feedback_keyboard(item: FeedbackItem) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label, callback_data=_status_action(item.id, status).encode())
                for status, label in STATUS_LABELS.items()
            ]
        ]
    )


Reader = Literal["worker", "officer"]


class TeamChat:
    def __init__(
        self,
        settings: Settings,
        safeguarding: Safeguarding,
        feedback: Feedback,
        summaries: Summaries,
        roles: Roles,
        clock: Callable[[], datetime],
    ) -> None:
        self.settings = settings
        self.roles = roles
        self.summaries = summaries
        self._tz = ZoneInfo(settings.timezone)
        self._clock = clock
        self.safeguarding = safeguarding
        self.feedback = feedback
        self.topics = {t.id: t.label for t in feedback.topics}
        # One delivery at a time, or a timed run and a triggered one could post an alert twice.
        self._delivering = asyncio.Lock()
        self._summarising = asyncio.Lock()
        # "You said, we did" words waiting for Send, by (chat id, message id) of the question. In
        # memory: after a restart the worker is asked to send /yousaid again.
        self._you_said: dict[tuple[int, int], str] = {}

    def warn_if_nowhere_to_post(self) -> None:
        if self.settings.safeguarding_chat is None:
            log.error(NO_TEAM_CHAT)
        elif self.settings.team_chat_id is None:
            log.warning("TEAM_CHAT_ID is not set: feedback is kept in the database but not posted.")

    def register(self, application: Application) -> None:
        application.add_handlers(
            [
                CallbackQueryHandler(self.acknowledge, pattern=f"^{Kind.ACKNOWLEDGE.value}\\|"),
                CallbackQueryHandler(self.set_status, pattern=f"^{Kind.FEEDBACK_STATUS.value}\\|"),
                CommandHandler("summary", self.summary_now),
                CommandHandler("chatid", self.chat_id, filters=filters.ChatType.GROUPS),
                CommandHandler("yousaid", self.you_said),
                CallbackQueryHandler(self.send_you_said, pattern=f"^{Kind.YOU_SAID.value}\\|"),
            ]
        )  # registered before young people's handlers, so these win for their commands and buttons

    def is_staff(self, update: Update) -> bool:
        user = update.effective_user
        allowed = user is not None and self.roles.is_staff(user.id)
        if not allowed:
            log.warning("Refused a team action from user %s", user.id if user else "unknown")
        return allowed

    def is_team_place(self, chat: Chat | None, *, safeguarding_only: bool = False) -> bool:
        """Where the team's words may go: a private chat with the bot, the team chat or the
        safeguarding chat; never another group (anyone there reads along). Every staff command and
        button asks this once the person is known to be allowed. `safeguarding_only` (possible
        concerns): the team chat only when it is also the safeguarding chat."""
        if chat is None:
            return False
        if chat.type == ChatType.PRIVATE or chat.id == self.settings.safeguarding_chat:
            return True
        return not safeguarding_only and chat.id == self.settings.team_chat_id

    async def staff_command(self, update: Update) -> Message | None:
        """The command's message, if a staff member sent it in one of the team's places; None once
        anyone else (or anywhere else) has been refused with one kind line."""
        message = update.effective_message
        assert message is not None
        if not self.is_staff(update):
            await message.reply_text(NOT_ALLOWED)
            return None
        if await self.refused_here(update):
            return None
        return message

    async def refused_here(self, update: Update) -> bool:
        """True once a staff command sent anywhere else has been refused with one kind line."""
        message = update.effective_message
        assert message is not None
        if self.is_team_place(update.effective_chat):
            return False
        user = update.effective_user
        log.warning("Refused a team command outside the team's chats from user %s", user.id if user else "?")
        # "/summary@our_bot" in a group: said back as "/summary".
        command = message.text.split(maxsplit=1)[0].partition("@")[0] if message.text else "team commands"
        await message.reply_text(WHERE_TO_USE.format(command=command))
        return True

    def reader(self, update: Update) -> Reader | None:
        """Who may read results: workers (and admins) everything, officers suppressed totals only."""
        user = update.effective_user
        role = self.roles.of(user.id) if user is not None else None
        if role in ("admin", "worker"):
            return "worker"
        if role == "officer":
            return "officer"
        log.warning("Refused to show results to user %s", user.id if user else "unknown")
        return None

    # --- the outbox ------------------------------------------------------------------------

    async def deliver(self, bot: Bot) -> None:
        """Post every alert and feedback item that is due; whatever fails is tried again later."""
        chat_id = self.settings.safeguarding_chat
        async with self._delivering:
            # Always collected, so unanswered choices go anonymous on time even with no chat set.
            due = await self.safeguarding.due()
            if chat_id is None:
                if due:
                    log.error(NO_TEAM_CHAT)
                return
            for group in due:
                await self._post_group(bot, chat_id, group)
            if self.settings.feedback_to_team == "immediately" and self.settings.team_chat_id is not None:
                await self._post_feedback(bot, self.settings.team_chat_id)

    async def deliver_summary(self, bot: Bot) -> None:
        """Send the scheduled summary if one is due; if Telegram refuses, the next run tries again."""
        chat_id = self.settings.team_chat_id
        if chat_id is None:
            return
        async with self._summarising:
            due_at = await self.summaries.due()
            if due_at is None:
                return
            summary = await self.summaries.compose(due_at)
            try:
                for part in split_text(summary.text):
                    await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML)
            except TelegramError as error:
                log.error("Could not send the summary due %s, will retry: %s", due_at, error)
                return
            await self.summaries.sent(due_at, summary.marks)
            await _send_chart(bot, chat_id, summary.chart)

    async def post_closings(self, bot: Bot, lifecycle: Lifecycle) -> None:
        """Final results of consultations that have closed, once each."""
        chat_id = self.settings.team_chat_id
        if chat_id is None:
            return
        for consultation, sections in await lifecycle.closings_due():
            try:
                for part in (part for section in sections for part in split_text(section)):
                    await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML)
            except TelegramError as error:
                log.error("Could not post the results of %s, will retry: %s", consultation.id, error)
                return
            await lifecycle.closing_posted(consultation.id)

    async def _post_group(self, bot: Bot, chat_id: int, group: AlertGroup) -> None:
        """A group's alerts as one message: a request to be contacted that was withdrawn leaves
        every message the group was posted in (edits); new ones join its current message (an edit)
        while it waits for someone; otherwise (first post, a reminder, news, or the edit failing)
        the group goes as a new message, replying to the one it could not edit."""
        repost = False  # its current message could not be edited: a new one answers it
        reply_to: int | None = None
        for message_chat, message_id in group.stale:
            try:
                await self._edit_group(bot, group, message_chat, message_id)
            except RetryAfter as error:
                await self.safeguarding.retry_later(group, group.due_ids, retry_wait(error.retry_after))
                return
            except TelegramError as error:
                if not _edit_settled(error):  # tried again, without holding up a post that is due
                    log.error("Could not take who withdrew off alert #%s's message: %s", group.lead_id, error)
                    await self.safeguarding.retry_later(group, [], RETRY_WAIT)
                    continue
                if "can't be edited" in error.message.lower() and (message_chat, message_id) == group.message:
                    # The team would still read it as a request to contact them: a new message says not.
                    repost, reply_to = True, message_id if message_chat == chat_id else None
            await self.safeguarding.refreshed(group.refresh, message_chat, message_id)
        if not (group.new or group.reminder or repost):  # only the edits were due
            return
        if group.joins_message and group.message is not None and not repost:
            new_ids = [a.id for a in group.new]
            message_chat, message_id = group.message
            try:
                await self._edit_group(bot, group, message_chat, message_id)
            except RetryAfter as error:
                await self.safeguarding.retry_later(group, new_ids, retry_wait(error.retry_after))
                return
            except TelegramError as error:
                if "message is not modified" in str(error).lower():  # already in it (an edit above)
                    await self.safeguarding.posted(new_ids, message_chat, message_id)
                    return
                log.warning("Could not add to alert #%s, posting anew: %s", group.lead_id, error)
                reply_to = message_id if message_chat == chat_id else None
            else:
                await self.safeguarding.posted(new_ids, message_chat, message_id)
                return
        ids = group.open_ids
        try:
            message = await bot.send_message(
                chat_id,
                # Posted before and still due: nobody has acknowledged it.
                group_text(group.shown, self._tz, reminder=group.reminder, posts=group.posts),
                parse_mode=ParseMode.HTML,
                reply_markup=_acknowledge_keyboard(group),
                reply_parameters=(
                    None if reply_to is None else ReplyParameters(reply_to, allow_sending_without_reply=True)
                ),
            )
        except RetryAfter as error:
            await self.safeguarding.retry_later(group, ids, retry_wait(error.retry_after))
            return
        except TelegramError as error:
            # Never dropped: it stays due and goes again after the wait. (A network fault, the bot
            # removed from the chat, a group upgraded to a supergroup: each needs a person.)
            log.error("Could not post safeguarding alert #%s, will retry: %s", group.lead_id, error)
            await self.safeguarding.retry_later(group, ids, RETRY_WAIT)
            return
        await self.safeguarding.posted(ids, chat_id, message.message_id)

    async def _edit_group(self, bot: Bot, group: AlertGroup, chat_id: int, message_id: int) -> None:
        """One of the group's messages made to show it as it is now."""
        await bot.edit_message_text(
            group_text(group.shown, self._tz),
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=_acknowledge_keyboard(group),
        )

    async def _post_feedback(self, bot: Bot, chat_id: int) -> None:
        for item in await self.feedback.db.read(feedback_repo.not_yet_posted):
            try:
                posted = await bot.send_message(
                    chat_id,
                    feedback_text(item, self.topics),
                    parse_mode=ParseMode.HTML,
                    reply_markup=feedback_keyboard(item),
                )
            except TelegramError as error:
                log.error("Could not post feedback #%s, will retry: %s", item.id, error)
                return
            message_id = posted.message_id
            await self.feedback.db.transaction(
                lambda db, i=item.id, m=message_id: feedback_repo.mark_posted(db, i, m)
            )

    # --- buttons and commands --------------------------------------------------------------

    async def staff_tap(self, update: Update, valid: Callable[[Action], bool]) -> Action | None:
        """The tapped button's action, if a staff member tapped a well-formed one; otherwise the
        tap is answered (politely refused) here and None returned."""
        query = update.callback_query
        assert query is not None
        if not self.is_staff(update):
            await query.answer(NOT_ALLOWED, show_alert=True)
            return None
        if not self.is_team_place(update.effective_chat):  # e.g. a message left in another group
            await query.answer(WHERE_TO_TAP, show_alert=True)
            return None
        action = decode(query.data or "")
        if action is None or not valid(action):
            await query.answer()
            return None
        return action

    async def acknowledge(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A worker takes on a safeguarding alert."""
        query, worker = update.callback_query, update.effective_user
        assert query is not None and worker is not None
        action = await self.staff_tap(update, lambda a: a.value.isdigit())
        if action is None:
            return
        recorded, alerts = await self.safeguarding.acknowledge(int(action.value), worker.id)
        await query.answer("Thank you. It's yours." if recorded else "Someone is already handling this.")
        if recorded and alerts and isinstance(query.message, Message):
            text = group_text(alerts, self._tz, acknowledged_by=worker.full_name)
            withdrawn = [a.id for a in alerts if a.refresh_at is not None]
            # The tapped message shows who asked no more; the outbox edits the group's others.
            if await edit_quietly(query.message, text) and withdrawn:
                await self.safeguarding.refreshed(withdrawn, query.message.chat_id, query.message.message_id)

    async def set_status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A worker marks feedback read, acting on it, or done."""
        query, worker = update.callback_query, update.effective_user
        assert query is not None and worker is not None
        action = await self.staff_tap(update, lambda a: a.question.isdigit() and a.value in STATUS_LABELS)
        if action is None:
            return
        feedback_id, worker_id, status = int(action.question), worker.id, action.value
        now = self._clock()

        def record(db: Connection) -> FeedbackItem | None:
            feedback_repo.set_status(db, feedback_id, status, worker_id, now)
            return feedback_repo.get(db, feedback_id)

        item = await self.feedback.db.transaction(record)
        await query.answer(STATUS_LABELS[status])
        if item is not None and isinstance(query.message, Message):
            await edit_quietly(query.message, feedback_text(item, self.topics), feedback_keyboard(item))

    async def summary_now(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/summary: the summary as it stands now (it does not count as a scheduled one)."""
        message = await self.staff_command(update)
        if message is None:
            return
        summary = await self.summaries.compose()
        for part in split_text(summary.text):
            await message.reply_text(part, parse_mode=ParseMode.HTML)
        await _send_chart(context.bot, message.chat_id, summary.chart)

    async def chat_id(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/chatid in a group: its id, to put in TEAM_CHAT_ID or SAFEGUARDING_CHAT_ID."""
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None
        await message.reply_text(
            f"This chat's id is {chat.id}. Put it in TEAM_CHAT_ID (or SAFEGUARDING_CHAT_ID)."
        )

    async def confirmed(self, update: Update, waiting: dict[tuple[int, int], T], gone: str) -> T | None:
        """What waited under the tapped question, if a staff member tapped Send (once: it is
        taken); None once any other tap (Cancel, a second tap, another worker's) is answered."""
        query = update.callback_query
        assert query is not None
        action = await self.staff_tap(update, lambda a: a.value in (YES, NO))
        if action is None or not isinstance(query.message, Message):
            return None
        held = waiting.pop((query.message.chat_id, query.message.message_id), None)
        if held is None:  # a second tap, another worker's, or a Cancel after Send: nothing changes
            await query.answer(gone)
            return None
        if action.value == NO:
            await cancelled(update)
            return None
        return held

    async def you_said(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/yousaid <words>: send a "you said, we did" update to young people who asked for them."""
        message = await self.staff_command(update)
        if message is None:
            return
        words = message.text.partition(" ")[2].strip() if message.text else ""
        if not words:
            await message.reply_text("Use: /yousaid <what changed because of what young people said>.")
            return
        if len(words) > PUBLIC_UPDATE_MAX:
            await message.reply_text(too_long(len(words), PUBLIC_UPDATE_MAX))
            return
        subscribers = await self.feedback.db.read(feedback_repo.update_subscribers)
        asked = await message.reply_text(
            f"Send this to {young_people(len(subscribers))} who asked for updates?\n\n{words}",
            reply_markup=confirm_keyboard(Kind.YOU_SAID, "", "📣 Send"),
        )
        self._you_said[(asked.chat_id, asked.message_id)] = words

    async def send_you_said(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send or Cancel under a /yousaid question: the words go once, however often it is tapped."""
        query, worker = update.callback_query, update.effective_user
        assert query is not None and worker is not None
        words = await self.confirmed(update, self._you_said, YOU_SAID_GONE)
        if words is None or not isinstance(query.message, Message):
            return
        subscribers = await self.feedback.db.read(feedback_repo.update_subscribers)
        await query.answer("Sending.")
        await edit_quietly(query.message, f"Sending to {young_people(len(subscribers))}…")
        # In the background: a worker's own updates are handled in order, and none of theirs (least
        # of all a cry for help) should wait behind a broadcast.
        context.application.create_task(
            self._broadcast(context.bot, words, subscribers, worker.id, query.message),
            name="you-said-we-did",
        )

    async def _broadcast(
        self, bot: Bot, words: str, subscribers: list[int], worker_id: int, progress: Message
    ) -> None:
        db = self.feedback.db
        sent = failed = 0
        for user_id in subscribers:
            reading = await db.read(lambda connection, u=user_id: repos.reading(connection, u))
            with i18n.speaking(reading.language):
                text = texts.YOU_SAID.format(words=words)  # their words as the team wrote them
            try:
                # The rate limiter paces these below Telegram's limits and waits out any 429.
                await bot.send_message(user_id, text)
                sent += 1
            except Forbidden:
                await db.transaction(lambda connection, u=user_id: feedback_repo.mark_inactive(connection, u))
                failed += 1
            except TelegramError as error:
                log.warning("A 'you said, we did' message was not delivered: %s", error)
                failed += 1
        now = self._clock()
        await db.transaction(
            lambda connection: feedback_repo.record_published_update(
                connection, words, worker_id, now, sent, failed
            )
        )
        await edit_quietly(progress, f"Sent to {young_people(sent)}; {failed} could not be reached.")


async def staff_consultation(
    team: TeamChat, catalogue: Catalogue, update: Update, args: list[str] | None, usage: str
) -> Consultation | None:
    """The consultation a staff command names; None once a refusal or how to use it is sent."""
    message = await team.staff_command(update)
    if message is None:
        return None
    return await consultation_named(catalogue, message, args, usage)


async def consultation_named(
    catalogue: Catalogue, message: Message, args: list[str] | None, usage: str
) -> Consultation | None:
    """The consultation a command names, or None after saying how to use it."""
    consultation = catalogue.find((args or [""])[0].lower())
    if consultation is None:
        known = ", ".join(catalogue.consultations) or "none loaded"
        await message.reply_text(f"Use: {usage}. Consultation ids: {known}.")
    return consultation


def _units(text: str) -> int:
    """Its length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _shares(wanted: list[int], room: int) -> list[int]:
    """Room for each, fairly: whoever wants less than an equal share gets it all, and the rest
    share what is left."""
    shares = [0] * len(wanted)
    waiting = sorted(range(len(wanted)), key=lambda i: wanted[i])
    while waiting:
        equal = room // len(waiting)
        i = waiting.pop(0)
        shares[i] = min(wanted[i], equal)
        room -= shares[i]
    return shares


def words_shown(words: str, room: int = WORDS_SHOWN_MAX) -> str:
    """Their words escaped for HTML, cut to `room` units as Telegram counts them, with a note (the
    note has its own room); the whole text stays in the database."""
    escaped = escape(words)
    if _units(escaped) <= room:
        return escaped
    kept, used = [], 0
    for char in words:
        piece = escape(char)
        used += _units(piece)
        if used > room:
            break
        kept.append(piece)
    return "".join(kept) + escape(f"… [cut: {len(words)} characters in all, kept in the database]")


def _category(alert: Alert) -> str:
    return escape(alert.category.replace("_", " "))


def local_time(stamp: str, tz: ZoneInfo) -> str:
    """An ISO time as the team reads it, e.g. "14:32 Wed 25 Nov"."""
    return datetime.fromisoformat(stamp).astimezone(tz).strftime("%H:%M %a %d %b")


async def _send_chart(bot: Bot, chat_id: int, chart: bytes | None) -> None:
    """The chart is a companion to the text: if it cannot go, the summary still counts as sent."""
    if chart is None:
        return
    try:
        await bot.send_photo(chat_id, chart)
    except TelegramError as error:
        log.warning("Could not send the summary's chart: %s", error)


def too_long(length: int, limit: int) -> str:
    return f"Please keep it to {limit} characters (yours is {length})."


def retry_wait(value: int | timedelta) -> timedelta:
    """A 429's retry_after as a timedelta (PTB gives an int unless PTB_TIMEDELTA is set)."""
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


async def edit_quietly(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> bool:
    """Whether the message says `text` now (a refusal is logged)."""
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as error:
        if "message is not modified" not in error.message.lower():
            log.warning("Could not update a team message: %s", error)
            return False
    return True
