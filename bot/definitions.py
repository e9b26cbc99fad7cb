"""The consultations the bot serves and where each stands. Files in surveys/, files workers send
in chat and quick polls are all recorded in the database with a state: draft (workers only),
launched (then open or closed by its dates and /close) or archived. A definition young people have
started answering is frozen: when a file's questions change after that, the change is saved as a
new version (`<id>-v2`), a draft, rather than changing questions under them. Workers preview a
consultation on a hidden copy whose answers never reach the results and are deleted at launch."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from sqlite3 import Connection
from typing import Any

import yaml

from bot import surveys
from bot.core.actions import CALLBACK_DATA_MAX_BYTES
from bot.core.i18n import LANGUAGES, Reading
from bot.core.models import CONSULTATION_ID_MAX, ENGLISH, PREVIEW_MARK, Consultation, Question
from bot.photo_answers import PhotoAnswers
from bot.storage import definitions_repo, recordings_repo, repos
from bot.storage.db import Database
from bot.storage.definitions_repo import Definition, Origin
from bot.surveys import WHOLE_FILE, Catalogue, Problem, Source, longest_button

log = logging.getLogger(__name__)

UPLOAD_MAX_BYTES = 256 * 1024  # a consultation file is a few KB; this is plenty
# Checking an upload runs in a thread, so everyone else's updates (safeguarding included) go on
# meanwhile; a file of UPLOAD_MAX_BYTES takes well under a second. A thread cannot be stopped, so
# this limit only frees the worker's chat: what keeps a hostile file from running on is the loader
# refusing anchors and aliases and capping size and depth (surveys.load_yaml).
CHECK_SECONDS = 10.0
TOO_SLOW = (
    "❌ Checking {name} took too long, so nothing was saved. A consultation file is a few KB: is it "
    "the right file?"
)
PROBLEMS_SHOWN = 60  # the whole report of any real file (split into messages); past this, counted
NOT_TEXT = "I couldn't read {name}: a consultation file is plain text (UTF-8), like the ones in surveys/."
RECORD_HOW = (
    "To give a question a voice note: /preview the consultation, then reply to the question's "
    "message (hold it, tap Reply) with a voice note. It plays in the language you read me in."
)
SAVED = (
    "Young people can't see it yet.\n"
    "• Try it as they would: /preview {id}\n"
    "• Open it: /launch {id}\n"
    "• Change it: send the file again."
)


@dataclass(frozen=True)
class Launched:
    consultation: Consultation
    earlier_open: list[str]  # earlier versions still open: the worker may want to /close them


def version_id(base_id: str, version: int) -> str:
    suffix = f"-v{version}"
    return base_id[: CONSULTATION_ID_MAX - len(suffix)] + suffix


def _with_id(text: str, consultation_id: str) -> str:
    """The YAML (already checked) with its id replaced, for a version filed under a new id."""
    raw = surveys.load_yaml(text)
    if raw["id"] == consultation_id:
        return text
    raw["id"] = consultation_id
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def _erase_previews(db: Connection) -> list[str]:
    """Answers to preview copies left from before a restart (previews live in memory only); the
    photos whose files to delete."""
    previews = [c for c in repos.consultations_with_responses(db) if c.endswith(PREVIEW_MARK)]
    return [photo for copy_id in previews for photo in repos.erase_consultation(db, copy_id)]


def same_questions(a: Consultation, b: Consultation) -> bool:
    """Whether an answer to one means the same in the other: the same anonymity and the same
    questions and options, in English. Titles, introductions, dates, easy-read wording,
    recordings and translations may change under answers (translators keep the meaning; a
    translation completed later must not split the results)."""

    def meaning(consultation: Consultation) -> list[Question]:
        return [q.model_copy(update={"easy_text": None, "audio": None}) for q in consultation.questions]

    return a.anonymous == b.anonymous and meaning(a) == meaning(b)


class Definitions:
    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        surveys_dir: Path,
        photos: PhotoAnswers,
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self.catalogue = catalogue
        self.surveys_dir = surveys_dir
        self.photos = photos
        self.clock = clock

    def _source(self, row: Definition) -> Source:
        names: dict[Origin, str] = {
            "file": row.source if row.version == 1 else f"{row.source} (version {row.version})",
            "upload": f"uploaded {row.source}",
            "quick poll": f"quick poll {row.id}",
        }
        return Source(names[row.origin], row.definition, self.surveys_dir)

    # --- start-up ------------------------------------------------------------------------------

    async def load(self) -> list[Problem]:
        """Record the files in surveys/ (new ones as launched, changed ones updated or versioned),
        then fill the catalogue with every recorded consultation. Returns the problems found."""
        sources, problems = surveys.read_files([self.surveys_dir])
        files: dict[str, tuple[Source, Consultation]] = {}
        for source in sources:
            consultation, found = surveys.parse(source)
            if consultation is None:  # the warnings of those served come with loading them below
                problems += found
            elif consultation.id in files:
                reason = (
                    f"consultation id '{consultation.id}' is already used by {files[consultation.id][0].name}"
                )
                problems.append(Problem(source.name, WHOLE_FILE, reason))
            else:
                files[consultation.id] = (source, consultation)
        now = self.clock()
        problems += await self.db.transaction(lambda db: self._record_files(db, files, now))
        self.photos.forget(await self.db.transaction(_erase_previews))
        rows = await self.db.read(definitions_repo.all_definitions)
        # A file's consultation is served while its file is there, even if the file now has a
        # mistake (the recorded definition carries on); removing the file, or giving it another
        # id, retires it. A draft archived without ever being launched is gone for good.
        present = [s.name for s in sources]
        broken = set(present) - {source.name for source, _ in files.values()}
        served = [
            r
            for r in rows
            if (r.origin != "file" or r.base_id in files or r.source in broken)
            and (r.state != "archived" or r.ever_launched)
        ]
        served.sort(
            key=lambda r: present.index(r.source) if r.origin == "file" and r.source in present else 1e9
        )
        consultations, found = surveys.load_sources(self._source(r) for r in served)
        self.catalogue.consultations.clear()
        self.catalogue.drafts.clear()
        self.catalogue.archived.clear()
        for row in served:
            consultation = consultations.get(row.id)
            if consultation is None:
                continue
            if row.state == "draft":
                self.catalogue.drafts[row.id] = consultation
            else:
                self.catalogue.consultations[row.id] = consultation
            if row.state == "archived":
                self.catalogue.archived.add(row.id)
        self._mark_superseded(served)
        return problems + found

    def _mark_superseded(self, rows: list[Definition]) -> None:
        """Launched versions with a newer launched one: young people who have not begun them see
        only the newest (two buttons with one title would be a guess)."""
        launched = [r for r in rows if r.id in self.catalogue.consultations]
        newest: dict[str, Definition] = {}
        for row in launched:
            if row.base_id not in newest or row.version > newest[row.base_id].version:
                newest[row.base_id] = row
        self.catalogue.superseded.clear()
        self.catalogue.superseded.update(r.id for r in launched if newest[r.base_id] is not r)

    def _record_files(
        self, db: Connection, files: dict[str, tuple[Source, Consultation]], now: datetime
    ) -> list[Problem]:
        rows = definitions_repo.all_definitions(db)  # kept up to date with the rows added below
        answered = definitions_repo.answered(db)
        problems = []
        for base_id, (source, consultation) in files.items():
            clash = next(
                (r for r in rows if r.id == base_id and (r.origin, r.base_id) != ("file", base_id)), None
            )
            if clash is not None:
                used_by = self._source(clash).name
                reason = f"the id '{base_id}' is already used by {used_by}: give this file another id"
                problems.append(Problem(source.name, WHOLE_FILE, reason))
                continue
            versions = sorted((r for r in rows if r.base_id == base_id), key=lambda r: r.version)
            if not versions:
                row = Definition(base_id, base_id, 1, "file", source.name, source.text, "launched", True)
                definitions_repo.add(db, row, None, now)
                rows.append(row)
                continue
            latest = versions[-1]
            stored, _ = surveys.parse(self._source(latest))
            wanted = consultation.model_copy(update={"id": latest.id})
            if stored == wanted and latest.source == source.name:
                continue
            for stale in surveys.stale_translations(source.name, latest.definition, source.text):
                log.warning("%s", stale)
            # A recorded definition that no longer passes the checks is still what was answered.
            if latest.id not in answered or (stored is not None and same_questions(stored, wanted)):
                text = _with_id(source.text, latest.id)
                definitions_repo.update_definition(db, latest.id, source.name, text, None, now)
                continue
            version = latest.version + 1
            while version_id(base_id, version) in {r.id for r in rows}:
                version += 1
            new_id = version_id(base_id, version)
            text = _with_id(source.text, new_id)
            row = Definition(new_id, base_id, version, "file", source.name, text, "draft")
            definitions_repo.add(db, row, None, now)
            recordings_repo.copy(db, latest.id, new_id)
            rows.append(row)
            log.warning(
                "%s: its questions changed after young people began answering '%s', who carry on with the "
                "questions they started. The new questions are saved as draft '%s' (/preview %s, then "
                "/launch %s); from now on the file changes that draft, not '%s' (end it with /close %s).",
                source.name,
                latest.id,
                new_id,
                new_id,
                new_id,
                latest.id,
                latest.id,
            )
        return problems

    # --- a worker's uploads, previews, launches and archiving -----------------------------------

    async def upload(self, worker_id: int, file_name: str, data: bytes) -> str:
        """A consultation file sent in chat: checked like a file in surveys/ and saved as a draft
        (a new version if its id is already launched). What to tell the worker."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return NOT_TEXT.format(name=file_name)
        source = Source(file_name, text, self.surveys_dir)
        try:
            checked = await asyncio.wait_for(
                asyncio.to_thread(_check_upload, source, self.catalogue.with_drafts()), CHECK_SECONDS
            )
        except TimeoutError:
            log.warning("Checking an uploaded file took over %s s; the worker was told", CHECK_SECONDS)
            return TOO_SLOW.format(name=file_name)
        if isinstance(checked, str):
            return checked
        consultation, warnings = checked
        now = self.clock()

        def save(db: Connection) -> tuple[str, Consultation | None, list[Problem], Definition | None]:
            """(what happened, the draft saved, problems with it under its new id, the version it
            follows)."""
            rows = {r.id: r for r in definitions_repo.all_definitions(db)}
            row = rows.get(consultation.id)
            if row is None:
                definitions_repo.add(
                    db,
                    Definition(consultation.id, consultation.id, 1, "upload", file_name, text, "draft"),
                    worker_id,
                    now,
                )
                return "new", consultation, [], None
            if row.origin != "upload":
                return "taken", None, [], None
            latest = max((r for r in rows.values() if r.base_id == row.base_id), key=lambda r: r.version)
            target_id = latest.id
            # A draft archived without being launched comes back as the draft; anything launched
            # keeps its questions, and the file becomes the next version.
            revive = latest.state == "archived" and not latest.ever_launched
            if latest.state != "draft" and not revive:
                stored, _ = surveys.parse(self._source(latest))
                if stored == consultation.model_copy(update={"id": latest.id}):
                    return "same", stored, [], latest
                version = latest.version + 1
                while version_id(row.base_id, version) in rows:
                    version += 1
                target_id = version_id(row.base_id, version)
            if target_id == consultation.id:
                final_text, saved = text, consultation  # as checked off the event loop
            else:
                final_text = _with_id(text, target_id)
                saved, found = surveys.parse(Source(file_name, final_text, self.surveys_dir))
                if saved is None:
                    return "problems", None, found, None
            if target_id == latest.id:
                definitions_repo.update_definition(db, target_id, file_name, final_text, worker_id, now)
                if revive:
                    definitions_repo.set_state(db, target_id, "draft", worker_id, now)
                return "updated", saved, [], latest
            new = Definition(target_id, row.base_id, version, "upload", file_name, final_text, "draft")
            definitions_repo.add(db, new, worker_id, now)
            recordings_repo.copy(db, latest.id, target_id)
            return "new version", saved, [], latest

        outcome, saved, problems, earlier = await self.db.transaction(save)
        was = "was archived" if earlier is not None and earlier.state == "archived" else "is already launched"
        if earlier is not None:
            warnings += await asyncio.to_thread(
                surveys.stale_translations, file_name, earlier.definition, text
            )
        if outcome == "problems":
            return problems_text(file_name, text, problems)
        if outcome == "taken":
            return (
                f"The id '{consultation.id}' is already used by a consultation from the server's surveys "
                "folder or a quick poll. Give your file another id (the `id:` line) and send it again."
            )
        assert saved is not None
        if outcome == "same":
            return f"That file is the same as {saved.id}, which {was}: nothing changed."
        self.catalogue.drafts[saved.id] = saved
        questions = f"{len(saved.questions)} question{'s' if len(saved.questions) != 1 else ''}"
        heading = {
            "new": f"✅ Saved “{saved.title}” ({questions}) as a draft: {saved.id}.",
            "updated": f"✅ Draft {saved.id} updated: “{saved.title}”, {questions}.",
            "new version": f"✅ {consultation.id} {was}, so this is saved as a new version: "
            f"draft {saved.id} (“{saved.title}”, {questions}).",
        }[outcome]
        said = f"{heading}\n{SAVED.format(id=saved.id)}"
        if warnings:
            said += "\n\n⚠️ Saved, but worth a look:\n" + "\n".join(_problem_lines(text, warnings))
        return said

    async def preview(self, consultation_id: str) -> Consultation | str:
        """A fresh hidden copy of a draft or launched consultation, open now whatever its dates
        (earlier preview answers to it are deleted); or why there can't be one."""
        consultation = self.catalogue.drafts.get(consultation_id) or self.catalogue.consultations.get(
            consultation_id
        )
        if consultation is None:
            return self.unknown(consultation_id)
        copy_id = consultation_id + PREVIEW_MARK
        too_long = [
            q.id for q in consultation.questions if longest_button(copy_id, q) > CALLBACK_DATA_MAX_BYTES
        ]
        if too_long:
            return (
                f"I can't preview {consultation_id}: a preview adds {len(PREVIEW_MARK)} characters to its "
                f"buttons, and question {too_long[0]} would go over Telegram's limit. Shorten its option "
                "ids (or the consultation's id) by 2 characters, or try it after launching."
            )
        await self._forget_preview(copy_id)
        update: dict[str, Any] = {"id": copy_id, "opens_at": None, "closes_at": None}
        copy = consultation.model_copy(update=update)
        self.catalogue.previews[copy_id] = copy
        return copy

    async def _forget_preview(self, copy_id: str) -> None:
        photos = await self.db.transaction(lambda db: repos.erase_consultation(db, copy_id))
        self.photos.forget(photos)

    async def launch(self, worker_id: int, consultation_id: str) -> Launched | str:
        """Open a draft to young people (at its opens_at, if that is later). The launched
        consultation, or why not in plain words."""
        draft = self.catalogue.drafts.get(consultation_id)
        now = self.clock()
        if draft is None:
            if consultation_id in self.catalogue.consultations:
                return f"{consultation_id} is already launched. /consultations shows where each stands."
            return self.unknown(consultation_id)
        if draft.closes_at and draft.closes_at <= now:
            return (
                f"{consultation_id} closes on {draft.closes_at:%d %b %Y}, which has passed. Change its "
                "closes_at and send the file again."
            )

        def launch(db: Connection) -> list[str]:
            definitions_repo.set_state(db, consultation_id, "launched", worker_id, now)
            return repos.erase_consultation(db, consultation_id + PREVIEW_MARK)

        self.photos.forget(await self.db.transaction(launch))
        self.catalogue.previews.pop(consultation_id + PREVIEW_MARK, None)
        self.catalogue.consultations[consultation_id] = self.catalogue.drafts.pop(consultation_id)
        rows = await self.db.read(definitions_repo.all_definitions)
        self._mark_superseded(rows)
        base_id = next(r.base_id for r in rows if r.id == consultation_id)
        earlier = [
            r.id
            for r in rows
            if r.base_id == base_id
            and r.id != consultation_id
            and (c := self.catalogue.consultations.get(r.id)) is not None
            and c.is_open(now)
        ]
        return Launched(draft, earlier)

    async def archive(self, worker_id: int, consultation_id: str) -> str:
        """Put away a closed consultation (its results stay for the team; young people no longer
        see it) or a draft nobody needs. What to tell the worker."""
        now = self.clock()
        launched = self.catalogue.consultations.get(consultation_id)
        if consultation_id in self.catalogue.archived:
            return f"{consultation_id} is already archived."
        if launched is not None and (launched.closes_at is None or now < launched.closes_at):
            return f"{consultation_id} hasn't closed yet. Close it first with /close {consultation_id}."
        if launched is None and consultation_id not in self.catalogue.drafts:
            rows = await self.db.read(definitions_repo.all_definitions)
            if any(r.id == consultation_id and r.state == "archived" for r in rows):
                return f"{consultation_id} is already archived."
            return self.unknown(consultation_id)
        await self.db.transaction(
            lambda db: definitions_repo.set_state(db, consultation_id, "archived", worker_id, now)
        )
        if launched is None:
            del self.catalogue.drafts[consultation_id]
            await self._forget_preview(consultation_id + PREVIEW_MARK)
            self.catalogue.previews.pop(consultation_id + PREVIEW_MARK, None)
            return f"🗄 Draft {consultation_id} archived: it is no longer listed."
        self.catalogue.archived.add(consultation_id)
        return (
            f"🗄 {consultation_id} archived. Young people no longer see it or its result; its results "
            f"stay for the team (/results {consultation_id})."
        )

    async def record_voice(
        self, worker_id: int, consultation_id: str, question_id: str, reading: Reading, file_id: str
    ) -> str:
        """A worker's voice note for a question (from a preview, or the consultation itself), of
        the words they were shown: in their language if the consultation has it (else English),
        easy read or not. It plays for young people shown those same words. What to tell them."""
        consultation_id = consultation_id.removesuffix(PREVIEW_MARK)
        consultation = self.catalogue.with_drafts().get(consultation_id)
        if consultation is None:
            return RECORD_HOW
        language = reading.language if reading.language in consultation.worded_in else ENGLISH
        question = consultation.worded_for(language, reading.easy).question(question_id)
        if question is None:
            return RECORD_HOW
        now, words = self.clock(), recordings_repo.wording_sha256(question.text)
        await self.db.transaction(
            lambda db: recordings_repo.record(
                db, consultation_id, question_id, language, file_id, words, worker_id, now
            )
        )
        wording = ", easy read" if reading.easy and question.easy_text else ""
        return (
            f"🔊 Saved: young people who listen ({LANGUAGES[language]}{wording}) will hear this with "
            f"question {question_id} of {consultation_id}. Send another the same way to replace it."
        )

    def unknown(self, consultation_id: str) -> str:
        return f"There's no consultation or draft called '{consultation_id}'. /consultations lists them."

    async def next_quick_poll_id(self) -> str:
        rows = await self.db.read(definitions_repo.all_definitions)
        taken = {r.id for r in rows}
        number = sum(r.origin == "quick poll" for r in rows) + 1
        while f"poll-{number}" in taken:
            number += 1
        return f"poll-{number}"

    async def add_quick_poll(self, worker_id: int, consultation: Consultation, text: str) -> None:
        """Record a quick poll (its YAML, already checked), launched at once."""
        row = Definition(consultation.id, consultation.id, 1, "quick poll", "quick poll", text, "launched")
        await self.db.transaction(lambda db: definitions_repo.add(db, row, worker_id, self.clock()))
        self.catalogue.consultations[consultation.id] = consultation


def _check_upload(
    source: Source, others: dict[str, Consultation]
) -> tuple[Consultation, list[Problem]] | str:
    """An upload checked as a file in surveys/ would be (in a thread): the consultation and its
    warnings, or what to tell the worker about its problems."""
    loaded, problems = surveys.load_sources([source], others)
    consultation = next(iter(loaded.values()), None)
    warnings = [p for p in problems if p.warning]
    if consultation is None or len(warnings) < len(problems):
        return problems_text(source.name, source.text, [p for p in problems if not p.warning])
    return consultation, warnings


def problems_text(file_name: str, text: str, problems: list[Problem]) -> str:
    """What was wrong with an uploaded file, in plain words, each with the question it concerns."""
    return "\n".join(
        [
            f"❌ I couldn't save {file_name}: nothing was saved. Please fix this and send it again:",
            *_problem_lines(text, problems),
            "surveys/README.md describes every field, with examples.",
        ]
    )


def _problem_lines(text: str, problems: list[Problem]) -> list[str]:
    try:
        raw = surveys.load_yaml(text)
    except surveys.NotLoaded:
        raw = None
    questions = raw.get("questions") if isinstance(raw, dict) else None
    named = {
        str(q.get("id")): (number, _english(q.get("text")))
        for number, q in enumerate(questions if isinstance(questions, list) else [], 1)
        if isinstance(q, dict)
    }
    lines = []
    for problem in problems[:PROBLEMS_SHOWN]:
        if problem.question in named:
            number, words = named[problem.question]
            words = words if len(words) <= 40 else words[:39] + "…"
            where = f"Question {number} ({problem.question}{f': “{words}”' if words else ''})"
        elif problem.question == WHOLE_FILE:
            where = "The file"
        else:
            where = problem.question.capitalize()
        line = f"line {problem.line}: " if problem.line else ""
        lines.append(f"• {where}: {line}{problem.reason}")
    if len(problems) > PROBLEMS_SHOWN:
        lines.append(f"…and {len(problems) - PROBLEMS_SHOWN} more.")
    return lines


def _english(wording: object) -> str:
    """A wording field's English, whether it is written plainly or per language."""
    if isinstance(wording, dict):
        wording = wording.get("en")
    return str(wording or "")
