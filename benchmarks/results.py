"""Results at scale: how long `/results`, the officers' table, a vote's count, the summary and
`/export` take on a big consultation, and their peak memory, each beside a baseline in the same run.

    python -m benchmarks.results --responses 100000     # about 2 minutes to build, then the runs
    python -m benchmarks.results --quick                # 2,000 responses: a smoke test

The database is built through the project's own storage code (`repos.create_response`,
`save_progress`, `votes.record_ballots`) for `benchmarks/results.yaml`: ten questions of every
countable type, the last a twelve-option ranked vote. N finished responses, a tenth as many
unfinished, and one voter in ten changing their vote (so the count must pick the latest). It is
kept under /tmp and reused by later runs with the same size, unless a migration has come since
(`--rebuild` to make it again anyway).

Each figure is the median of `--runs` runs, each in a fresh process (so its peak RSS, VmHWM, is
its own), with the operating system's file cache warm. Baselines: for the tallies, the one
`SELECT … GROUP BY question, value` every tally needs at least; for the vote, the count itself
over ballots already in memory; for the exports, reading every answer once.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
SURVEY = HERE / "results.yaml"
MIN_CELL = 5
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

GROUP_BY = (
    "SELECT a.question_id, a.value, count(*) FROM answers a JOIN responses r ON r.id = a.response_id"
    " WHERE r.consultation_id = ? AND r.status = 'submitted' GROUP BY a.question_id, a.value"
)
READ_ALL = (
    "SELECT r.id, r.respondent, a.question_id, a.value FROM responses r"
    " JOIN answers a ON a.response_id = r.id WHERE r.consultation_id = ? ORDER BY r.id"
)


def _consultation():  # type: ignore[no-untyped-def]
    from bot.surveys import load

    catalogue, problems = load([SURVEY])
    assert not problems, problems
    return catalogue.consultations["bench"]


# --- building the database -----------------------------------------------------------------


def _answers(question, rng: random.Random):  # type: ignore[no-untyped-def]
    """A plausible answer to `question`, skewed so some options lead; None to skip it."""
    from bot.core.engine import DECLINED, Answer
    from bot.core.models import MultiChoiceQuestion, OrderingQuestion, ScaleQuestion, TextQuestion

    if question.optional and rng.random() < 0.15:
        return Answer(None)
    if question.rather_not_say and rng.random() < 0.05:
        return Answer(DECLINED)
    if isinstance(question, ScaleQuestion):
        return Answer(
            min(question.max, question.min + int(rng.triangular(0, question.max - question.min + 1, 3)))
        )
    if isinstance(question, TextQuestion):
        words = ["more", "music", "late", "opening", "food", "quiet", "space", "please", "wifi", "staff"]
        return Answer(" ".join(rng.choices(words, k=rng.randint(2, 12))))
    if question.type == "yes_no":
        return Answer(rng.choice(["yes", "yes", "no"]))
    ids = [o.id for o in question.options]
    weights = [1 / (n + 1) for n in range(len(ids))]  # a few popular, a long tail
    if isinstance(question, OrderingQuestion):
        order: list[str] = []
        pool, pool_weights = list(ids), list(weights)
        for _ in range(rng.randint(1, len(ids))):
            pick = rng.choices(range(len(pool)), pool_weights)[0]
            order.append(pool.pop(pick))
            pool_weights.pop(pick)
        return Answer(tuple(order))
    if isinstance(question, MultiChoiceQuestion):
        picked = set(rng.choices(ids, weights, k=rng.randint(1, question.choice_limit)))
        return Answer(tuple(i for i in ids if i in picked))
    return Answer(rng.choices(ids, weights)[0])


ABOUT_YOU = {
    "age_band": ["11-13", "14-15", "16-17", "18-21", "22-25"],
    "care_experience": ["yes", "no", "not-sure"],
}


def _about_you(conn: sqlite3.Connection, response_id: int, rng: random.Random) -> None:
    """What a finished response counts under: a group of each "about you" question, or (one in
    ten) nothing said; a few in the last group, so "everyone else" has something in it."""
    for field, groups in ABOUT_YOU.items():
        if rng.random() < 0.1:
            continue
        group = rng.choices(groups, [10] * (len(groups) - 1) + [1])[0]
        conn.execute(
            "INSERT INTO response_about_you (response_id, field, value) VALUES (?, ?, ?)",
            (response_id, field, group),
        )


async def build(path: Path, responses: int, seed: int = 2026) -> None:
    from bot.core.engine import Progress
    from bot.core.privacy import pseudonym
    from bot.storage import repos
    from bot.storage.db import Database
    from bot.storage.migrate import migrate
    from bot.votes import record_ballots

    consultation = _consultation()
    rng = random.Random(seed)
    key = b"benchmark key, not a real one..."
    db = await Database.open(path)
    await migrate(db)
    unfinished = responses // 10
    people = list(range(1, responses + unfinished + 1))
    for start in range(0, len(people), 2000):

        def batch(conn: sqlite3.Connection, chunk: list[int] = people[start : start + 2000]) -> None:
            for user_id in chunk:
                respondent = pseudonym(key, consultation.id, user_id)
                done = user_id <= responses
                asked = consultation.questions if done else consultation.questions[: rng.randint(1, 9)]
                answers = {q.id: _answers(q, rng) for q in asked}
                stored = repos.create_response(conn, consultation.id, respondent, None, Progress(), NOW)
                progress = Progress(answers, None, done)
                repos.save_progress(conn, stored, progress, NOW)
                if done:
                    _about_you(conn, stored.id, rng)
                    record_ballots(conn, consultation, respondent, progress, NOW)
                    if rng.random() < 0.1:  # changed their mind: a second ballot, the one that counts
                        changed = {**answers, "name": _answers(consultation.questions[-1], rng)}
                        record_ballots(conn, consultation, respondent, Progress(changed, None, True), NOW)

        await db.transaction(batch)
    await db.close()


# --- one measurement, in its own process ------------------------------------------------------


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _paths(db: sqlite3.Connection) -> dict[str, Callable[[], object]]:
    """Each path by name, ready to run on `db` (imports and set-up done before the clock starts)."""
    from bot import exports, published, results
    from bot.about_you import tables
    from bot.about_you.council import Cohort
    from bot.about_you.questions import STANDARD
    from bot.core import irv
    from bot.photo_answers import PhotoAnswers
    from bot.storage import votes_repo
    from bot.summaries import consultation_lines
    from bot.votes import count_votes

    consultation = _consultation()
    vote = consultation.questions[-1]

    def in_memory_count() -> Callable[[], object]:
        ballots = votes_repo.latest_ballots(db, consultation.id, vote.id)  # loaded before the clock
        options = [o.id for o in vote.options]
        return lambda: irv.count_grouped(ballots, options, irv.seed_for(consultation.id, vote.id))

    photos = PhotoAnswers(Path(tempfile.gettempdir()), lambda: NOW)
    asked = [STANDARD[field] for field in consultation.about_you if field in STANDARD]
    cohort = Cohort(1000, {"age_band": {"11-13": 200, "14-15": 300}, "care_experience": {"yes": 400}})
    return {
        "group_by": lambda: db.execute(GROUP_BY, (consultation.id,)).fetchall(),
        "worker_results": lambda: results.gather(db, consultation, photos, NOW),
        "officers_table": lambda: published.build(db, consultation, MIN_CELL),
        "about_you_tables": lambda: tables.build(db, consultation, asked, cohort, MIN_CELL),
        "summary": lambda: consultation_lines(db, consultation, None, NOW, questions_shown=None),
        "vote_in_memory": in_memory_count(),
        "vote_from_db": lambda: count_votes(db, consultation),
        "read_all": lambda: sum(1 for _ in db.execute(READ_ALL, (consultation.id,))),
        "export_csv": lambda: exports.write_responses_csv(db, consultation, tempfile.TemporaryFile()),
        "export_xlsx": lambda: exports.write_responses_xlsx(db, consultation, tempfile.TemporaryFile()),
    }


def measure(path: Path, name: str) -> None:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    work = _paths(db)[name]
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb()}))


def _run(path: Path, name: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.results", "--measure", name, "--db", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# (path, its baseline, target in seconds or None: "<0.3 s or within 1.5x the baseline")
REPORT = (
    ("worker_results", "group_by", "tallies"),
    ("officers_table", "group_by", "tallies"),
    ("summary", "group_by", "tallies"),
    ("about_you_tables", "group_by", "groups"),
    ("vote_from_db", "vote_in_memory", "vote"),
    ("export_csv", "read_all", None),
    ("export_xlsx", "read_all", None),
)
RSS_TARGET_MB = 150


def _target(kind: str | None, baseline: float) -> str:
    if kind == "tallies":
        return f"target < {max(0.3, 1.5 * baseline):.2f} s"
    if kind == "groups":  # one tally grouped by each of the two "about you" questions
        return f"target < {max(0.3, 1.5 * 2 * baseline):.2f} s (two GROUP BYs)"
    if kind == "vote":
        return "target < 0.50 s"
    return ""


def _up_to_date(path: Path) -> bool:
    """A kept database built before the latest migration is built again: its layout may differ."""
    from bot.storage.migrate import available

    if not path.exists():
        return False
    with closing(sqlite3.connect(path)) as db:
        (version,) = db.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return version == available()[-1].version


def check(path: Path) -> str:
    """The grouped tallies agree with tallying every finished answer one by one, read plainly."""
    from bot.core import irv
    from bot.core.engine import Answer
    from bot.core.models import RankedQuestion
    from bot.core.tallies import tally
    from bot.storage.repos import decode_value
    from bot.storage.results_repo import tallies, tallies_by
    from bot.votes import count_votes

    consultation = _consultation()
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    one_by_one: dict[str, list] = {}
    for question_id, value in db.execute(
        "SELECT a.question_id, a.value FROM responses r JOIN answers a ON a.response_id = r.id"
        " WHERE r.consultation_id = ? AND r.status = 'submitted'",
        (consultation.id,),
    ):
        one_by_one.setdefault(question_id, []).append((Answer(decode_value(value)), 1))
    grouped = tallies(db, consultation.id, consultation.questions)
    for question in consultation.questions:
        expected = tally(question, one_by_one.get(question.id, []))
        if isinstance(question, RankedQuestion):
            expected = replace(expected, placed={}, average_rank={}, borda={})
        if grouped[question.id] != expected:
            raise SystemExit(f"the grouped tally of {question.id} differs from counting one by one")
    for field in consultation.about_you:  # every group's counts add up to everyone's
        by_group = tallies_by(db, consultation.id, consultation.questions, field)
        for question in consultation.questions:
            groups = [tallied[question.id] for tallied in by_group.values()]
            if sum(t.answered for t in groups) != grouped[question.id].answered or any(
                sum(t.counts.get(o, 0) for t in groups) != n for o, n in grouped[question.id].counts.items()
            ):
                raise SystemExit(f"{question.id} by {field} does not add up to its tally")
    vote = consultation.questions[-1]
    latest = {
        respondent: ranking.split()
        for respondent, ranking in db.execute(
            "SELECT respondent, ranking FROM ballots WHERE question_id = ? ORDER BY id", (vote.id,)
        )
    }
    plainly = irv.count(
        list(latest.values()), [o.id for o in vote.options], irv.seed_for(consultation.id, vote.id)
    )
    if count_votes(db, consultation)[0].count != plainly:
        raise SystemExit("the vote counted from the database differs from counting every latest ballot")
    answers = sum(map(len, one_by_one.values()))
    return (
        f"checked: every question's tally agrees with counting its {answers:,} answers one by one"
        f" (and by each group of {', '.join(consultation.about_you)}, adds up to it),"
        f" and the vote with counting its {len(latest):,} latest ballots"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2,000 responses, one run")
    parser.add_argument("--rebuild", action="store_true", help="build the database even if one is kept")
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.db, args.measure)
        return 0
    if args.quick:
        args.responses, args.runs = 2_000, 1
    path = args.db or Path(tempfile.gettempdir()) / f"youthvoice-results-{args.responses}.sqlite3"
    if args.rebuild or not _up_to_date(path):
        started = time.perf_counter()
        path.unlink(missing_ok=True)
        asyncio.run(build(path, args.responses))
        print(f"built {args.responses:,} finished responses in {time.perf_counter() - started:.0f} s: {path}")
    names = dict.fromkeys(name for row in REPORT for name in row[:2])
    figures: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for _ in range(args.runs):  # alternating paths, so a noisy moment touches all of them alike
        for name in names:
            figures[name].append(_run(path, name))
    median = {
        name: (
            statistics.median(r["seconds"] for r in runs),
            statistics.median(r["peak_mb"] for r in runs),
        )
        for name, runs in figures.items()
    }
    out = io.StringIO()
    print(f"{args.responses:,} finished responses, median of {args.runs} run(s):", file=out)
    for name, baseline, kind in REPORT:
        seconds, peak = median[name]
        base_seconds, base_peak = median[baseline]
        print(
            f"  {name:<16} {seconds:7.3f} s  {peak:6.1f} MB peak   beside {baseline} {base_seconds:.3f} s,"
            f" {base_peak:.1f} MB ({seconds / base_seconds:.2f}x)  {_target(kind, base_seconds)}"
            f"{'' if peak < RSS_TARGET_MB else f'  OVER {RSS_TARGET_MB} MB'}",
            file=out,
        )
    print(out.getvalue(), end="")
    print(check(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
