"""A terminal chat over the same Conversation and storage as the bot: numbers instead of buttons."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable

from bot.conversation import Conversation
from bot.core import i18n
from bot.core.screens import Button, Reply, Screen
from bot.safeguarding.alerts import Person

SIMULATED_USER_ID = 1
SIMULATED_PERSON = Person(SIMULATED_USER_ID, "Simulator", None)
HELP_LINE = (
    "(Type a number to tap a button, type text to answer, or use /start /feedback /updates /cancel "
    "/help /privacy /mydata. "
    "/quit leaves.)"
)

Ask = Callable[[str], Awaitable[str]]
Say = Callable[[str], None]


async def _ask_terminal(prompt: str) -> str:
    return await asyncio.to_thread(input, prompt)


def format_screen(screen: Screen) -> str:
    """A screen as terminal text, buttons numbered from 1."""
    pictures = [f"[picture {p.caption}]" for p in screen.album]
    if screen.image is not None:
        pictures.append("[a chart: Telegram shows it as a picture]")
    if screen.voice is not None and screen.voice.path:
        pictures.append(f"[a voice note: {screen.voice.path}]")
    lines = ["", *pictures, screen.text]
    numbered = itertools.count(1)
    for row in screen.buttons:
        lines.append("   ".join(f"[{next(numbered)}] {button.label}" for button in row))
    return "\n".join(lines)


class Simulator:
    def __init__(self, conversation: Conversation, ask: Ask = _ask_terminal, say: Say = print) -> None:
        self.conversation = conversation
        self._ask = ask
        self._say = say
        self._buttons: list[Button] = []
        # Negative ids can never clash with Telegram's update ids in a shared database.
        self._update_ids = itertools.count(-time.time_ns() // 1000, -1)

    def _show(self, reply: Reply) -> None:
        if reply.notice:
            self._say(f"💬 {reply.notice}")
        # A changed message matters when it carries buttons or is all there is to show (the
        # sent summary); the agreed notice, say, needs no second printing.
        changed = reply.replace is not None and (reply.replace.buttons or not reply.screens)
        shown = [*([reply.replace] if changed and reply.replace else []), *reply.screens]
        for screen in shown:
            self._say(format_screen(screen))
            if screen.buttons:
                self._buttons = [button for row in screen.buttons for button in row]

    async def handle(self, line: str) -> bool:
        """Act on one line of input, in the language and wording they chose; False when the
        person wants to leave."""
        reading = await self.conversation.reading_of(SIMULATED_USER_ID, None)
        with i18n.speaking(reading):
            return await self._handle(line)

    async def _handle(self, line: str) -> bool:
        user = SIMULATED_USER_ID
        text = line.strip()
        command, _, argument = text.partition(" ")
        if command in ("/quit", "/exit"):
            return False
        if command == "/start":
            reply = await self.conversation.start(user, argument)
        elif command == "/cancel":
            reply = await self.conversation.cancel(user)
        elif command == "/feedback":
            reply = await self.conversation.start_feedback(user)
        elif command == "/updates":
            reply = await self.conversation.updates(user)
        elif command == "/deleteme":
            reply = await self.conversation.delete_me(user)
        elif command == "/help":
            reply = self.conversation.help()
        elif command == "/privacy":
            reply = await self.conversation.privacy(user)
        elif command == "/mydata":
            reply = await self.conversation.my_data(user)
        elif command == "/language":
            reply = self.conversation.languages()
        elif command == "/easyread":
            reply = await self.conversation.easy_read(user)
        elif command == "/listen":
            reply = await self.conversation.listen(user)
        elif command.startswith("/"):
            reply = self.conversation.unknown_command()
        elif text.isdigit() and 1 <= int(text) <= len(self._buttons):
            button = self._buttons[int(text) - 1]
            reply = await self.conversation.press(
                SIMULATED_PERSON, button.action.encode(), next(self._update_ids)
            )
        else:
            reply = await self.conversation.text(user, line, next(self._update_ids))
        self._show(reply)
        return True

    async def run(self, consultation_id: str = "") -> None:
        self._say(HELP_LINE)
        self._show(await self.conversation.start(SIMULATED_USER_ID, consultation_id))
        while True:
            try:
                line = await self._ask("\n> ")
            except EOFError:
                return
            if not await self.handle(line):
                return
