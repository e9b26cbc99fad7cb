"""Someone holding only the database file (no pseudonym key) cannot link an anonymous answer to a
Telegram id: the bot builds a database with young people who read Arabic, stop half-way or
disclose harm, and then every join we could think of is tried on a copy of the file.

Not tried: what the words themselves give away (an answer typed in Arabic script points at the
few who read Arabic; the words of a disclosure, at whoever wrote them). Storage cannot hide that."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core import texts
from bot.core.engine import WITH_THE_TEAM
from tests.conftest import E2E_SURVEYS, RunningBot
from tests.e2e.test_languages import arabic, take_pets
from tests.e2e.test_triage import ACT, ALERTING, REVIEWED, URGENT, undated_ideas
from tests.fake_telegram import FakeTelegram, Group, User

Link = tuple[int, int]  # (Telegram id, anonymous response id)

# Rows that name a young person by Telegram id, and the column that does.
IDENTIFIED = {
    "participants": "user_id",
    "safeguarding_alerts": "user_id",
    "possible_concerns": "user_id",
    "announcement_sends": "user_id",
}
# Rows of an anonymous response beyond its own: by the response's id, or by its pseudonym.
BY_RESPONSE_ID = ("answers", "photos")
BY_RESPONDENT = ("ballots", "idea_submissions", "reminders")


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The test consultations and the (undated) ideas for naming the service."""
    surveys = tmp_path / "surveys"
    shutil.copytree(E2E_SURVEYS, surveys)
    (surveys / "ideas.yaml").write_text(undated_ideas(), encoding="utf-8")
    return settings.model_copy(update={"surveys_dir": surveys})


async def to_the_name_question(user: User) -> None:
    await user.send("/start pets")
    await user.press(texts.CONSENT_BUTTON)
    for label in ("Yes", "Cat", texts.NEXT_BUTTON, "3"):
        await user.press(label)


async def build(fake: FakeTelegram, bot: RunningBot, worker: User) -> tuple[User, User]:
    """The database, made by young people through the bot; returns Sam, who stopped half-way, and
    Kit, whose answer waits for a worker."""
    # Amal reads Arabic and answers everything, a name idea too.
    amal = fake.user(8201, "Amal", "amal_a", language_code="ar")
    await amal.send("/start pets")
    await amal.press(arabic("CONSENT_BUTTON"))
    await take_pets(amal, {"yes": "👍 نعم", "cat": "🐱 قطة"}, arabic("NEXT_BUTTON"), arabic("SUBMIT_BUTTON"))
    # Sam stops half-way: the bot must know where, to carry on after a restart.
    sam = fake.user(1001, "Sam", "sam_k")
    await sam.send("/start pets")
    await sam.press(texts.CONSENT_BUTTON)
    await sam.press("Yes")
    await sam.press("Cat")
    # Dee's name idea is a disclosure the phrase list hears, and she asks to be contacted.
    dee = fake.user(1003, "Dee", "dee_d")
    await to_the_name_question(dee)
    signpost, review = await dee.send(ALERTING)
    await dee.press(texts.CONTACT_YES_BUTTON, message=signpost)
    await dee.press(texts.SUBMIT_BUTTON, message=review)
    # Ben's name idea for the service only the classifier hears; a worker acts on it, and Ben asks
    # to be contacted, so his alert keeps his Telegram id beside the words of his idea.
    # (With Dee's alone, the one answer saying its words went to the team and the one alert that
    # kept a Telegram id would pair up by elimination: nothing stored can hide that while the answer
    # says where its words went. With two, the count no longer tells whose is whose.)
    ben = fake.user(1004, "Ben", "ben_b")
    await ben.send("/start service-name-ideas")
    await ben.press(texts.CONSENT_BUTTON)
    await ben.send(URGENT)
    for button in (texts.NO_REASON_BUTTON, texts.NEXT_BUTTON, texts.SKIP_BUTTON, texts.SUBMIT_BUTTON):
        await ben.press(button)
    _, item = await worker.send("/concerns")
    await worker.press(ACT, message=item)
    await ben.press(texts.CONTACT_YES_BUTTON, message=ben.last_message)
    # Eli answers as most do; Nia takes a consultation that is not anonymous.
    eli = fake.user(1005, "Eli", "eli_e")
    await to_the_name_question(eli)
    await eli.send("Pickle")
    await eli.press(texts.SUBMIT_BUTTON)
    # Kit's name idea only the classifier hears, and nobody has decided on it yet: the queue must
    # find Kit again to offer help, without his Telegram id beside the words his answer holds.
    kit = fake.user(1007, "Kit", "kit_k")
    await to_the_name_question(kit)
    await kit.send(REVIEWED)
    await kit.press(texts.SUBMIT_BUTTON)
    nia = fake.user(1006, "Nia", "nia_n")
    await nia.send("/start named")
    await nia.press(texts.CONSENT_BUTTON)
    await nia.press("Yes")
    await nia.press(texts.SUBMIT_BUTTON)
    await bot.run_outbox()  # the alerts go to the team, as they would
    return sam, kit


def copy_of_the_file(bot: RunningBot, into: Path) -> sqlite3.Connection:
    """The database as one file (what a copied folder holds), opened with nothing else."""
    live = sqlite3.connect(f"file:{bot.settings.database_path}?mode=ro", uri=True)
    with closing(live), closing(sqlite3.connect(into)) as copy:
        live.backup(copy)
    return sqlite3.connect(f"file:{into}?mode=ro", uri=True)


def columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def strings(value: object) -> Iterator[str]:
    """A stored value as the words in it (JSON answers opened up)."""
    if not isinstance(value, str) or not value:
        return
    yield value
    try:
        decoded = json.loads(value)
    except ValueError:
        return
    for item in decoded if isinstance(decoded, list) else [decoded]:
        if isinstance(item, str) and item != value:
            yield item


def identified(db: sqlite3.Connection) -> dict[int, set[str]]:
    """{Telegram id: every string stored beside it}."""
    found: dict[int, set[str]] = {}
    for table, id_column in IDENTIFIED.items():
        names = columns(db, table)
        for row in db.execute(f"SELECT * FROM {table} WHERE {id_column} IS NOT NULL"):
            values = dict(zip(names, row, strict=True))
            person = found.setdefault(values.pop(id_column), set())
            person.update(s for value in values.values() for s in strings(value))
    return found


def anonymous(db: sqlite3.Connection) -> dict[int, set[str]]:
    """{anonymous response id: every string stored in it or with it}."""
    found: dict[int, set[str]] = {}
    names = columns(db, "responses")
    for row in db.execute("SELECT * FROM responses WHERE user_id IS NULL"):
        values = dict(zip(names, row, strict=True))
        response = found.setdefault(values["id"], set())
        response.update(s for value in values.values() for s in strings(value))
        for table, key, match in [(t, "response_id", values["id"]) for t in BY_RESPONSE_ID] + [
            (t, "respondent", values["respondent"]) for t in BY_RESPONDENT
        ]:
            for other in db.execute(f"SELECT * FROM {table} WHERE {key} = ?", (match,)):
                response.update(s for value in other for s in strings(value))
        # An idea's own row (its first sender's words) joins through a submission of it.
        for idea in db.execute(
            "SELECT i.* FROM ideas i JOIN idea_submissions s ON s.idea_id = i.id WHERE s.respondent = ?",
            (values["respondent"],),
        ):
            response.update(s for value in idea for s in strings(value))
    return found


def unique_matches(people: dict[int, set[str]], responses: dict[int, set[str]]) -> set[Link]:
    """Links by a string held by one person alone and found in one anonymous response alone:
    equal, or (for 8 characters or more) one inside the other, case aside."""

    def matches(mine: str, theirs: str) -> bool:
        if mine == theirs:
            return True
        a, b = mine.casefold(), theirs.casefold()
        return min(len(a), len(b)) >= 8 and (a in b or b in a)

    holders = Counter(s for held in people.values() for s in held)
    links = set()
    for person, held in people.items():
        for mine in (s for s in held if holders[s] == 1):
            found = [r for r, theirs in responses.items() if any(matches(mine, s) for s in theirs)]
            if len(found) == 1:
                links.add((person, found[0]))
    return links


def by_pointer(db: sqlite3.Connection) -> set[Link]:
    """A consent record naming a consultation, against unfinished responses to it."""
    consultations = {row[0] for row in db.execute("SELECT DISTINCT consultation_id FROM responses")}
    naming: dict[str, set[int]] = {}
    names = columns(db, "participants")
    for row in db.execute("SELECT * FROM participants"):
        values = dict(zip(names, row, strict=True))
        for value in values.values():
            if value in consultations:
                naming.setdefault(value, set()).add(values["user_id"])
    links = set()
    for consultation, people in naming.items():
        unfinished = [
            row[0]
            for row in db.execute(
                "SELECT id FROM responses WHERE user_id IS NULL AND consultation_id = ?"
                " AND status = 'in_progress'",
                (consultation,),
            )
        ]
        if len(people) == len(unfinished) == 1:
            links.add((people.pop(), unfinished[0]))
    return links


def moments(values: set[str]) -> set[datetime]:
    found = set()
    for value in values:
        try:
            found.add(datetime.fromisoformat(value))
        except ValueError:
            continue
    return found


def by_time(people: dict[int, set[str]], responses: dict[int, set[str]]) -> set[Link]:
    """A time beside a Telegram id within a minute of a time in one anonymous response alone."""
    links = set()
    for person, held in people.items():
        for moment in moments(held):
            if moment.tzinfo is None or moment.time() == datetime.min.time():
                continue  # a day, which many share
            near = [
                r
                for r, theirs in responses.items()
                if any(abs(moment - t) < timedelta(minutes=1) for t in moments(theirs) if t.tzinfo)
            ]
            if len(near) == 1:
                links.add((person, near[0]))
    return links


def by_count(db: sqlite3.Connection) -> set[Link]:
    """What only one person and one response have in common: a language, or an answer that went to
    the safeguarding team beside an alert from an answer that kept its sender."""
    links = set()
    answer_columns = columns(db, "answers")
    if "language" in answer_columns:
        for (language,) in db.execute("SELECT DISTINCT language FROM participants"):
            people = [
                r[0] for r in db.execute("SELECT user_id FROM participants WHERE language = ?", (language,))
            ]
            answered = [
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT r.id FROM answers a JOIN responses r ON r.id = a.response_id"
                    " WHERE r.user_id IS NULL AND a.language = ?",
                    (language,),
                )
            ]
            if len(people) == len(answered) == 1:
                links.add((people[0], answered[0]))
    senders = [
        r[0]
        for r in db.execute(
            "SELECT user_id FROM safeguarding_alerts WHERE source = 'answer' AND user_id IS NOT NULL"
        )
    ]
    marked = {
        r[0]
        for r in db.execute(
            "SELECT r.id, a.value FROM answers a JOIN responses r ON r.id = a.response_id"
            " WHERE r.user_id IS NULL"
        )
        if WITH_THE_TEAM in strings(r[1])  # an answer in words, or one idea among several
    }
    if len(senders) == len(marked) == 1:
        links.add((senders[0], marked.pop()))
    return links


def write_order(db: sqlite3.Connection, table: str) -> list[tuple]:
    """The order its rows were written in, if the table keeps it (a rowid of its own)."""
    try:
        return db.execute(f"SELECT rowid FROM {table} ORDER BY rowid").fetchall()
    except sqlite3.OperationalError:  # WITHOUT ROWID: stored in key order, nothing else
        return []


async def test_nothing_in_the_database_file_links_an_anonymous_answer_to_a_telegram_id(
    fake: FakeTelegram, bot: RunningBot, team: Group, worker: User, tmp_path: Path
) -> None:
    sam, kit = await build(fake, bot, worker)
    with closing(copy_of_the_file(bot, tmp_path / "copied.sqlite3")) as db:
        people, responses = identified(db), anonymous(db)
        # The scenario happened: 6 anonymous responses, 1 unfinished, 2 disclosures now alerts, 1
        # answer waiting for a decision.
        assert len(responses) == 6 and 1001 in people and 8201 in people
        assert db.execute(
            "SELECT words FROM possible_concerns WHERE state = 'new' AND source = 'answer'"
        ).fetchall() == [(REVIEWED,)]
        assert db.execute("SELECT count(*) FROM safeguarding_alerts WHERE source = 'answer'").fetchone() == (
            2,
        )
        assert db.execute(
            "SELECT user_id FROM safeguarding_alerts WHERE user_id IS NOT NULL ORDER BY user_id"
        ).fetchall() == [(1003,), (1004,)]

        links = {
            "a value only one person and one response hold": unique_matches(people, responses),
            "the resume pointer": by_pointer(db),
            "times": by_time(people, responses),
            "counts": by_count(db),
        }
        assert links == {join: set() for join in links}
        # Nothing to line up by row order (reminders go out in the order of Telegram ids): these
        # keep none. And an anonymous response's times are days.
        assert [write_order(db, table) for table in ("answers", "photos", "reminders")] == [[], [], []]
        for held in responses.values():
            assert all(t.time() == datetime.min.time() for t in moments(held))

    # And yet the bot, with the key, still knows where Sam stopped, and whom to offer help when a
    # worker acts on Kit's answer.
    await bot.restart()
    replies = await sam.send("back again")
    assert replies[-1].text.startswith("Question 2 of 4")
    [item] = [m for m in await worker.send("/concerns") if REVIEWED in (m.text or "")]
    await worker.press(ACT, message=item)
    assert kit.last_message.text.startswith(texts.REVIEW_FOLLOW_UP)
