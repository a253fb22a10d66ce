"""From-scratch Adam (dlopt_helpers.optim.ScratchAdam) vs keras.optimizers.Adam, same model, same batches.

Each optimizer drives the running example (notebook 00) through the same compiled training step
(`tf.function`: forward, loss, gradients, update) over the same 200 pre-made batches; the median
over repetitions of steps per second is compared. Prints last
`optimizer_throughput ratio=<ours/keras>`. Goal: ratio >= 0.8.

    python benchmarks/optimizer_throughput.py
"""

import _timing
import keras
import numpy as np
import tensorflow as tf

import dlopt_helpers as dh

BATCHES, BATCH_SIZE, REPEATS = 200, 64, 5


def make_step(model, apply):
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def run_epoch(images, labels):
        for i in tf.range(BATCHES):
            with tf.GradientTape() as tape:
                loss = loss_fn(labels[i], model(images[i], training=True))
            apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
        return loss

    return run_epoch


def steps_per_second(name):
    dh.set_seed(0)
    digits = dh.data.load_digits_images()
    rng = np.random.default_rng(0)
    index = rng.integers(0, len(digits.x_train), (BATCHES, BATCH_SIZE))
    images, labels = tf.constant(digits.x_train[index]), tf.constant(digits.y_train[index])
    model = dh.models.build_running_example(hidden_units=128)
    if name == "keras":
        optimizer = keras.optimizers.Adam(0.001)
        optimizer.build(model.trainable_variables)
        apply = lambda grads, variables: optimizer.apply_gradients(zip(grads, variables))  # noqa: E731
    else:
        optimizer = dh.optim.ScratchAdam(0.001)
        optimizer.build(model.trainable_variables)
        apply = optimizer.apply_gradients
    run_epoch = make_step(model, apply)
    final_loss = float(run_epoch(images, labels))  # trace + warm-up
    seconds = _timing.time_calls(lambda _: run_epoch(images, labels).numpy(), range(REPEATS))
    return BATCHES / np.median(seconds), final_loss


def main():
    keras_rate, keras_loss = steps_per_second("keras")
    ours_rate, ours_loss = steps_per_second("ours")
    np.testing.assert_allclose(ours_loss, keras_loss, rtol=1e-4)  # same rule, same batches: same training
    print(f"keras.optimizers.Adam  {keras_rate:8.0f} steps/s")
    print(f"optim.ScratchAdam      {ours_rate:8.0f} steps/s")
    _timing.goal("optimizer_throughput_vs_keras", ours_rate / keras_rate, 0.8)
    print(f"optimizer_throughput ratio={ours_rate / keras_rate:.2f}")


if __name__ == "__main__":
    main()
