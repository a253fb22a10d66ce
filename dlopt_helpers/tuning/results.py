"""Search results: best-so-far curves, ``cv_results_`` as rows and tables, binning values for heat maps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .._validation import (
    Array,
    Boolean,
    Instance,
    Integer,
    InvalidParameterError,
    check,
    check_int,
    short_repr,
)
from .._validation import Sequence as Items


def best_so_far(scores: Sequence[float]) -> np.ndarray:
    """The best score after each trial (NaN, e.g. a failed trial, counts as no improvement)."""
    if isinstance(scores, (list, tuple)):
        scores = [np.nan if s is None else s for s in scores]  # None: a trial without a score
    try:
        scores = check("scores", scores, Array(finite=False))
    except InvalidParameterError as error:
        if np.ndim(scores) == 1 and np.size(scores) == 0:
            raise InvalidParameterError("scores must be a non-empty 1-D sequence, got shape (0,)") from None
        raise error from None
    if scores.ndim != 1 or scores.size == 0:
        raise ValueError(f"scores must be a non-empty 1-D sequence, got shape {scores.shape}")
    if np.all(np.isnan(scores)):
        raise InvalidParameterError(
            f"scores must hold at least one number: all {scores.size} are NaN (every trial "
            "failed; look at the trials' errors or settings)"
        )
    return np.fmax.accumulate(np.where(np.isnan(scores), -np.inf, scores))


def search_rows(cv_results: Mapping, score: str = "mean_test_score") -> list[dict]:
    """``GridSearchCV.cv_results_`` (or ``RandomizedSearchCV``'s) as rows: parameters + ``score``, in trial order."""
    check("score", score, Instance(str))
    if not isinstance(cv_results, Mapping) or "params" not in cv_results or score not in cv_results:
        raise InvalidParameterError(
            f"cv_results must be a search's cv_results_ (a dict) with 'params' and "
            f"{score!r}, got {short_repr(cv_results)}"
        )
    params = cv_results["params"]
    if isinstance(params, (str, bytes)) or not all(isinstance(p, Mapping) for p in params):
        raise InvalidParameterError(f"cv_results['params'] must be a list of dicts, got {short_repr(params)}")
    scores = check(f"cv_results[{score!r}]", cv_results[score], Array(ndim=1, finite=False, min_size=0))
    if len(scores) != len(params):
        raise InvalidParameterError(
            f"cv_results[{score!r}] must hold one score per entry of cv_results['params'] "
            f"({len(params)}), got {len(scores)}"
        )
    return [{**p, "score": float(value)} for p, value in zip(params, scores)]


def format_table(
    rows: Sequence[Mapping],
    columns: Sequence[str] | None = None,
    sort_by: str | None = None,
    descending: bool = True,
    limit: int | None = None,
    digits: int = 4,
) -> str:
    """Rows of results as an aligned text table (no pandas needed), optionally sorted and cut.

    ``rows``: a list of dicts that all hold the ``columns`` shown (default: the first row's keys);
    ``sort_by``: one of those columns (NaN and None sort last); ``digits``: significant digits, >= 0.
    """
    if isinstance(rows, (list, tuple)) and not rows:
        raise ValueError("rows must contain at least one row")
    rows = list(check("rows", rows, Items(Instance(Mapping, what="a dict (one row)"), min_len=1)))
    descending = check("descending", descending, Boolean())
    digits = check("digits", digits, Integer(0))
    if columns is not None:
        columns = check("columns", columns, Items(min_len=1))
    columns = list(columns or rows[0].keys())
    missing = [c for c in columns if c not in rows[0]]
    if missing:
        raise ValueError(f"columns must be among {list(rows[0])}, got unknown {missing}")
    if sort_by is not None and (not isinstance(sort_by, str) or sort_by not in rows[0]):
        raise InvalidParameterError(
            f"sort_by must be one of the columns {list(rows[0])}, got unknown {short_repr(sort_by)}"
        )
    needed = columns + ([sort_by] if sort_by is not None and sort_by not in columns else [])
    for i, row in enumerate(rows):
        lacking = [c for c in needed if c not in row]
        if lacking:
            raise InvalidParameterError(f"rows[{i}] must have the columns {needed} like rows[0], lacks {lacking}")
    if sort_by:

        def key(r):
            value = r[sort_by]
            if value is None or value != value:  # None and NaN: no result, last
                return (0, 0.0)
            return (1, value)

        try:
            rows.sort(key=key, reverse=descending)
        except TypeError:
            kinds = sorted({type(r[sort_by]).__name__ for r in rows})
            raise InvalidParameterError(
                f"sort_by column {sort_by!r} must hold values that compare (numbers or strings, not a mix), got {kinds}"
            ) from None
    if limit is not None:
        rows = rows[: check_int("limit", limit, 1)]

    def cell(value) -> str:
        if isinstance(value, float):
            return (
                f"{value:.{digits}g}"
                if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e4)
                else f"{value:.{digits}f}".rstrip("0").rstrip(".") or "0"
            )
        return str(value)

    table = [[str(c) for c in columns]] + [[cell(r[c]) for c in columns] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    lines = ["  ".join(v.rjust(w) for v, w in zip(line, widths)) for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# ----------------------------------------------------------------------------- binning search results


def bin_values(values: Sequence, bins: int = 5) -> tuple[np.ndarray, list[str]]:
    """Group one hyper-parameter's values (one per trial) into at most ``bins`` labelled groups.

    Returns ``(codes, labels)``: ``codes[i]`` is the group of ``values[i]`` and ``labels[k]`` names group ``k``.
    The search explorer of notebook 07 (``dashboards.SearchExplorer``) draws its heat map over these groups.

    - Text, booleans and numbers with at most ``bins`` distinct values: one group per value, sorted.
    - More distinct numbers (random or adaptive search): ``bins`` intervals, on a log scale when the
      positive values span more than a factor of 10, with edges on whole or half decades (so the labels
      do not move with the exact values drawn); a value of exactly 0 (e.g. "no L2") gets a group of its
      own before the others, since a log scale cannot hold it and a linear one would lump it with every
      small value. Otherwise ``bins`` equal intervals, labelled by their centres (``~0.25``).
    - NaN and infinities (a failed draw, "no limit") get a group each, after the finite values.

    Examples
    --------
    >>> codes, labels = bin_values([0.0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1], bins=3)
    >>> labels
    ['0', '1e-06–0.001', '0.001–1']
    >>> codes.tolist()
    [0, 1, 1, 2, 2, 2]
    """
    import itertools

    bins = check_int("bins", bins, 2, 12)
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not len(values):
        raise InvalidParameterError(f"values must be a non-empty list (one value per trial), got {short_repr(values)}")
    numeric = all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values)
    if numeric and not np.all(np.isfinite(np.asarray(values, dtype=np.float64))):
        array = np.asarray(values, dtype=np.float64)
        finite = np.isfinite(array)
        specials = sorted({repr(float(v)) for v in array[~finite]}, key=lambda t: ("nan", "-inf", "inf").index(t))
        codes = np.zeros(len(array), dtype=int)
        labels = []
        if finite.any():
            finite_codes, labels = bin_values([v for v, ok in zip(values, finite) if ok], bins)
            codes[finite] = finite_codes
        for text in specials:
            codes[np.array([repr(float(v)) == text for v in array])] = len(labels)
            labels.append(text)
        return codes, labels
    distinct = sorted(set(values), key=lambda v: (str(type(v)), v)) if numeric else sorted(set(map(repr, values)))
    if not numeric or len(distinct) <= bins:
        lookup = {k: i for i, k in enumerate(distinct)}
        codes = np.array([lookup[v if numeric else repr(v)] for v in values])
        labels = [f"{k:.3g}" if numeric else str(k).strip("'") for k in distinct]
        return codes, labels
    array = np.asarray(values, dtype=np.float64)
    positive = array[array > 0]
    zero = array == 0
    if array.min() >= 0 and positive.size > 1 and positive.max() / positive.min() > 10:
        # log scale over the positive values; 0 gets a group of its own (before the others)
        log_bins = bins - 1 if zero.any() else bins
        edges = _decade_edges(np.log10(positive.min()), np.log10(positive.max()), max(log_bins, 1))
        scale = np.log10(np.where(zero, positive.min(), array))
        codes = np.clip(np.searchsorted(edges, scale, side="right") - 1, 0, len(edges) - 2)
        labels = [f"{10**a:.2g}–{10**b:.2g}" for a, b in itertools.pairwise(edges)]
        if zero.any():
            return np.where(zero, 0, codes + 1), ["0"] + labels
        return codes, labels
    edges = np.linspace(array.min(), array.max(), bins + 1)
    codes = np.clip(np.searchsorted(edges, array, side="right") - 1, 0, bins - 1)
    centres = (edges[:-1] + edges[1:]) / 2
    return codes, [f"~{c:.3g}" for c in centres]


def _decade_edges(low: float, high: float, bins: int) -> np.ndarray:
    """Edges in log10 on multiples of half a decade, one decade, two, ...: at most ``bins`` intervals."""
    for step in (0.5, 1, 2, 3, 4, 5, 10, 20, 50, 100):
        start = np.floor(low / step + 1e-9) * step
        stop = np.ceil(high / step - 1e-9) * step
        count = max(1, round((stop - start) / step))
        if count <= bins:
            return start + step * np.arange(count + 1)
    return np.linspace(low, high, bins + 1)
