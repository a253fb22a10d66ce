"""Exercises of notebooks/10_faq_references.ipynb: NaN losses, the generalization gap, the glossary.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it.
"""

from __future__ import annotations

from .registry import register, same_word

NOTEBOOK = "10_faq_references"


@register(
    "10.nan_rate",
    NOTEBOOK,
    "The loss becomes NaN at learning rate 5; the range test shows it blowing up above 2. You halve the rate "
    "until it is below the blow-up: 5, 2.5, 1.25, … Which rate do you reach first?",
    "Keep halving while the rate is still >= 2.",
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
    "The gap is training score minus validation score; a large one is the sign of over-fitting (notebook 04).",
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
