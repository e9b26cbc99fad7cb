"""Young people's side of the bot: thin handlers from Telegram updates to the Conversation."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import Bot, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.conversation import Conversation
from bot.core import i18n, texts
from bot.core.screens import Reply, Screen
from bot.photos import PHOTO_MAX_BYTES
from bot.safeguarding.alerts import Person
from bot.telegram.access import staff_help, staff_start
from bot.telegram.media import QuestionMedia
from bot.telegram.render import keyboard, split_text

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


async def send_screen(
    bot: Bot, chat_id: int, screen: Screen, media: QuestionMedia | None = None
) -> Message | None:
    """Send a screen as one or more messages (its album or chart first); the buttons go under the
    last part, which is returned."""
    if screen.album and media is not None:
        await media.send_album(bot, chat_id, screen.album)
    if screen.voice and media is not None:
        await media.send_voice(bot, chat_id, screen.voice)
    if screen.image is not None:
        await bot.send_photo(chat_id, screen.image)
    parts = split_text(screen.text)
    last = None
    for index, part in enumerate(parts):
        markup = keyboard(screen) if index == len(parts) - 1 else None
        last = await bot.send_message(chat_id, part, reply_markup=markup)
    return last


class YoungPeople:
    """Commands, typed messages and button taps from young people in private chats."""

    def __init__(
        self, conversation: Conversation, media: QuestionMedia, wake_outbox: Callable[[], None]
    ) -> None:
        self.conversation = conversation
        self.media = media
        self._wake_outbox = wake_outbox
        # Each chat's live menu (its message id): an older one loses its buttons when a newer comes,
        # so a chat never fills with menus that still seem to work. In memory: after a restart, old
        # buttons are answered as moved on.
        self._live_menu: dict[int, int] = {}

    def register(self, application: Application) -> None:
        spoken = self.in_their_language
        application.add_handlers(
            [
                CommandHandler("start", spoken(self.start), filters=PRIVATE),
                CommandHandler("help", spoken(self.help), filters=PRIVATE),
                CommandHandler("privacy", spoken(self.privacy), filters=PRIVATE),
                CommandHandler("cancel", spoken(self.cancel), filters=PRIVATE),
                CommandHandler("feedback", spoken(self.feedback), filters=PRIVATE),
                CommandHandler("updates", spoken(self.updates), filters=PRIVATE),
                CommandHandler("mydata", spoken(self.my_data), filters=PRIVATE),
                CommandHandler("aboutyou", spoken(self.about_you), filters=PRIVATE),
                CommandHandler("deleteme", spoken(self.delete_me), filters=PRIVATE),
                CommandHandler("language", spoken(self.language), filters=PRIVATE),
                CommandHandler("easyread", spoken(self.easy_read), filters=PRIVATE),
                CommandHandler("listen", spoken(self.listen), filters=PRIVATE),
                CallbackQueryHandler(spoken(self.press)),
                MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE, spoken(self.edited)),
                MessageHandler(PRIVATE & filters.COMMAND, spoken(self.unknown_command)),
                MessageHandler(PRIVATE & filters.TEXT, spoken(self.text)),
                MessageHandler(PRIVATE & (filters.PHOTO | filters.Document.ALL), spoken(self.picture)),
                MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, spoken(self.unreadable)),
            ]
        )

    def in_their_language(self, handler: Handler) -> Handler:
        """The handler, speaking the language (and wording) of whoever sent the update."""

        async def spoken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            user = update.effective_user
            if user is None:
                await handler(update, context)
                return
            await self.conversation.seen(user.id)
            reading = await self.conversation.reading_of(user.id, user.language_code)
            with i18n.speaking(reading):
                await handler(update, context)

        return spoken

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Welcome and consent, then the open consultations (or the one a deep link named). Staff
        get their own commands instead: the young people's privacy notice is not for them (a deep
        link still opens the consultation as a young person sees it)."""
        payload = context.args[0] if context.args else ""
        role = self.conversation.roles.of(_user_id(update))
        if role is not None and not payload:
            await self.show(update, Reply([Screen(staff_start(role))]))
            return
        await self.show(update, await self.conversation.start(_user_id(update), payload))

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Say what a young person can do, and what the team's commands are to someone with a role."""
        role = self.conversation.roles.of(_user_id(update))
        lines = staff_help(role) if role is not None else ""
        await self.show(update, await self.conversation.help(_user_id(update), lines))

    async def privacy(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Show the full privacy notice."""
        await self.show(update, await self.conversation.privacy(_user_id(update)))

    async def my_data(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Show everything held about them."""
        await self.show(update, await self.conversation.my_data(_user_id(update)))

    async def about_you(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """What they said about themselves, to change or delete."""
        await self.show(update, await self.conversation.about(_user_id(update)))

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Pause the consultation they are in; answers so far stay saved."""
        await self.show(update, await self.conversation.cancel(_user_id(update)))

    async def feedback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Anonymous feedback on a topic."""
        await self.show(update, await self.conversation.start_feedback(_user_id(update)))

    async def language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Choose the language the bot speaks to them."""
        await self.show(update, self.conversation.languages())

    async def easy_read(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Switch between easy-read and standard wording."""
        await self.show(update, await self.conversation.easy_read(_user_id(update)))

    async def listen(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Voice notes with the questions that have them, or not."""
        await self.show(update, await self.conversation.listen(_user_id(update)))

    async def updates(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Opt in or out of "you said, we did" updates."""
        await self.show(update, await self.conversation.updates(_user_id(update)))

    async def delete_me(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Erase their data, after they confirm."""
        await self.show(update, await self.conversation.delete_me(_user_id(update)))

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command we do not have: point to /help."""
        await self.show(update, self.conversation.unknown_command())

    async def edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An edited message: edits cannot change a saved answer, so say how to."""
        message = update.effective_message
        assert message is not None
        words = message.text or message.caption or ""
        await self.show(update, await self.conversation.edited(_user_id(update), words, update.update_id))

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A typed message: an answer to a text question, or a friendly pointer."""
        assert update.effective_message is not None and update.effective_message.text is not None
        reply = await self.conversation.text(
            _user_id(update), update.effective_message.text, update.update_id
        )
        await self.show(update, reply)

    async def picture(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo or a file: the answer to a photo question, checked before it is downloaded."""
        message = update.effective_message
        assert message is not None
        user_id, caption = _user_id(update), message.caption or ""
        if not await self.conversation.expects_photo(user_id):
            await self.unreadable(update, context)
            return
        problem = _problem_before_download(message)
        data = b""
        if problem is None:
            try:
                source = message.photo[-1] if message.photo else message.document
                assert source is not None
                data = bytes(await (await context.bot.get_file(source.file_id)).download_as_bytearray())
            except (BadRequest, NetworkError, TimedOut) as error:
                log.warning("Could not fetch a photo sent as an answer: %s", error)
                problem = texts.PHOTO_NOT_FETCHED
        if problem is not None:
            reply = await self.conversation.photo_refused(user_id, problem, update.update_id, caption)
        else:
            reply = await self.conversation.photo(user_id, data, update.update_id, caption)
        await self.show(update, reply)

    async def unreadable(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice notes and the like where none was asked for."""
        message = update.effective_message
        caption = (message.caption or "") if message else ""
        await self.show(
            update, await self.conversation.unreadable(_user_id(update), update.update_id, caption)
        )

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button tap: answer the tap, update the tapped message, then send what comes next."""
        query = update.callback_query
        assert query is not None
        if query.message is None or query.message.chat.type != ChatType.PRIVATE:
            await _answer_query(update, None)
            return
        user = update.effective_user
        assert user is not None
        person = Person(user.id, user.full_name, user.username)
        reply = await self.conversation.press(person, query.data or "", update.update_id)
        await self.show(update, reply)

    async def show(self, update: Update, reply: Reply) -> None:
        if reply.outbox:  # an alert or feedback waits: post it now rather than at the next round
            self._wake_outbox()
        chat = update.effective_chat
        assert chat is not None
        query = update.callback_query
        if query is not None:
            await _answer_query(update, reply.notice)
        screens = reply.screens
        bot = update.get_bot()
        try:
            if query is not None and reply.replace is not None:
                replacing = reply.replace
                if replacing.voice is not None and not await self.media.has_voice(replacing.voice):
                    replacing = replace(replacing, voice=None)  # nothing to play: edit it in place
                edited = isinstance(query.message, Message) and await _edit(query.message, replacing)
                if not edited:  # never leave them without the next step
                    screens = [replacing, *screens]
                elif isinstance(query.message, Message):
                    await self._menu_shown(bot, chat.id, query.message.message_id, replacing.menu)
            for screen in screens:
                sent = await send_screen(bot, chat.id, screen, self.media)
                if sent is not None and screen.buttons:
                    await self._menu_shown(bot, chat.id, sent.message_id, screen.menu)
        except Forbidden:
            # They blocked the bot; whatever they sent before that is saved already.
            log.info("A young person has blocked the bot; reply not delivered")

    async def _menu_shown(self, bot: Bot, chat_id: int, message_id: int, menu: bool) -> None:
        """A message now shows a menu (or, edited, no longer does): the chat's older menu loses
        its buttons, after the new one is there."""
        live = self._live_menu.get(chat_id)
        if not menu:
            if live == message_id:
                del self._live_menu[chat_id]
            return
        self._live_menu[chat_id] = message_id
        if live is None or live == message_id:
            return
        try:
            await bot.edit_message_reply_markup(chat_id, live, reply_markup=None)
        except Forbidden:
            raise
        except TelegramError as error:  # only tidying: never worth handling the update again for
            log.debug("An older menu kept its buttons: %s", error)


def _problem_before_download(message: Message) -> str | None:
    """What is wrong with a picture we can tell without fetching it: not an image, or too big."""
    if message.photo:
        size = message.photo[-1].file_size
    else:
        assert message.document is not None
        if not (message.document.mime_type or "").startswith("image/"):
            return texts.PHOTO_NOT_A_PICTURE
        size = message.document.file_size
    return texts.PHOTO_TOO_BIG if size is not None and size > PHOTO_MAX_BYTES else None


def _user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _answer_query(update: Update, notice: str | None) -> None:
    """Every tap must be answered or the button keeps spinning; a redelivered tap may be too old."""
    assert update.callback_query is not None
    try:
        await update.callback_query.answer(notice[:200] if notice else None)
    except BadRequest as error:
        log.debug("Could not answer a button tap: %s", error)


async def _edit(message: Message, screen: Screen) -> bool:
    """Turn the tapped message into `screen`; False if Telegram would not (e.g. it was deleted)."""
    parts = split_text(screen.text)
    if screen.album or screen.image is not None or screen.voice is not None:
        # Pictures and voice notes cannot be edited into a text message: the tapped one keeps its
        # words, loses its buttons, and the screen comes as new messages below.
        with contextlib.suppress(BadRequest):
            await message.edit_reply_markup(None)
        return False
    if len(parts) > 1:
        return False  # too long for one message: send it in parts instead
    try:
        await message.edit_text(parts[0], reply_markup=keyboard(screen))
    except BadRequest as error:
        # "Not modified": the same content again (a repeated tap), so there is nothing to do.
        if "message is not modified" in error.message.lower():
            return True
        log.warning("Could not update a tapped message, sending a new one: %s", error)
        return False
    return True
