"""Exercises of notebooks/10_faq_references.ipynb: NaN losses, clipping, the generalization gap, the glossary.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. ``10.clip_each`` is a code exercise checked against
``tf.clip_by_norm`` (what Keras' ``clipnorm`` applies to each variable); ``10.clip_fix`` a reading question on
section 2's asserted comparison.
"""

from __future__ import annotations

import numpy as np

from .registry import case, choice, register, same_function, same_word

NOTEBOOK = "10_faq_references"


@register(
    "10.nan_rate",
    NOTEBOOK,
    "The loss becomes NaN at learning rate 5; the range test shows it blowing up above 2. You halve the rate "
    "until it is below the blow-up: 5, 2.5, 1.25, … Which rate do you reach first?",
    "Write the halving sequence out and stop at the first rate that is no longer in the blow-up region; mind "
    'what "below" means.',
)
def _():
    rate = 5.0
    while rate >= 2:
        rate /= 2
    return rate


@register(
    "10.gap",
    NOTEBOOK,
    "Training accuracy 0.99, validation accuracy 0.85. What is the generalization gap?",
    "Notebook 04 defines the gap between the two scores (which one minus which?) and reads a large gap as a sign "
    "of over-fitting.",
)
def _():
    return 0.99 - 0.85


@register(
    "10.glossary",
    NOTEBOOK,
    "What is 正则化 in English?",
    "Look it up in the glossary table of this notebook (or dh.references.translate).",
    compare=same_word,
)
def _():
    from ..references import translate

    return translate("正则化")


def _clip_each(gradients, clipnorm):
    """Keras' ``clipnorm``: every gradient clipped to norm ``clipnorm`` on its own (``tf.clip_by_norm``)."""
    import tensorflow as tf

    return [tf.clip_by_norm(tf.constant(g, tf.float64), clipnorm).numpy() for g in gradients]


def _arrays(seed, *shapes_and_scales):
    rng = np.random.default_rng(seed)
    return [scale * rng.normal(size=shape) for shape, scale in shapes_and_scales]


@register(
    "10.clip_each",
    NOTEBOOK,
    "Section 2 names three ways to clip. Write `clip_each(gradients, clipnorm)` for the second one: it takes a list "
    "of NumPy arrays (one gradient per variable) and returns the list as Keras' `clipnorm=clipnorm` clips it. Pass "
    "the function to `dh.check` (compared with `tf.clip_by_norm`).",
    "Read the clipping paragraph of section 2 again: which norm does `clipnorm` look at, and what happens to a "
    "gradient whose norm is already small? Chapter 03a wrote the global version.",
    compare=same_function(
        case([np.array([3.0, 4.0])], 1.0, why="one gradient above the threshold"),
        case(_arrays(0, ((4, 3), 1.0), ((3,), 0.01), ((2, 2), 3.0)), 1.0, why="several variables: each on its own"),
        case(_arrays(1, ((5,), 0.01), ((2, 3), 0.01)), 1.0, why="every norm below the threshold"),
        case([np.zeros((2, 2)), np.array([0.0, 2.0])], 0.5, why="a variable whose gradient is all zeros"),
    ),
)
def _():
    return _clip_each


@register(
    "10.clip_fix",
    NOTEBOOK,
    "In section 2 the rate 1.0 that turned the loss into `nan` trains again with `global_clipnorm=1.0`, compared over "
    "5 seeds with the stable rate 0.01. What does that comparison show (the claim the notebook asserts)? (a) with "
    "clipping, rate 1.0 ends within 30 of the training MSE that rate 0.01 reaches: clipping bounds the damage of a "
    "large rate; (b) with clipping, rate 1.0 still ends in `nan`, only later; (c) with clipping, rate 1.0 reaches a "
    "far lower training MSE than rate 0.01, so clipped large rates are better; (d) nothing: the two runs use different "
    "seeds. Answer with a letter.",
    "Read the three 🎲 lines and the ✔ claim under the clipping comparison, and the sentence before them.",
    compare=choice("a", "b", "c", "d"),
)
def _():
    return "a"
