"""Naming the service, end to end: ideas, moderation, the shortlist, a ranked vote, the count."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core import texts
from bot.core.ideas import display_label
from tests.conftest import TEAM_CHAT, WORKER, RunningBot
from tests.e2e.test_feedback_and_safeguarding import agree, eventually, rows
from tests.fake_telegram import FakeTelegram, Group, User
from tests.fake_telegram.server import SentMessage

SHIPPED = Path(__file__).parents[2] / "surveys"
IDEAS = "Name the new service"
VOTE = "Vote for the new service name"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The shipped naming files with their dates taken out, so both phases are open now."""
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    for name in ("service-name-ideas.yaml", "service-name-vote.yaml"):
        text = (SHIPPED / name).read_text(encoding="utf-8")
        (surveys / name).write_text(re.sub(r"(?m)^(opens|closes)_at:.*\n", "", text), encoding="utf-8")
    return settings.model_copy(update={"surveys_dir": surveys})


async def suggest(user: User, *ideas: str, why: str | None = None) -> None:
    """Agree, open the ideas consultation, send each idea (a reason for the first), send it all."""
    await agree(user)
    await user.press(IDEAS)
    for number, idea in enumerate(ideas):
        [asked] = await user.send(idea)
        assert asked.text == texts.ASK_WHY.format(idea=display_label(idea))
        if number == 0 and why:
            [question] = await user.send(why)
        else:
            [question] = await user.press(texts.NO_REASON_BUTTON)
        assert texts.YOUR_IDEAS in question.text
    await user.press(texts.NEXT_BUTTON)
    await user.press(texts.SKIP_BUTTON)  # how the name should feel: optional
    await user.press(texts.SUBMIT_BUTTON)


def idea_post(team: Group, label: str) -> SentMessage:
    [post] = [m for m in team.messages if m.text and m.text.startswith("💡") and f"“{label}”" in m.text]
    return post


async def open_vote(user: User) -> list[SentMessage]:
    await user.send("/start")
    return await user.press(VOTE)


async def vote(user: User, *choices: str, first_time: bool = True) -> list[SentMessage]:
    if first_time:
        await agree(user)
        await user.press(VOTE)
    else:
        await open_vote(user)
    for choice in choices:
        await user.press(choice, exact=True)
    if choices:
        await user.press(texts.DONE_RANKING_BUTTON)
    return await user.press(texts.SUBMIT_BUTTON)


async def test_ideas_moderation_shortlist_vote_and_count(
    fake: FakeTelegram, bot: RunningBot, team: Group, worker: User
) -> None:
    people = [fake.user(5000 + n, f"Young person {n}", f"yp_{n}") for n in range(12)]
    # Phase 1: a dozen young people send ideas, with duplicates written differently.
    await suggest(people[0], "Base Camp", "The Harbour", why="It's where you start from")
    await suggest(people[1], "base camp!", "Safe Haven")
    await suggest(people[2], "SAFE  HAVEN")
    await suggest(people[3], "The Harbour")
    await suggest(people[4], "Sh1t Hole")  # profane: held for the team, never shown to others
    await suggest(people[5], "Harbour")  # the team merges it into "The Harbour"
    await suggest(people[6], "Text me on 07700 900123")  # personal data: held
    for person in people[7:]:
        await suggest(person, "Base Camp")

    # The bot will not take a fourth idea, nor the same idea twice from one person.
    late = people[0]
    await late.send("/start")
    await late.press("✅ " + IDEAS)  # the list marks it sent; it allows changes until it closes
    [again] = await late.press(texts.CHANGE_BUTTON)
    assert "Base Camp" in again.text and "The Harbour" in again.text
    [problem, _] = await late.send("BASE-CAMP")
    assert problem.text == texts.IDEA_ALREADY_SENT

    # Every distinct idea reaches the team chat once, with how many sent it.
    await bot.run_outbox()
    await eventually(lambda: len([m for m in team.messages if (m.text or "").startswith("💡")]) == 6, "ideas")
    # Each went when its sender had finished with it; /moderate has the support as it is now.
    assert "sent by 1 young person" in idea_post(team, "Base Camp").text
    queue = await worker.send("/moderate")
    assert queue[0].text == "6 ideas waiting for a decision."
    [base_camp] = [m for m in queue if "“Base Camp”" in (m.text or "")]
    assert "sent by 7 young people" in base_camp.text
    summary = "\n".join(m.text or "" for m in await worker.send("/summary"))
    assert "💡 Ideas: 6 waiting for a decision (/moderate)" in summary
    assert "It's where you start from" in idea_post(team, "Base Camp").text
    assert "⚠️ Held" in idea_post(team, "Sh1t Hole").text and "swear" in idea_post(team, "Sh1t Hole").text
    assert "phone number" in idea_post(team, "Text me on 07700 900123").text

    # A young person cannot moderate; a worker can.
    await people[3].press("Approve", message=idea_post(team, "Base Camp"))
    assert people[3].last_callback_answer == "Sorry, only the participation team can do that."
    for label in ("Base Camp", "The Harbour", "Safe Haven"):
        await worker.press("Approve", message=idea_post(team, label))
    await worker.press("Reject", message=idea_post(team, "Sh1t Hole"))
    await worker.press("Reject", message=idea_post(team, "Text me on 07700 900123"))
    await worker.press("Merge into", message=idea_post(team, "Harbour"))
    await worker.press("into “The Harbour”", message=idea_post(team, "Harbour"))
    assert "Merged into idea" in idea_post(team, "Harbour").text
    assert "Approved by Wendy" in idea_post(team, "Base Camp").text
    decisions = rows(bot, "SELECT decided_by, decided_at FROM ideas WHERE label = 'Safe Haven'")
    [(decided_by, decided_at)] = decisions
    assert decided_by == WORKER and decided_at
    [waiting] = await worker.send("/moderate")
    assert waiting.text == "No ideas are waiting for a decision. 🎉"

    # Before the shortlist is built, the vote is not ready.
    voter = people[3]
    await voter.send("/start")
    [not_ready] = await voter.press(VOTE)
    assert not_ready.text == texts.NOT_READY.format(title=VOTE)

    # Phase 2: the worker puts three approved ideas on the ballot.
    [ballot] = await worker.send("/shortlist service-name-vote")
    assert "Keep “No Wrong Door”" in ballot.text
    assert "The Harbour (3)" in " ".join(ballot.button_labels)  # 2 sent it, 1 merged in
    for label in ("Base Camp", "The Harbour", "Safe Haven"):
        await worker.press(label, message=ballot)
    assert all(label.startswith("✅") for label in worker.last_message.button_labels)  # edited in place

    keep = "Keep “No Wrong Door”"
    voters = [fake.user(7000 + n, f"Voter {n}", f"voter_{n}") for n in range(12)]
    plan = (
        [("Base Camp", "Safe Haven")] * 4
        + [("The Harbour", "Base Camp")] * 3
        + [("Safe Haven", "The Harbour")] * 2
        + [(keep,)]
        + [("The Harbour",)]
        + [("Safe Haven", "Base Camp", "The Harbour")]
    )
    # Two change their minds: first a different ballot, then the one in the plan.
    await vote(voters[0], keep)
    await vote(voters[1], "The Harbour", "Safe Haven")
    [sent] = await vote(voters[2], *plan[2])
    assert sent.text.startswith(texts.SENT_TITLE)
    for voter, choices in zip(voters, plan, strict=True):
        if voter in voters[:2]:
            [already] = await open_vote(voter)
            assert already.text.startswith(texts.ALREADY_SENT_TITLE.format(title=VOTE))
            await voter.press(texts.CHANGE_BUTTON)
            await voter.press(texts.RESTART_BUTTON)
            for choice in choices:
                await voter.press(choice, exact=True)
            await voter.press(texts.DONE_RANKING_BUTTON)
            await voter.press(texts.SUBMIT_BUTTON)
        elif voter is not voters[2]:
            await vote(voter, *choices)

    # One tries to vote twice: the same Send delivered again, and a second tap on Send.
    twice = voters[3]
    repeat = twice.make_callback_update(texts.CHANGE_BUTTON, message=(await open_vote(twice))[0])
    await twice.send_raw_update(repeat)
    await twice.send_raw_update(repeat)  # Telegram delivered the tap twice
    await twice.press(texts.DONE_RANKING_BUTTON)  # keeps the ranking it had
    submit = twice.make_callback_update(texts.SUBMIT_BUTTON)
    await twice.send_raw_update(submit)
    await twice.send_raw_update(submit)
    assert rows(bot, "SELECT count(*) FROM ballots WHERE consultation_id = 'service-name-vote'") == [(15,)]

    summary = "\n".join(m.text or "" for m in await worker.send("/summary"))
    assert "leading now: The Harbour (instant-runoff of 12 ballots" in summary

    # The worker closes the vote; a late voter is told kindly, and nothing is stored.
    [old_list] = await voters[5].send("/start")
    late_tap = voters[5].make_callback_update(VOTE, message=old_list)  # tapped after the close
    [confirm] = await worker.send("/close service-name-vote")
    await worker.press("Yes, close it now", message=confirm)
    latecomer = fake.user(7999, "Late", "late_one")
    await agree(latecomer)
    [closed_list] = latecomer.messages[-1:]
    assert VOTE not in closed_list.button_labels  # only its result
    [result_button] = [label for label in closed_list.button_labels if label.startswith("🏆")]
    replies = await voters[5].send_raw_update(late_tap)
    assert texts.NOT_OPEN.format(title=VOTE) in [m.text for m in replies]
    assert rows(bot, "SELECT count(*) FROM ballots WHERE consultation_id = 'service-name-vote'") == [(15,)]

    # The count: by hand, round 1 Base Camp 4, The Harbour 4, Safe Haven 3, Keep 1 -> Keep out
    # (its one ballot has no next choice); round 2 -> Safe Haven out, 2 of its 3 to The Harbour,
    # 1 to Base Camp; round 3 The Harbour 6 of 11 continuing: a majority.
    replies = await worker.send("/results service-name-vote")
    text = "\n".join(m.text or "" for m in replies)
    assert "Winner: The Harbour" in text
    assert "Turnout: 12 young people" in text
    assert "2 of its 3 voters' next choice was 'The Harbour'" in text
    assert any(m.photo and m.photo.startswith(PNG) for m in replies)

    # Young people see the result after close: a short message and the chart.
    # Young people see the result after close: the winner and a chart of first choices in bands,
    # never the exact counts (12 took part; 4, 4, 3 and 1 put each first).
    replies = await latecomer.press(result_button)
    said = "\n".join(m.text or "" for m in replies)
    assert "The winner is “The Harbour”" in said and not any(digit in said for digit in "0123456789")
    assert any(m.photo and m.photo.startswith(PNG) for m in replies)


async def test_anonymous_votes_and_ideas_hold_no_telegram_identity(
    fake: FakeTelegram, bot: RunningBot, worker: User
) -> None:
    amira = fake.user(424242421, "Amira", "amira_x")
    await suggest(amira, "The Nest", why="Somewhere safe to land")  # the team chat is not there yet
    team = fake.group(TEAM_CHAT, "Participation team")
    await asyncio.gather(bot.run_outbox(), bot.run_outbox())  # the timer and a wake-up at once
    await eventually(lambda: any((m.text or "").startswith("💡") for m in team.messages), "the idea post")
    await worker.press("Approve", message=idea_post(team, "The Nest"))
    [ballot] = await worker.send("/shortlist service-name-vote")
    # A double tap: both taps carry "add it", so the second changes nothing.
    taps = [worker.make_callback_update("The Nest", message=ballot) for _ in range(2)]
    for tap in taps:
        await worker.send_raw_update(tap)
    assert rows(bot, "SELECT count(*) FROM shortlist") == [(1,)]
    await vote(amira, "The Nest", "Keep “No Wrong Door”", first_time=False)

    stored = rows(bot, "SELECT * FROM ballots") + rows(bot, "SELECT * FROM idea_submissions")
    stored += rows(bot, "SELECT * FROM ideas") + rows(bot, "SELECT * FROM responses")
    assert len(stored) >= 4
    assert len([m for m in team.messages if (m.text or "").startswith("💡")]) == 1  # posted once
    flat = " ".join(str(value) for row in stored for value in row)
    for identity in ("424242421", "Amira", "amira_x"):
        assert identity not in flat
    # The database file as a whole: nothing of hers outside the consent record's numeric id.
    with sqlite3.connect(bot.settings.database_path) as connection:
        dump = "\n".join(connection.iterdump())
    assert "Amira" not in dump and "amira_x" not in dump

    # /deleteme takes her ideas and ballots too (found through her pseudonyms).
    await amira.send("/deleteme")
    await amira.press(texts.ERASE_YES_BUTTON)
    assert rows(bot, "SELECT count(*) FROM ballots") == [(0,)]
    assert rows(bot, "SELECT count(*) FROM idea_submissions") == [(0,)]


async def test_deleteme_takes_the_ideas_only_they_sent_unless_approved(
    fake: FakeTelegram, bot: RunningBot, team: Group, worker: User
) -> None:
    amira, bo = fake.user(4201, "Amira", "amira_x"), fake.user(4202, "Bo", "bo_b")
    await suggest(amira, "The Nest", "Chill Zone", "Pizza Palace")
    await suggest(bo, "chill zone")
    await bot.run_outbox()
    await eventually(lambda: len([m for m in team.messages if (m.text or "").startswith("💡")]) == 3, "ideas")
    await worker.press("Approve", message=idea_post(team, "The Nest"))

    await amira.send("/deleteme")
    await amira.press(texts.ERASE_YES_BUTTON)
    # Hers alone and never approved: gone. Approved (an option for the vote), or Bo's too: kept.
    assert rows(bot, "SELECT label FROM ideas ORDER BY id") == [("The Nest",), ("Chill Zone",)]
    assert rows(bot, "SELECT wording FROM idea_submissions") == [("chill zone",)]


async def test_a_shortlist_with_no_approved_ideas_has_no_keyboard(bot: RunningBot, worker: User) -> None:
    # An empty InlineKeyboardMarkup goes as reply_markup={}, which breaks the Bot API (the fake's spec check).
    [ballot] = await worker.send("/shortlist service-name-vote")
    assert "No approved ideas yet" in ballot.text
    assert ballot.buttons == []
