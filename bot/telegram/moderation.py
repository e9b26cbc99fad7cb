"""The team's side of ideas and votes: new ideas posted for moderation (Approve / Reject / Merge),
/moderate, /shortlist and /close. Every button and command checks the worker's numeric Telegram id
at the moment of use, and that it is used where the team's words may go (through TeamChat)."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core.actions import Action, Kind
from bot.core.i18n import counted
from bot.core.models import Consultation, RankedQuestion
from bot.ideas import Ideas, Shortlisting
from bot.photo_answers import PhotoAnswers
from bot.storage.ideas_repo import APPROVED, MERGED, REJECTED, Idea
from bot.surveys import Catalogue
from bot.telegram.team import (
    NO,
    YES,
    TeamChat,
    cancelled,
    confirm_keyboard,
    edit_quietly,
    staff_consultation,
)
from bot.votes import Votes

log = logging.getLogger(__name__)

FLAG_WORDS = {
    "profanity": "a swear word or slur",
    "phone": "a phone number",
    "email": "an email address",
    "handle": "an @username",
    "link": "a link",
    "real_name": "a real person's name from the block list",
}
MODERATE_SHOWN = 10  # ideas per /moderate; the rest wait for the next one
MERGE_TARGETS_SHOWN = 20


def idea_text(idea: Idea, title: str, decided_by: str | None = None) -> str:
    """An idea as the team sees it (HTML): the words, support, reasons, why it is held, status."""
    people = "1 young person" if idea.support == 1 else f"{idea.support} young people"
    lines = [f"💡 <b>Idea #{idea.id}</b> for “{escape(title)}”, sent by {people}", f"“{escape(idea.label)}”"]
    lines += [f"<i>Why:</i> {escape(reason)}" for reason in idea.reasons[:5]]
    if idea.flags:
        found = ", ".join(FLAG_WORDS.get(flag, flag) for flag in idea.flags)
        lines.append(f"⚠️ <b>Held</b>: it may contain {found}. Nobody else sees it unless you approve it.")
    by = f" by {escape(decided_by)}" if decided_by else ""
    match idea.status:
        case "approved":
            lines.append(f"✅ Approved{by}: it can go on the ballot (/shortlist).")
        case "rejected":
            lines.append(f"✖️ Not taken forward{by}. (The young person is never told who decided.)")
        case "merged":
            lines.append(f"🔀 Merged into idea #{idea.merged_into}{by}: its supporters count there.")
    return "\n".join(lines)


def _moderate(idea_id: int, value: str) -> str:
    return Action(Kind.MODERATE, question=str(idea_id), value=value).encode()


def decision_keyboard(idea: Idea) -> InlineKeyboardMarkup | None:
    if idea.status != "pending":
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("✅ Approve", callback_data=_moderate(idea.id, "a")),
                InlineKeyboardButton("✖️ Reject", callback_data=_moderate(idea.id, "r")),
            ],
            [InlineKeyboardButton("🔀 Merge into…", callback_data=_moderate(idea.id, "m"))],
        ]
    )


def merge_keyboard(idea: Idea, targets: list[Idea]) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                f"🔀 into “{t.label}” ({t.support})", callback_data=_moderate(idea.id, f"m{t.id}")
            )
        ]
        for t in targets[:MERGE_TARGETS_SHOWN]
    ]
    rows.append([InlineKeyboardButton("↩️ Back", callback_data=_moderate(idea.id, "c"))])
    return InlineKeyboardMarkup(rows)


def _ranked_from_ideas(consultation: Consultation) -> RankedQuestion | None:
    return next((q for q in consultation.questions if isinstance(q, RankedQuestion) and q.options_from), None)


class Moderation:
    def __init__(
        self, team: TeamChat, ideas: Ideas, votes: Votes, photos: PhotoAnswers, catalogue: Catalogue
    ) -> None:
        self.team = team
        self.photos = photos
        self.ideas = ideas
        self.votes = votes
        self.catalogue = catalogue
        # One posting run at a time: the outbox's timer and a wake-up must not post an idea twice.
        self._posting = asyncio.Lock()

    def register(self, application: Application) -> None:
        application.add_handlers(
            [
                CallbackQueryHandler(self.decide, pattern=f"^{Kind.MODERATE.value}\\|"),
                CallbackQueryHandler(self.choose_shortlisted, pattern=f"^{Kind.SHORTLIST.value}\\|"),
                CallbackQueryHandler(self.confirm_close, pattern=f"^{Kind.CLOSE.value}\\|"),
                CommandHandler("moderate", self.moderate),
                CommandHandler("shortlist", self.shortlist),
                CommandHandler("close", self.close),
            ]
        )

    def _title(self, idea: Idea) -> str:
        consultation = self.catalogue.find(idea.consultation_id)
        return consultation.title if consultation else idea.consultation_id

    async def post_new(self, bot: Bot) -> None:
        """Post each new idea to the team chat once, with its moderation buttons."""
        chat_id = self.team.settings.team_chat_id
        if chat_id is None:
            return
        async with self._posting:
            for idea in await self.ideas.not_yet_posted():
                try:
                    await bot.send_message(
                        chat_id,
                        idea_text(idea, self._title(idea)),
                        parse_mode=ParseMode.HTML,
                        reply_markup=decision_keyboard(idea),
                    )
                except TelegramError as error:
                    log.error("Could not post idea #%s for moderation, will retry: %s", idea.id, error)
                    return
                await self.ideas.posted(idea.id)

    # --- moderation ------------------------------------------------------------------------------

    async def moderate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/moderate: the ideas waiting for a decision, each with its buttons."""
        message = await self.team.staff_command(update)
        if message is None:
            return
        waiting = await self.ideas.awaiting_moderation()
        if not waiting:
            await message.reply_text("No ideas are waiting for a decision. 🎉")
            return
        more = f" Here are the first {MODERATE_SHOWN}." if len(waiting) > MODERATE_SHOWN else ""
        await message.reply_text(f"{counted(len(waiting), 'idea')} waiting for a decision.{more}")
        for idea in waiting[:MODERATE_SHOWN]:
            await message.reply_text(
                idea_text(idea, self._title(idea)),
                parse_mode=ParseMode.HTML,
                reply_markup=decision_keyboard(idea),
            )

    async def decide(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Approve, reject, or merge an idea (the merge first asks which idea to merge into)."""
        query, worker = update.callback_query, update.effective_user
        assert query is not None and worker is not None
        action = await self.team.staff_tap(update, lambda a: a.question.isdigit() and bool(a.value))
        if action is None:
            return
        idea_id, value = int(action.question), action.value
        message = query.message if isinstance(query.message, Message) else None
        if value in ("m", "c"):  # choosing a merge target, or back from it: nothing decided yet
            idea = await self.ideas.get(idea_id)
            targets = await self.ideas.merge_targets(idea_id) if value == "m" else []
            if idea is None or idea.status != "pending":
                await query.answer("Someone has already decided on this idea.")
                return
            if value == "m" and not targets:
                await query.answer("There are no approved ideas to merge it into yet.", show_alert=True)
                return
            await query.answer()
            markup = merge_keyboard(idea, targets) if value == "m" else decision_keyboard(idea)
            if message is not None:
                await edit_quietly(message, idea_text(idea, self._title(idea)), markup)
            return
        if value in ("a", "r"):
            decided = await self.ideas.decide(idea_id, value, worker.id)
        elif value.startswith("m") and value[1:].isdigit():
            decided = await self.ideas.merge(idea_id, int(value[1:]), worker.id)
        else:
            await query.answer()
            return
        done = {APPROVED: "Approved.", REJECTED: "Rejected.", MERGED: "Merged."}
        if not decided.changed or decided.idea is None:
            await query.answer("Someone has already decided on this idea (or the merge no longer fits).")
        else:
            await query.answer(done.get(decided.idea.status, "Done."))
        if decided.idea is not None and message is not None:
            by = worker.full_name if decided.changed else None
            await edit_quietly(
                message,
                idea_text(decided.idea, self._title(decided.idea), by),
                decision_keyboard(decided.idea),
            )

    # --- the shortlist ---------------------------------------------------------------------------

    async def _shortlist_view(
        self, vote: Consultation, question: RankedQuestion
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        candidates, chosen = await self.ideas.shortlist(vote, question)
        fixed = "\n".join(f"• {escape(o.label)}" for o in question.options) or "• (none)"
        text = (
            f"🗳️ <b>Ballot for “{escape(vote.title)}”</b>\n"
            f"Always on it:\n{fixed}\n\n"
            "Tap approved ideas to put them on the ballot (✅) or take them off (➕). "
            "The ballot is locked once anyone has voted."
        )
        if not candidates:
            text += "\n\nNo approved ideas yet: approve some with /moderate first."
        rows = [
            [
                InlineKeyboardButton(
                    f"{'✅' if idea.id in chosen else '➕'} {idea.label} ({idea.support})",
                    # The state wanted, not "toggle": a double tap or a redelivery changes nothing more.
                    callback_data=Action(
                        Kind.SHORTLIST, vote.id, question.id, f"{'-' if idea.id in chosen else '+'}{idea.id}"
                    ).encode(),
                )
            ]
            for idea in candidates
        ]
        return text, InlineKeyboardMarkup(rows) if rows else None  # Telegram refuses an empty keyboard

    async def shortlist(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/shortlist <vote id>: choose which approved ideas go on the ballot."""
        message = update.effective_message
        assert message is not None
        vote = await staff_consultation(
            self.team, self.catalogue, update, context.args, "/shortlist <vote id>"
        )
        if vote is None:
            return
        question = _ranked_from_ideas(vote)
        if question is None:
            await message.reply_text(
                f"“{vote.title}” has no ranked question that takes its options from ideas."
            )
            return
        text, markup = await self._shortlist_view(vote, question)
        await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)

    async def choose_shortlisted(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, worker = update.callback_query, update.effective_user
        assert query is not None and worker is not None
        action = await self.team.staff_tap(
            update, lambda a: a.value[:1] in ("+", "-") and a.value[1:].isdigit()
        )
        if action is None:
            return
        vote = self.catalogue.find(action.consultation)
        question = vote.question(action.question) if vote else None
        if vote is None or not isinstance(question, RankedQuestion) or not question.options_from:
            await query.answer()
            return
        done = await self.ideas.set_shortlisted(
            vote, question, int(action.value[1:]), action.value[0] == "+", worker.id
        )
        refused = done not in (Shortlisting.ADDED, Shortlisting.REMOVED)
        await query.answer(done.value, show_alert=refused)
        if refused:
            return
        if isinstance(query.message, Message):
            text, markup = await self._shortlist_view(vote, question)
            await edit_quietly(query.message, text, markup)

    # --- closing and results -----------------------------------------------------------------

    async def close(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/close <id>: close a consultation now, after a confirming tap."""
        message = update.effective_message
        assert message is not None
        consultation = await staff_consultation(
            self.team, self.catalogue, update, context.args, "/close <consultation id>"
        )
        if consultation is None:
            return
        await message.reply_text(
            f"Close “{consultation.title}” now? No more answers or ballots will be accepted.",
            reply_markup=confirm_keyboard(Kind.CLOSE, consultation.id, "🔒 Yes, close it now"),
        )

    async def confirm_close(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, worker = update.callback_query, update.effective_user
        assert query is not None and worker is not None
        # YES, or no value: a question asked before Cancel existed.
        action = await self.team.staff_tap(
            update, lambda a: bool(a.consultation) and a.value in (YES, NO, "")
        )
        if action is None:
            return
        if action.value == NO:
            consultation = self.catalogue.find(action.consultation)
            if consultation is not None and not consultation.is_open(self.votes.clock()):
                await query.answer("Too late to cancel: it is closed.")  # another tap closed it
            else:
                await cancelled(update)
            return
        closed = await self.votes.close(action.consultation, worker.id)
        consultation = self.catalogue.find(action.consultation)
        title = consultation.title if consultation else action.consultation
        await query.answer("Closed." if closed else "It was not open.")
        if isinstance(query.message, Message):
            text = f"🔒 “{escape(title)}” is closed" + (
                f" (by {escape(worker.full_name)})." if closed else "."
            )
            await edit_quietly(query.message, text + " Its final results go to the team chat shortly.")
