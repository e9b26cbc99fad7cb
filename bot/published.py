"""What anyone outside the team learns about a consultation's results, and freezing it at close.

Officers' totals (`/results`, `/export`, `/consultations`) and a vote's result for young people
come from one `Publication`, built with every count through `bot.core.suppression` and stored the
first time it is needed after the consultation closes. Nothing is published while a consultation is
open (one day's totals against the next would show how the last person answered), and nothing
changes after: a `/deleteme` removes that young person's rows, not what was already published.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from sqlite3 import Connection

from bot.about_you.profiles import Profiles
from bot.about_you.tables import for_consultation as about_you_tables
from bot.charts import bands_chart
from bot.core import texts
from bot.core.models import Consultation, RankedQuestion
from bot.core.screens import Screen
from bot.core.suppression import band
from bot.exports import OFFICER_HEADER, Table, officer_table
from bot.storage import published_repo, results_repo, summary_repo
from bot.storage.db import Database
from bot.votes import Votes, cell_name, count_votes, enough_took_part, vote_table, with_ballot_options

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishedVote:
    question_id: str
    cells: list[tuple[str, int, int]]  # (option id, or two joined by a space; band low; band high)
    winner: str | None  # option id: None when too few took part, or nobody chose any option
    nobody: bool  # nobody reached the vote at all
    enough: bool  # whether enough took part to name a winner


@dataclass(frozen=True)
class Publication:
    rows: list[list[str]]  # the officers' table (`bot.exports.OFFICER_HEADER`)
    finished: str  # finished responses, as published
    votes: list[PublishedVote]
    # "About you": who took part against the cohort, and breakdowns (`bot.about_you.tables`)
    reach: list[list[str]] = field(default_factory=list)
    breakdowns: list[list[str]] = field(default_factory=list)

    @property
    def officer_table(self) -> Table:
        return OFFICER_HEADER, self.rows


def build(
    db: Connection, consultation: Consultation, min_cell: int, about: Profiles | None = None
) -> Publication:
    """The publication from what is stored now (for `frozen`, and the tests)."""
    live = with_ballot_options(db, consultation)  # a vote's options as its ballots name them
    tallies = results_repo.tallies(db, consultation.id, live.questions)
    tables = {
        result.question.id: (result, vote_table(result, tallies[result.question.id].reached, min_cell))
        for result in count_votes(db, consultation)
    }
    _, rows = officer_table(live, tallies, tables, min_cell)
    finished = summary_repo.consultation_figures(db, consultation.id, 0).submitted
    votes = []
    for result, table in tables.values():
        enough = enough_took_part(table, min_cell)
        votes.append(
            PublishedVote(
                result.question.id,
                [(key, cell.low, cell.high) for key, cell in table.cells.items()],
                result.count.winner if enough else None,
                table.total.high == 0,
                enough,
            )
        )
    tables = about_you_tables(db, consultation, about, min_cell)
    return Publication(
        rows,
        band(finished, min_cell).shown if finished else "0",
        votes,
        tables.reach if tables else [],
        tables.breakdowns if tables else [],
    )


def _stored(db: Connection, consultation: Consultation) -> Publication | None:
    """The publication frozen at this consultation's close (one frozen at an earlier closing date,
    before a worker moved it, is not this one)."""
    assert consultation.closes_at is not None
    body = published_repo.frozen(db, consultation.id, consultation.closes_at)
    if body is None:
        return None
    found = json.loads(body)
    votes = [PublishedVote(**{**v, "cells": [tuple(c) for c in v["cells"]]}) for v in found["votes"]]
    return Publication(
        found["rows"], found["finished"], votes, found.get("reach", []), found.get("breakdowns", [])
    )


def _freeze(db: Connection, consultation: Consultation, made: Publication, now: datetime) -> Publication:
    """In a transaction: the publication stored for this close, `made` if none is yet."""
    assert consultation.closes_at is not None
    stored = _stored(db, consultation)
    if stored is not None:  # another reader froze it first
        return stored
    published_repo.freeze(db, consultation.id, consultation.closes_at, now.date(), json.dumps(asdict(made)))
    return made


async def publication(votes: Votes, consultation: Consultation) -> Publication | None:
    """What may be published about a launched consultation: None while it is open or not yet open;
    after close, what was frozen then (the lifecycle job freezes it; a reader asking first does)."""
    now = votes.clock()
    if consultation.closes_at is None or consultation.closes_at > now:
        return None
    stored = await votes.db.read(lambda db: _stored(db, consultation))
    if stored is not None:
        return stored
    # Built over every answer beside the loop (young people's updates go on meanwhile), then stored.
    made = await votes.db.read_aside(lambda db: build(db, consultation, votes.min_cell, votes.about_you))
    return await votes.db.transaction(lambda db: _freeze(db, consultation, made, now))


async def freeze_closed(votes: Votes) -> None:
    """Freeze what is published about each consultation that has closed, as the lifecycle job
    finds it closed: a /deleteme between the close and the first reader changes nothing either."""
    # A copy: the catalogue can change while each publication is built beside the loop.
    for consultation in list(votes.catalogue.consultations.values()):
        try:
            await publication(votes, consultation)
        except Exception:  # one that cannot be built must not keep the others from being frozen
            log.exception("Could not freeze the published results of %s; will try again", consultation.id)


def vote_screens(publication: Publication, live: Consultation) -> list[Screen]:
    """A closed vote's result for young people, worded for the reader (`live`: the consultation in
    their language, with its shortlisted ideas): the winner and, once enough took part, a chart of
    first choices in bands. Drawn in the caller's thread (about 0.3 s a chart)."""
    screens = []
    for vote in publication.votes:
        question = live.question(vote.question_id)
        if not isinstance(question, RankedQuestion):
            continue
        if vote.nobody:
            screens.append(Screen(texts.RESULT_NOBODY_VOTED.format(title=live.title)))
        elif not vote.enough:
            screens.append(Screen(texts.RESULT_TOO_FEW.format(title=live.title)))
        elif vote.winner is None:
            screens.append(Screen(texts.RESULT_NO_VOTES.format(title=live.title)))
        else:
            winner = question.option(vote.winner)
            labels = [cell_name(question, key, texts.NO_CHOICE, texts.EITHER) for key, _, _ in vote.cells]
            chart = bands_chart(live.title, labels, [(low, high) for _, low, high in vote.cells])
            text = texts.RESULT_WON.format(title=live.title, winner=winner.label if winner else vote.winner)
            screens.append(Screen(text, image=chart))
    return screens


async def live_for_reader(database: Database, worded: Consultation) -> Consultation:
    """The consultation in the reader's words, with the shortlisted ideas a vote drew on."""
    return await database.read(lambda db: with_ballot_options(db, worded))
