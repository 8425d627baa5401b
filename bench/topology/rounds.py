"""The arithmetic of the alternating benchmark, apart from any network (so it can be unit
tested without root): the order of the rounds, each round's ratio to the baseline of that
same round, medians and spreads, and the text table.

Why rounds: on a shared machine the baseline itself drifts (the Linux bridge's TCP figure
moved between 10 and 28 Gbit/s across runs). Measuring every contender once per round,
A B C A B C ..., and dividing each figure by the baseline's figure of the same round lets
drift cancel instead of deciding the ratios.
"""

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    title: str
    unit: str
    fmt: str
    higher_is_better: bool | None  # None: no ratio to the baseline (loss, CPU)
    extras: tuple = ()  # (key, column title, fmt) shown next to it in the table


METRICS = (
    Metric("tcp1_gbps", "TCP 1 stream", "Gbit/s", ".2f", True,
           (("cpu_tcp1_pct", "CPU %", ".0f"),)),
    Metric("tcp4_gbps", "TCP 4 streams", "Gbit/s", ".2f", True,
           (("cpu_tcp4_pct", "CPU %", ".0f"),)),
    Metric("udp_kpps", "UDP 64 B delivered", "kpps", ".0f", True,
           (("udp_loss_pct", "loss %", ".1f"), ("cpu_udp_pct", "CPU %", ".0f"))),
    # The same flood offered at the rate the contender delivered above, not faster: whether
    # it carries that rate without loss (a switch that only keeps up on average loses here).
    Metric("udp_paced_loss_pct", "UDP 64 B offered at the rate it delivered, loss", "%",
           ".1f", None, (("udp_paced_kpps", "sent kpps", ".0f"),)),
    Metric("ping_avg_us", "ping avg", "us", ".0f", False),
    Metric("ping_p99_us", "ping p99", "us", ".0f", False),
    Metric("cpu_idle_pct", "switch CPU when idle", "% of one core", ".1f", None),
)
RATIO_METRICS = tuple(m for m in METRICS if m.higher_is_better is not None)
RAW_KEYS = tuple(k for m in METRICS for k in (m.key,) + tuple(e[0] for e in m.extras))


def schedule(names, rounds):
    """The measurement order: every contender once per round, in the same order each round
    (A B C A B C ...). A list of (round index, name)."""
    return [(r, name) for r in range(rounds) for name in names]


def spread(values):
    """Median, min, max and quartiles (inclusive method) of the values that are not None;
    None if there are none."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    if len(values) == 1:
        q1 = q3 = values[0]
    else:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return {"median": statistics.median(values), "min": values[0], "max": values[-1],
            "q1": q1, "q3": q3, "n": len(values)}


def round_ratios(rounds, name, key, baseline):
    """Per round: `name`'s figure for `key` divided by the baseline's figure of that same
    round (None where either is missing or the baseline's is zero)."""
    out = []
    for results in rounds:
        mine = results.get(name, {}).get(key)
        base = results.get(baseline, {}).get(key)
        out.append(mine / base if mine is not None and base else None)
    return out


def summarize(rounds, names, baseline):
    """rounds: one dict per round, contender name -> {raw key: figure or None}.
    Per contender and raw key: the figures per round and their spread and, for the metrics
    compared with the baseline, the per-round ratios and their spread."""
    summary = {}
    for name in names:
        per_key = {}
        for key in RAW_KEYS:
            values = [r.get(name, {}).get(key) for r in rounds]
            entry = {"values": values, "absolute": spread(values)}
            if key in (m.key for m in RATIO_METRICS):
                ratios = round_ratios(rounds, name, key, baseline)
                entry["ratios"] = ratios
                entry["ratio"] = spread(ratios)
            per_key[key] = entry
        summary[name] = per_key
    return summary

# --- the table ----------------------------------------------------------------------------


def _fmt(value, fmt):
    return "-" if value is None else format(value, fmt)


def _range(s, fmt):
    return "-" if s is None else f"{format(s['min'], fmt)}-{format(s['max'], fmt)}"


def _iqr(s, fmt):
    return "-" if s is None else f"{format(s['q1'], fmt)}-{format(s['q3'], fmt)}"


def _columns(rows):
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]


def render(summary, names, baseline):
    """One block per load; per contender the absolute median and range over the rounds,
    the median of the per-round ratios to the baseline, their range and IQR."""
    lines = []
    for m in METRICS:
        direction = {True: "higher is better", False: "lower is better",
                     None: "absolute"}[m.higher_is_better]
        lines.append(f"{m.title}, {m.unit} ({direction})")
        header = ["  contender", "median", "min-max"]
        if m.higher_is_better is not None:
            header += ["ratio", "ratio min-max", "ratio IQR"]
        header += [e[1] for e in m.extras] + ["rounds"]
        rows = [header]
        for name in names:
            entry = summary[name][m.key]
            a = entry["absolute"]
            row = [f"  {name}", _fmt(a and a["median"], m.fmt), _range(a, m.fmt)]
            if m.higher_is_better is not None:
                q = entry["ratio"]
                if name == baseline:
                    row += ["1", "", ""]
                else:
                    row += [_fmt(q and q["median"], ".2f") + ("x" if q else ""),
                            _range(q, ".2f"), _iqr(q, ".2f")]
            for key, _, fmt in m.extras:
                e = summary[name][key]["absolute"]
                row.append(_fmt(e and e["median"], fmt))
            row.append(str(a["n"]) if a else "0")
            rows.append(row)
        lines += _columns(rows) + [""]
    return "\n".join(lines)

# --- the same contender with more and fewer containers attached -----------------------------

SCALE_KEYS = ("tcp1_gbps", "tcp4_gbps", "udp_kpps", "ping_avg_us", "ping_p99_us")


def scale(rounds_many, rounds_few, names):
    """Per contender and load: each round's figure with many containers attached divided by
    the same contender's figure with few, measured in the same round, and their spread."""
    out = {}
    for name in names:
        out[name] = {}
        for key in SCALE_KEYS:
            merged = [{name: many.get(name, {}), "few": few.get(name, {})}
                      for many, few in zip(rounds_many, rounds_few)]
            ratios = round_ratios(merged, name, key, "few")
            out[name][key] = {"ratios": ratios, "ratio": spread(ratios)}
    return out


def render_scale(scale_summary, names, many, few):
    titles = {m.key: m.title for m in METRICS}
    header = ["  contender"] + [titles[k] for k in SCALE_KEYS]
    rows = [header]
    for name in names:
        row = [f"  {name}"]
        for key in SCALE_KEYS:
            q = scale_summary[name][key]["ratio"]
            row.append("-" if q is None else
                       f"{q['median']:.2f}x ({q['min']:.2f}-{q['max']:.2f})")
        rows.append(row)
    return "\n".join([f"{many} containers attached against {few}, same contender, same round "
                      f"(figure with {many} / figure with {few}; median, min-max; ping: lower "
                      f"is better)"] + _columns(rows) + [""])
