"""Results people can act on: a vote two voters tied, settled by the documented draw, and a
summary taken during a tie, say so in their headline rather than naming a plain winner."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.core import irv, texts
from tests.conftest import RunningBot
from tests.e2e.test_feedback_and_safeguarding import agree
from tests.fake_telegram import FakeTelegram, User

TIED = """
id: tie-vote
title: Name the space
intro: Two quick questions. It's anonymous.
anonymous: true
questions:
  - id: when
    type: single_choice
    text: When should it open?
    options:
      - {id: evenings, label: "Evenings"}
      - {id: weekends, label: "Weekends"}
  - id: name
    type: ranked
    text: Which name do you like best?
    options:
      - {id: bright, label: "Bright Path"}
      - {id: harbour, label: "The Harbour"}
"""


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    (surveys / "tie-vote.yaml").write_text(TIED, encoding="utf-8")
    return settings.model_copy(update={"surveys_dir": surveys})


async def vote(user: User, when: str, name: str) -> None:
    await agree(user)
    await user.press("Name the space")
    await user.press(when)
    await user.press(name, exact=True)
    await user.press(texts.DONE_RANKING_BUTTON)
    await user.press(texts.SUBMIT_BUTTON)


async def test_a_one_one_vote_says_it_was_settled_by_a_draw(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    await vote(fake.user(9101, "A", "a_t"), "Evenings", "Bright Path")
    await vote(fake.user(9102, "B", "b_t"), "Weekends", "The Harbour")
    # The documented draw removes one of the two in round 1; the other wins round 2.
    seed = irv.seed_for("tie-vote", "name")
    counted = irv.count([["bright"], ["harbour"]], ["bright", "harbour"], seed)
    winner = {"bright": "Bright Path", "harbour": "The Harbour"}[counted.winner or ""]

    summary = "\n".join(m.text or "" for m in await worker.send("/summary"))
    assert "• When should it open?: tied: Evenings and Weekends (1 each)" in summary
    assert "• tied now: Bright Path and The Harbour (instant-runoff of 2 ballots" in summary
    assert "leading now" not in summary

    live = "\n".join(m.text or "" for m in await worker.send("/results tie-vote"))
    assert (
        f"🏆 Tied now between Bright Path and The Harbour (if it closed now, a draw would pick {winner})"
        in live
    )
    assert "⚠️ Only 2 young people voted: a few changed minds could change the result." in live

    await worker.press("Yes, close it now", message=(await worker.send("/close tie-vote"))[0])
    final = "\n".join(m.text or "" for m in await worker.send("/results tie-vote"))
    assert f"🏆 Winner by a draw between Bright Path and The Harbour (seed {seed}): {winner}" in final
    assert "Winner: " not in final
