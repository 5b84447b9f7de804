"""Charts people would rather look at than read (matplotlib, the ``charts`` extra)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from linkatlas.errors import MissingExtraError

__all__ = ["draw_history"]


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise MissingExtraError("matplotlib", "charts") from None
    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as pyplot

    return pyplot


def draw_history(rows: Sequence[dict], path: str | Path, *, title: str = "New & lost referring domains") -> Path:
    """Semrush's "New & Lost Referring Domains" chart: new domains as bars above the axis,
    lost ones below, and the live referring domains as a line on a second axis."""
    pyplot = _pyplot()
    labels = [str(row["period"]) for row in rows]
    positions = range(len(rows))
    figure, bars = pyplot.subplots(figsize=(max(6.0, 0.6 * len(rows) + 3), 4), dpi=100)
    bars.bar(positions, [row["new_referring_domains"] for row in rows], color="#2e9d5b", label="new")
    bars.bar(positions, [-row["lost_referring_domains"] for row in rows], color="#d2453b", label="lost")
    bars.axhline(0, color="#555555", linewidth=0.8)
    bars.set_ylabel("new / lost referring domains")
    bars.set_xticks(list(positions), labels, rotation=45 if len(rows) > 8 else 0, ha="right" if len(rows) > 8 else "center")
    line = bars.twinx()
    line.plot(list(positions), [row["referring_domains"] for row in rows], color="#3060c0", marker="o",
              label="referring domains")
    line.set_ylabel("referring domains")
    line.set_ylim(bottom=0)
    handles = bars.get_legend_handles_labels()[0] + line.get_legend_handles_labels()[0]
    bars.legend(handles, [handle.get_label() for handle in handles], loc="upper center", bbox_to_anchor=(0.5, -0.12),
                ncol=3, frameon=False)
    bars.set_title(title)
    figure.tight_layout()
    target = Path(path)
    figure.savefig(target, format="png")
    pyplot.close(figure)
    return target
