"""The kill drill, short: the real program (`python -m bot run`) SIGKILLed again and again while
young people take a consultation, loses, doubles and muddles nothing, and nobody is left stuck.
The full drill is `python -m benchmarks.kill_drill` (see benchmarks/README.md)."""

from __future__ import annotations

from benchmarks.kill_drill import drill


async def test_killing_the_bot_again_and_again_loses_nothing_and_leaves_nobody_stuck() -> None:
    report = await drill(people=12, kills=4, seed=20240607)
    summary = "\n".join(report.lines())
    assert report.kills == 4, summary
    assert report.lost == [], summary
    assert report.doubled == [], summary
    assert report.wrong == [], summary
    assert report.needing_start == [], summary
    assert report.unfinished == [], summary
    assert report.unexpected_exits == [] and report.final_exit == 0, summary
    assert report.integrity == "ok", summary
