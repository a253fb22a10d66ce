"""The measured-result convention: spread over seeds, the 🎲 format, claims that can fail."""

import re
from pathlib import Path

import numpy as np
import pytest
from nbval.plugin import get_sanitize_patterns

import dlopt_helpers as dh
from dlopt_helpers import experiments as ex

SANITIZE = get_sanitize_patterns((Path(__file__).parent / "nbval_sanitize.cfg").read_text())


def _noisy(seed, shift=0.0, spread=0.01):
    """A stand-in for a training run: a value that depends on the seed, like a trained accuracy."""
    return 0.9 + shift + spread * np.random.default_rng(seed).standard_normal()


def _sanitized(text):
    for regex, replace in SANITIZE:
        text = re.sub(regex, replace, text)
    return text


def test_summary_matches_numpy_and_scipy():
    from scipy import stats

    values = (0.91, 0.93, 0.92, 0.95, 0.90)
    summary = ex.Summary(values)
    assert summary.mean == pytest.approx(np.mean(values))
    assert summary.sd == pytest.approx(np.std(values, ddof=1))
    assert summary.sem == pytest.approx(stats.sem(values))
    low, high = stats.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=stats.sem(values))
    assert summary.ci95 == pytest.approx((low, high))


def test_compare_runs_every_arm_on_the_same_seeds_and_prints_one_format():
    seen = []

    def run(seed, shift):
        seen.append(seed)
        return _noisy(seed, shift)

    result = ex.compare(run, {"a": {"shift": 0.0}, "b": {"shift": 0.05}}, seeds=4, n_jobs=1, metric="acc")
    assert seen == [0, 1, 2, 3, 0, 1, 2, 3]
    assert result.arms == ("a", "b") and result.metrics == ("acc",) and result.seeds == (0, 1, 2, 3)
    np.testing.assert_allclose(result.values("b") - result.values("a"), 0.05)
    lines = str(result).splitlines()
    assert len(lines) == 2 and all(line.startswith("🎲 ") for line in lines)
    assert _sanitized(lines[0]) == "🎲 a · acc: MEAN ± SD  [95% CI LOW, HIGH]  4 seeds"


def test_sanitize_masks_only_the_digits_of_the_format():
    text = "🎲 adam − sgd · loss: +0.031 ± 0.006  [95% CI +0.024, +0.038]  5 paired seeds\naccuracy 0.931\n"
    assert _sanitized(text) == "🎲 adam − sgd · loss: MEAN ± SD  [95% CI LOW, HIGH]  5 paired seeds\naccuracy 0.931\n"
    assert _sanitized("✔ claim: adam beats sgd on loss (95% CI of the difference, 5 seeds)").endswith("5 seeds)")


def test_no_negative_zero_in_the_format():
    line = ex.Summary((-0.0001, 0.0001, -0.0002)).format("d", ".3f", signed=True)
    assert "-0.000" not in line and "+0.000 ±" in line


def test_each_run_starts_from_its_seed():
    result = ex.compare(lambda seed: float(np.random.rand()), seeds=[3, 7], n_jobs=1)
    np.random.seed(3)
    first = np.random.rand()
    np.random.seed(7)
    np.testing.assert_allclose(result.values("run"), [first, np.random.rand()])


def test_claim_better_holds_for_a_real_gap_and_fails_inside_the_noise(capsys):
    result = ex.compare(
        lambda seed, shift: _noisy(seed, shift),
        {"base": {"shift": 0.0}, "good": {"shift": 0.05}, "same": {"shift": 0.0005}},
        seeds=5,
        n_jobs=1,
    )
    result.claim_better("good", "base")
    out = capsys.readouterr().out
    assert "✔ claim: good beats base on value (95% CI of the difference, 5 seeds)" in out
    # "same" differs from "base" by the same amount on every seed: a paired difference with no spread
    # is a real (if tiny) gap, so claim it against an unpaired-looking noisy arm instead
    noisy = ex.summarize({"base": [0.90, 0.93, 0.88, 0.91, 0.92], "same": [0.91, 0.90, 0.92, 0.89, 0.93]})
    with pytest.raises(ex.ClaimError, match="claim fails: same beats base"):
        noisy.claim_better("same", "base")
    with pytest.raises(ex.ClaimError):
        result.claim_better("base", "good")


def test_claims_respect_lower_is_better():
    losses = ex.summarize(
        {"sgd": [0.30, 0.32, 0.31], "adam": [0.20, 0.21, 0.19]}, metric="loss", higher_is_better=False
    )
    losses.claim_better("adam", "sgd")
    assert losses.ranking() == ["adam", "sgd"]
    with pytest.raises(ex.ClaimError):
        losses.claim_better("sgd", "adam")


def test_claim_similar_is_an_equivalence_claim(capsys):
    close = ex.summarize({"a": [0.90, 0.91, 0.92, 0.90, 0.91], "b": [0.901, 0.909, 0.921, 0.902, 0.908]})
    close.claim_similar("a", "b", margin=0.01)
    assert "differ by less than 0.01" in capsys.readouterr().out
    noisy = ex.summarize({"a": [0.90, 0.95, 0.85, 0.92, 0.88], "b": [0.91, 0.86, 0.93, 0.87, 0.94]})
    with pytest.raises(ex.ClaimError):  # same means, but too noisy to say "no difference"
        noisy.claim_similar("a", "b", margin=0.01)


def test_claim_within_and_claim_best():
    result = ex.summarize({"a": [0.95, 0.96, 0.94], "b": [0.80, 0.82, 0.81], "c": [0.70, 0.71, 0.69]})
    result.claim_within("a", 0.9, 1.0)
    with pytest.raises(ex.ClaimError):
        result.claim_within("a", 0.955, 1.0)
    result.claim_best("a")
    with pytest.raises(ex.ClaimError):
        result.claim_best("b")


def test_dict_results_give_several_metrics_and_keep_details():
    def run(seed):
        return {"train": _noisy(seed), "val": _noisy(seed + 10), "curve": np.arange(3)}

    result = ex.compare(run, seeds=2, n_jobs=1)
    assert result.metrics == ("train", "val")
    assert len(str(result).splitlines()) == 2
    np.testing.assert_array_equal(result.details["run"][1]["curve"], np.arange(3))


@pytest.mark.slow
def test_worker_processes_give_the_same_values_as_this_process():
    arms = {"a": {"shift": 0.0}, "b": {"shift": 0.1}}
    here = ex.compare(_noisy, arms, seeds=3, n_jobs=1)
    workers = ex.compare(_noisy, arms, seeds=3, n_jobs=2)
    for arm in arms:
        np.testing.assert_array_equal(here.values(arm), workers.values(arm))


def test_plot_draws_every_run():
    result = ex.summarize({"a": [1.0, 2.0, 3.0], "b": [2.0, 3.0, 4.0]})
    fig = result.plot(title="t")
    ax = fig.axes[0]
    assert sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets")) >= 6
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ex.compare(_noisy, seeds=1), "seeds must be in"),
        (lambda: ex.compare(_noisy, seeds=[1]), "at least 2 seeds"),
        (lambda: ex.compare(_noisy, seeds=[1, 1]), "distinct"),
        (lambda: ex.compare(_noisy, seeds="12"), "seeds must be a count"),
        (lambda: ex.compare(_noisy, seeds=[0, -1]), "seeds must be in"),
        (lambda: ex.compare("f"), "run must be callable"),
        (lambda: ex.compare(_noisy, arms={}), "arms must be a non-empty dict"),
        (lambda: ex.compare(_noisy, arms={"a": 1}), r"arms\['a'\] must be a dict"),
        (lambda: ex.compare(_noisy, n_jobs=0), "n_jobs must be in"),
        (lambda: ex.compare(_noisy, fmt="d"), "fmt must be a float format"),
        (lambda: ex.compare(lambda seed: float("nan"), n_jobs=1), "must be finite"),
        (lambda: ex.compare(lambda seed: "x", n_jobs=1), "at least one number"),
        (lambda: ex.compare(lambda seed: {"a": 1.0} if seed else {"b": 1.0}, n_jobs=1), "same metrics"),
        (lambda: ex.summarize({"a": [1.0]}), "at least 2 finite"),
        (lambda: ex.summarize({"a": [1.0, 2.0], "b": [1.0, 2.0, 3.0]}), "same number of runs"),
        (lambda: ex.summarize({"a": [1.0, 2.0]}).claim_better("a", "z"), "arm must be one of"),
        (lambda: ex.summarize({"a": [1.0, 2.0]}).values("a", "acc"), "metric must be one of"),
        (lambda: ex.summarize({"a": [1.0, 2.0]}).claim_within("a", 2.0, 1.0), "low must be < high"),
        (lambda: ex.summarize({"a": [1.0, 2.0], "b": [1.0, 2.0]}).claim_similar("a", "b", -1), "margin must be"),
        (lambda: ex.summarize({"a": [1.0, 2.0], "b": [1.0, 2.0]}).claim_better("a", "b", k=0), "k must be in"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_package_exposes_the_module():
    assert dh.experiments.MARK == "🎲"
    assert ex.usable_cores() >= 1
