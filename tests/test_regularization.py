"""dlopt_helpers.regularization against scikit-learn and Keras; the regularization dashboard headless."""

import keras
import numpy as np
import pytest
from sklearn.linear_model import ElasticNet, Lasso, Ridge, enet_path

import dlopt_helpers as dh
from dlopt_helpers import regularization as reg
from dlopt_helpers.widgets import RegularizationDashboard

DIABETES = dh.data.load_table("diabetes")
X, Y = DIABETES.x_train.astype(np.float64), DIABETES.y_train.astype(np.float64)


@pytest.mark.parametrize("alpha", [0.0, 0.1, 3.0, 100.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_closed_form_equals_sklearn(alpha, fit_intercept):
    coef, intercept = reg.ridge_closed_form(X, Y, alpha, fit_intercept=fit_intercept)
    model = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(X, Y)
    np.testing.assert_allclose(coef, model.coef_, atol=1e-6)
    np.testing.assert_allclose(intercept, model.intercept_, atol=1e-6)


@pytest.mark.parametrize("alpha", [0.05, 0.5, 5.0])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.3])
def test_coordinate_descent_equals_sklearn_lasso_and_elastic_net(alpha, l1_ratio):
    coef, intercept = reg.lasso_coordinate_descent(X, Y, alpha, l1_ratio=l1_ratio)
    estimator = Lasso(alpha=alpha) if l1_ratio == 1 else ElasticNet(alpha=alpha, l1_ratio=l1_ratio)
    model = estimator.set_params(tol=1e-12, max_iter=200_000).fit(X, Y)
    np.testing.assert_allclose(coef, model.coef_, atol=1e-4)
    np.testing.assert_allclose(intercept, model.intercept_, atol=1e-4)


def test_lasso_gives_exact_zeros_and_ridge_does_not():
    lasso, _ = reg.lasso_coordinate_descent(X, Y, 3.0)
    ridge, _ = reg.ridge_closed_form(X, Y, 3.0 * 2 * len(Y))
    assert np.sum(lasso == 0) >= 3 and np.sum(ridge == 0) == 0


def test_penalties_equal_keras_regularizers():
    w = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32)
    np.testing.assert_allclose(reg.penalty(w, "l1", 0.01), float(keras.regularizers.L1(0.01)(w)), rtol=1e-5)
    np.testing.assert_allclose(reg.penalty(w, "l2", 0.01), float(keras.regularizers.L2(0.01)(w)), rtol=1e-5)
    expected = float(keras.regularizers.L1L2(l1=0.02 * 0.3, l2=0.02 * 0.7)(w))
    np.testing.assert_allclose(reg.penalty(w, "elastic_net", 0.02, l1_ratio=0.3), expected, rtol=1e-5)


def test_soft_threshold():
    np.testing.assert_allclose(
        reg.soft_threshold(np.array([-1.2, -0.3, 0.0, 0.4, 2.0]), 0.5), [-0.7, 0.0, 0.0, 0.0, 1.5]
    )


def test_regularization_path_matches_sklearn_and_keeps_order():
    alphas = np.array([0.1, 10.0, 1.0])  # not sorted on purpose
    path = reg.regularization_path(X, Y, alphas, "l1")
    from sklearn.preprocessing import StandardScaler

    xs = StandardScaler().fit_transform(X)
    _, coefs, _ = enet_path(xs, Y - Y.mean(), l1_ratio=1.0, alphas=[10.0, 1.0, 0.1], max_iter=100_000, tol=1e-8)
    np.testing.assert_allclose(path[[1, 2, 0]], coefs.T, atol=1e-8)
    ridge_path = reg.regularization_path(X, Y, alphas, "l2")
    np.testing.assert_allclose(ridge_path[1], Ridge(alpha=10.0).fit(xs, Y).coef_, atol=1e-6)


def test_make_model_is_a_scaled_pipeline():
    model = reg.make_model("elastic_net", 0.1, l1_ratio=0.2, degree=3)
    names = [step.__class__.__name__ for step in model]
    assert names == ["PolynomialFeatures", "StandardScaler", "ElasticNet"] and model[-1].l1_ratio == 0.2
    assert [s.__class__.__name__ for s in reg.make_model("l2", 1.0)] == ["StandardScaler", "Ridge"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: reg.ridge_closed_form(X, Y, -1.0), "alpha must be >= 0"),
        (lambda: reg.lasso_coordinate_descent(X, Y, 0.1, l1_ratio=1.5), "l1_ratio must be in \\[0, 1\\]"),
        (lambda: reg.make_model("l2", 0.1, degree=0), "degree must be in \\[1, 30\\]"),
        (lambda: reg.make_model("l3", 0.1), "kind must be one of"),
        (lambda: reg.ridge_closed_form(X, Y[:-1], 0.1), "X and y must have the same number of samples"),
        (lambda: reg.ridge_closed_form(np.where(X > 2, np.nan, X), Y, 0.1), "X must not contain NaN"),
        (lambda: reg.ridge_closed_form(X, np.append(Y[:-1], np.inf), 0.1), "y must not contain NaN"),
        (lambda: reg.regularization_path(X, Y, [0.0, 1.0]), "alphas must be > 0"),
        (lambda: reg.penalty([1.0], "l1", -0.1), "alpha must be >= 0"),
        (lambda: dh.data.make_curve(n_train=2), "n_train must be in"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.fixture(scope="module")
def dashboard():
    return RegularizationDashboard(alpha=1e-3, penalty="l2", degree=12)


def test_dashboard_state_is_the_pipelines_fit(dashboard):
    dashboard.controls["penalty"].value = "l1"
    dashboard.controls["alpha"].value = 0.01
    expected = reg.make_model("l1", 0.01, degree=12).fit(dashboard.data.x_train, dashboard.data.y_train)
    # warm start vs cold start: both stop at scikit-learn's tolerance (tol=1e-4), so they agree to about that
    np.testing.assert_allclose(dashboard.state["coef"], expected[-1].coef_, atol=1e-4)
    assert dashboard.state["zeros"] == int(np.sum(expected[-1].coef_ == 0)) > 0
    assert "zero coefficients" in dashboard.status.value


def test_more_penalty_shrinks_and_trades_train_for_validation_error(dashboard):
    dashboard.controls["penalty"].value = "l2"
    dashboard.controls["alpha"].value = 1e-5
    weak = dashboard.state
    dashboard.controls["alpha"].value = 10.0
    strong = dashboard.state
    assert np.abs(strong["coef"]).sum() < np.abs(weak["coef"]).sum() / 5
    assert strong["train_error"] > weak["train_error"]
    curves = dashboard.error_curves("l2", 0.5, 12)
    assert curves.shape == (len(dashboard.ALPHAS), 2) and np.all(np.diff(curves[:, 0]) >= -1e-9)  # train error rises


def test_degree_and_elastic_net_controls(dashboard):
    dashboard.controls["degree"].value = 5
    assert len(dashboard.state["coef"]) == 5 and len(dashboard._bars) == 5
    dashboard.controls["penalty"].value = "elastic_net"
    assert not dashboard.controls["l1_ratio"].disabled
    before = dashboard.image.value
    dashboard.controls["l1_ratio"].value = 0.9
    assert dashboard.image.value != before


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"alpha": -1.0}, "alpha must be in"),
        ({"penalty": "l0"}, "penalty must be one of"),
        ({"l1_ratio": 1.5}, "l1_ratio must be in \\[0, 1\\]"),
        ({"degree": 0}, "degree must be in \\[1, 15\\]"),
        ({"n_train": 2}, "n_train must be in \\[5, 1000\\]"),
    ],
)
def test_dashboard_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RegularizationDashboard(**kwargs)


def test_dashboard_on_fewer_points_over_fits_more():
    """Notebook 04 uses 20 points: there the unpenalized degree-12 fit is clearly worse than the best alpha."""
    few = RegularizationDashboard(alpha=1e-5, penalty="l2", degree=12, n_train=20)
    assert len(few.data.y_train) == 20
    np.testing.assert_array_equal(few.data.x_val, dh.data.make_curve(n_train=20).x_val)
    curves = few.error_curves("l2", 0.5, 12)
    assert curves[0, 1] > 1.3 * curves[:, 1].min()  # validation error at alpha 1e-5 well above the bottom of the U
