"""Adam written in a few TensorFlow ops (``ScratchAdam``), usable inside ``tf.function``."""

from __future__ import annotations

from .._validation import InvalidParameterError, check_float


# ----------------------------------------------------------------------------- TensorFlow version
class ScratchAdam:
    """Adam on ``tf.Variable``s in a few TensorFlow ops, usable inside ``tf.function``.

    The same rule as ``keras.optimizers.Adam``; ``benchmarks/optimizer_throughput.py``
    compares their speed on the same model and batches.
    """

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7):
        import tensorflow as tf

        self.learning_rate = check_float("learning_rate", learning_rate, 0, low_inclusive=False)
        self.beta_1 = check_float("beta_1", beta_1, 0, 1, high_inclusive=False)
        self.beta_2 = check_float("beta_2", beta_2, 0, 1, high_inclusive=False)
        self.epsilon = check_float("epsilon", epsilon, 0, low_inclusive=False)
        self.iterations = tf.Variable(0, dtype=tf.int64, trainable=False)
        self._m: list = []
        self._v: list = []

    def build(self, variables) -> None:
        """Create the moment slots (call outside ``tf.function``, once)."""
        import tensorflow as tf

        self._m = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
        self._v = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]

    def apply_gradients(self, grads, variables) -> None:
        import tensorflow as tf

        grads, variables = list(grads), list(variables)
        if len(self._m) != len(variables):
            raise ValueError(f"call build() with the {len(variables)} variables first")
        if len(grads) != len(variables):
            raise InvalidParameterError(
                f"grads must hold one gradient per variable ({len(variables)}), got {len(grads)}"
            )
        for i, (g, var) in enumerate(zip(grads, variables)):
            if g is None:
                raise InvalidParameterError(
                    f"grads[{i}] is None: variable {var.name!r} does not affect the loss "
                    "(leave it out of the variables, or connect it)"
                )
            if not tf.TensorShape(g.shape).is_compatible_with(var.shape):
                raise InvalidParameterError(
                    f"grads[{i}] must have the shape of variable {var.name!r} {tuple(var.shape)}, got {tuple(g.shape)}"
                )
        self.iterations.assign_add(1)
        t = tf.cast(self.iterations, tf.float32)
        alpha = self.learning_rate * tf.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        for g, var, m, v in zip(grads, variables, self._m, self._v):
            if var.dtype != tf.float32:  # float64 (or float16) variables: the step in their own precision
                alpha_var = tf.cast(alpha, var.dtype)
                g = tf.cast(g, var.dtype)
                m.assign_add((g - m) * (1 - self.beta_1))
                v.assign_add((tf.square(g) - v) * (1 - self.beta_2))
                var.assign_sub(alpha_var * m / (tf.sqrt(v) + tf.cast(self.epsilon, var.dtype)))
                continue
            m.assign_add((g - m) * (1 - self.beta_1))
            v.assign_add((tf.square(g) - v) * (1 - self.beta_2))
            var.assign_sub(alpha * m / (tf.sqrt(v) + self.epsilon))
