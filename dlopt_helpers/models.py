"""The course's running example model.

Introduced in ``notebooks/00_background.ipynb``: a small multilayer perceptron on
the 8 x 8 digits. Later chapters change one lever at a time (optimizer,
regularization, augmentation, devices) and compare with this baseline.
"""

from __future__ import annotations

from ._validation import SEED_MAX, InvalidParameterError, check_choice, check_float, check_int, short_repr, sub_seed

__all__ = ["build_running_example", "compile_running_example", "build_cnn", "build_rnn", "RNN_CELLS"]

RNN_CELLS = ("simple", "gru", "lstm")

#: at most this many weights in the running example (400 MB in float32, before an optimizer's slots)
MAX_WEIGHTS = 100_000_000


def build_running_example(
    input_shape: tuple[int, ...] = (8, 8, 1),
    num_classes: int = 10,
    hidden_units: int = 32,
    l2: float = 0.0,
    dropout: float = 0.0,
    l1: float = 0.0,
    seed: int = 0,
):
    """Flatten -> Dense(hidden_units, relu) [-> Dropout] -> Dense(num_classes) logits.

    The model outputs **logits**; compile it with
    ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)`` (chapter 02
    explains why logits are the numerically safe choice).

    Parameters
    ----------
    input_shape : tuple of positive ints
        Shape of one input, ``(8, 8, 1)`` for the digits.
    num_classes : int in [2, 1000]
    hidden_units : int in [1, 4096]
        The model may hold at most 100 million weights (``input size x hidden_units`` dominates).
    l2 : float >= 0
        Strength of the L2 penalty ``l2 * sum(w**2)`` on both kernels (chapter 04).
    l1 : float >= 0
        Strength of the L1 penalty ``l1 * sum(|w|)`` on both kernels (chapter 04).
    dropout : float in [0, 1)
        Dropout rate after the hidden layer (0 disables it).
    seed : int
        Seed of the weight initializers: the same seed gives the same initial weights.

    Returns
    -------
    keras.Sequential, not compiled.

    Examples
    --------
    >>> model = build_running_example()
    >>> model.count_params()
    2410
    """
    if (
        not isinstance(input_shape, tuple)
        or not input_shape
        or any(isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in input_shape)
    ):
        raise ValueError(f"input_shape must be a tuple of positive ints, got {input_shape!r}")
    num_classes = check_int("num_classes", num_classes, 2, 1000)
    hidden_units = check_int("hidden_units", hidden_units, 1, 4096)
    l2 = check_float("l2", l2, 0)
    l1 = check_float("l1", l1, 0)
    dropout = check_float("dropout", dropout, 0, 1, high_inclusive=False)
    seed = check_int("seed", seed, 0, SEED_MAX)
    inputs = 1
    for d in input_shape:
        inputs *= d
    weights = (inputs + 1) * hidden_units + (hidden_units + 1) * num_classes
    if weights > MAX_WEIGHTS:
        raise InvalidParameterError(
            f"input_shape x hidden_units gives {inputs:,} x {hidden_units:,} = {weights:,} weights, "
            f"{weights * 4 / 1e9:,.1f} GB in float32 (before the optimizer's copies); at most {MAX_WEIGHTS:,}: "
            "use smaller inputs (downscale the images) or fewer hidden_units"
        )

    import keras

    if l1 > 0:
        regularizer = keras.regularizers.L1L2(l1=l1, l2=l2)
    else:
        regularizer = keras.regularizers.L2(l2) if l2 > 0 else None
    layers = [
        keras.Input(shape=input_shape),
        keras.layers.Flatten(),
        keras.layers.Dense(
            hidden_units,
            activation="relu",
            kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
            kernel_regularizer=regularizer,
            name="hidden",
        ),
    ]
    if dropout > 0:
        layers.append(keras.layers.Dropout(dropout, seed=seed))
    layers.append(
        keras.layers.Dense(
            num_classes,
            kernel_initializer=keras.initializers.GlorotUniform(seed=sub_seed(seed, 1)),
            kernel_regularizer=regularizer,
            name="logits",
        )
    )
    return keras.Sequential(layers, name="running_example")


def _check_shape(input_shape, ndim: int | None = None) -> tuple[int, ...]:
    if (
        not isinstance(input_shape, tuple)
        or not input_shape
        or any(isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in input_shape)
    ):
        raise ValueError(f"input_shape must be a tuple of positive ints, got {input_shape!r}")
    if ndim is not None and len(input_shape) != ndim:
        raise ValueError(f"input_shape must have {ndim} dimensions, got {input_shape!r}")
    return input_shape


def compile_running_example(model, optimizer: str = "adam", learning_rate=0.001, momentum: float = 0.9, metrics=()):
    """Compile a classifier that outputs logits the course's way, and return it.

    ``optimizer`` is a name of ``optim.ALL_OPTIMIZERS`` (``optim.keras_optimizer``), the loss is
    ``SparseCategoricalCrossentropy(from_logits=True)`` (chapter 02: logits are the numerically safe choice),
    ``metrics`` is passed to ``model.compile`` (e.g. ``["accuracy"]``).

    Examples
    --------
    >>> model = compile_running_example(build_running_example(seed=0), "sgd", learning_rate=0.1)
    >>> type(model.optimizer).__name__
    'SGD'
    """
    import keras

    from .optim import ALL_OPTIMIZERS, keras_optimizer

    optimizer = check_choice("optimizer", optimizer, ALL_OPTIMIZERS)
    if not isinstance(model, keras.Model):
        raise InvalidParameterError(f"model must be a keras.Model, got {type(model).__name__}")
    if isinstance(metrics, (str, bytes)) or not isinstance(metrics, (list, tuple)):
        raise InvalidParameterError(
            f"metrics must be a list or tuple of Keras metrics such as ['accuracy'], got {short_repr(metrics)}"
        )
    model.compile(
        optimizer=keras_optimizer(optimizer, learning_rate, momentum=momentum),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=list(metrics),
    )
    return model


def build_cnn(
    input_shape: tuple[int, ...] = (16, 16, 1),
    num_classes: int = 10,
    filters: int = 16,
    pooling: str = "max",
    seed: int = 0,
):
    """A small convolutional network for images: two 3x3 convolutions, pooling, logits.

    ``Conv2D(filters) -> MaxPool(2) -> Conv2D(2 filters) -> global pooling -> Dense(num_classes)``.
    The same filter slides over every position (weight sharing), and the global pooling
    forgets *where* a feature was found: the structure suits grids of pixels, where a
    stroke means the same thing wherever it is. Introduced in ``notebooks/08_model_choice.ipynb``.

    Parameters
    ----------
    input_shape : (height, width, channels), each >= 4 for height and width
    num_classes : int in [2, 1000]
    filters : int in [1, 512]
    pooling : {'max', 'average'}
        The global pooling at the end.
    seed : int
    """
    input_shape = _check_shape(input_shape, 3)
    if min(input_shape[:2]) < 4:
        raise ValueError(f"input_shape must be at least 4 x 4 pixels, got {input_shape!r}")
    num_classes = check_int("num_classes", num_classes, 2, 1000)
    filters = check_int("filters", filters, 1, 512)
    if pooling not in ("max", "average"):
        raise ValueError(f"pooling must be one of 'max', 'average', got {pooling!r}")
    seed = check_int("seed", seed, 0, SEED_MAX)
    import keras

    glorot = keras.initializers.GlorotUniform
    global_pool = keras.layers.GlobalMaxPooling2D() if pooling == "max" else keras.layers.GlobalAveragePooling2D()
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Conv2D(
                filters, 3, padding="same", activation="relu", kernel_initializer=glorot(seed), name="conv1"
            ),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(
                2 * filters,
                3,
                padding="same",
                activation="relu",
                kernel_initializer=glorot(sub_seed(seed, 1)),
                name="conv2",
            ),
            global_pool,
            keras.layers.Dense(num_classes, kernel_initializer=glorot(sub_seed(seed, 2)), name="logits"),
        ],
        name="cnn",
    )


def build_rnn(
    input_shape: tuple[int, ...] = (16, 16), num_classes: int = 10, cell: str = "gru", units: int = 32, seed: int = 0
):
    """A recurrent network for sequences: one recurrent layer read step by step, then logits.

    ``input_shape`` is ``(steps, features)``; an image ``(rows, columns, 1)`` is read row by
    row (reshaped to ``(rows, columns)``). The state ``h_t = f(x_t, h_{t-1})`` carries what
    the network keeps from earlier steps: the structure suits sequences, where order and
    memory matter. Introduced in ``notebooks/08_model_choice.ipynb``.

    Parameters
    ----------
    input_shape : (steps, features) or (rows, columns, 1)
    num_classes : int in [2, 1000]
    cell : {'simple', 'gru', 'lstm'}
    units : int in [1, 4096]
    seed : int
    """
    input_shape = _check_shape(input_shape)
    if (len(input_shape) == 3 and input_shape[2] != 1) or len(input_shape) not in (2, 3):
        raise ValueError(f"input_shape must be (steps, features) or (rows, columns, 1), got {input_shape!r}")
    num_classes = check_int("num_classes", num_classes, 2, 1000)
    if cell not in RNN_CELLS:
        raise ValueError(f"cell must be one of {', '.join(repr(c) for c in RNN_CELLS)}, got {cell!r}")
    units = check_int("units", units, 1, 4096)
    seed = check_int("seed", seed, 0, SEED_MAX)
    import keras

    layer = {"simple": keras.layers.SimpleRNN, "gru": keras.layers.GRU, "lstm": keras.layers.LSTM}[cell]
    layers = [keras.Input(shape=input_shape)]
    if len(input_shape) == 3:
        layers.append(keras.layers.Reshape(input_shape[:2]))  # image rows become time steps
    layers += [
        layer(
            units,
            kernel_initializer=keras.initializers.GlorotUniform(seed),
            recurrent_initializer=keras.initializers.Orthogonal(seed=sub_seed(seed, 1)),
            name=cell,
        ),
        keras.layers.Dense(
            num_classes, kernel_initializer=keras.initializers.GlorotUniform(sub_seed(seed, 2)), name="logits"
        ),
    ]
    return keras.Sequential(layers, name=f"rnn_{cell}")
