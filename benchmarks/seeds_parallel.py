"""Seeds in worker processes vs one after another, in the same run.

The measured-result convention (``dh.experiments.compare``) runs every (arm, seed) of a comparison;
with more than one usable core it spreads them over loky worker processes with one TensorFlow
thread each. This measures whether that is faster for the course's typical run: the running
example, 2 arms x 4 seeds x 8 epochs on the digits. The workers are started once before timing
(a notebook pays that once per kernel, ~5-8 s on 2 cores). Prints last
`seeds_parallel ratio=<sequential/parallel> cores=<n>`. Goal: ratio >= 1.3 on 2 cores.

    python benchmarks/seeds_parallel.py
"""

import time

import _timing

import dlopt_helpers as dh


def run(seed, hidden_units, epochs=2 if _timing.QUICK else 8):
    digits = dh.data.load_digits_images(seed=0)
    model = dh.models.build_running_example(hidden_units=hidden_units, seed=seed)
    dh.models.compile_running_example(model, "sgd", learning_rate=0.05, metrics=["accuracy"])
    history = model.fit(
        digits.x_train,
        digits.y_train,
        validation_data=(digits.x_val, digits.y_val),
        epochs=epochs,
        batch_size=32,
        verbose=0,
    )
    return history.history["val_accuracy"][-1]


def timed(n_jobs):
    arms = {"16 units": {"hidden_units": 16}, "32 units": {"hidden_units": 32}}
    start = time.perf_counter()
    dh.experiments.compare(run, arms, seeds=2 if _timing.QUICK else 4, n_jobs=n_jobs)
    return time.perf_counter() - start


def main():
    cores = dh.env.usable_cores()
    jobs = min(cores, 8)
    if jobs > 1:
        dh.experiments.compare(run, {"warm-up": {"hidden_units": 4, "epochs": 1}}, seeds=jobs, n_jobs=jobs)
    sequential = timed(1)
    parallel = timed(jobs) if jobs > 1 else sequential
    print(f"one process {sequential:.2f} s, {jobs} workers {parallel:.2f} s")
    _timing.goal("seeds_parallel_2_cores", sequential / parallel, 1.3)
    print(f"seeds_parallel ratio={sequential / parallel:.2f} cores={cores}")


if __name__ == "__main__":
    main()
