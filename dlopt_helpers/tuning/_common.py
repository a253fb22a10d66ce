"""Names shared by the tuning modules: the optimizer vocabulary, bounds, the Keras callback base."""

from __future__ import annotations

from .. import optim as _optim

#: the optimizer names the classifier and the range test take: the course's one vocabulary (``optim.keras_optimizer``)
OPTIMIZERS = _optim.OPTIMIZERS

#: the house bound on steps (batches) of a run
MAX_STEPS = 100_000
#: the largest batch size accepted (Keras uses whole-dataset batches when a batch exceeds the data)
MAX_BATCH_SIZE = 1_000_000


def _keras_callback_base():
    import keras

    return keras.callbacks.Callback
