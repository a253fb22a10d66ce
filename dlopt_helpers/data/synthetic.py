"""Generated data: a noisy curve (over-fitting, chapter 04) and a sequence task (model choice, chapter 08)."""

from __future__ import annotations

import numpy as np

from .._validation import (
    SEED_MAX,
    Integer,
    Real,
    check_memory,
    validate_params,
)
from .splits import Split


# ----------------------------------------------------------------------------- generated data
@validate_params(
    n_train=Integer(5, 100_000), n_val=Integer(1, 100_000), noise=Real(0, 10, closed="left"), seed=Integer(0, SEED_MAX)
)
def make_curve(n_train: int = 30, n_val: int = 200, noise: float = 0.3, seed: int = 0) -> Split:
    """A 1-D regression that a high-degree polynomial over-fits: ``y = sin(π x) + x/2 + noise``, ``x`` in [-1, 1].

    Generated, so it is the same everywhere and needs nothing downloaded. The test
    part is a second, independent sample of ``n_val`` points. Introduced in
    ``notebooks/04_regularization.ipynb``.

    Returns
    -------
    Split
        ``x_*`` float64 ``(n, 1)``, ``y_*`` float64 ``(n,)``.
    """
    rng = np.random.default_rng(seed)

    def sample(n):
        x = rng.uniform(-1, 1, (n, 1))
        return x, np.sin(np.pi * x[:, 0]) + 0.5 * x[:, 0] + rng.normal(0, noise, n)

    x_train, y_train = sample(n_train)
    x_val, y_val = sample(n_val)
    x_test, y_test = sample(n_val)
    return Split(
        x_train,
        y_train,
        x_val,
        y_val,
        x_test,
        y_test,
        feature_names=("x",),
        target_names=("y",),
        task="regression",
        description=f"curve sin(πx) + x/2, noise {noise}",
    )


@validate_params(
    n_train=Integer(10, 1_000_000),
    n_test=Integer(2, 1_000_000),
    length=Integer(2, 10_000),
    marker_rate=Real(0, 1),
    seed=Integer(0, SEED_MAX),
)
def make_last_marked(
    n_train: int = 3000, n_test: int = 1000, length: int = 30, marker_rate: float = 0.15, seed: int = 0
) -> Split:
    """A sequence task where order matters: report the digit at the **last** marked step.

    Each step carries a digit 0-9 (one-hot) and a marker bit (the 11th feature); every
    sequence has at least one marker. The label is the digit at the last marked step. A
    recurrent network solves it with one rule ("when the marker is on, remember this
    digit"); a model that sees all steps at once must learn, for every position, "marked
    and no later marker". Generated, so it needs nothing downloaded. Introduced in
    ``notebooks/08_model_choice.ipynb``.

    Returns
    -------
    Split
        ``x_*`` float32 ``(n, length, 11)``, ``y_*`` int64 ``(n,)``; ``x_val`` / ``y_val`` hold
        ``n_test // 2`` further sequences. All of them together may take at most 1 GB
        (``(n_train + n_test + n_test // 2) * length * 11`` float32 values); more is refused
        with the estimate.
    """
    sequences = n_train + n_test + n_test // 2
    check_memory(
        "n_train, n_test and length",
        sequences * length * 11 * 4,
        f"{sequences:,} sequences x {length:,} steps x 11 float32 features",
    )
    rng = np.random.default_rng(seed)

    def sample(n):
        digits = rng.integers(0, 10, (n, length))
        marked = rng.random((n, length)) < marker_rate
        marked[np.arange(n), rng.integers(0, length, n)] = True  # at least one marker
        last = length - 1 - np.argmax(marked[:, ::-1], axis=1)
        x = np.concatenate([np.eye(10, dtype=np.float32)[digits], marked[..., None].astype(np.float32)], axis=-1)
        return x, digits[np.arange(n), last].astype(np.int64)

    x_train, y_train = sample(n_train)
    x_val, y_val = sample(n_test // 2)
    x_test, y_test = sample(n_test)
    return Split(
        x_train,
        y_train,
        x_val,
        y_val,
        x_test,
        y_test,
        feature_names=tuple(f"digit_{d}" for d in range(10)) + ("marker",),
        target_names=tuple(str(d) for d in range(10)),
        task="classification",
        description=f"last marked digit, length {length}, marker rate {marker_rate}",
    )
