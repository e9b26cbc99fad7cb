"""A vote's result for young people, from what was published: nobody, too few, no choice, a winner."""

from __future__ import annotations

from datetime import UTC, datetime
from sqlite3 import Connection

import pytest

from bot import published
from bot.core import texts
from bot.core.models import Consultation
from bot.published import Publication, PublishedVote, vote_screens
from bot.storage import published_repo
from bot.storage.db import Database
from bot.surveys import load
from bot.votes import Votes
from tests.conftest import E2E_SURVEYS

VOTE = Consultation.model_validate(
    {
        "id": "v",
        "title": "Name it",
        "intro": "I",
        "questions": [
            {
                "id": "q",
                "type": "ranked",
                "text": "Vote",
                "options": [{"id": "a", "label": "Alpha"}, {"id": "b", "label": "Beta"}],
            }
        ],
    }
)


def made(winner: str | None, nobody: bool = False, enough: bool = True) -> Publication:
    cells = [("a", 5, 9), ("b", 0, 4), ("_none", 0, 4)]
    return Publication([], "5 to 9", [PublishedVote("q", cells, winner, nobody, enough)])


@pytest.mark.parametrize(
    ("publication", "expected"),
    [
        (made(None, nobody=True, enough=False), texts.RESULT_NOBODY_VOTED),
        (made(None, enough=False), texts.RESULT_TOO_FEW),
        (made(None), texts.RESULT_NO_VOTES),
    ],
)
def test_no_winner_is_named_without_enough_votes(publication: Publication, expected: str) -> None:
    [screen] = vote_screens(publication, VOTE)
    assert screen.text == expected.format(title="Name it") and screen.image is None


def test_a_winner_comes_with_a_chart_of_bands_and_no_counts() -> None:
    [screen] = vote_screens(made("a"), VOTE)
    assert screen.text == texts.RESULT_WON.format(title="Name it", winner="Alpha")
    assert screen.image is not None and screen.image.startswith(b"\x89PNG")


async def test_a_publication_is_for_one_closing_date_and_a_later_close_replaces_it(db: Database) -> None:
    first, later = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    await db.transaction(lambda c: published_repo.freeze(c, "v", first, first.date(), '{"at": "first"}'))
    assert await db.read(lambda c: published_repo.frozen(c, "v", first)) == '{"at": "first"}'
    # A worker moved the closing date: it reopened, and what was frozen before is not this close's.
    assert await db.read(lambda c: published_repo.frozen(c, "v", later)) is None
    await db.transaction(lambda c: published_repo.freeze(c, "v", later, later.date(), '{"at": "later"}'))
    assert await db.read(lambda c: published_repo.frozen(c, "v", later)) == '{"at": "later"}'
    assert await db.read(lambda c: published_repo.frozen(c, "v", first)) is None


async def test_one_consultation_that_cannot_be_built_does_not_stop_the_others_being_frozen(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    catalogue, _ = load([E2E_SURVEYS])
    closed = [c for c in catalogue.consultations.values() if c.closes_at]
    assert len(closed) == 1  # "old-one", closed in 2020
    broken = closed[0].model_copy(update={"id": "broken-one"})
    for consultation in [broken, catalogue.consultations.pop("old-one")]:  # the broken one first
        catalogue.consultations[consultation.id] = consultation
    real_build = published.build

    def build(
        connection: Connection, consultation: Consultation, min_cell: int, about: object
    ) -> Publication:
        if consultation.id == "broken-one":
            raise ValueError("a definition the tally cannot read")
        return real_build(connection, consultation, min_cell, None)

    monkeypatch.setattr(published, "build", build)
    votes = Votes(db, catalogue, lambda: datetime(2026, 12, 6, tzinfo=UTC), 5)
    await published.freeze_closed(votes)
    assert await db.read(lambda c: published_repo.frozen(c, "old-one", closed[0].closes_at)) is not None
    assert "Could not freeze the published results of broken-one" in caplog.text
