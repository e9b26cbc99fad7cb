"""Ranked questions and suggestion questions in the answering rules (no Telegram, no database)."""

from __future__ import annotations

import pytest

from bot.core import texts
from bot.core.actions import Action, Kind
from bot.core.engine import (
    Progress,
    Result,
    apply,
    apply_text,
    begin,
    describe_answer,
    finished_an_idea,
    idea_key,
    ranking,
    recover,
    reopen,
)
from bot.core.models import Consultation, RankedQuestion, SuggestionQuestion
from bot.core.screens import question_screen

VOTE = Consultation.model_validate(
    {
        "id": "vote",
        "title": "Vote",
        "intro": "Intro",
        "allow_changes": True,
        "questions": [
            {
                "id": "name",
                "type": "ranked",
                "text": "Order them",
                "options": [
                    {"id": "a", "label": "Alpha"},
                    {"id": "b", "label": "Bravo"},
                    {"id": "c", "label": "Charlie"},
                ],
            }
        ],
    }
)
IDEAS = Consultation.model_validate(
    {
        "id": "ideas",
        "title": "Ideas",
        "intro": "Intro",
        "questions": [
            {"id": "name", "type": "suggestion", "text": "Name?", "max_per_person": 2, "max_length": 12}
        ],
    }
)


def tap(consultation: Consultation, progress: Progress, kind: Kind, value: str = "") -> Progress:
    outcome = apply(consultation, progress, Action(kind, consultation.id, "name", value))
    assert outcome.result is Result.ACCEPTED, outcome
    return outcome.progress


def test_ranking_in_order_with_undo_and_start_again() -> None:
    progress = begin(VOTE)
    progress = tap(VOTE, progress, Kind.RANK, "b")
    progress = tap(VOTE, progress, Kind.RANK, "a")
    assert ranking(progress, "name") == ("b", "a")
    screen = question_screen(VOTE, progress)
    assert "1. Bravo\n2. Alpha" in screen.text
    labels = [b.label for row in screen.buttons for b in row]
    assert "Charlie" in labels and "Alpha" not in labels  # only what is left to place
    progress = tap(VOTE, progress, Kind.UNDO, "2")
    assert ranking(progress, "name") == ("b",)
    # A double tap on that Undo (it named 2 placed) does not take back a second one.
    twice = apply(VOTE, progress, Action(Kind.UNDO, "vote", "name", "2"))
    assert twice.result is Result.REJECTED and ranking(twice.progress, "name") == ("b",)
    progress = tap(VOTE, progress, Kind.RESTART)
    assert "name" not in progress.answers
    assert texts.RANKING_EMPTY in question_screen(VOTE, progress).text


def test_ranking_refuses_a_repeat_and_unknown_options_and_needs_one_preference() -> None:
    progress = tap(VOTE, begin(VOTE), Kind.RANK, "c")
    again = apply(VOTE, progress, Action(Kind.RANK, "vote", "name", "c"))
    assert (again.result, again.problem) == (Result.REJECTED, texts.ALREADY_RANKED)
    assert apply(VOTE, progress, Action(Kind.RANK, "vote", "name", "zz")).result is Result.STALE
    empty = apply(VOTE, begin(VOTE), Action(Kind.NEXT, "vote", "name"))
    assert empty.result is Result.REJECTED
    done = tap(VOTE, progress, Kind.NEXT)  # stopping after one preference is allowed
    assert done.position is None
    assert describe_answer(VOTE.questions[0], done.answers["name"]) == "1. Charlie"


def test_an_option_taken_off_the_ballot_leaves_rankings_in_progress() -> None:
    progress = tap(VOTE, tap(VOTE, begin(VOTE), Kind.RANK, "b"), Kind.RANK, "c")
    shorter = VOTE.model_copy(
        update={
            "questions": [VOTE.questions[0].model_copy(update={"options": VOTE.questions[0].options[:2]})]
        }
    )
    assert ranking(recover(shorter, progress), "name") == ("b",)
    assert recover(VOTE, progress) == progress


def test_reopening_keeps_the_answers_and_starts_at_the_first_question() -> None:
    sent = tap(VOTE, tap(VOTE, tap(VOTE, begin(VOTE), Kind.RANK, "a"), Kind.NEXT), Kind.SUBMIT)
    assert sent.submitted
    again = reopen(VOTE, sent)
    assert (again.submitted, again.position, ranking(again, "name")) == (False, "name", ("a",))


def test_ideas_are_added_with_a_reason_and_limits() -> None:
    progress = begin(IDEAS)
    first = apply_text(IDEAS, progress, "  Safe   Haven ")
    assert first.result is Result.ACCEPTED
    assert first.progress.asking_why == "Safe Haven"
    assert not finished_an_idea(IDEAS, progress, first.progress)  # its reason comes next
    reason = apply_text(IDEAS, first.progress, "It feels safe")  # the reason, not a second idea
    assert reason.result is Result.ACCEPTED and reason.progress.asking_why is None
    assert ranking(reason.progress, "name") == ("Safe Haven",)
    assert finished_an_idea(IDEAS, first.progress, reason.progress)
    same = apply_text(IDEAS, reason.progress, "SAFE HAVEN!!")
    assert (same.result, same.problem) == (Result.REJECTED, texts.IDEA_ALREADY_SENT)
    emoji = apply_text(IDEAS, reason.progress, "🏠🏠")
    assert (emoji.result, emoji.problem) == (Result.REJECTED, texts.IDEA_NEEDS_WORDS)
    long = apply_text(IDEAS, reason.progress, "A name far too long")
    assert long.result is Result.REJECTED and "12 characters" in (long.problem or "")
    second = tap(IDEAS, apply_text(IDEAS, reason.progress, "Base Camp").progress, Kind.WHY_SKIP)
    third = apply_text(IDEAS, second, "The Nest")
    assert (third.result, third.problem) == (Result.REJECTED, texts.too_many_ideas(2))


def test_an_idea_can_be_withdrawn_by_its_tag_and_a_tap_ends_the_reason_question() -> None:
    progress = apply_text(IDEAS, begin(IDEAS), "Base Camp").progress
    moved = tap(IDEAS, progress, Kind.WITHDRAW, idea_key("Base Camp"))
    assert moved.asking_why is None and "name" not in moved.answers
    stale = apply(IDEAS, moved, Action(Kind.WITHDRAW, "ideas", "name", idea_key("Base Camp")))
    assert stale.result is Result.STALE


def test_idea_option_ids_are_kept_for_shortlisted_ideas() -> None:
    question = {"id": "q", "type": "ranked", "text": "T", "options_from": "ideas/name"}
    assert RankedQuestion.model_validate(question).options == []
    bad = {**question, "options": [{"id": "i12", "label": "Clash"}]}
    with pytest.raises(ValueError, match="kept for shortlisted ideas"):
        RankedQuestion.model_validate(bad)
    assert SuggestionQuestion.model_validate({"id": "n", "type": "suggestion", "text": "T"}).max_length == 40


LOGIC = Consultation.model_validate(
    {
        "id": "logic",
        "title": "Logic",
        "intro": "Intro",
        "questions": [
            {
                "id": "stop",
                "type": "multi_choice",
                "text": "Stop?",
                "options": [{"id": "far", "label": "Far"}, {"id": "unsafe", "label": "Unsafe"}],
            },
            {
                "id": "why",
                "type": "text",
                "text": "Why?",
                "show_if": {"question": "stop", "includes": "unsafe"},
            },
            {"id": "end", "type": "text", "text": "End?"},
        ],
    }
)


def test_hidden_answers_go_only_when_the_question_is_left() -> None:
    def tap(progress: Progress, kind: Kind, question: str, value: str = "") -> Progress:
        outcome = apply(LOGIC, progress, Action(kind, "logic", question, value))
        assert outcome.result is Result.ACCEPTED, outcome
        return outcome.progress

    progress = tap(begin(LOGIC), Kind.TOGGLE, "stop", "unsafe")
    progress = tap(progress, Kind.NEXT, "stop")
    progress = apply_text(LOGIC, progress, "The people").progress
    progress = tap(progress, Kind.BACK, "end")
    progress = tap(progress, Kind.BACK, "why")
    # Ticking "unsafe" off and on again while still on the question keeps what was written.
    progress = tap(tap(progress, Kind.TOGGLE, "stop", "unsafe"), Kind.TOGGLE, "stop", "unsafe")
    assert progress.answers["why"].value == "The people"
    # Leaving with it off discards it.
    progress = tap(tap(progress, Kind.TOGGLE, "stop", "unsafe"), Kind.TOGGLE, "stop", "far")
    progress = tap(progress, Kind.NEXT, "stop")
    assert "why" not in progress.answers and progress.position == "end"
