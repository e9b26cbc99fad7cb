"""What `/results` shows the team for a consultation: its figures, each question's tally in words
(from finished responses), a vote's count, and where the photos young people sent are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from sqlite3 import Connection

from bot.core.models import Consultation, PhotoQuestion, RankedQuestion, TextQuestion
from bot.core.tallies import describe
from bot.photo_answers import PhotoAnswers
from bot.storage import repos, results_repo
from bot.summaries import consultation_lines
from bot.votes import VoteResult, count_votes


@dataclass(frozen=True)
class Results:
    sections: list[str]  # Telegram HTML, each sent as its own message(s)
    votes: list[VoteResult]
    photos: list[tuple[Path, str]]  # for workers only, in albums: each photo with its caption
    written: list[TextQuestion]  # the text questions with written answers to show workers


def gather(db: Connection, consultation: Consultation, photos: PhotoAnswers, now: datetime) -> Results:
    figures = "\n".join(consultation_lines(db, consultation, None, now, questions_shown=0))
    # A vote is left out: its instant-runoff count follows (a Borda order could contradict it).
    asked = [q for q in consultation.questions if not isinstance(q, RankedQuestion)]
    tallies = results_repo.tallies(db, consultation.id, asked)
    questions = []
    for question in asked:
        lines = describe(tallies[question.id])
        questions.append("\n".join([f"<b>{escape(lines[0])}</b>", *(escape(line) for line in lines[1:])]))
    pictures = [
        (photos.path(name), f"{consultation.title}: {question.text}")  # which it answers, once forwarded
        for question in consultation.questions
        if isinstance(question, PhotoQuestion)
        for name in repos.photos_of_question(db, consultation.id, question.id)
    ]
    written = [q for q in asked if isinstance(q, TextQuestion) and tallies[q.id].answered]
    sections = [section for section in (figures, "\n\n".join(questions)) if section]
    return Results(sections, count_votes(db, consultation), pictures, written)
