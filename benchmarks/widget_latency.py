"""Latency of the learning-rate dashboards: one slider change = recompute + redraw + PNG for the widget.

Drives each dashboard headless (Agg backend) through 50 slider changes, as a learner dragging the
slider would, and prints p50 / p95 in milliseconds. Goal: p95 <= 50 ms on a 2-core machine.
`regularization_widget_latency` is notebook 04's dashboard (alpha slider, for L2, L1 and elastic net in turn);
the last line, `widget_latency`, is the optimizer dashboard of notebook 03 on its default (quadratic) surface.

    python benchmarks/widget_latency.py
"""

import _timing  # noqa: F401  (environment, import path)
import numpy as np

import dlopt_helpers as dh


def slider_latency(dashboard, name, values, raw=False):
    control = dashboard.controls[name]
    control.value = values[-1] if isinstance(values[-1], str) else float(values[-1])  # warm-up: first draw
    renders = dashboard.render_count
    seconds = _timing.time_calls(lambda v: setattr(control, "value", v if isinstance(v, str) else float(v)), values)
    assert dashboard.render_count == renders + len(values), "every change must redraw"
    return np.array(seconds) if raw else np.percentile(np.array(seconds) * 1000, [50, 95])


def main():
    rates = np.geomspace(0.002, 0.2, 50)
    results = {}
    for surface in ("digits", "rosenbrock", "quadratic"):
        dashboard = dh.widgets.OptimizerDashboard(surface=surface, optimizer="momentum", steps=100)
        results[surface] = slider_latency(dashboard, "learning_rate", rates)
    regularization = dh.widgets.RegularizationDashboard(degree=12)
    seconds = []
    for penalty in ("l2", "l1", "elastic_net"):
        regularization.controls["penalty"].value = penalty  # draws this penalty's background once
        seconds.append(slider_latency(regularization, "alpha", np.geomspace(1e-5, 10, 50), raw=True))
    p50, p95 = np.percentile(np.concatenate(seconds) * 1000, [50, 95])
    regularization_line = f"regularization_widget_latency p50_ms={p50:.1f} p95_ms={p95:.1f}"
    augmentation = dh.widgets.AugmentationDashboard()
    p50, p95 = slider_latency(augmentation, "rotation_range", np.linspace(0, 180, 50))
    print(f"augmentation_dashboard (notebook 05) p50_ms={p50:.1f} p95_ms={p95:.1f}")
    rng = np.random.default_rng(0)
    trials = [{"learning_rate": float(10 ** rng.uniform(-2, 0.5)), "l2": float(10 ** rng.uniform(-6, -1)),
               "hidden_units": int(rng.choice([16, 64])), "search": str(rng.choice(["grid", "random", "Optuna"])),
               "score": float(rng.random())} for _ in range(72)]
    explorer = dh.widgets.SearchExplorer(trials)
    seconds = [slider_latency(explorer, "reduce", ["best", "mean"] * 10, raw=True)]
    for axis in ("hidden_units", "search", "l2"):  # a new pair of axes: a full redraw
        start = _timing.time_calls(lambda v: setattr(explorer.controls["y"], "value", v), [axis])
        seconds.append(np.array(start))
    p50, p95 = np.percentile(np.concatenate(seconds) * 1000, [50, 95])
    print(f"search_explorer (notebook 07) p50_ms={p50:.1f} p95_ms={p95:.1f}")
    core = dh.widgets.GradientDescentDashboard(steps=100)
    p50, p95 = slider_latency(core, "learning_rate", np.geomspace(0.01, 2.5, 50))
    print(f"gradient_descent_dashboard (notebook 01) p50_ms={p50:.1f} p95_ms={p95:.1f}")
    for surface in ("digits", "rosenbrock"):
        p50, p95 = results[surface]
        print(f"optimizer_dashboard surface={surface} p50_ms={p50:.1f} p95_ms={p95:.1f}")
    print(regularization_line)
    p50, p95 = results["quadratic"]
    print(f"widget_latency p50_ms={p50:.1f} p95_ms={p95:.1f}")


if __name__ == "__main__":
    main()
