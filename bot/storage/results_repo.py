"""SQL for the results: each question's tally over every finished response, grouped by SQLite, so
the work left to Python grows with the number of different answers, not of young people."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from sqlite3 import Connection

from bot.core.engine import DECLINED, Answer
from bot.core.models import PhotoQuestion, Question, RankedQuestion, TextQuestion
from bot.core.tallies import QuestionTally, tally
from bot.storage.repos import decode_value, encode_value

# Every character `str.strip()` removes (tests/unit/test_answer_counts.py checks the list), so SQLite's
# trim() decides "has any words" exactly as the tally does.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# Stands for every typed answer with any words in it: they are only counted, so SQLite folds them
# into one group rather than handing each young person's words over.
WORDS = encode_value(Answer("words"))
_DECLINED = encode_value(Answer(DECLINED))
# A typed answer with any words (parameters: _DECLINED, WHITESPACE): what the tally counts as answered.
_HAS_WORDS = "a.value != ? AND json_type(a.value) = 'text' AND trim(json_extract(a.value, '$'), ?) != ''"


def tallies(db: Connection, consultation_id: str, questions: Sequence[Question]) -> dict[str, QuestionTally]:
    """Each of `questions` tallied over the consultation's finished responses (each different
    answer decoded once): `tallies_by` for everyone together."""
    return tallies_by(db, consultation_id, questions, None).get("") or _tallied(questions, {})


def tallies_by(
    db: Connection, consultation_id: str, questions: Sequence[Question], about: str | None
) -> dict[str, dict[str, QuestionTally]]:
    """Each of `questions` tallied over the consultation's finished responses, for each group of
    the "about you" question `about` the responses count under ("" for those that count under none;
    with `about` None, everyone is in "").

    Some answers are only counted, so SQLite folds them before they reach Python: typed answers
    and photos' names with any words (into WORDS), and votes (into "placed an option" or not).
    Whatever is not folded reaches the tally as stored, so a fold only ever has to be sure. A vote's
    per-option figures come from its instant-runoff count (`bot.votes.count_votes`), so its tally
    here has none: only how many answered, skipped, would rather not say, or no longer fit."""
    wanted = {q.id: q for q in questions}
    # Typed words and photos alike: a string with any words is an answer to both, only counted.
    typed = [q.id for q in questions if isinstance(q, TextQuestion | PhotoQuestion)]
    votes = [q for q in questions if isinstance(q, RankedQuestion) and q.options]
    folded: list[str] = []
    params: list[object] = []
    if typed:
        folded.append(f"WHEN a.question_id IN ({_marks(typed)}) AND {_HAS_WORDS} THEN ?")
        params += [*typed, _DECLINED, WHITESPACE, WORDS]
    for vote in votes:
        options = [o.id for o in vote.options]
        folded.append(
            # Not one holding a NUL ("\u0000" in JSON): SQLite's JSON functions cut strings there.
            "WHEN a.question_id = ? AND json_type(a.value) = 'array' AND instr(a.value, '\\u0000') = 0"
            " THEN CASE WHEN EXISTS"
            f" (SELECT 1 FROM json_each(a.value) AS placed WHERE placed.value IN ({_marks(options)}))"
            " THEN ? ELSE '[]' END"
        )
        params += [vote.id, *options, encode_value(Answer((options[0],)))]
    if not wanted:
        return {}
    answer = f"CASE {' '.join(folded)} ELSE a.value END" if folded else "a.value"
    # Without groups, the query is the plain tally's: no group column to sort by.
    grouped, by = ("coalesce(g.value, ''), ", "1, 2, 3") if about else ("", "1, 2")
    join = " LEFT JOIN response_about_you g ON g.response_id = r.id AND g.field = ?" if about else ""
    rows = db.execute(
        f"SELECT {grouped}a.question_id, {answer} AS answer, count(*)"
        f" FROM responses r JOIN answers a ON a.response_id = r.id{join}"
        # "+": the question filters rows read in order, rather than costing a look-up per question.
        f" WHERE r.consultation_id = ? AND r.status = 'submitted' AND +a.question_id IN ({_marks(wanted)})"
        f" GROUP BY {by}",  # by position: a column named like the alias would win in GROUP BY
        (*params, *([about] if about else []), consultation_id, *wanted),
    )
    answers: dict[str, dict[str, list[tuple[Answer, int]]]] = {}
    for *group, question_id, value, count in rows:
        given = answers.setdefault(group[0] if group else "", {})
        given.setdefault(question_id, []).append((Answer(decode_value(value)), count))
    return {group: _tallied(questions, given) for group, given in answers.items()}


def _tallied(
    questions: Sequence[Question], given: dict[str, list[tuple[Answer, int]]]
) -> dict[str, QuestionTally]:
    found = {q.id: tally(q, given.get(q.id, [])) for q in questions}
    for vote in questions:
        if isinstance(vote, RankedQuestion) and vote.options:  # counted by instant runoff instead
            found[vote.id] = replace(found[vote.id], placed={}, average_rank={}, borda={})
    return found


def about_you_sizes(db: Connection, consultation_id: str, about: str) -> dict[str, int]:
    """How many finished responses count under each group of an "about you" question ("" for none)."""
    rows = db.execute(
        "SELECT coalesce(g.value, ''), count(*) FROM responses r"
        " LEFT JOIN response_about_you g ON g.response_id = r.id AND g.field = ?"
        " WHERE r.consultation_id = ? AND r.status = 'submitted' GROUP BY 1",
        (about, consultation_id),
    )
    return {group: count for group, count in rows}


def written_answers(
    db: Connection, consultation_id: str, question_id: str, skip: int, limit: int
) -> tuple[list[Answer], int]:
    """A page of a text question's written answers over the finished responses (those its tally
    counts), newest response first: `limit` after the first `skip`, and how many there are in all."""
    where = (
        " FROM responses r JOIN answers a ON a.response_id = r.id"
        f" WHERE r.consultation_id = ? AND r.status = 'submitted' AND a.question_id = ? AND {_HAS_WORDS}"
    )
    params = (consultation_id, question_id, _DECLINED, WHITESPACE)
    [(total,)] = db.execute(f"SELECT count(*){where}", params)
    rows = db.execute(f"SELECT a.value{where} ORDER BY r.id DESC LIMIT ? OFFSET ?", (*params, limit, skip))
    return [Answer(decode_value(value)) for (value,) in rows], total


def _marks(items: Collection[object]) -> str:
    return ",".join("?" * len(items))
