"""Charts for the team's summaries, as PNG bytes (matplotlib's object API: no screen, no global state)."""

from __future__ import annotations

import io
from dataclasses import dataclass


@dataclass(frozen=True)
class ResponseBar:
    title: str
    finished: int
    unfinished: int


def responses_chart(bars: list[ResponseBar]) -> bytes | None:
    """Finished and unfinished responses per open consultation. Only when it adds something to
    the text: two or more consultations with responses to compare; otherwise None."""
    shown = [bar for bar in bars if bar.finished + bar.unfinished > 0]
    if len(shown) < 2:
        return None
    # Imported here: matplotlib (with numpy) costs ~40 MB, paid only when a chart is drawn.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 0.6 * len(shown) + 1.5), dpi=120)
    axes = figure.subplots()
    titles = [bar.title for bar in shown]
    finished = [bar.finished for bar in shown]
    unfinished = [bar.unfinished for bar in shown]
    axes.barh(titles, finished, color="#2b6cb0", label="finished")
    axes.barh(titles, unfinished, left=finished, color="#90cdf4", label="not finished")
    axes.invert_yaxis()  # in the same order as the text
    axes.set_xlabel("responses")
    axes.set_title("Responses so far")
    axes.legend(loc="lower right")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def rounds_chart(title: str, candidates: list[str], rounds: list[dict[str, int]]) -> bytes:
    """A vote's count: one bar per candidate for each round (a candidate removed has no bar in
    later rounds), so the winner's growth across rounds is visible at a glance."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 0.5 * len(candidates) * max(1, min(len(rounds), 3)) + 1.8), dpi=120)
    axes = figure.subplots()
    height = 0.8 / max(len(rounds), 1)
    palette = ["#90cdf4", "#4299e1", "#2b6cb0", "#2c5282", "#1a365d"]
    for index, totals in enumerate(rounds):
        positions = [c + index * height for c in range(len(candidates))]
        values = [totals.get(name, 0) for name in candidates]
        axes.barh(
            positions,
            values,
            height=height,
            color=palette[min(index, len(palette) - 1)],
            label=f"round {index + 1}",
        )
    axes.set_yticks([c + 0.4 - height / 2 for c in range(len(candidates))], labels=candidates)
    axes.invert_yaxis()
    axes.set_xlabel("votes")
    axes.set_title(title)
    if rounds:
        axes.legend(loc="lower right")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def bands_chart(title: str, labels: list[str], bands: list[tuple[int, int]]) -> bytes:
    """Published counts (each a band, `low` to `high`) as bars: solid to the band's low end, paler
    across the band, labelled with its range, so no bar claims more than is known."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 0.5 * len(labels) + 1.8), dpi=120)
    axes = figure.subplots()
    positions = list(range(len(labels)))
    lows = [low for low, _ in bands]
    axes.barh(positions, lows, height=0.6, color="#4299e1")
    axes.barh(positions, [high - low for low, high in bands], left=lows, height=0.6, color="#bee3f8")
    for position, (low, high) in zip(positions, bands, strict=True):
        axes.text(high + 0.3, position, f"{low}–{high}", va="center")
    axes.set_yticks(positions, labels=labels)
    axes.invert_yaxis()
    axes.set_xlim(0, max((high for _, high in bands), default=0) * 1.2 + 1)
    axes.set_title(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
