"""Entry point of the processes ``dlopt_helpers.parallel`` starts (not for direct use; see ``parallel._launch``).

``python -m dlopt_helpers._worker matmul --threads N ...``
    Time matrix multiplications with TensorFlow's intra-op pool set to ``N`` threads
    (0: automatic) and print ``{"seconds": [...]}`` as the last line.
``python -m dlopt_helpers._worker multiworker ...``
    One worker of a ``MultiWorkerMirroredStrategy`` cluster described by ``TF_CONFIG``;
    saves its losses (and the weights) to ``$DLOPT_WORKER_OUT``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def matmul(args) -> None:
    from ._tf import import_tensorflow

    tf = import_tensorflow()
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)  # before the first operation
    a = tf.random.stateless_normal((args.size, args.size), seed=(0, 1))
    b = tf.random.stateless_normal((args.size, args.size), seed=(0, 2))
    multiply = tf.function(lambda a, b: tf.reduce_sum(tf.linalg.matmul(a, b)))
    multiply(a, b).numpy()  # warm-up: trace and touch the memory
    seconds = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        multiply(a, b).numpy()
        seconds.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "threads": tf.config.threading.get_intra_op_parallelism_threads(),
                "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
            }
        )
    )


def multiworker(args) -> None:
    import numpy as np

    from . import parallel
    from .env import set_seed

    tf_config = parallel.check_tf_config(os.environ.get("TF_CONFIG", ""))
    import tensorflow as tf

    set_seed(args.seed)
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    saved = {}
    if args.fit:
        saved["fit_error"] = np.array(_try_fit(strategy, args))
    run = parallel.train_replicated(
        strategy,
        steps=args.steps,
        global_batch_size=args.global_batch_size,
        learning_rate=args.learning_rate,
        seed=args.seed,
    )
    saved.update({f"w{j}": w for j, w in enumerate(run.weights)})
    np.savez(
        os.environ["DLOPT_WORKER_OUT"],
        losses=run.losses,
        n_weights=len(run.weights),
        replicas=run.replicas,
        index=tf_config["task"]["index"],
        **saved,
    )


def _try_fit(strategy, args) -> str:
    """``model.fit`` under MultiWorkerMirroredStrategy: '' if it trains, else its error's first line."""
    import tensorflow as tf

    from .data import load_digits_images
    from .models import build_running_example, compile_running_example

    split = load_digits_images()
    with strategy.scope():
        model = compile_running_example(build_running_example(seed=args.seed), "sgd", learning_rate=args.learning_rate)
    dataset = tf.data.Dataset.from_tensor_slices((split.x_train, split.y_train)).repeat()
    dataset = dataset.batch(args.global_batch_size, drop_remainder=True)
    try:
        model.fit(dataset, steps_per_epoch=2, epochs=1, verbose=0)
    except Exception as error:
        return f"{type(error).__name__}: {' '.join(str(error).split())}"[:300]
    return ""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dlopt_helpers._worker")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("matmul")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--size", type=int, default=1024)
    p.add_argument("--repeats", type=int, default=10)
    p = commands.add_parser("multiworker")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--global-batch-size", type=int, default=64)
    p.add_argument("--learning-rate", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--fit", action="store_true")
    args = parser.parse_args(argv)
    {"matmul": matmul, "multiworker": multiworker}[args.command](args)


if __name__ == "__main__":
    main(sys.argv[1:])
