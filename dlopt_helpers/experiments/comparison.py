"""``Comparison`` and ``Summary``: runs over seeds as ``🎲`` lines, their spread, and the claims asserted on them."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .._validation import SEED_MAX, check_float, check_int
from ..i18n import N_, gettext

MARK = "🎲"
"""The mark that starts every measured-result line (timings use ``⏱``)."""


def _fails(verdict: str, mean: float, sem: float) -> str:
    return gettext("claim fails: {verdict}: difference {mean:+.4g}, standard error {sem:.3g}").format(
        verdict=verdict, mean=mean, sem=sem
    )


#: what results are measured over, as the 🎲 lines and claims name it (marked for the catalog)
OVER = (N_("seeds"), N_("paired seeds"), N_("folds"), N_("paired folds"), N_("runs"), N_("paired runs"))


class ClaimError(AssertionError):
    """A claim made in the text does not hold for the measured runs."""


@dataclass(frozen=True)
class Summary:
    """Mean, spread and 95 % confidence interval of one arm's values (or of paired differences)."""

    values: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def sd(self) -> float:
        """Sample standard deviation (``ddof=1``): the run-to-run spread."""
        return float(np.std(self.values, ddof=1))

    @property
    def sem(self) -> float:
        """Standard error of the mean, ``sd / sqrt(n)``."""
        return self.sd / math.sqrt(self.n)

    @property
    def ci95(self) -> tuple[float, float]:
        """95 % confidence interval of the mean (Student's t with ``n - 1`` degrees of freedom)."""
        from scipy import stats

        half = float(stats.t.ppf(0.975, self.n - 1)) * self.sem
        return self.mean - half, self.mean + half

    def format(self, label: str, fmt: str = ".3f", signed: bool = False, over: str = "seeds") -> str:
        """The one printed format: ``🎲 label: mean ± sd  [95% CI low, high]  n seeds``."""
        sign = "+" if signed else ""
        low, high = self.ci95
        mean, low, high = (_number(x, sign + fmt) for x in (self.mean, low, high))
        sd = _number(self.sd, fmt.replace("+", ""))  # a spread has no sign, even in a signed format
        return f"{MARK} {label}: {mean} ± {sd}  [95% CI {low}, {high}]  {self.n} {gettext(over)}"


def _number(value: float, fmt: str) -> str:
    """``format`` without a negative zero: -0.0004 with '.3f' prints 0.000, not -0.000."""
    text = format(value, fmt)
    if float(text.rstrip("%")) == 0:
        text = format(0.0, fmt)
    return text


def _check_seeds(seeds) -> tuple[int, ...]:
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        count = check_int("seeds", seeds, 2, 1000)
        return tuple(range(count))
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise ValueError(f"seeds must be a count >= 2 or a sequence of seeds, got {seeds!r}")
    seeds = tuple(check_int("seeds", s, 0, SEED_MAX) for s in seeds)
    if len(seeds) < 2:
        raise ValueError(f"seeds must hold at least 2 seeds (a spread needs two runs), got {len(seeds)}")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct, got {seeds!r}")
    return seeds


def _check_name(what: str, name) -> str:
    if not isinstance(name, str) or not name.strip() or "\n" in name:
        raise ValueError(f"{what} must be a non-empty one-line string, got {name!r}")
    return name


def _check_fmt(fmt) -> str:
    try:
        if not isinstance(fmt, str) or fmt[-1:] not in ("f", "g", "e", "%"):
            raise ValueError
        format(0.5, fmt)
    except ValueError:
        raise ValueError(f"fmt must be a float format such as '.3f', '.3g' or '.2e', got {fmt!r}") from None
    return fmt


def _metrics_of(result, metric: str, arm: str, seed: int) -> tuple[dict[str, float], dict]:
    """Split what a run returned into its measured numbers and anything else (curves, arrays)."""
    if isinstance(result, Mapping):
        items = dict(result)
    else:
        items = {metric: result}
    numbers_, details = {}, {}
    for key, value in items.items():
        if isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(value, bool):
            value = float(value)
            if not math.isfinite(value):
                raise ValueError(
                    f"run returned {key}={value} for arm {arm!r}, seed {seed}: a measured value must be finite "
                    "(report a diverged run as a finite number, e.g. chance accuracy, and say so in the text)"
                )
            numbers_[str(key)] = value
        else:
            details[str(key)] = value
    if not numbers_:
        raise ValueError(f"run must return a number or a dict holding at least one number, got {result!r}")
    return numbers_, details


class Comparison:
    """The runs of one or more arms over the same seeds, one or more metrics each.

    Built by :func:`compare` (which runs the arms) or :func:`summarize` (values measured
    elsewhere, e.g. cross-validation folds). Shown as one ``🎲`` line per arm and metric.

    Attributes
    ----------
    seeds : tuple of int
    metrics : tuple of str, the measured numbers each run returned
    details : dict arm -> list (one entry per seed) of the non-numeric things a run returned
    """

    def __init__(
        self,
        values: Mapping[str, Mapping[str, Iterable[float]]],
        seeds: tuple[int, ...],
        higher_is_better: Mapping[str, bool] | None = None,
        fmt: str = ".3f",
        over: str = "seeds",
        details: Mapping[str, list] | None = None,
    ):
        self._values = {
            arm: {m: np.asarray(v, dtype=float) for m, v in metrics.items()} for arm, metrics in values.items()
        }
        self.seeds = tuple(seeds)
        self.arms = tuple(self._values)
        first = self._values[self.arms[0]]
        self.metrics = tuple(first)
        self.higher_is_better = {m: True for m in self.metrics}
        self.higher_is_better.update(higher_is_better or {})
        self.fmt = fmt
        self.over = over
        self.details = dict(details or {arm: [{} for _ in self.seeds] for arm in self.arms})

    # -- reading -------------------------------------------------------------------------
    def _metric(self, metric: str | None) -> str:
        if metric is None:
            return self.metrics[0]
        if metric not in self.metrics:
            raise ValueError(f"metric must be one of {', '.join(map(repr, self.metrics))}, got {metric!r}")
        return metric

    def _arm(self, arm: str) -> str:
        if arm not in self._values:
            raise ValueError(f"arm must be one of {', '.join(map(repr, self.arms))}, got {arm!r}")
        return arm

    def values(self, arm: str, metric: str | None = None) -> np.ndarray:
        """One value per seed, in the order of ``seeds``."""
        return self._values[self._arm(arm)][self._metric(metric)].copy()

    def summary(self, arm: str, metric: str | None = None) -> Summary:
        return Summary(tuple(self.values(arm, metric)))

    def difference(self, arm: str, baseline: str, metric: str | None = None) -> Summary:
        """``arm − baseline`` seed by seed (paired: the same seed gives both arms the same data split)."""
        return Summary(tuple(self.values(arm, metric) - self.values(baseline, metric)))

    def mean(self, arm: str, metric: str | None = None) -> float:
        return self.summary(arm, metric).mean

    def ranking(self, metric: str | None = None) -> list[str]:
        """Arms from best to worst mean (``higher_is_better`` decides the direction)."""
        metric = self._metric(metric)
        sign = -1 if self.higher_is_better[metric] else 1
        return sorted(self.arms, key=lambda arm: sign * self.mean(arm, metric))

    def lines(self, metric: str | None = None) -> list[str]:
        """The ``🎲`` lines of every arm (of one metric, or of all)."""
        metrics = self.metrics if metric is None else (self._metric(metric),)
        labels = {(arm, m): f"{arm} · {m}" for arm in self.arms for m in metrics}
        width = max(len(label) for label in labels.values())
        return [
            self.summary(arm, m).format(labels[arm, m].ljust(width), self.fmt, over=self.over)
            for m in metrics
            for arm in self.arms
        ]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:  # shown by Jupyter as text/plain
        return str(self)

    # -- claims --------------------------------------------------------------------------
    def _print_difference(self, arm: str, baseline: str, metric: str) -> Summary:
        difference = self.difference(arm, baseline, metric)
        print(difference.format(f"{arm} − {baseline} · {metric}", self.fmt, signed=True, over=f"paired {self.over}"))
        return difference

    def claim_better(self, arm: str, baseline: str, metric: str | None = None, k: float | None = None) -> None:
        """Assert that ``arm`` beats ``baseline``: the paired difference clears ``k`` standard errors.

        ``k=None`` (the default) uses Student's t for 95 % (2.78 for 5 seeds): the claim holds when the
        printed 95 % interval of the difference lies entirely on the better side of 0.
        Prints the difference (a ``🎲`` line) and the claim (``✔ claim: …``); raises
        :class:`ClaimError` with the numbers when the data do not support it.
        """
        metric, arm, baseline = self._metric(metric), self._arm(arm), self._arm(baseline)
        difference = self._print_difference(arm, baseline, metric)
        k, rule = self._k(k)
        gain = difference.mean if self.higher_is_better[metric] else -difference.mean
        verdict = gettext("{arm} beats {baseline} on {metric} ({rule}, {n})").format(
            arm=arm, baseline=baseline, metric=metric, rule=rule, n=self._n()
        )
        if not gain > k * difference.sem:
            raise ClaimError(_fails(verdict, difference.mean, difference.sem))
        print(gettext("✔ claim: {verdict}").format(verdict=verdict))

    def _k(self, k: float | None) -> tuple[float, str]:
        """The multiplier of the standard error, and how the claim line names it."""
        if k is None:
            from scipy import stats

            return float(stats.t.ppf(0.975, len(self.seeds) - 1)), gettext("95% CI of the difference")
        k = check_float("k", k, 0, 10, low_inclusive=False)
        return k, gettext("{k:g} standard errors").format(k=k)

    def claim_best(self, arm: str, metric: str | None = None, k: float | None = None) -> None:
        """Assert that ``arm`` beats every other arm (``claim_better`` against each)."""
        for other in self.arms:
            if other != self._arm(arm):
                self.claim_better(arm, other, metric, k)

    def claim_similar(
        self, arm: str, baseline: str, margin: float, metric: str | None = None, k: float | None = None
    ) -> None:
        """Assert "no difference that matters": the difference's interval lies inside ``±margin``.

        ``|mean difference| + k·SE < margin`` (``k=None``: Student's t for 95 %). An equivalence
        claim, which a noisier machine cannot pass by accident: more noise widens the interval.
        """
        metric, arm, baseline = self._metric(metric), self._arm(arm), self._arm(baseline)
        margin = check_float("margin", margin, 0, low_inclusive=False)
        difference = self._print_difference(arm, baseline, metric)
        k, rule = self._k(k)
        bound = abs(difference.mean) + k * difference.sem
        verdict = gettext("{arm} and {baseline} differ by less than {margin:g} on {metric} ({rule}, {n})").format(
            arm=arm, baseline=baseline, margin=margin, metric=metric, rule=rule, n=self._n()
        )
        if not bound < margin:
            raise ClaimError(_fails(verdict, difference.mean, difference.sem))
        print(gettext("✔ claim: {verdict}").format(verdict=verdict))

    def claim_within(
        self, arm: str, low: float, high: float, metric: str | None = None, k: float | None = None
    ) -> None:
        """Assert a band: the 95 % interval of ``arm``'s mean (or ``mean ± k·SE``) lies in ``[low, high]``.

        For a statement such as "the baseline reaches 0.93–0.97 validation accuracy":
        prose quotes the band, never the digits of one machine.
        """
        metric, arm = self._metric(metric), self._arm(arm)
        low = check_float("low", low)
        high = check_float("high", high)
        if not low < high:
            raise ValueError(f"low must be < high, got {low} and {high}")
        default_rule = k is None
        k, rule = self._k(k)
        if default_rule:  # an interval of one mean, not of a difference
            rule = gettext("95% CI")
        summary = self.summary(arm, metric)
        verdict = gettext("{metric} of {arm} lies in [{low:g}, {high:g}] ({rule}, {n})").format(
            metric=metric, arm=arm, low=low, high=high, rule=rule, n=self._n()
        )
        if not (low <= summary.mean - k * summary.sem and summary.mean + k * summary.sem <= high):
            raise ClaimError(
                gettext("claim fails: {verdict}: mean {mean:.4g}, standard error {sem:.3g}").format(
                    verdict=verdict, mean=summary.mean, sem=summary.sem
                )
            )
        print(gettext("✔ claim: {verdict}").format(verdict=verdict))

    def _n(self) -> str:
        return f"{len(self.seeds)} {gettext(self.over)}"

    # -- drawing -------------------------------------------------------------------------
    def plot(self, metric: str | None = None, ax=None, title: str | None = None):
        """Every run as a point and each arm's mean with its 95 % interval; returns the figure."""
        from ..plotting import COLORS, new_figure

        metric = self._metric(metric)
        if ax is None:
            fig, ax = new_figure(figsize=(6.4, 0.5 + 0.45 * len(self.arms)))
        else:
            fig = ax.figure
        rng = np.random.default_rng(0)  # the jitter only spreads the points, it is not data
        for row, arm in enumerate(self.arms):
            values = self.values(arm, metric)
            color = COLORS[row % len(COLORS)]
            ax.scatter(values, row + rng.uniform(-0.15, 0.15, len(values)), s=14, color=color, alpha=0.6, zorder=2)
            summary = self.summary(arm, metric)
            low, high = summary.ci95
            ax.errorbar(
                summary.mean,
                row,
                xerr=[[summary.mean - low], [high - summary.mean]],
                fmt="o",
                color="black",
                markersize=5,
                capsize=4,
                zorder=3,
            )
        ax.set_yticks(range(len(self.arms)), self.arms)
        ax.set_ylim(len(self.arms) - 0.5, -0.5)
        ax.set_xlabel(gettext("{metric} (dots: {n}; black: mean and 95% CI)").format(metric=metric, n=self._n()))
        if title:
            ax.set_title(title)
        return fig
