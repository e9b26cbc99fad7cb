"""A worker's side of a consultation's life in chat: sending a YAML file (checked, saved as a
draft), `/preview` (taking it as a young person would, with nothing recorded in the results),
`/launch` and `/archive`. The worker's numeric id is checked at each use."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.conversation import Conversation
from bot.core import i18n
from bot.core.actions import Kind, decode
from bot.core.preview import PREVIEW_KEEP, PREVIEW_LAUNCH
from bot.definitions import RECORD_HOW, UPLOAD_MAX_BYTES, Definitions, Launched
from bot.surveys import RECORDING
from bot.telegram.handlers import YoungPeople
from bot.telegram.render import split_text
from bot.telegram.team import NOT_ALLOWED, TeamChat

log = logging.getLogger(__name__)

# Ahead of the young people's handlers, which would take a file for a photo answer.
BEFORE_EVERYONE = -1
YAML_FILE = filters.Document.FileExtension("yaml") | filters.Document.FileExtension("yml")
PREVIEW_INTRO = (
    "👀 Preview of “{title}”: you'll see it exactly as a young person would. Nothing you answer "
    "counts in the results; it is deleted when you preview again, at launch and when the bot "
    "restarts. /preview {id} starts again."
)
ONLY_PRIVATELY = "Previews happen in a private chat with me, where young people take part."
TOO_BIG = "That file is over {kb} KB: a consultation file is only a few KB. Is it the right file?"
NOT_FETCHED = "I couldn't fetch the file from Telegram. Please send it again."
NOT_CHECKED = (
    "❌ I couldn't check {name}, so nothing was saved. The mistake is ours, not yours: the team can "
    "see what happened in the bot's log. Please send it again later."
)


class DraftsChat:
    def __init__(
        self,
        team: TeamChat,
        definitions: Definitions,
        conversation: Conversation,
        young_people: YoungPeople,
    ) -> None:
        self.team = team
        self.definitions = definitions
        self.conversation = conversation
        self.young_people = young_people

    def register(self, application: Application) -> None:
        application.add_handlers(
            [
                MessageHandler(filters.ChatType.PRIVATE & YAML_FILE, self.upload),
                MessageHandler(
                    filters.ChatType.PRIVATE & filters.VOICE, self.young_people.in_their_language(self.record)
                ),
                CommandHandler("preview", self.young_people.in_their_language(self.preview)),
                CommandHandler("launch", self.launch),
                CommandHandler("archive", self.archive),
                CallbackQueryHandler(self.previewed, pattern=f"^{Kind.PREVIEWED.value}\\|"),
            ],
            group=BEFORE_EVERYONE,
        )

    async def upload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A worker's consultation file becomes a draft; anyone else's is left to the young
        people's handlers (who say what they can send)."""
        message, user = update.effective_message, update.effective_user
        assert message is not None and message.document is not None and user is not None
        if self.conversation.roles.of(user.id) == "officer":
            await message.reply_text(NOT_ALLOWED)  # they know what they sent: not a young person's file
            raise ApplicationHandlerStop
        if not self.conversation.roles.is_staff(user.id):
            return
        document = message.document
        if (document.file_size or 0) > UPLOAD_MAX_BYTES:
            await message.reply_text(TOO_BIG.format(kb=UPLOAD_MAX_BYTES // 1024))
            raise ApplicationHandlerStop
        try:
            data = bytes(await (await document.get_file()).download_as_bytearray())
        except TelegramError:
            await message.reply_text(NOT_FETCHED)
            raise ApplicationHandlerStop from None
        if len(data) > UPLOAD_MAX_BYTES:  # the size Telegram told us may be missing or wrong
            await message.reply_text(TOO_BIG.format(kb=UPLOAD_MAX_BYTES // 1024))
            raise ApplicationHandlerStop
        name = document.file_name or "consultation.yaml"
        try:
            reply = await self.definitions.upload(user.id, name, data)
        except Exception:
            # Whatever went wrong, the worker hears it here and the file goes no further: the young
            # people's handlers after this one would answer it (and a general apology says nothing).
            log.exception("Checking or saving an uploaded consultation file failed")
            reply = NOT_CHECKED.format(name=name)
        await _reply(message, reply)
        raise ApplicationHandlerStop

    async def record(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A worker's voice note in reply to a question's message becomes that question's
        recording; a young person's voice note is left to their handlers."""
        message, user = update.effective_message, update.effective_user
        assert message is not None and message.voice is not None and user is not None
        if not self.conversation.roles.is_staff(user.id):
            return
        replied = message.reply_to_message
        asked = _question_of(replied) or await self._question_shown_in(replied, user.id)
        if asked is None:
            await message.reply_text(RECORD_HOW)
        elif (message.voice.file_size or 0) > RECORDING.max_bytes:
            await message.reply_text("That voice note is over 1 MB: please keep it to a minute or two.")
        else:
            reading = i18n.current()  # how they were shown the question
            await message.reply_text(
                await self.definitions.record_voice(user.id, *asked, reading, message.voice.file_id)
            )
        raise ApplicationHandlerStop

    async def _question_shown_in(self, replied: Message | None, worker_id: int) -> tuple[str, str] | None:
        """A question's message with no buttons (a first question answered by typing): the
        question the worker stands on, if that is the one the message shows."""
        current = await self.conversation.current_question(worker_id)
        if replied is None or not replied.text or current is None:
            return None
        consultation, question = current
        return (consultation.id, question.id) if question.text in replied.text else None

    async def preview(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/preview <id>: take a draft (or a launched consultation) as a young person would."""
        usage = f"Use: /preview <consultation id>. {self._drafts_line()}"
        asked = await self._asked(update, context, usage, privately=True)
        if asked is None:
            raise ApplicationHandlerStop
        message, worker_id, consultation_id = asked
        if isinstance(copy := await self.definitions.preview(consultation_id), str):
            await message.reply_text(copy)
        else:
            reading = i18n.current()  # the title as the worker will see it in the preview
            title = copy.worded_for(reading.language, reading.easy).title
            await message.reply_text(PREVIEW_INTRO.format(title=title, id=consultation_id))
            await self.young_people.show(update, await self.conversation.start(worker_id, copy.id))
        raise ApplicationHandlerStop

    async def launch(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/launch <id>: open a draft to young people."""
        asked = await self._asked(update, context, f"Use: /launch <draft id>. {self._drafts_line()}")
        if asked is not None:
            message, worker_id, consultation_id = asked
            await message.reply_text(await self._launch(worker_id, consultation_id, context.bot.username))
        raise ApplicationHandlerStop

    async def _launch(self, worker_id: int, consultation_id: str, bot_username: str) -> str:
        """Launch it; what happened, in words (with its link), or why not."""
        outcome = await self.definitions.launch(worker_id, consultation_id)
        if isinstance(outcome, Launched):
            zone = ZoneInfo(self.team.settings.timezone)
            return _launched_text(outcome, bot_username, self.definitions.clock(), zone)
        return outcome

    async def previewed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The end of a preview: "Launch it", or "Keep as draft"."""
        query, worker = update.callback_query, update.effective_user
        assert query is not None and worker is not None
        action = await self.team.staff_tap(
            update, lambda a: bool(a.consultation) and a.value in (PREVIEW_LAUNCH, PREVIEW_KEEP)
        )
        if action is not None and isinstance(query.message, Message):
            await query.answer()
            if action.value == PREVIEW_LAUNCH:
                said = await self._launch(worker.id, action.consultation, context.bot.username)
            else:
                said = f"Kept as a draft. /launch {action.consultation} when it is ready."
            await query.message.reply_text(said)
        raise ApplicationHandlerStop

    async def archive(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/archive <id>: put away a closed consultation or an unwanted draft."""
        asked = await self._asked(
            update, context, "Use: /archive <consultation id> (a closed one, or a draft)."
        )
        if asked is not None:
            message, worker_id, consultation_id = asked
            await message.reply_text(await self.definitions.archive(worker_id, consultation_id))
        raise ApplicationHandlerStop

    async def _asked(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, usage: str, privately: bool = False
    ) -> tuple[Message, int, str] | None:
        """(the message, the worker's id, the consultation id named); None once the sender has been
        refused (not a worker; not in the team's chats, or for `privately` not in a private chat)
        or told how to use the command."""
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        if not self.team.is_staff(update):
            await message.reply_text(NOT_ALLOWED)
        elif privately and message.chat.type != ChatType.PRIVATE:
            await message.reply_text(ONLY_PRIVATELY)
        elif await self.team.refused_here(update):
            pass
        elif not context.args:
            await message.reply_text(usage)
        else:
            return message, user.id, context.args[0].lower()
        return None

    def _drafts_line(self) -> str:
        drafts = ", ".join(self.definitions.catalogue.drafts)
        return f"Drafts: {drafts}." if drafts else "There are no drafts: send me a consultation file (.yaml)."


def _question_of(message: Message | None) -> tuple[str, str] | None:
    """(consultation id, question id) of a question's message, read off its buttons."""
    markup = message.reply_markup if message is not None else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            action = decode(button.callback_data) if isinstance(button.callback_data, str) else None
            if action is not None and action.consultation and action.question:
                return action.consultation, action.question
    return None


def _launched_text(launched: Launched, bot_username: str, now: datetime, zone: ZoneInfo) -> str:
    consultation = launched.consultation
    opens, closes = consultation.opens_at, consultation.closes_at
    when = (
        f"It opens on {opens.astimezone(zone):%d %b %Y at %H:%M}"
        if opens and opens > now
        else "Young people can take it now"
    )
    until = f" until {closes.astimezone(zone):%d %b %Y %H:%M}" if closes else ""
    lines = [
        f"🚀 “{consultation.title}” is launched ({consultation.id}). {when}{until}.",
        f"Invite young people: /announce {consultation.id}, /poster {consultation.id}, or the link "
        f"https://t.me/{bot_username}?start={consultation.id}",
    ]
    lines += [
        f"The earlier version {e} is still open for those who began it (others see only this one): "
        f"/close {e} when it should end."
        for e in launched.earlier_open
    ]
    return "\n".join(lines)


async def _reply(message: Message, text: str) -> None:
    for part in split_text(text):
        await message.reply_text(part)
