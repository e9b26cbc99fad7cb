"""The kill drill: nothing a young person sends is ever lost, however often the bot is killed.

    python -m benchmarks.kill_drill [--people 100] [--kills 30] [--seed N] [--keep DIR]

The real program (`python -m bot run`, a child process) polls the fake Telegram server, which
runs in this process.  Simulated young people take the pets consultation (benchmarks/pets.yaml)
concurrently, as people do: each looks at the bot's latest message with buttons and acts on it by
the plan of benchmarks/throughput.py's JOURNEY (/start pets, consent, Yes, Cat, Dog, Dog again,
Next, 4, "Biscuit", Send), with random pauses.  A tapped button spins until the bot answers the
tap, and a person waits for it.  When nothing changes on screen for a few seconds they tap the
same button again (or send their text again); only when several tries change nothing do they send
/start.  Before sending, they read the summary and go back to put it right if their own repeated
taps left the wrong pets ticked.  Meanwhile the bot is SIGKILLed again and again -- during
start-up, the moment a batch is fetched, just after, at the first call of a reply, at random --
and restarted at once, as systemd would.  Once everyone has finished and the bot has handled
everything, the last instance is stopped with SIGTERM.

Then the drill checks, and prints:
- lost: updates the fake dropped from its queue (a later getUpdates confirmed them) that are
  neither handled (done) in the bot's `inbox` nor set aside in `quarantine`;
- doubled answers: people with more than one response, or whose stored response differs from
  applying once, in order, each update the bot recorded as handled (`handled_updates`): an update
  applied twice (or not at all);
- wrong final answers: people whose stored answers are not benchmarks.throughput.ANSWERS, sent;
- people needing /start, people who never finished;
- duplicate bot messages (the same text and buttons as the message before: cosmetic),
  quarantined updates, bot exits the drill did not cause, and `PRAGMA integrity_check`.
It exits with status 1 if anything but the cosmetic count is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.bot_process import BotProcess, keep_files, scratch_folder, wait_until
from benchmarks.bots import BENCHMARK_KEY
from benchmarks.throughput import ANSWERS, CONSULTATION, FIRST_USER_ID
from bot import surveys
from bot.core import texts
from bot.core.actions import decode
from bot.core.engine import Progress, Result, apply, apply_text, begin
from bot.core.models import Consultation
from bot.core.privacy import pseudonym
from bot.storage import repos
from tests.fake_telegram import FakeTelegram, SentMessage, User

PSEUDONYM_KEY = BENCHMARK_KEY
TITLE = "Pets at the hub"  # benchmarks/pets.yaml
DONE_TEXTS = (texts.THANK_YOU, texts.ALREADY_DONE.format(title=TITLE))

# The plan, as benchmarks.throughput.JOURNEY: what a person taps on each screen.
START = "/start pets"
TYPED = "Biscuit"
TICKS = (frozenset({"cat"}), frozenset({"cat", "dog"}), frozenset({"cat"}))  # Cat, Dog, Dog again
OPTIONS = ("cat", "dog", "fish")
SUMMARY = ("👍 Yes", "🐱 Cat", "4", TYPED)  # the answers as the summary before sending lists them
# Each screen of the journey, known by the callback_data of a button on it.
SCREENS = (
    ("consent", "ok"),
    ("list", "o|pets"),
    ("allowed", "p|pets|allowed"),
    ("kinds", "t|pets|kinds"),
    ("happy", "s|pets|happy"),
    ("names", "k|pets|names"),
    ("review", "u|pets"),
)

# A person's pace: a pause before each step, and how long they wait for the bot to react.
THINK_SECONDS = (0.3, 1.8)
PATIENCE_SECONDS = (3.0, 5.0)  # the first wait; each further try waits 2 s longer
TRIES_BEFORE_START = 4  # taps or resends that change nothing before a person sends /start
LOOK_EVERY = 0.1
ARRIVAL_SECONDS_PER_KILL = 2.0  # people arrive over this many seconds per kill (traffic to kill into)

# When the bot is killed.  Start-up and random moments are measured from the spawn; fetches and
# replies are seen at the fake, polled every WATCH_EVERY.  A kill the moment a batch is handed
# out lands between the fetch and the inbox's commit (or just after it); one 1-30 ms later,
# between the commit and the handling, or mid-handling; one at a reply's first call, between the
# answer's commit and the reply reaching the young person.
STARTUP = "during start-up"
FETCH = "at a fetch"
AFTER_FETCH = "just after a fetch"
REPLY = "at a reply"
RANDOM = "at a random moment"
MOMENTS = (STARTUP, FETCH, AFTER_FETCH, REPLY, RANDOM)
REPLY_METHODS = frozenset({"sendMessage", "editMessageText", "answerCallbackQuery"})
WAIT_FOR_MOMENT = 8.0  # an event that does not come in this long: kill anyway
WATCH_EVERY = 0.002

DRAIN_SECONDS = 60.0  # after everyone finished, for the bot to handle what is left


@dataclass
class Report:
    people: int
    kills_asked: int
    seed: int
    seconds: float = 0.0
    kills: int = 0
    kill_moments: Counter[str] = field(default_factory=Counter)
    instances: int = 0
    pushed: int = 0
    repeats: int = 0  # taps and texts sent again by people waiting for a reaction
    fixes: int = 0  # summaries people saw wrong (their own taps doubled while waiting) and put right
    fetched: int = 0  # deliveries by getUpdates, re-deliveries included
    fetched_distinct: int = 0
    fetched_again: int = 0  # updates delivered more than once
    confirmed: int = 0
    lost: list[int] = field(default_factory=list)
    doubled: list[int] = field(default_factory=list)  # user ids
    wrong: list[int] = field(default_factory=list)
    needing_start: list[int] = field(default_factory=list)
    unfinished: list[int] = field(default_factory=list)
    duplicate_messages: int = 0
    quarantined: int = 0
    unexpected_exits: list[int] = field(default_factory=list)  # exit codes of bots that died by themselves
    final_exit: int | None = None
    integrity: str = "not checked"
    details: list[str] = field(default_factory=list)
    kept: Path | None = None

    @property
    def ok(self) -> bool:
        return (
            not (self.lost or self.doubled or self.wrong or self.needing_start or self.unfinished)
            and not self.unexpected_exits
            and self.final_exit == 0
            and self.integrity == "ok"
        )

    def lines(self) -> list[str]:
        moments = ", ".join(f"{self.kill_moments[m]} {m}" for m in MOMENTS if self.kill_moments[m])
        rows = [
            ("people", f"{self.people}"),
            (
                "updates pushed",
                f"{self.pushed} ({self.repeats} taps or texts sent again by people waiting;"
                f" {self.fixes} summaries put right)",
            ),
            (
                "updates fetched by the bot",
                f"{self.fetched} ({self.fetched_distinct} distinct, {self.fetched_again} fetched again"
                " after a kill)",
            ),
            ("kills", f"{self.kills} of {self.kills_asked} ({moments}); {self.instances} bot processes"),
            ("lost", f"{len(self.lost)} (of {self.confirmed} updates confirmed to Telegram)"),
            ("doubled answers", f"{len(self.doubled)}"),
            ("wrong final answers", f"{len(self.wrong)}"),
            ("people needing /start", f"{len(self.needing_start)}"),
            ("people not finished", f"{len(self.unfinished)}"),
            ("duplicate bot messages", f"{self.duplicate_messages} (cosmetic)"),
            ("quarantined updates", f"{self.quarantined}"),
            (
                "bot exits not caused",
                f"{len(self.unexpected_exits)}; last bot's exit on SIGTERM: {self.final_exit}",
            ),
            ("integrity_check", self.integrity),
        ]
        head = (
            f"Kill drill: {self.people} people, {self.kills_asked} kills, seed {self.seed}"
            f" ({self.seconds:.0f} s)"
        )
        body = [f"  {name:<28}{value}" for name, value in rows]
        verdict = "PASS" if self.ok else "FAIL"
        tail = [f"  {line}" for line in self.details]
        if self.kept is not None:
            tail.append(f"  the drill's files (database, bot.log, people.json): {self.kept}")
        return [head, *body, f"  result: {verdict}", *tail]


# ---------------------------------------------------------------------- young people


@dataclass
class _Step:
    send: str | None = None  # text to send, or
    message: SentMessage | None = None  # the message whose button to tap
    data: str = ""  # that button's callback_data

    def same_as(self, other: _Step | None) -> bool:
        if other is None:
            return False
        here = self.message.message_id if self.message else None
        there = other.message.message_id if other.message else None
        return (self.send, here, self.data) == (other.send, there, other.data)


class Person:
    """One young person following the plan by what they see on screen."""

    def __init__(self, fake: FakeTelegram, user: User, rng: random.Random) -> None:
        self.fake = fake
        self.user = user
        self.rng = rng
        self.pushed: list[dict[str, Any]] = []
        self.ticks_reached = 0  # how many of TICKS they have seen on screen, in order
        self.fixing = False  # the summary was wrong: going back to the multi-choice
        self.fixes = 0
        self.repeats = 0
        self.starts = 0  # times stuck enough to send /start
        self.finished = False
        self.notes: list[str] = []

    # What they see.

    def revision(self) -> int:
        return max((m.revision for m in self.fake.messages(self.user.id)), default=0)

    def changed_since(self, revision: int) -> Callable[[], bool]:
        return lambda: self.revision() != revision

    def done(self) -> bool:
        return any(any(done in (m.text or "") for done in DONE_TEXTS) for m in self.user.messages)

    def spinning(self) -> bool:
        """Their last tap is not answered yet: the app shows a spinner on the button."""
        taps = [u for u in self.pushed if "callback_query" in u]
        return bool(taps) and self.fake.callback_answer(taps[-1]["callback_query"]["id"]) is None

    def screen(self) -> tuple[str, SentMessage | None]:
        """Which step the bot's latest message with buttons asks for."""
        with_buttons = [m for m in self.user.messages if m.inline_keyboard]
        if not with_buttons:
            return "nothing", None
        message = with_buttons[-1]
        data = [button.get("callback_data", "") for row in message.inline_keyboard for button in row]
        for stage, prefix in SCREENS:
            if any(d == prefix or d.startswith(prefix + "|") for d in data):
                return stage, message
        return "unknown", message

    def next_step(self) -> _Step | None:
        stage, message = self.screen()
        if stage == "nothing" and not self.user.messages:  # not a word from the bot yet: (again) the link
            return _Step(send=START)
        if message is None or stage == "unknown":
            return None  # nothing to tap, or nothing they understand: they wait
        data = [b.get("callback_data", "") for row in message.inline_keyboard for b in row]

        def tap(wanted: str) -> _Step:
            return _Step(message=message, data=wanted)

        if stage == "consent":
            return tap(next(d for d in data if d.split("|")[0] == "ok"))
        if stage == "list":
            return tap("o|pets")
        if stage == "allowed":
            return tap("p|pets|allowed|yes")
        if stage == "kinds":
            return tap(self._tick(message))
        if self.fixing:  # back to the multi-choice
            return tap("b|pets" if stage == "review" else f"b|pets|{stage}")
        if stage == "happy":
            return tap("s|pets|happy|4")
        if stage == "names":  # typed once, it is kept: the question then offers Keep (Next)
            return tap("n|pets|names") if "n|pets|names" in data else _Step(send=TYPED)
        # The summary: send it if it says what they meant, else go back and put it right.
        said = tuple(
            line.strip().removeprefix("➡️").strip()
            for line in (message.text or "").splitlines()
            if line.strip().startswith("➡️")
        )
        if said == SUMMARY:
            return tap("u|pets")
        self.fixing = True
        self.fixes += 1
        self.notes.append(f"the summary said {said}: going back to put it right")
        return tap("b|pets")

    def _tick(self, message: SentMessage) -> str:
        """The multi-choice: tick towards the next state of the plan; Next once all were seen."""
        ticked = {
            b["callback_data"].rsplit("|", 1)[1]
            for row in message.inline_keyboard
            for b in row
            if b.get("callback_data", "").startswith("t|pets|kinds|") and b["text"].startswith(texts.CHOSEN)
        }
        if self.fixing:
            self.ticks_reached = len(TICKS)
        while self.ticks_reached < len(TICKS) and ticked == TICKS[self.ticks_reached]:
            self.ticks_reached += 1
        target = TICKS[min(self.ticks_reached, len(TICKS) - 1)]
        if ticked == target:  # every state of the plan seen, and the last still shown
            self.fixing = False
            return "n|pets|kinds"
        option = next(o for o in OPTIONS if o in ticked ^ target)
        return f"t|pets|kinds|{option}"

    # What they do.

    def push(self, step: _Step) -> dict[str, Any]:
        if step.send is not None:
            update = self.user.make_message_update(step.send)
        else:
            assert step.message is not None
            label = next(
                b["text"]
                for row in step.message.inline_keyboard
                for b in row
                if b.get("callback_data") == step.data
            )
            update = self.user.make_callback_update(label, message=step.message, exact=True)
        self.pushed.append(update)
        self.fake.push_raw_update(update)
        return update

    def _patience(self, tries: int) -> float:
        return self.rng.uniform(*PATIENCE_SECONDS) + 2.0 * tries

    async def run(self, arrive_after: float, deadline: float) -> None:
        await asyncio.sleep(arrive_after)
        tries, last = 0, None
        while time.monotonic() < deadline:
            if self.done():
                self.finished = True
                return
            await asyncio.sleep(self.rng.uniform(*THINK_SECONDS))
            # A button still spinning: wait for it before reading the screen.
            await wait_until(lambda: not self.spinning(), self._patience(tries), LOOK_EVERY)
            if self.done():
                continue
            step = self.next_step()
            before = self.revision()
            update = None
            if step is None:
                stage, message = self.screen()
                what = (
                    f"{message.text[:60]!r}" if message is not None and message.text else "no buttons at all"
                )
                self.notes.append(f"nothing to tap on screen ({stage}: {what})")
            else:
                if tries and step.same_as(last):
                    self.repeats += 1
                update = self.push(step)
                last = step
            if await wait_until(self.changed_since(before), self._patience(tries), LOOK_EVERY):
                tries = 0
                continue
            tries += 1
            if update is not None:
                self._note_no_reaction(update)
            if tries >= TRIES_BEFORE_START:
                stage, message = self.screen()
                self.notes.append(
                    f"stuck on {stage} (message {message.message_id if message else '-'}) after"
                    f" {tries} tries: sent /start"
                )
                self.starts += 1
                self.push(_Step(send="/start"))
                tries, last = 0, None
                before = self.revision()
                await wait_until(self.changed_since(before), self._patience(0), LOOK_EVERY)

    def _note_no_reaction(self, update: dict[str, Any]) -> None:
        if "callback_query" in update:
            answer = self.fake.callback_answer(update["callback_query"]["id"])
            said = "unanswered" if answer is None else f"answered {answer.text!r}"
            what = f"tap {update['callback_query']['data']!r} ({said})"
        else:
            what = f"text {update['message']['text']!r}"
        self.notes.append(f"update {update['update_id']}: {what}; the screen did not change")


# ---------------------------------------------------------------------- the kills


def _fetched_total(fake: FakeTelegram) -> int:
    return sum(fake._fetched_count.values())


async def _moment(bot: BotProcess, moment: str, rng: random.Random) -> None:
    """Wait for the moment to kill this instance."""
    fake = bot.fake
    if moment == STARTUP:
        await asyncio.sleep(max(0.0, bot.spawned_at + rng.uniform(0.0, 1.2) - time.monotonic()))
        return
    if moment in (FETCH, AFTER_FETCH):
        fetched = _fetched_total(fake)
        await wait_until(lambda: _fetched_total(fake) > fetched, WAIT_FOR_MOMENT, WATCH_EVERY)
        if moment == AFTER_FETCH:
            await asyncio.sleep(rng.uniform(0.001, 0.03))
        return
    if moment == REPLY:
        seen = len(fake.calls)

        def replying() -> bool:
            return any(call.method in REPLY_METHODS for call in fake.calls[seen:])

        await wait_until(replying, WAIT_FOR_MOMENT, WATCH_EVERY)
        await asyncio.sleep(rng.uniform(0.0, 0.005))
        return

    def polling() -> bool:
        return any(call.method == "getUpdates" for call in bot.calls_since_start())

    await wait_until(polling, WAIT_FOR_MOMENT, WATCH_EVERY)
    await asyncio.sleep(rng.uniform(0.2, 3.0))


async def _kill_again_and_again(
    bot: BotProcess, report: Report, kills: int, rng: random.Random, everyone_done: asyncio.Event
) -> None:
    while report.kills < kills and not everyone_done.is_set():
        moment = rng.choice(MOMENTS)
        await _moment(bot, moment, rng)
        if everyone_done.is_set():
            return
        await bot.kill()
        report.kills += 1
        report.kill_moments[moment] += 1
        await bot.start()


# ---------------------------------------------------------------------- checking


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    connection.row_factory = sqlite3.Row  # as bot.storage.repos reads rows
    return connection


def _settled_ids(path: Path) -> set[int]:
    """Updates the bot is finished with: handled, or set aside."""
    try:
        with closing(_connect(path)) as db:
            done = {row[0] for row in db.execute("SELECT update_id FROM inbox WHERE done = 1")}
            return done | {row[0] for row in db.execute("SELECT update_id FROM quarantine")}
    except sqlite3.Error:
        return set()


async def _drain(path: Path, pushed: set[int]) -> None:
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline and not pushed <= _settled_ids(path):  # noqa: ASYNC110 (another process)
        await asyncio.sleep(0.2)


def _check(report: Report, fake: FakeTelegram, people: list[Person], path: Path) -> None:
    pushed = {u["update_id"]: u for person in people for u in person.pushed}
    report.pushed = len(pushed)
    report.repeats = sum(person.repeats for person in people)
    report.fixes = sum(person.fixes for person in people)
    fetched = fake._fetched_count
    report.fetched = sum(fetched[i] for i in pushed)
    report.fetched_distinct = sum(1 for i in pushed if fetched[i])
    report.fetched_again = sum(1 for i in pushed if fetched[i] > 1)
    still_queued = {queued.update["update_id"] for queued in fake._queue}
    confirmed = {i for i in pushed if fetched[i] and i not in still_queued}
    report.confirmed = len(confirmed)

    with closing(_connect(path)) as db:
        done = {row[0] for row in db.execute("SELECT update_id FROM inbox WHERE done = 1")}
        waiting = {row[0] for row in db.execute("SELECT update_id FROM inbox WHERE done = 0")}
        quarantine = {row[0]: row[1] for row in db.execute("SELECT update_id, reason FROM quarantine")}
        claimed = {row[0] for row in db.execute("SELECT update_id FROM handled_updates")}
        progress = {}
        for person in people:
            respondent = pseudonym(PSEUDONYM_KEY.encode(), "pets", person.user.id)
            response = repos.load_response(db, "pets", respondent)
            if response is not None:
                progress[respondent] = response.progress
        responses: dict[str, list[tuple[int, str]]] = {}
        for response_id, respondent, status in db.execute(
            "SELECT id, respondent, status FROM responses WHERE consultation_id = 'pets'"
        ):
            responses.setdefault(respondent, []).append((response_id, status))
        answers: dict[int, set[tuple[str, str]]] = {}
        for response_id, question, value in db.execute("SELECT response_id, question_id, value FROM answers"):
            answers.setdefault(response_id, set()).add((question, value))
        report.integrity = "; ".join(row[0] for row in db.execute("PRAGMA integrity_check"))

    report.quarantined = len(quarantine)
    for update_id, reason in sorted(quarantine.items()):
        report.details.append(f"quarantined update {update_id}: {reason}")
    report.lost = sorted(confirmed - done - set(quarantine))
    for update_id in report.lost:
        where = "still waiting in the inbox" if update_id in waiting else "not in the inbox at all"
        report.details.append(f"LOST update {update_id} ({_describe(pushed[update_id])}): {where}")
    never_handled = sorted(set(pushed) - confirmed - done - set(quarantine))
    if never_handled:
        report.details.append(
            f"{len(never_handled)} update(s) neither confirmed nor handled (Telegram still holds them):"
            f" {never_handled[:10]}"
        )

    key = PSEUDONYM_KEY.encode()
    consultation = surveys.load([CONSULTATION])[0].consultations["pets"]
    for person in people:
        uid = person.user.id
        if person.starts:
            report.needing_start.append(uid)
            report.details.append(
                f"person {uid} needed /start {person.starts} time(s): " + "; ".join(person.notes)
            )
        if not person.finished:
            report.unfinished.append(uid)
            report.details.append(f"person {uid} did not finish: " + "; ".join(person.notes[-5:]))
        respondent = pseudonym(key, "pets", uid)
        theirs = responses.get(respondent, [])
        stored = answers.get(theirs[0][0], set()) if theirs else set()
        problems = []
        if len(theirs) > 1:
            problems.append(f"{len(theirs)} responses")
        kept, replayed = progress.get(respondent), _replay(consultation, person.pushed, claimed)
        if kept is not None and kept != replayed:
            problems.append(
                f"stored {_progress_text(kept)}, but the updates recorded as handled, each applied"
                f" once, give {_progress_text(replayed)}"
            )
        if problems:
            report.doubled.append(uid)
            report.details.append(f"DOUBLED for person {uid}: " + "; ".join(problems))
        if not theirs or theirs[0][1] != "submitted" or stored != ANSWERS:
            report.wrong.append(uid)
            status = theirs[0][1] if theirs else "no response"
            report.details.append(f"WRONG answers for person {uid} ({status}): {sorted(stored)}")

        messages = fake.messages(uid)
        report.duplicate_messages += sum(
            1
            for before, after in itertools.pairwise(messages)
            if (before.text, before.reply_markup) == (after.text, after.reply_markup)
        )


def _replay(consultation: Consultation, pushed: list[dict[str, Any]], handled: set[int]) -> Progress:
    """Where the person should be: every update the bot recorded as handled (each answering
    update is recorded in its answer's transaction) applied once, in order, by the same rules."""
    progress = begin(consultation)
    for update in sorted(pushed, key=lambda u: u["update_id"]):
        if update["update_id"] not in handled:
            continue
        if "callback_query" in update:
            action = decode(update["callback_query"]["data"])
            if action is None:
                continue
            outcome = apply(consultation, progress, action)
        else:
            outcome = apply_text(consultation, progress, update["message"].get("text", ""))
        if outcome.result is Result.ACCEPTED:
            progress = outcome.progress
    return progress


def _progress_text(progress: Progress) -> str:
    answers = {question: answer.value for question, answer in sorted(progress.answers.items())}
    state = "sent" if progress.submitted else f"at {progress.position or 'the summary'}"
    return f"{answers} ({state})"


def _write_journal(path: Path, fake: FakeTelegram, people: list[Person]) -> None:
    """What each person sent and how the bot answered their taps, for reading after a failure."""
    journal = {}
    for person in people:
        lines = []
        for update in person.pushed:
            line = f"{update['update_id']}: {_describe(update)}"
            if "callback_query" in update:
                answer = fake.callback_answer(update["callback_query"]["id"])
                line += " -> unanswered" if answer is None else f" -> answered {answer.text!r}"
            lines.append(f"{line}; fetched {fake._fetched_count[update['update_id']]} time(s)")
        journal[person.user.id] = {"updates": lines, "notes": person.notes}
    path.write_text(json.dumps(journal, ensure_ascii=False, indent=1), encoding="utf-8")


def _describe(update: dict[str, Any]) -> str:
    if "callback_query" in update:
        query = update["callback_query"]
        return f"tap {query['data']!r} from {query['from']['id']}"
    message = update["message"]
    return f"text {message.get('text')!r} from {message['from']['id']}"


# ---------------------------------------------------------------------- the drill


async def drill(people: int, kills: int, seed: int, keep: Path | None = None) -> Report:
    """Run the drill; the working directory is kept (in `keep`, or a fresh temporary one) if it
    fails, so the bot's log and database can be read."""
    rng = random.Random(seed)
    report = Report(people=people, kills_asked=kills, seed=seed)
    started = time.monotonic()
    with scratch_folder("kill-drill", CONSULTATION) as scratch:
        database = scratch / "youthvoice.sqlite3"
        async with FakeTelegram() as fake:
            bot = BotProcess(fake, scratch)
            try:
                crowd = [
                    Person(
                        fake,
                        fake.user(FIRST_USER_ID + n, f"Person {n}", started=True),
                        random.Random(rng.random()),
                    )
                    for n in range(people)
                ]
                arrivals = max(5.0, kills * ARRIVAL_SECONDS_PER_KILL)
                deadline = time.monotonic() + arrivals + 120 + people * 2
                everyone_done = asyncio.Event()
                await bot.start()
                killer = asyncio.create_task(_kill_again_and_again(bot, report, kills, rng, everyone_done))
                try:
                    await asyncio.gather(*(p.run(rng.uniform(0, arrivals), deadline) for p in crowd))
                finally:
                    everyone_done.set()
                    await killer
                await _drain(database, {u["update_id"] for p in crowd for u in p.pushed})
                report.final_exit = await bot.terminate()
            finally:
                await bot.close()
            report.instances, report.unexpected_exits = bot.instances, bot.unexpected_exits
            report.details.extend(bot.notes)
            _check(report, fake, crowd, database)
            _write_journal(scratch / "people.json", fake, crowd)
        report.seconds = time.monotonic() - started
        if keep is not None or not report.ok:
            report.kept = keep_files(scratch, keep, "kill-drill")
        return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100, help="young people (default 100)")
    parser.add_argument("--kills", type=int, default=30, help="SIGKILLs of the bot (default 30)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: a new one, printed)")
    parser.add_argument("--keep", type=Path, help="copy the drill's files (database, bot.log) here")
    args = parser.parse_args(argv)
    if args.people < 1 or args.kills < 0:
        parser.error("--people must be at least 1 and --kills at least 0")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1_000_000)
    print(f"Kill drill: {args.people} people, {args.kills} kills, seed {seed} ...", flush=True)
    report = asyncio.run(drill(args.people, args.kills, seed, args.keep))
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
