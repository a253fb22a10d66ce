"""Scale-out on one machine: the running example trained by 2 local worker processes
(MultiWorkerMirroredStrategy, TF_CONFIG on 127.0.0.1, custom loop with ``strategy.run``) vs the
same loop in this process on one device. Same data order, global batch 64, SGD 0.1, 40 steps.
Prints the per-step loss gap and the weight gap, then last `multiworker ok loss_gap=<x>`
(or `multiworker FAILED ...` with a non-zero exit code when the workers disagree).

    python benchmarks/multiworker.py
"""

import sys

import _timing

import dlopt_helpers as dh

TOLERANCE = 1e-5


def main():
    dh.set_seed(0)
    single = dh.parallel.train_replicated(steps=40)
    result = dh.parallel.run_multiworker(num_workers=2, steps=40)
    loss_gap = result.run.max_loss_gap(single)
    weight_gap = result.run.max_weight_gap(single)
    print(f"2 workers x {result.run.replicas // 2} replica: {result.seconds:.1f} s wall including start-up")
    print(
        f"final loss {result.run.losses[-1]:.4f} (single device {single.losses[-1]:.4f}); "
        f"workers agree: {result.workers_agree}; max weight gap {weight_gap:.1e}"
    )
    _timing.goal("multiworker_loss_gap", max(loss_gap, weight_gap), TOLERANCE, at_least=False, unit="")
    if loss_gap < TOLERANCE and weight_gap < TOLERANCE and result.workers_agree:
        print(f"multiworker ok loss_gap={loss_gap:.1e}")
    else:
        print(f"multiworker FAILED loss_gap={loss_gap:.1e} weight_gap={weight_gap:.1e}")
        sys.exit(1)


if __name__ == "__main__":
    main()
