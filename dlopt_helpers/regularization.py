"""L1 / L2 / elastic-net regularization: from scratch where it teaches, scikit-learn where it works.

Introduced in ``notebooks/04_regularization.ipynb``. The objectives are
scikit-learn's own, scaling included (``tests/test_regularization.py`` checks
the solutions against ``Ridge`` to 1e-6 and ``Lasso`` to 1e-4):

- Ridge:       ``||y - X w - b||² + α ||w||²``                  (a *sum* of squares)
- Lasso:       ``(1 / 2n) ||y - X w - b||² + α ||w||₁``         (a *mean*, halved)
- Elastic net: ``(1 / 2n) ||y - X w - b||² + α ρ ||w||₁ + (α (1 - ρ) / 2) ||w||²``, ρ = ``l1_ratio``
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    Boolean,
    Integer,
    InvalidParameterError,
    check_choice,
    check_finite_array,
    check_float,
    check_int,
    validate_params,
)

__all__ = [
    "PENALTIES",
    "check_xy",
    "penalty",
    "soft_threshold",
    "ridge_closed_form",
    "lasso_coordinate_descent",
    "make_model",
    "regularization_path",
]

PENALTIES = ("l1", "l2", "elastic_net")

#: the house bound on iterations (as on optimizer steps elsewhere)
MAX_ITER = 100_000
#: at most this many coordinate updates (``max_iter x n_features``) in the pure-Python coordinate descent:
#: about a minute at a few microseconds each. scikit-learn's compiled ``Lasso`` (``make_model``) goes further.
MAX_COORDINATE_UPDATES = 20_000_000


def check_xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    """``x: (n, d)`` (a 1-D ``x`` is one feature) and ``y: (n,)``, finite, same ``n``."""
    x = check_finite_array("X", x)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError(f"X must have shape (n_samples, n_features), got {x.shape}")
    y = check_finite_array("y", y, ndim=1)
    if len(x) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got {len(x)} and {len(y)}")
    return x, y


def penalty(weights, kind: str, alpha: float, l1_ratio: float = 0.5) -> float:
    """The penalty term: ``α Σ|w|`` (l1), ``α Σ w²`` (l2, Keras' convention) or ``α (ρ Σ|w| + (1-ρ) Σ w²)``.

    These are the values ``keras.regularizers.L1(α)``, ``L2(α)`` and
    ``L1L2(l1=α ρ, l2=α (1 - ρ))`` add to a network's loss.
    """
    check_choice("kind", kind, PENALTIES)
    alpha = check_float("alpha", alpha, 0)
    l1_ratio = check_float("l1_ratio", l1_ratio, 0, 1)
    w = check_finite_array("weights", weights)
    l1, l2 = float(np.abs(w).sum()), float((w**2).sum())
    if kind == "l1":
        return alpha * l1
    if kind == "l2":
        return alpha * l2
    return alpha * (l1_ratio * l1 + (1 - l1_ratio) * l2)


def soft_threshold(z, threshold: float) -> np.ndarray:
    """``sign(z) max(|z| - t, 0)``: the proximal step of the L1 penalty, which sets small values to exactly 0."""
    threshold = check_float("threshold", threshold, 0)
    z = check_finite_array("z", z)
    return np.sign(z) * np.maximum(np.abs(z) - threshold, 0.0)


def _center(x, y, fit_intercept):
    if not fit_intercept:
        return x, y, np.zeros(x.shape[1]), 0.0
    x_mean, y_mean = x.mean(axis=0), y.mean()
    return x - x_mean, y - y_mean, x_mean, y_mean


@validate_params(fit_intercept=Boolean())
def ridge_closed_form(x, y, alpha: float, fit_intercept: bool = True) -> tuple[np.ndarray, float]:
    """Minimize ``||y - X w - b||² + α ||w||²``: ``w = (XᵀX + α I)⁻¹ Xᵀ y`` on centred data.

    Returns ``(coef (d,), intercept)``, equal to ``sklearn.linear_model.Ridge(alpha)``'s.
    """
    x, y = check_xy(x, y)
    alpha = check_float("alpha", alpha, 0)
    xc, yc, x_mean, y_mean = _center(x, y, fit_intercept)
    try:
        coef = np.linalg.solve(xc.T @ xc + alpha * np.eye(x.shape[1]), xc.T @ yc)
    except np.linalg.LinAlgError:
        # only possible for alpha = 0 (X^T X + alpha I is positive definite otherwise): collinear or constant
        # features, or fewer samples than features. Least squares gives the minimum-norm solution, as
        # scikit-learn's Ridge(alpha=0) does, instead of NumPy's "Singular matrix".
        coef = np.linalg.lstsq(xc, yc, rcond=None)[0]
    return coef, float(y_mean - x_mean @ coef)


@validate_params(fit_intercept=Boolean(), max_iter=Integer(1, MAX_ITER))
def lasso_coordinate_descent(
    x, y, alpha: float, l1_ratio: float = 1.0, fit_intercept: bool = True, max_iter: int = 10_000, tol: float = 1e-10
) -> tuple[np.ndarray, float]:
    """Minimize the Lasso (``l1_ratio=1``) or elastic-net objective by cyclic coordinate descent.

    Each coordinate update is exact: with ``r`` the residual without feature ``j``,
    ``w_j = S(x_jᵀ r / n, α ρ) / (x_jᵀ x_j / n + α (1 - ρ))``, ``S`` the soft threshold.
    This is scikit-learn's algorithm too (``Lasso`` / ``ElasticNet``), written out.

    ``max_iter`` is at most 100,000 and ``max_iter x n_features`` at most 20 million coordinate updates
    (about a minute in this pure-Python loop); for larger problems use ``make_model`` (scikit-learn's Lasso).

    Returns ``(coef (d,), intercept)``.
    """
    x, y = check_xy(x, y)
    alpha = check_float("alpha", alpha, 0)
    l1_ratio = check_float("l1_ratio", l1_ratio, 0, 1)
    tol = check_float("tol", tol, 0)
    updates = max_iter * x.shape[1]
    if updates > MAX_COORDINATE_UPDATES:
        raise InvalidParameterError(
            f"max_iter x n_features = {max_iter:,} x {x.shape[1]:,} = {updates:,} coordinate updates could take "
            f"about {updates * 5e-6 / 60:,.0f} minutes in this pure-Python loop (~5 µs each); at most "
            f"{MAX_COORDINATE_UPDATES:,}: lower max_iter, or use make_model('l1', alpha) (scikit-learn's Lasso)"
        )
    xc, yc, x_mean, y_mean = _center(x, y, fit_intercept)
    n, d = xc.shape
    coef = np.zeros(d)
    residual = yc.copy()
    column_norms = (xc**2).sum(axis=0) / n
    for _ in range(max_iter):
        largest_change = 0.0
        for j in range(d):
            if column_norms[j] == 0:
                continue
            old = coef[j]
            rho = xc[:, j] @ residual / n + column_norms[j] * old
            new = np.sign(rho) * max(abs(rho) - alpha * l1_ratio, 0.0) / (column_norms[j] + alpha * (1 - l1_ratio))
            if new != old:
                residual -= xc[:, j] * (new - old)
                coef[j] = new
                largest_change = max(largest_change, abs(new - old))
        if largest_change <= tol:
            break
    return coef, float(y_mean - x_mean @ coef)


@validate_params(max_iter=Integer(1, MAX_ITER))
def make_model(kind: str, alpha: float, l1_ratio: float = 0.5, degree: int = 1, max_iter: int = 100_000):
    """A scikit-learn pipeline: [PolynomialFeatures(degree)] -> StandardScaler -> Ridge / Lasso / ElasticNet."""
    from sklearn.linear_model import ElasticNet, Lasso, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    check_choice("kind", kind, PENALTIES)
    alpha = check_float("alpha", alpha, 0)
    l1_ratio = check_float("l1_ratio", l1_ratio, 0, 1)
    degree = check_int("degree", degree, 1, 30)
    if kind == "l2":
        estimator = Ridge(alpha=alpha)
    elif kind == "l1":
        estimator = Lasso(alpha=alpha, max_iter=max_iter)
    else:
        estimator = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, max_iter=max_iter)
    steps = [PolynomialFeatures(degree, include_bias=False)] if degree > 1 else []
    return make_pipeline(*steps, StandardScaler(), estimator)


def regularization_path(x, y, alphas, kind: str = "l1", l1_ratio: float = 0.5) -> np.ndarray:
    """Coefficients for each alpha, shape ``(len(alphas), d)``, on standardized features.

    Lasso / elastic net use ``sklearn.linear_model.enet_path`` (warm starts along the path);
    Ridge its closed form. ``alphas`` in any order; rows follow that order.
    """
    from sklearn.linear_model import enet_path
    from sklearn.preprocessing import StandardScaler

    x, y = check_xy(x, y)
    check_choice("kind", kind, PENALTIES)
    alphas = check_finite_array("alphas", alphas, ndim=1)
    if alphas.min() <= 0:
        raise ValueError(f"alphas must be > 0, got a minimum of {alphas.min()}")
    xs = StandardScaler().fit_transform(x)
    if kind == "l2":
        return np.array([ridge_closed_form(xs, y, a)[0] for a in alphas])
    ratio = 1.0 if kind == "l1" else check_float("l1_ratio", l1_ratio, 0, 1)
    order = np.argsort(alphas)[::-1]  # enet_path wants decreasing alphas
    _, coefs, _ = enet_path(xs, y - y.mean(), l1_ratio=ratio, alphas=alphas[order], max_iter=100_000, tol=1e-8)
    result = np.empty((len(alphas), x.shape[1]))
    result[order] = coefs.T
    return result
