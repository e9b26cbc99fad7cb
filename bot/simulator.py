"""A terminal chat over the same Conversation and storage as the bot: numbers instead of buttons."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Awaitable, Callable, Sequence

from bot.conversation import Conversation
from bot.core import i18n
from bot.core.actions import Kind
from bot.core.screens import Button, Reply, Screen
from bot.safeguarding.alerts import Person

SIMULATED_USER_ID = 1
SIMULATED_PERSON = Person(SIMULATED_USER_ID, "Simulator", None)
HELP_LINE = (
    "(Type a number to tap a button, type text to answer, or use /start /feedback /updates /cancel "
    "/help /privacy /mydata /aboutyou. "
    "/quit leaves.)"
)

Ask = Callable[[str], Awaitable[str]]
Say = Callable[[str], None]


async def _ask_terminal(prompt: str) -> str:
    return await asyncio.to_thread(input, prompt)


Numbers = Sequence[Sequence[int]]  # each button's number, row by row as on the screen
_NUMBERED = re.compile(r"^(\d+)\. ")  # a label or caption the bot numbered: "1. A: small flats"


def format_screen(screen: Screen, numbers: Numbers | None = None) -> str:
    """A screen as terminal text, each button with its number (from 1, row by row, unless given).
    Nothing is numbered twice: a picture takes its button's number, and a label the bot numbered
    itself ("1. A: …") shows without its own number beside the one to type."""
    if numbers is None:
        counting = itertools.count(1)
        numbers = [[next(counting) for _ in row] for row in screen.buttons]
    labels = {
        n: b.label
        for row, ns in zip(screen.buttons, numbers, strict=True)
        for b, n in zip(row, ns, strict=True)
    }
    pictures = []
    for picture in screen.album:
        caption = _NUMBERED.sub("", picture.caption)
        number = next((n for n, label in labels.items() if label.endswith(picture.caption)), None)
        if number is None:
            pictures.append(f"[picture {picture.caption}]")
            continue
        labels[number] = labels[number].removesuffix(picture.caption) + caption
        pictures.append(f"[picture {number}. {caption}]")
    if screen.image is not None:
        pictures.append("[a chart: Telegram shows it as a picture]")
    if screen.voice is not None and screen.voice.path:
        pictures.append(f"[a voice note: {screen.voice.path}]")
    lines = ["", *pictures, screen.text]
    for ns in numbers:
        lines.append("   ".join(f"[{n}] {_unnumbered(labels[n], n)}" for n in ns))
    return "\n".join(lines)


def _unnumbered(label: str, number: int) -> str:
    """`label` without a number of its own equal to the one beside it ("[1] 1. A" reads "[1] A")."""
    own = _NUMBERED.match(label)
    return label[own.end() :] if own and int(own.group(1)) == number else label


def _asks_for_contact(screen: Screen) -> bool:
    """The safeguarding signposting: "Would you like someone from the team to contact you?"."""
    return any(button.action.kind is Kind.CONTACT for row in screen.buttons for button in row)


class Simulator:
    def __init__(self, conversation: Conversation, ask: Ask = _ask_terminal, say: Say = print) -> None:
        self.conversation = conversation
        self._ask = ask
        self._say = say
        self._buttons: dict[int, Button] = {}  # what typing each number taps
        # The safeguarding signposting's contact choice stays to hand (as its message does in
        # Telegram) until they answer it, whatever comes after.
        self._contact: Screen | None = None
        # Each ranking's options in their fixed order (consultation, question): a ranking's buttons
        # keep their numbers while the placed ones leave the screen.
        self._ranked: dict[tuple[str, str], list[str]] = {}
        self._placed: set[int] = set()  # the numbers of options placed already in the ranking shown
        # Negative ids can never clash with Telegram's update ids in a shared database.
        self._update_ids = itertools.count(-time.time_ns() // 1000, -1)

    def _show(self, reply: Reply) -> None:
        if reply.notice:
            self._say(f"💬 {reply.notice}")
        # A changed message matters when it carries buttons or is all there is to show (the
        # sent summary); the agreed notice, say, needs no second printing.
        changed = reply.replace is not None and (reply.replace.buttons or not reply.screens)
        shown = [*([reply.replace] if changed and reply.replace else []), *reply.screens]
        if not any(screen.buttons for screen in shown):
            for screen in shown:  # the buttons on screen before stay as they were
                self._say(format_screen(screen))
            return
        # Every button shown now has a number of its own, in the order they appear (the
        # signposting comes first, so 1 asks for the team's call, as the top button in Telegram).
        self._buttons, self._placed = {}, set()
        for screen in shown:
            if _asks_for_contact(screen):
                self._contact = screen
            self._say(format_screen(screen, self._number(screen)))
        if self._contact is not None and self._contact not in shown:
            choices = []
            for button in (b for row in self._contact.buttons for b in row):
                number = self._next_number()
                self._buttons[number] = button
                choices.append(f"[{number}] {button.label}")
            self._say(f"(Still there above: {'   '.join(choices)})")

    def _next_number(self) -> int:
        return max(self._buttons, default=0) + 1

    def _number(self, screen: Screen) -> list[list[int]]:
        """Numbers for a screen's buttons, after those already given in this reply: a ranking's
        options by their place in its list, so none changes as others are placed."""
        start = self._next_number()
        fixed: list[str] = []
        for row in screen.buttons:
            for button in row:
                action = button.action
                if action.kind is Kind.RANK:
                    fixed = self._ranked.setdefault(
                        (action.consultation, action.question),
                        self._options(action.consultation, action.question),
                    )
                    if action.value not in fixed:  # a shortlisted idea, say
                        fixed.append(action.value)
        on_screen = {b.action.value for row in screen.buttons for b in row if b.action.kind is Kind.RANK}
        self._placed |= {start + place for place, option in enumerate(fixed) if option not in on_screen}
        after = itertools.count(start + len(fixed))
        numbers = []
        for row in screen.buttons:
            numbered = []
            for button in row:
                ranked = button.action.kind is Kind.RANK
                number = start + fixed.index(button.action.value) if ranked else next(after)
                self._buttons[number] = button
                numbered.append(number)
            numbers.append(numbered)
        return numbers

    def _options(self, consultation_id: str, question_id: str) -> list[str]:
        """The option ids of a question as its file lists them (a vote's ideas are added as seen)."""
        consultation = self.conversation.catalogue.get(consultation_id)
        question = consultation.question(question_id) if consultation else None
        return [option.id for option in getattr(question, "options", [])]

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
            reply = await self.conversation.help(user)
        elif command == "/privacy":
            reply = await self.conversation.privacy(user)
        elif command == "/mydata":
            reply = await self.conversation.my_data(user)
        elif command == "/aboutyou":
            reply = await self.conversation.about(user)
        elif command == "/language":
            reply = self.conversation.languages()
        elif command == "/easyread":
            reply = await self.conversation.easy_read(user)
        elif command == "/listen":
            reply = await self.conversation.listen(user)
        elif command.startswith("/"):
            reply = self.conversation.unknown_command()
        elif text.isdigit() and int(text) in self._placed:
            self._say(f"(You placed [{text}] already: ↩️ Undo takes back the last one placed.)")
            return True
        elif text.isdigit() and int(text) in self._buttons:
            button = self._buttons[int(text)]
            if self._contact is not None and any(button in row for row in self._contact.buttons):
                self._contact = None  # answered: their reply says what happens next
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
