"""What the team reads and prints: `/consultations`, `/results`, `/export` and `/poster`. Workers
(and admins) get everything; officers only published totals (protected, frozen at close), and no counts
while a consultation is open. The reader's numeric id is checked at each use, then the chat: these
answer only where the team's words may go (`TeamChat.is_team_place`)."""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from datetime import datetime
from html import escape
from pathlib import Path
from sqlite3 import Connection
from typing import IO

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaDocument, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.about_you.questions import team_name
from bot.about_you.tables import (
    BREAKDOWN_HEADER,
    REACH_HEADER,
    breakdown_text,
    broken_down,
    reach_text,
    withheld,
)
from bot.about_you.tables import for_consultation as about_you_tables
from bot.core.actions import Action, Kind
from bot.core.engine import Answer, describe_answer
from bot.core.i18n import counted
from bot.core.ideas import Screener
from bot.core.models import ALBUM_MAX, Consultation, TextQuestion
from bot.core.tallies import SHOW_WRITTEN
from bot.exports import (
    Table,
    officer_text,
    write_csv,
    write_responses_csv,
    write_responses_xlsx,
    write_xlsx,
)
from bot.photo_answers import PhotoAnswers
from bot.published import publication
from bot.report import for_officers, for_workers, render
from bot.results import gather
from bot.storage import results_repo, summary_repo
from bot.surveys import Catalogue
from bot.telegram.render import fit, split_text
from bot.telegram.team import (
    NOT_ALLOWED,
    Reader,
    TeamChat,
    consultation_named,
    edit_quietly,
    staff_consultation,
)
from bot.votes import Votes, result_chart, team_result_sections

log = logging.getLogger(__name__)

# The poster's own footer adds "It's anonymous."; a consultation that is not gets this instead.
POSTER_FOOTER_NAMED = "Scan with your phone's camera. It opens Telegram."
POSTER_LINE = "Have your say! It takes a few minutes on your phone."
OFFICERS_AFTER_CLOSE = (
    "Totals for publishing come once “{title}” has closed: while it is open, comparing totals "
    "from one day to the next could show how the last young person to answer did."
)
OFFICERS_COUNT_AFTER_CLOSE = "response counts come once it has closed"
# Telegram refuses a bot's upload over 50 MB ("Request Entity Too Large"), and PTB reports that as a
# network failure the intake would keep retrying: a file that big is not sent, and the worker is told.
UPLOAD_LIMIT = 50 * 1024 * 1024
TOO_BIG = "“{name}” came to {size:.1f} MB, more than the 50 MB Telegram lets a bot send, so it is not here. "
OTHER_FILE_HAS_IT = "The other file holds the same rows."
NEITHER_FITS = "Please ask whoever runs the bot's server to copy the responses from its database for you."
CAPTION_MAX = 1024  # Telegram's limit on a file's caption, in UTF-16 units
HOLDS = {
    "worker": "every response, one row each by pseudonymous key, answers in words",
    "officer": "totals for publishing, every count in a band so no one can be picked out",
}
WRITTEN_PER_PAGE = 10
OFFER_LABEL_MAX = 64  # a phone shows no more of a button's label
# Ten answers of this many UTF-16 units, and the heading, fit one message (4096); the export has them whole.
WRITTEN_SHOWN_MAX = 360
WRITTEN_OFFER = "📝 Written answers to “{title}” (newest first, {per_page} a page):"
NO_WRITTEN = "No written answers to that question yet."
BREAKDOWN_OFFER = "Answers by group: /breakdown {id} (or /breakdown {id} age_band, say)."
BREAKDOWN_USAGE = "/breakdown <consultation id> [about you question, e.g. age_band]"
NO_BREAKDOWNS = "“{title}” asks no “about you” questions, so there is nothing to break its answers down by."
NOT_ASKED = "“{id}” does not ask {name}. It asks: {used}."
NO_AREAS = "“{title}” asks where young people live, but ABOUT_YOU_FILE lists no areas, so it is not asked."
NO_BUTTON_QUESTIONS = "“{title}” has no questions answered with buttons to show by group."
WRITTEN_SENT_PRIVATELY = "Sent to you in a private chat with me: young people's words stay out of groups."
WRITTEN_OPEN_CHAT = "Open a private chat with me first (send me /start there), then tap again."


class Reports:
    def __init__(
        self, team: TeamChat, votes: Votes, photos: PhotoAnswers, catalogue: Catalogue, screener: Screener
    ) -> None:
        self.team = team
        self.votes = votes
        self.photos = photos
        self.catalogue = catalogue
        self.screener = screener  # the idea screening, which a quote in /report must pass too
        self._drawing = asyncio.Lock()  # one report drawn at a time: matplotlib across threads is not safe

    def _quotable(self, text: str) -> bool:
        return not self.screener.flags(text)

    def register(self, application: Application) -> None:
        application.add_handlers(
            [
                CommandHandler("results", self.results),
                CommandHandler("breakdown", self.breakdown),
                CommandHandler("export", self.export),
                CommandHandler("report", self.report),
                CommandHandler("poster", self.poster),
                CommandHandler("consultations", self.consultations),
                CallbackQueryHandler(self.written, pattern=f"^{Kind.WRITTEN.value}\\|"),
            ]
        )  # before young people's handlers, so these win for their commands

    async def _asked(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, usage: str
    ) -> tuple[Message, Reader, Consultation] | None:
        """(the command, who is asking, the consultation named), or None once a refusal or how to
        use it is sent."""
        message = update.effective_message
        assert message is not None
        reader = self.team.reader(update)
        if reader is None:
            await message.reply_text(NOT_ALLOWED)
            return None
        if await self.team.refused_here(update):
            return None
        consultation = await consultation_named(self.catalogue, message, context.args, usage)
        return None if consultation is None else (message, reader, consultation)

    async def results(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/results <id>: figures, each question's tally, a vote's count and chart, the photos."""
        asked = await self._asked(update, context, "/results <consultation id>")
        if asked is None:
            return
        message, reader, consultation = asked
        if reader == "officer":
            table = await self._officer_table(consultation)
            title = escape(consultation.title)
            if table is None:
                text = OFFICERS_AFTER_CLOSE.format(title=title)
            else:
                text = officer_text(consultation.title, table, self.votes.min_cell)
            for part in split_text(text):
                await message.reply_text(part, parse_mode=ParseMode.HTML)
            await self._who_took_part(message, reader, consultation)
            return
        now = self.votes.clock()
        found = await self.votes.db.read_aside(lambda db: gather(db, consultation, self.photos, now))
        votes = [s for result in found.votes for s in team_result_sections(result, now)]
        for part in (part for section in [*found.sections, *votes] for part in split_text(section)):
            await message.reply_text(part, parse_mode=ParseMode.HTML)
        for result in found.votes:
            await message.reply_photo(await asyncio.to_thread(result_chart, result))
        await _send_gallery(message, found.photos)
        await self._who_took_part(message, reader, consultation)
        if found.written:  # a button each: the words stay out of the results until asked for
            buttons = [
                [
                    InlineKeyboardButton(
                        fit(f"{SHOW_WRITTEN}: {q.text}", OFFER_LABEL_MAX),
                        callback_data=_page(consultation, q),
                    )
                ]
                for q in found.written
            ]
            offer = WRITTEN_OFFER.format(title=consultation.title, per_page=WRITTEN_PER_PAGE)
            await message.reply_text(offer, reply_markup=InlineKeyboardMarkup(buttons))

    async def _about_you(
        self, reader: Reader, consultation: Consultation
    ) -> tuple[list[list[str]], list[list[str]]]:
        """(who took part, breakdowns) for this reader: officers' as frozen at close (none before),
        workers' as they are now; both empty for a consultation that asks no "about you" questions."""
        if reader == "officer":
            published = await publication(self.votes, consultation)
            return (published.reach, published.breakdowns) if published else ([], [])
        min_cell = self.votes.min_cell
        tables = await self.votes.db.read_aside(
            lambda db: about_you_tables(db, consultation, self.votes.about_you, min_cell)
        )
        return (tables.reach, tables.breakdowns) if tables else ([], [])

    async def _who_took_part(self, message: Message, reader: Reader, consultation: Consultation) -> None:
        reason = withheld(consultation, self.votes.min_cell)
        reach, breakdowns = await self._about_you(reader, consultation)
        if reason or not reach:
            if reason:
                await message.reply_text(reason)
            return
        text = reach_text(consultation.title, reach)
        if breakdowns:
            text += "\n\n" + BREAKDOWN_OFFER.format(id=consultation.id)
        for part in split_text(text):
            await message.reply_text(part, parse_mode=ParseMode.HTML)

    async def breakdown(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/breakdown <id> [about you question]: every question answered with buttons, by group."""
        asked = await self._asked(update, context, BREAKDOWN_USAGE)
        if asked is None:
            return
        message, reader, consultation = asked
        wanted = (context.args or [])[1:2]
        title = consultation.title
        profiles = self.votes.about_you
        asked = [q.field for q in profiles.used_by(consultation)] if profiles else []
        if wanted and wanted[0] not in consultation.about_you:
            used = ", ".join(consultation.about_you) or "none"
            refusal = NOT_ASKED.format(name=wanted[0], id=consultation.id, used=used)
        elif not consultation.about_you:
            refusal = NO_BREAKDOWNS.format(title=title)
        elif not asked or (wanted and wanted[0] not in asked):
            refusal = NO_AREAS.format(title=title)
        elif not broken_down(consultation):
            refusal = NO_BUTTON_QUESTIONS.format(title=title)
        else:
            refusal = withheld(consultation, self.votes.min_cell)
        if refusal is not None:
            await message.reply_text(refusal)
            return
        _, breakdowns = await self._about_you(reader, consultation)
        if not breakdowns:  # officers, before it has closed: nothing is published while it is open
            await message.reply_text(
                OFFICERS_AFTER_CLOSE.format(title=escape(title)), parse_mode=ParseMode.HTML
            )
            return
        about = team_name(wanted[0]) if wanted else None
        text = breakdown_text(title, breakdowns, self.votes.min_cell, about)
        for part in split_text(text):
            await message.reply_text(part, parse_mode=ParseMode.HTML)

    async def written(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A page of a text question's written answers, for workers only (checked on every tap:
        staff_tap lets only workers and admins through, never officers)."""
        query, worker = update.callback_query, update.effective_user
        assert query is not None and worker is not None
        action = await self.team.staff_tap(update, lambda a: a.value == "" or _page_number(a.value))
        if action is None:
            return
        consultation = self.catalogue.find(action.consultation)
        question = consultation.question(action.question) if consultation else None
        if consultation is None or not isinstance(question, TextQuestion):
            await query.answer()
            return
        page = int(action.value or 0)
        answers, total = await self.votes.db.read_aside(
            lambda db: results_repo.written_answers(
                db, consultation.id, question.id, page * WRITTEN_PER_PAGE, WRITTEN_PER_PAGE
            )
        )
        if not answers:
            await query.answer(NO_WRITTEN, show_alert=True)
            return
        text, keyboard = _written_page(consultation, question, page, answers, total)
        private = isinstance(query.message, Message) and query.message.chat.type == ChatType.PRIVATE
        if action.value and private:  # Next or Previous: the page turns in place
            await query.answer()
            await edit_quietly(query.message, text, keyboard)
            return
        # Young people's words go only to the worker who asked, never into a group (whoever else
        # is in the team chat, officers among them, reads along there).
        try:
            await context.bot.send_message(worker.id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        except Forbidden:  # they never opened a private chat with the bot
            await query.answer(WRITTEN_OPEN_CHAT, show_alert=True)
            return
        await query.answer(None if private else WRITTEN_SENT_PRIVATELY)

    async def export(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/export <id>: the responses as CSV and XLSX (one row each, by pseudonymous key)."""
        asked = await self._asked(update, context, "/export <consultation id>")
        if asked is None:
            return
        message, reader, consultation = asked
        with tempfile.TemporaryFile() as csv_file, tempfile.TemporaryFile() as xlsx_file:
            if reader == "officer":  # totals with small numbers hidden: a short table
                totals = await self._officer_table(consultation)
                if totals is None:
                    await message.reply_text(OFFICERS_AFTER_CLOSE.format(title=consultation.title))
                    return
                write_csv(csv_file, *totals)
                write_xlsx(xlsx_file, *totals, sheet="totals")
                name = f"{consultation.id}-totals"
            else:

                def write(db: Connection) -> None:
                    write_responses_csv(db, consultation, csv_file)
                    write_responses_xlsx(db, consultation, xlsx_file)

                # Every response, however many: in a thread, both files from one snapshot, while
                # young people go on being answered.
                await self.votes.db.read_aside(write)
                name = f"{consultation.id}-responses"
            caption = fit(f"{consultation.title} ({consultation.id}): {HOLDS[reader]}", CAPTION_MAX)
            files: dict[str, IO[bytes]] = {f"{name}.csv": csv_file, f"{name}.xlsx": xlsx_file}
            reach, breakdowns = await self._about_you(reader, consultation)
            with tempfile.TemporaryFile() as reach_file, tempfile.TemporaryFile() as breakdown_file:
                if reach:  # protected for everyone: groups narrow down who answered what
                    write_csv(reach_file, REACH_HEADER, reach)
                    write_csv(breakdown_file, BREAKDOWN_HEADER, breakdowns)
                    files[f"{consultation.id}-who-took-part.csv"] = reach_file
                    files[f"{consultation.id}-by-group.csv"] = breakdown_file
                await _send_files(message, files, caption)

    async def report(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/report <id>: the results as an A4 PDF for committee papers (`bot.report`): for workers
        everything, with a few quotes; for officers what is published, once it has closed."""
        asked = await self._asked(update, context, "/report <consultation id>")
        if asked is None:
            return
        message, reader, consultation = asked
        council = self.team.settings.council_name
        if reader == "officer":
            published = await publication(self.votes, consultation)
            if published is None:
                await message.reply_text(OFFICERS_AFTER_CLOSE.format(title=consultation.title))
                return
            made = for_officers(consultation, published, council, self.votes.min_cell)
        else:
            now = self.votes.clock()
            quotable = self._quotable
            made = await self.votes.db.read_aside(
                lambda db: for_workers(
                    db,
                    consultation,
                    council,
                    now,
                    quotable,
                    about_you_tables(db, consultation, self.votes.about_you, self.votes.min_cell),
                )
            )
        async with self._drawing:
            pdf = await asyncio.to_thread(render, made)  # a second or two of drawing
        kind = "for committee papers: totals for publishing" if reader == "officer" else "for the team"
        caption = fit(f"{consultation.title} ({consultation.id}): results report {kind}", CAPTION_MAX)
        await message.reply_document(pdf, filename=f"{consultation.id}-report.pdf", caption=caption)

    async def _officer_table(self, consultation: Consultation) -> Table | None:
        """The totals officers may publish, frozen at close; None while it is open (comparing
        totals from one day to the next would show how the last person to answer did)."""
        published = await publication(self.votes, consultation)
        return None if published is None else published.officer_table

    async def consultations(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/consultations: every consultation with its state, dates and responses; drafts too, for
        workers. Officers get no live counts: none while it is open (one day's count against the
        next would show when someone answered), then the finished ones with small numbers hidden."""
        message = update.effective_message
        assert message is not None
        reader = self.team.reader(update)
        if reader is None:
            await message.reply_text(NOT_ALLOWED)
            return
        if await self.team.refused_here(update):
            return
        now = self.votes.clock()
        listed = self.catalogue.with_drafts() if reader == "worker" else self.catalogue.consultations

        finished: dict[str, str] = {}
        if reader == "officer":  # as in their totals: frozen at close, protected
            for consultation in listed.values():
                published = await publication(self.votes, consultation)
                if published is not None:
                    finished[consultation.id] = published.finished

        def describe(db: Connection) -> list[str]:
            lines = ["📋 <b>Consultations</b>"]
            for consultation in listed.values():
                state = self._state(consultation, now)
                counts = self._counts(db, consultation, state, reader, finished.get(consultation.id))
                lines.append(
                    f"\n<b>{escape(consultation.title)}</b> (<code>{consultation.id}</code>): "
                    f"{state}{_dates(consultation)}\n• {counts}"
                )
            return lines

        lines = await self.votes.db.read(describe)
        for part in split_text("\n".join(lines)):
            await message.reply_text(part, parse_mode=ParseMode.HTML)

    async def poster(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/poster <id>: a printable A4 poster with a QR code that opens the consultation."""
        message = update.effective_message
        assert message is not None
        consultation = await staff_consultation(
            self.team, self.catalogue, update, context.args, "/poster <consultation id>"
        )
        if consultation is None:
            return
        link = f"https://t.me/{context.bot.username}?start={consultation.id}"
        # Imported here: the QR library is only needed when someone makes a poster.
        from bot.posters import poster

        words = (consultation.title, POSTER_LINE, link)
        if consultation.anonymous:
            png = await asyncio.to_thread(poster, *words)
        else:
            png = await asyncio.to_thread(poster, *words, POSTER_FOOTER_NAMED)
        await message.reply_document(
            png, filename=f"poster-{consultation.id}.png", caption=f"Print it on A4. The QR code opens {link}"
        )

    def _counts(
        self, db: Connection, consultation: Consultation, state: str, reader: Reader, published: str | None
    ) -> str:
        """A consultation's line under its title: what to do with a draft, or its responses."""
        if state == "draft":
            return f"/preview {consultation.id}, then /launch {consultation.id}"
        if reader == "worker":
            figures = summary_repo.consultation_figures(db, consultation.id, 0)
            return f"{counted(figures.total, 'response')}, {figures.submitted} finished"
        if published is None:
            return OFFICERS_COUNT_AFTER_CLOSE
        return f"finished responses: {published}"

    def _state(self, consultation: Consultation, now: datetime) -> str:
        """draft → (not open yet →) open → closed → archived."""
        if consultation.id in self.catalogue.drafts:
            return "draft"
        if consultation.id in self.catalogue.archived:
            return "archived"
        if consultation.is_open(now):
            return "open"
        return "not open yet" if consultation.opens_at and now < consultation.opens_at else "closed"


def _dates(consultation: Consultation) -> str:
    parts = []
    if consultation.opens_at:
        parts.append(f"opens {consultation.opens_at:%d %b %Y}")
    if consultation.closes_at:
        parts.append(f"closes {consultation.closes_at:%d %b %Y}")
    return f" ({', '.join(parts)})" if parts else ""


def _written_page(
    consultation: Consultation, question: TextQuestion, page: int, answers: list[Answer], total: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of written answers (HTML), numbered from the newest, with Previous / Next."""
    first = page * WRITTEN_PER_PAGE + 1
    last = first + len(answers) - 1
    lines = [
        f"📝 <b>{escape(fit(consultation.title, 100))}</b>: {escape(fit(question.text, 200))}",
        f"Written answers {first} to {last} of {total}, newest first",
        "",
        *(
            f"{n}. {escape(fit(describe_answer(question, answer), WRITTEN_SHOWN_MAX))}"
            for n, answer in enumerate(answers, first)
        ),
    ]
    turns = []
    if page > 0:
        turns.append(
            InlineKeyboardButton("◀️ Previous", callback_data=_page(consultation, question, page - 1))
        )
    if last < total:
        turns.append(InlineKeyboardButton("Next ▶️", callback_data=_page(consultation, question, page + 1)))
    return "\n".join(lines), InlineKeyboardMarkup([turns]) if turns else None


def _page(consultation: Consultation, question: TextQuestion, page: int | None = None) -> str:
    """The button's data: ids are short enough that it fits Telegram's 64 bytes."""
    value = "" if page is None else str(page)
    return Action(Kind.WRITTEN, consultation.id, question.id, value).encode()


async def _send_gallery(message: Message, photos: list[tuple[Path, str]]) -> None:
    """The photos young people sent, as albums of up to 10 (Telegram's most), for workers, each
    captioned with what it answers. As files, not photos: Telegram refuses odd shapes as photos,
    and files keep transparency."""
    for start in range(0, len(photos), ALBUM_MAX):
        batch = [(path, fit(caption, CAPTION_MAX)) for path, caption in photos[start : start + ALBUM_MAX]]
        batch = [(path, caption) for path, caption in batch if path.is_file()]
        try:
            if len(batch) == 1:
                [(path, caption)] = batch
                await message.reply_document(path.read_bytes(), filename=path.name, caption=caption)
            elif batch:
                await message.reply_media_group(
                    [
                        InputMediaDocument(path.read_bytes(), filename=path.name, caption=caption)
                        for path, caption in batch
                    ]
                )
        except BadRequest as error:
            log.warning("Could not send some photos with the results: %s", error)


async def _send_files(message: Message, files: dict[str, IO[bytes]], caption: str) -> None:
    """Each file as a document with `caption`, or, for one bigger than Telegram takes from a bot,
    why not and what to do."""
    sizes = {name: file.seek(0, os.SEEK_END) for name, file in files.items()}
    fitting = [name for name, size in sizes.items() if size <= UPLOAD_LIMIT]
    for name, file in files.items():
        if name in fitting:
            file.seek(0)
            await message.reply_document(file, filename=name, caption=caption)
        else:
            advice = OTHER_FILE_HAS_IT if fitting else NEITHER_FITS
            await message.reply_text(TOO_BIG.format(name=name, size=sizes[name] / 2**20) + advice)


def _page_number(value: str) -> bool:
    """A page a button can carry (anyone can send any callback data: "²" or 50 digits are not)."""
    return value.isascii() and value.isdecimal() and len(value) <= 6
