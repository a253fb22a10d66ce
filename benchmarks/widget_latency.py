"""Latency of every dashboard: one control change = recompute + redraw + PNG for the widget.

Drives each dashboard of ``dlopt_helpers.dashboards.DASHBOARDS`` headless (Agg backend) as a learner
would (a slider dragged through 50 values, a toggle flipped, a new pair of axes) and prints p50 / p95
in milliseconds per dashboard, and whether its p95 meets the goal: p95 <= 50 ms on a 2-core machine.
Each dashboard is measured ``--runs`` times (default 3) and judged by the median of its p95s, since
other processes on a shared machine make single runs noisy. It ends with one
``GOAL widget_p95_<dashboard>: met|missed (<value> vs <goal>)`` line per dashboard (``make bench`` collects them).

Also printed, as before the split: ``regularization_widget_latency`` (notebook 04's alpha slider for L2, L1
and elastic net in turn) and ``widget_latency`` (the optimizer dashboard of notebook 03 on its default,
quadratic surface).

    python benchmarks/widget_latency.py [--runs 3] [--only NetworkDoctorDashboard ...]
"""

import argparse

import _timing
import numpy as np

import dlopt_helpers as dh
from dlopt_helpers.dashboards import DASHBOARDS

GOAL_MS = 50.0
MOVES = 10 if _timing.QUICK else 50


def slider_seconds(dashboard, name, values) -> np.ndarray:
    """Seconds per change of ``controls[name]`` through ``values`` (after one warm-up change)."""
    control = dashboard.controls[name]

    def cast(value):
        return value if isinstance(value, (str, bool)) else float(value)

    control.value = cast(values[-1])  # warm-up: the first draw of this layout
    renders = dashboard.render_count
    seconds = _timing.time_calls(lambda v: setattr(control, "value", cast(v)), values)
    assert dashboard.render_count == renders + len(values), "every change must redraw"
    return np.array(seconds)


def gradient_descent():
    dashboard = dh.dashboards.GradientDescentDashboard(steps=100)
    return {"": slider_seconds(dashboard, "learning_rate", np.geomspace(0.01, 2.5, MOVES))}


def optimizer():
    parts = {}
    for surface in ("digits", "rosenbrock", "quadratic"):
        dashboard = dh.dashboards.OptimizerDashboard(surface=surface, optimizer="momentum", steps=100)
        parts[f"surface={surface}"] = slider_seconds(dashboard, "learning_rate", np.geomspace(0.002, 0.2, MOVES))
    return parts


def keras_trainer():
    dashboard = dh.dashboards.KerasTrainingDashboard(batches_per_chunk=10, max_chunks=200)
    dashboard.train(3 if _timing.QUICK else 20)  # a learning curve to redraw
    rates = np.geomspace(0.01, 0.5, MOVES // 2)
    return {"": slider_seconds(dashboard, "learning_rate", np.concatenate([rates, rates[-2:0:-1]]))}


def regularization():
    dashboard = dh.dashboards.RegularizationDashboard(degree=12)
    parts = {}
    for penalty in ("l2", "l1", "elastic_net"):
        dashboard.controls["penalty"].value = penalty  # draws this penalty's background once
        parts[f"penalty={penalty}"] = slider_seconds(dashboard, "alpha", np.geomspace(1e-5, 10, MOVES))
    return parts


def augmentation():
    dashboard = dh.dashboards.AugmentationDashboard()
    return {"": slider_seconds(dashboard, "rotation_range", np.linspace(0, 180, MOVES))}


def search_explorer():
    rng = np.random.default_rng(0)
    trials = [
        {
            "learning_rate": float(10 ** rng.uniform(-2, 0.5)),
            "l2": float(10 ** rng.uniform(-6, -1)),
            "hidden_units": int(rng.choice([16, 64])),
            "search": str(rng.choice(["grid", "random", "Optuna"])),
            "score": float(rng.random()),
        }
        for _ in range(72)
    ]
    explorer = dh.dashboards.SearchExplorer(trials)  # learning_rate x l2, best
    # a learner exploring: a new pair of axes (a full redraw), then best <-> mean on it (first visits),
    # then back to pairs and settings seen before (kept frames and backgrounds)
    control = explorer.controls

    def change(setting):
        name, value = setting
        control[name].value = value

    first = [("y", "hidden_units"), ("reduce", "mean"), ("reduce", "best"), ("y", "search"), ("reduce", "mean")]
    first += [("x", "hidden_units"), ("reduce", "best"), ("x", "learning_rate"), ("y", "l2")]
    again = [("reduce", "mean"), ("reduce", "best")] * (MOVES // 10) + [("y", "search"), ("y", "l2")]
    return {
        "first visits": np.array(_timing.time_calls(change, first)),
        "seen before": np.array(_timing.time_calls(change, again)),
    }


def network_doctor():
    """The depth slider dragged up (new networks) and back (frames seen before), then toggles flipped."""
    dashboard = dh.dashboards.NetworkDoctorDashboard(normalization="batch", residual=True)  # the costliest network
    control = dashboard.controls

    def change(setting):
        name, value = setting
        control[name].value = value

    up = list(range(2, 51)) if not _timing.QUICK else [10, 20, 30, 40, 50]
    control["depth"].value = 30  # warm-up: the first draw of the figure
    renders = dashboard.render_count
    parts = {"depth slider, new": _timing.time_calls(lambda depth: change(("depth", depth)), up)}
    parts["depth slider, back"] = _timing.time_calls(lambda depth: change(("depth", depth)), up[-2::-1])
    flips = [("normalization", "none"), ("activation", "relu"), ("initializer", "he_normal"), ("residual", False)]
    flips += [("normalization", "layer"), ("activation", "tanh"), ("initializer", "glorot_uniform"), ("residual", True)]
    flips += [("normalization", "batch"), ("activation", "sigmoid"), ("initializer", "random_normal")]
    parts["toggles"] = _timing.time_calls(change, flips * (1 if _timing.QUICK else 3))
    assert dashboard.render_count == renders + sum(len(p) for p in parts.values()), "every change must redraw"
    return {part: np.array(seconds) for part, seconds in parts.items()}


#: dashboard class name -> (scenario, notebook)
SCENARIOS = {
    "GradientDescentDashboard": (gradient_descent, "01"),
    "OptimizerDashboard": (optimizer, "03"),
    "KerasTrainingDashboard": (keras_trainer, "03"),
    "NetworkDoctorDashboard": (network_doctor, "03a"),
    "RegularizationDashboard": (regularization, "04"),
    "AugmentationDashboard": (augmentation, "05"),
    "SearchExplorer": (search_explorer, "07"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1 if _timing.QUICK else 3)
    parser.add_argument("--only", nargs="+", metavar="DASHBOARD", help="measure only these dashboards (class names)")
    arguments = parser.parse_args()
    runs = max(1, arguments.runs)
    missing = sorted({d.__name__ for d in DASHBOARDS} - set(SCENARIOS))
    assert not missing, f"add a scenario for {missing} to benchmarks/widget_latency.py"
    unknown = sorted(set(arguments.only or ()) - set(SCENARIOS))
    assert not unknown, f"--only must name dashboards among {sorted(SCENARIOS)}, got {unknown}"
    goals, extra = [], {}
    for dashboard in DASHBOARDS:
        if arguments.only and dashboard.__name__ not in arguments.only:
            continue
        scenario, notebook = SCENARIOS[dashboard.__name__]
        p95s = []
        for _ in range(runs):
            parts = scenario()
            ms = np.concatenate(list(parts.values())) * 1000
            p95s.append(np.percentile(ms, 95))
            for part, seconds in parts.items():
                if part:
                    p50, p95 = np.percentile(seconds * 1000, [50, 95])
                    print(f"  {dashboard.__name__} {part} p50_ms={p50:.1f} p95_ms={p95:.1f}")
            extra.setdefault(dashboard.__name__, []).append(parts)
        p95 = float(np.median(p95s))
        verdict = "met" if p95 <= GOAL_MS else "missed"
        runs_text = " ".join(f"{v:.1f}" for v in p95s)
        print(
            f"{dashboard.__name__} (notebook {notebook}) p50_ms={np.percentile(ms, 50):.1f} "
            f"p95_ms={p95:.1f} (median of runs: {runs_text}; min {min(p95s):.1f}) {verdict}"
        )
        goals.append(f"GOAL widget_p95_{dashboard.__name__}: {verdict} ({p95:.1f} ms vs {GOAL_MS:g} ms)")
    if "RegularizationDashboard" in extra:
        regularization_ms = np.concatenate(list(extra["RegularizationDashboard"][-1].values())) * 1000
        p50, p95 = np.percentile(regularization_ms, [50, 95])
        print(f"regularization_widget_latency p50_ms={p50:.1f} p95_ms={p95:.1f}")
    if "OptimizerDashboard" in extra:
        p50, p95 = np.percentile(extra["OptimizerDashboard"][-1]["surface=quadratic"] * 1000, [50, 95])
        print(f"widget_latency p50_ms={p50:.1f} p95_ms={p95:.1f}")
    print("\n".join(goals))


if __name__ == "__main__":
    main()
