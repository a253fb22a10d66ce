"""tf.data on several cores: the same map-heavy input pipeline run serially and with
``num_parallel_calls=tf.data.AUTOTUNE``, in the same run.

Pipeline: 512 JPEGs of 320 x 320 (random crops of scikit-learn's two bundled photos, in memory)
-> decode -> float -> resize to 64 x 64 -> batch 32. Each element's ops run on one thread in both
versions (``max_intra_op_parallelism = 1``); the serial one also switches off tf.data's automatic
``map_parallelization``. Median of 7 passes after one warm-up pass. Prints last
`parallel_speedup ratio=<parallel/serial> cores=<n>`. Goal: ratio >= 1.7 on 2 cores.

    python benchmarks/parallel_speedup.py
"""

import _timing

import dlopt_helpers as dh


def main():
    files = dh.parallel.encoded_photos(512, size=320)
    serial, default, parallel = dh.parallel.compare_pipelines(
        files, modes=("serial", "tf.data default", "parallel"), repeats=7
    )
    for result in (serial, default, parallel):
        print(f"{result}  (x{result.speedup_over(serial):.2f})")
    _timing.goal("parallel_speedup_2_cores", parallel.speedup_over(serial), 1.7)
    print(f"parallel_speedup ratio={parallel.speedup_over(serial):.2f} cores={dh.env.usable_cores()}")


if __name__ == "__main__":
    main()
