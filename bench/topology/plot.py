"""A PNG of the benchmark's per-round ratios: one panel per load, a box per contender over
its rounds with every round drawn as a dot, and a line at 1 (the Linux bridge of the same
round). The UDP loss panel shows absolute percentages (the bridge's are usually 0).
matplotlib from Debian (python3-matplotlib), Agg backend: no display needed."""

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from rounds import RATIO_METRICS  # noqa: E402

LOSS_KEY = "udp_loss_pct"


def _strip(ax, series, labels):
    """A box per series (where it has values) and its points, slightly spread sideways so
    equal values stay visible."""
    positions = range(1, len(series) + 1)
    filled = [(p, s) for p, s in zip(positions, series) if s]
    if filled:
        ax.boxplot([s for _, s in filled], positions=[p for p, _ in filled], widths=0.5,
                   showfliers=False, medianprops={"color": "tab:red"})
    for p, s in zip(positions, series):
        n = len(s)
        xs = [p + (i - (n - 1) / 2) * min(0.3 / max(n - 1, 1), 0.06) for i in range(n)]
        ax.scatter(xs, s, s=14, color="tab:blue", alpha=0.7, zorder=3)
    ax.set_xticks(list(positions))
    ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
    ax.set_xlim(0.4, len(series) + 0.6)


def write_png(path, summary, names, baseline, title):
    """summary: rounds.summarize()'s result; names: contenders in display order."""
    others = [n for n in names if n != baseline]
    panels = len(RATIO_METRICS) + 1
    cols = 3
    rows = (panels + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.6 * rows), squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax, m in zip(flat, RATIO_METRICS):
        series = [[v for v in summary[n][m.key]["ratios"] if v is not None] for n in others]
        _strip(ax, series, others)
        ax.axhline(1.0, color="gray", linestyle="--", linewidth=1)
        values = [v for s in series for v in s] + [1.0]
        lo, hi = min(values), max(values)
        if lo > 0 and hi / lo > 4:  # 0.5x and 20x in one panel: a log scale keeps both legible
            ax.set_yscale("log")
            ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
            ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
            ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        else:  # the line at 1 stays in view even when every dot is far off
            lo, hi = ax.get_ylim()
            ax.set_ylim(min(lo, 0.95), max(hi, 1.05))
        better = "higher" if m.higher_is_better else "lower"
        ax.set_title(f"{m.title} ({better} is better)", fontsize=10)
        ax.set_ylabel(f"ratio to {baseline}, same round", fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    loss_ax = flat[len(RATIO_METRICS)]
    series = [[v for v in summary[n][LOSS_KEY]["values"] if v is not None] for n in names]
    _strip(loss_ax, series, names)
    loss_ax.set_title("UDP 64 B loss (absolute)", fontsize=10)
    loss_ax.set_ylabel("% of packets sent", fontsize=8)
    loss_ax.set_ylim(0, max(loss_ax.get_ylim()[1], 1.0))
    loss_ax.grid(axis="y", alpha=0.3)
    for ax in flat[panels:]:
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
