"""Regularization of a polynomial fit: alpha, penalty, l1_ratio, degree -> curve, coefficients, errors (notebook 04)."""

from __future__ import annotations

import functools

import numpy as np

from .._validation import check_choice, check_float, check_int
from ..i18n import gettext
from ..plotting import COLORS, new_figure
from .base import ON_TOP, FigureDashboard
from .controls import fit_labels

__all__ = ["RegularizationDashboard"]


class RegularizationDashboard(FigureDashboard):
    """Penalty strength, type and polynomial degree -> fitted curve, coefficients, train / validation error.

    A polynomial regression on ``data.make_curve(n_train)`` (30 noisy training points by default) in a
    scikit-learn pipeline (``regularization.make_model``). The error-vs-alpha curves of a
    (penalty, degree, l1_ratio) setting are computed once and cached (they are the
    figure's background); a move of the alpha slider refits one model and redraws the
    curve, the bars and the marker. Introduced in ``notebooks/04_regularization.ipynb``.

    The coefficient axis is symmetric-log and covers the largest coefficient of the setting over
    all of ``ALPHAS``: the blow-up of an over-fit polynomial (coefficients in the hundreds) is
    what the lesson shows, so nothing is clipped silently; a bar that still leaves the axis is
    marked with a triangle at the edge, and the message gives the largest ``|coefficient|``.

    Parameters
    ----------
    alpha : float in [1e-5, 10]; penalty : 'l1', 'l2' or 'elastic_net';
    l1_ratio : float in [0, 1] (elastic net only); degree : int in [1, 15];
    n_train : int in [5, 1000], training points of the curve (fewer over-fit more)
    """

    ALPHAS = np.geomspace(1e-5, 10, 31)
    #: the coefficient axis is linear within ±1, logarithmic beyond
    LINEAR_WITHIN = 1.0

    def __init__(
        self, alpha: float = 1e-3, penalty: str = "l2", l1_ratio: float = 0.5, degree: int = 12, n_train: int = 30
    ):
        import ipywidgets as widgets

        from ..data import make_curve
        from ..regularization import PENALTIES

        alpha = check_float("alpha", alpha, 1e-5, 10)
        check_choice("penalty", penalty, PENALTIES)
        l1_ratio = check_float("l1_ratio", l1_ratio, 0, 1)
        degree = check_int("degree", degree, 1, 15)
        self.data = make_curve(n_train=check_int("n_train", n_train, 5, 1000))
        self.controls = {
            "alpha": widgets.FloatLogSlider(
                value=alpha,
                base=10,
                min=-5,
                max=1,
                step=0.1,
                description="alpha",
                continuous_update=True,
                readout_format=".2g",
            ),
            "penalty": widgets.Dropdown(options=list(PENALTIES), value=penalty, description="penalty"),
            "l1_ratio": widgets.FloatSlider(
                value=l1_ratio, min=0, max=1, step=0.05, description="l1_ratio", continuous_update=True
            ),
            "degree": widgets.IntSlider(value=degree, min=1, max=15, description="degree", continuous_update=False),
        }
        fit_labels(self.controls, width="270px")
        self._build_figure()
        self._layout = None
        self._bars = []
        self._start()

    def _build_figure(self) -> None:
        from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

        self.fig, (self.ax_fit, self.ax_coef, self.ax_error) = new_figure(
            1, 3, figsize=(10.5, 3.3), layout="none", gridspec_kw={"width_ratios": [1.2, 1, 1.1]}
        )
        # room above the axes for the coefficient message and the error legend: nothing covers the data
        self.fig.subplots_adjust(left=0.05, right=0.99, bottom=0.15, top=0.84, wspace=0.34)
        self._x_grid = np.linspace(-1, 1, 200)[:, None]
        self.ax_fit.scatter(self.data.x_val[:, 0], self.data.y_val, s=6, color="0.75", label="validation")
        self.ax_fit.scatter(self.data.x_train[:, 0], self.data.y_train, s=14, color=COLORS[0], label="train")
        self.ax_fit.set(xlim=(-1, 1), ylim=(-2.5, 2.5), xlabel="x", ylabel="y")
        self.ax_fit.legend(loc="lower right", fontsize=8)
        (self.curve,) = self.ax_fit.plot([], [], color=COLORS[3], lw=2, animated=True)
        self.ax_coef.set_yscale("symlog", linthresh=self.LINEAR_WITHIN)
        self.ax_coef.set(xlabel="coefficient of x^k (standardized)", ylabel="value (symlog)")
        self.ax_coef.xaxis.set_major_locator(MaxNLocator(integer=True))  # k is a whole number
        self.ax_coef.axhline(0, color="0.3", lw=0.8)
        self.ax_error.set(xscale="log", yscale="log", xlabel="alpha", ylabel="mean squared error")
        # short tick labels (0.05, 0.1, 0.2), no minor labels: the axis label never runs over them
        self.ax_error.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        self.ax_error.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        self.ax_error.yaxis.set_minor_formatter(NullFormatter())
        (self.marker_train,) = self.ax_error.plot([], [], "o", color=COLORS[0], animated=True)
        (self.marker_val,) = self.ax_error.plot([], [], "o", color=COLORS[1], animated=True)
        # a bar beyond the axis (never on the ALPHAS grid, rarely between its points): a triangle at the edge
        self.clipped = {
            sign: self.ax_coef.plot([], [], ls="none", marker=marker, color=COLORS[3], ms=7, animated=True)[0]
            for sign, marker in ((1, "^"), (-1, "v"))
        }
        self.message = self.ax_coef.text(  # above the axes: the bars never cover it
            0.5,
            1.03,
            "",
            transform=self.ax_coef.transAxes,
            va="bottom",
            ha="center",
            fontsize=8.5,
            animated=True,
            zorder=ON_TOP,
        )

    @functools.lru_cache(maxsize=16)  # noqa: B019 - one dashboard lives as long as its notebook
    def _features(self, degree: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Train, validation and curve-grid features of ``degree``, transformed once (the pipeline's first steps).

        A slider move then refits only the last step (Ridge / Lasso / ElasticNet) on the same numbers the
        whole pipeline would compute: the same model, without transforming the data again on every move.
        """
        from ..regularization import make_model

        transform = make_model("l2", 1.0, 0.5, degree)[:-1]  # [PolynomialFeatures] -> StandardScaler
        train = transform.fit_transform(self.data.x_train)
        return train, transform.transform(self.data.x_val), transform.transform(self._x_grid)

    def _fit(self, alpha, penalty, l1_ratio, degree, model=None):
        """The pipeline's last step fitted on ``_features(degree)``; ``model``: warm-start this one instead."""
        import warnings

        from sklearn.exceptions import ConvergenceWarning

        from ..regularization import make_model

        if model is None:
            model = make_model(penalty, alpha, l1_ratio, degree, max_iter=20_000)[-1]
        else:  # warm start: a slider move starts from the previous solution (Lasso / elastic net)
            model.set_params(alpha=alpha)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(self._features(degree)[0], self.data.y_train)
        return model

    def _errors(self, model, degree):
        from sklearn.metrics import mean_squared_error

        train, val, _ = self._features(degree)
        return (
            mean_squared_error(self.data.y_train, model.predict(train)),
            mean_squared_error(self.data.y_val, model.predict(val)),
        )

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one dashboard lives as long as its notebook
    def _sweep(self, penalty: str, l1_ratio: float, degree: int) -> tuple[np.ndarray, float]:
        """Errors ``(len(ALPHAS), 2)`` and the largest ``|coefficient|`` over ``ALPHAS``."""
        models = [self._fit(a, penalty, l1_ratio, degree) for a in self.ALPHAS]
        largest = max(float(np.max(np.abs(m.coef_), initial=0.0)) for m in models)
        return np.array([self._errors(m, degree) for m in models]), largest

    def error_curves(self, penalty: str, l1_ratio: float, degree: int) -> np.ndarray:
        """Train and validation MSE for each of ``ALPHAS``: shape ``(len(ALPHAS), 2)``."""
        return self._sweep(penalty, l1_ratio, degree)[0]

    def coefficient_limit(self, penalty: str, l1_ratio: float, degree: int) -> float:
        """The half-height of the coefficient axis: above the largest ``|coefficient|`` over ``ALPHAS``."""
        largest = self._sweep(penalty, l1_ratio, degree)[1]
        return float(10 ** np.ceil(np.log10(max(largest * 1.5, 2 * self.LINEAR_WITHIN))))

    def layout_key(self, alpha, penalty, l1_ratio, degree):
        return penalty, round(l1_ratio, 2) if penalty == "elastic_net" else None, degree

    def _draw_layout(self, penalty, l1_ratio, degree):
        for artist in [*self.ax_error.lines[2:], *self._bars]:
            artist.remove()
        curves = self.error_curves(penalty, l1_ratio, degree)
        self.ax_error.plot(self.ALPHAS, curves[:, 0], color=COLORS[0], label="train")
        self.ax_error.plot(self.ALPHAS, curves[:, 1], color=COLORS[1], label="validation")
        best = self.ALPHAS[np.argmin(curves[:, 1])]
        self.ax_error.axvline(best, color="0.5", ls=":", lw=1, label=gettext("best α {alpha:.2g}").format(alpha=best))
        self.ax_error.set_ylim(max(curves.min() * 0.7, 1e-3), min(curves.max() * 1.5, 1e3))
        self.ax_error.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=7.5, frameon=False)
        limit = self.coefficient_limit(penalty, l1_ratio, degree)
        self.ax_coef.set(xlim=(0.4, degree + 0.6), ylim=(-limit, limit))
        self._bars = list(self.ax_coef.bar(np.arange(1, degree + 1), np.zeros(degree), color=COLORS[2]))
        for bar in self._bars:
            bar.set_animated(True)
        self.ax_fit.set_title(f"{penalty}, degree {degree}", fontsize=9)
        self._limit = limit
        self._layout = self.layout_key(0.0, penalty, l1_ratio, degree)

    def update(self, alpha, penalty, l1_ratio, degree):
        """Fit the pipeline for these settings and move the artists; returns a dict of what was computed."""
        from ..regularization import PENALTIES

        alpha = check_float("alpha", alpha, 0)
        check_choice("penalty", penalty, PENALTIES)
        l1_ratio = check_float("l1_ratio", l1_ratio, 0, 1)
        degree = check_int("degree", degree, 1, 15)
        if self.layout_key(alpha, penalty, l1_ratio, degree) != self._layout:
            self._draw_layout(penalty, l1_ratio, degree)
        if getattr(self, "_warm", (None, None))[0] != self._layout:
            model = self._fit(alpha, penalty, l1_ratio, degree)
            if penalty != "l2":
                model.set_params(warm_start=True)
            self._warm = (self._layout, model)
        else:
            model = self._fit(alpha, penalty, l1_ratio, degree, model=self._warm[1])
        coef = model.coef_
        train_error, val_error = self._errors(model, degree)
        self.curve.set_data(self._x_grid[:, 0], model.predict(self._features(degree)[2]))
        shown = np.clip(coef, -self._limit, self._limit)  # the axis covers every alpha of ALPHAS; rarely hit
        for bar, value in zip(self._bars, shown):
            bar.set_height(value)
        out = np.flatnonzero(shown != coef)
        for sign, line in self.clipped.items():
            where = out[np.sign(coef[out]) == sign]
            line.set_data(where + 1, shown[where])
        self.marker_train.set_data([alpha], [train_error])
        self.marker_val.set_data([alpha], [val_error])
        zeros = int(np.sum(coef == 0))
        largest = float(np.max(np.abs(coef), initial=0.0))
        beyond = gettext(", {count} beyond the axis (▲▼)").format(count=out.size) if out.size else ""
        self.message.set_text(
            gettext(
                "alpha = {alpha:.2g}: train MSE {train:.3f}, validation MSE {val:.3f}\n"
                "{zeros} of {count} coefficients exactly 0; largest |coef| {largest:.3g}{beyond}"
            ).format(
                alpha=alpha,
                train=train_error,
                val=val_error,
                zeros=zeros,
                count=len(coef),
                largest=largest,
                beyond=beyond,
            )
        )
        self.controls["l1_ratio"].disabled = penalty != "elastic_net"
        return {
            "coef": coef,
            "train_error": train_error,
            "val_error": val_error,
            "zeros": zeros,
            "message": gettext("train MSE {train:.3f}, validation MSE {val:.3f}, {zeros} zero coefficients").format(
                train=train_error, val=val_error, zeros=zeros
            ),
        }

    def status_message(self) -> str:
        return self.state["message"]
