"""Exercises of notebooks/03_gradient_descent.ipynb: stability, momentum, Adam, schedules.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. ``03.momentum_step`` is a code exercise: the learner's step is compared
with one step of ``keras.optimizers.SGD(momentum=...)`` from the same velocity, on cases the notebook does not show
(the first step, a zero gradient, no momentum).
"""

from __future__ import annotations

import numpy as np

from .registry import case, choice, close_to, register, same_function

NOTEBOOK = "03_gradient_descent"


@register(
    "03.stable_lr",
    NOTEBOOK,
    "Gradient descent on $f(x, y) = (x^2 + 20y^2)/2$: what is the largest learning rate that does not diverge?",
    "On a quadratic the learning rate's ceiling is set by the largest curvature (section 5). Which direction of f "
    "curves most, and how much?",
)
def _():
    from ..optim import get_surface

    return get_surface("quadratic").stable_learning_rate


def _momentum_case(seed, shape, velocity_scale=1.0, gradient_scale=1.0):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=shape),
        velocity_scale * rng.normal(size=shape),
        gradient_scale * rng.normal(size=shape),
    )


@register(
    "03.momentum_step",
    NOTEBOOK,
    "Write `momentum_step(theta, velocity, gradient, learning_rate, momentum)`: one step of Keras' SGD with momentum "
    "on NumPy arrays, returning the pair `(new_theta, new_velocity)`. Test it on $\\mu = 0.9$, learning rate 0.1, "
    "$\\theta = 1$, $v = 0.5$, $g = 2$ first. Pass the function itself to `dh.check`.",
    "Section 4 gives Keras' form of the heavy-ball update: the velocity is updated first, from the old velocity and "
    "the gradient, and the parameter then moves by the new velocity.",
    compare=same_function(
        case(np.array([1.0]), np.array([0.5]), np.array([2.0]), 0.1, 0.9, why="the question's numbers"),
        case(*_momentum_case(0, (5,), velocity_scale=0.0), 0.05, 0.9, why="the first step: the velocity is zero"),
        case(*_momentum_case(1, (3, 4), gradient_scale=0.0), 0.1, 0.9, why="a zero gradient: the ball rolls on"),
        case(*_momentum_case(2, (4,)), 0.01, 0.0, why="momentum 0: plain gradient descent"),
        case(*_momentum_case(3, (2, 3)), 0.2, 0.99, why="a 2-D weight matrix, heavy momentum"),
    ),
)
def _():
    import keras
    import tensorflow as tf

    def momentum_step(theta, velocity, gradient, learning_rate, momentum):
        variable = tf.Variable(np.asarray(theta, dtype=np.float64))
        optimizer = keras.optimizers.SGD(learning_rate, momentum=momentum)
        optimizer.build([variable])
        if momentum:
            optimizer.momentums[0].assign(np.asarray(velocity, dtype=np.float64))
        optimizer.apply_gradients([(tf.constant(np.asarray(gradient, dtype=np.float64)), variable)])
        velocity = optimizer.momentums[0].numpy() if momentum else -learning_rate * np.asarray(gradient)
        return variable.numpy(), velocity

    return momentum_step


@register(
    "03.read_edges",
    NOTEBOOK,
    "Section 5's table: which optimizers have no learning rate on its grid (up to 1) at which they diverge, on "
    "either surface? (a) SGD, momentum and Nesterov; (b) RMSProp and Adam; (c) none: every optimizer diverges above "
    "some rate; (d) all five: 150 steps are too few to diverge. Answer with the letter.",
    "Read the table's last column (the cell asserts it), then the reason the text below it gives: how far can one "
    "step of each optimizer move a parameter, whatever the gradient?",
    compare=choice("a", "b", "c", "d"),
)
def _():
    return "b"


@register(
    "03.adam_first_step",
    NOTEBOOK,
    "Adam with learning rate 0.01 takes its first step on a parameter whose gradient is 250. By how much "
    "does the parameter move (absolute value)? Then think about what this means for gradients of very "
    "different sizes.",
    "Section 4's Adam update at step 1: what do the bias corrections turn m̂ and v̂ into, and what is left of g in "
    "their ratio?",
    compare=close_to(rtol=1e-5),
)
def _():
    import keras
    import tensorflow as tf

    variable = tf.Variable([0.0])
    keras.optimizers.Adam(0.01).apply_gradients([(tf.constant([250.0]), variable)])
    return abs(float(variable.numpy()[0]))


@register(
    "03.cosine",
    NOTEBOOK,
    "`CosineDecay(initial_learning_rate=0.1, decay_steps=100)`: what is the learning rate at step 50?",
    "Section 4's cosine schedule at the halfway step: where is a cosine halfway from 0 to π?",
)
def _():
    import keras

    return float(keras.optimizers.schedules.CosineDecay(0.1, decay_steps=100)(50))
