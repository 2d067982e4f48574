"""Numerical gradients and the comparison that grades an analytic gradient.

Public interface (used by the checks, the grader and the book):

    numerical_gradient(f, x, h=1e-5)              -> array shaped like x
    numerical_gradient_array(f, x, dout, h=1e-5)  -> array shaped like x
    rel_error(a, b)                               -> float
    check_gradient(f, x, analytic, *, dout=None, h=1e-5, tol=None, kink_scale=None) -> GradCheck
    compare_gradients(analytic, numeric, *, numeric_ones=None, tol=None, name="x") -> GradCheck
    compare_gradient_sets(analytic, numeric, *, names, numeric_ones=None, tol=None)
                                                  -> list[GradCheck], one per gradient

Expected error sizes (float64). Central differences have truncation error
O(h^2) and round-off error O(eps / h); with h = 1e-5 both sit near 1e-10
relative to the gradient on smooth functions, so a correct analytic gradient
typically shows a relative error between 1e-10 and 1e-8; entries far smaller than
the function's value (a batch of one, a tiny weight gradient) can reach 1e-6,
because round-off is absolute. ``TOLERANCE`` sits above that; a wrong gradient is
almost always above 1e-2.  All tolerances live in this block.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

H = 1e-5                #: default central-difference step
TOLERANCE = 1e-5        #: max relative error accepted for a correct analytic gradient
LOOSE_TOLERANCE = 1e-4  #: for results that pass through many float operations (losses over batches)
FLOOR = 1e-8            #: denominator floor of rel_error, so two tiny numbers compare as equal
SCALE_FLOOR = 1e-2      #: each element is compared relative to at least this share of the largest true entry
DIAGNOSIS_TOL = 1e-4    #: how closely a transformed gradient must match to name a diagnosis
KINK_TOL = 1e-2         #: one-sided derivatives differing by more than this mark a kink
KINK_STEPS = 2          #: default kink probe step, in units of h: a kink within h is always crossed

DIAGNOSES = ("ok", "shape", "zero", "sign", "scale", "transpose", "upstream", "order", "mismatch")


def numerical_gradient(f, x, h=H):
    """Central-difference gradient of a scalar function.

    f : callable taking the array ``x`` (read in place) and returning a scalar.
    x : float ndarray of any shape; perturbed one element at a time and
        restored afterwards, even if ``f`` raises.
    Returns an array shaped like ``x``: (f(x + h e_i) - f(x - h e_i)) / 2h.
    """
    x = _as_float_array(x)
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        try:
            x[i] = old + h
            fplus = float(f(x))
            x[i] = old - h
            fminus = float(f(x))
        finally:
            x[i] = old
        grad[i] = (fplus - fminus) / (2 * h)
    return grad


def numerical_gradient_array(f, x, dout, h=H):
    """Gradient of sum(f(x) * dout) with respect to ``x`` by central differences.

    f    : callable taking ``x`` and returning an array of the shape of ``dout``.
    x    : float ndarray, perturbed in place and restored even if ``f`` raises.
    dout : upstream gradient, shaped like f(x).
    Returns an array shaped like ``x``.
    """
    dout = np.asarray(dout, dtype=np.float64)
    return numerical_gradient(lambda z: np.sum(np.asarray(f(z), dtype=np.float64) * dout), x, h)


def rel_error(a, b):
    """max over elements of |a - b| / max(FLOOR, |a| + |b|)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(FLOOR, np.abs(a) + np.abs(b)), initial=0.0))


@dataclass
class GradCheck:
    """The outcome of comparing an analytic gradient with a numerical one.

    passed        : True when the analytic gradient is right within ``tol``.
    max_rel_error : the largest |analytic - numeric| / max(|analytic| + |numeric|, floor) over
                    elements, with floor = max(FLOOR, SCALE_FLOOR * max|numeric|); inf when
                    shapes differ.
    worst_index   : index (tuple) of the element with the largest relative error.
    analytic_value, numeric_value : the two values at ``worst_index``.
    diagnosis     : one of DIAGNOSES.
    message       : one paragraph a student can act on.
    factor        : the constant factor for diagnosis == "scale".
    """

    passed: bool
    max_rel_error: float
    worst_index: tuple
    analytic_value: float | None
    numeric_value: float | None
    diagnosis: str
    message: str
    name: str = "x"
    tol: float = TOLERANCE
    factor: float | None = None
    kink: bool = False
    details: dict = field(default_factory=dict)


_HINTS = {
    "shape": "A gradient always has the shape of the variable it belongs to.",
    "zero": "Your gradient is all zeros: is the backward pass writing into the right variable, "
            "or returning before it accumulates anything?",
    "sign": "Every entry has the wrong sign. Look for a subtraction whose order is reversed, "
            "or a minus sign lost in the chain rule.",
    "scale": "The direction is right but every entry is off by the same factor. Look for a missing "
             "or extra constant: a 1/2, a 2 from a square, a 1/N from an average.",
    "transpose": "Your gradient is the transpose of the right one. Check the order of a matrix "
                 "product and which side each factor sits on.",
    "upstream": "Your gradient is what it would be if the upstream gradient were all ones. "
                "Multiply by the gradient arriving from above (the chain rule).",
    "order": "The values are right but returned in the wrong order: return the gradients in "
             "the order the function's docstring gives.",
    "mismatch": "Compare your formula with the derivative of the forward pass, one "
                "intermediate at a time, and check the biggest error first.",
}


def compare_gradients(analytic, numeric, *, numeric_ones=None, tol=None, name="x"):
    """Grade ``analytic`` against a trusted ``numeric`` gradient.

    analytic     : the proposed gradient (any array-like, any shape).
    numeric      : the trusted gradient, shape S.
    numeric_ones : optional trusted gradient for an all-ones upstream gradient,
                   shape S; lets the diagnosis name a dropped upstream gradient.
    tol          : accepted relative error (default TOLERANCE).
    name         : the variable's name, used in the message.
    """
    tol = TOLERANCE if tol is None else tol
    numeric = np.asarray(numeric, dtype=np.float64)
    try:
        analytic = np.asarray(analytic, dtype=np.float64)
    except (TypeError, ValueError):
        return _result(False, np.inf, (), None, None, "shape", name, tol,
                       f"d{name} is not an array of numbers (got {type(analytic).__name__}).")
    if analytic.shape != numeric.shape:
        if analytic.ndim == 2 and analytic.T.shape == numeric.shape and rel_error(analytic.T, numeric) <= tol:
            return _result(False, np.inf, (), None, None, "transpose", name, tol,
                           f"d{name} has shape {analytic.shape} but {name} has shape {numeric.shape}: "
                           "it is the transpose of the right gradient. " + _HINTS["transpose"])
        return _result(False, np.inf, (), None, None, "shape", name, tol,
                       f"d{name} has shape {analytic.shape} but {name} has shape {numeric.shape}.")
    if not np.all(np.isfinite(analytic)):
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(analytic))[0])
        return _result(False, np.inf, idx, float(analytic[idx]), float(numeric[idx]), "mismatch",
                       name, tol, f"d{name} contains {analytic[idx]} at index {idx}.")
    # Round-off in a central difference is absolute (about eps * |f| / h), so an entry far
    # smaller than the others would show a large *relative* error even when right; each entry's
    # error is therefore measured against at least SCALE_FLOOR times the largest true entry.
    scale = SCALE_FLOOR * float(np.max(np.abs(numeric), initial=0.0))
    err = np.abs(analytic - numeric) / np.maximum(max(FLOOR, scale), np.abs(analytic) + np.abs(numeric))
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), err.shape)) if err.size else ()
    max_err = float(err.max(initial=0.0))
    a_w = float(analytic[worst]) if err.size else None
    n_w = float(numeric[worst]) if err.size else None
    if max_err <= tol:
        return _result(True, max_err, worst, a_w, n_w, "ok", name, tol,
                       f"d{name} is correct (max relative error {max_err:.1e}).")
    diagnosis, factor = diagnose(analytic, numeric, numeric_ones)
    text = (f"d{name} is wrong at index {worst}: analytic {a_w:.6g}, numerical {n_w:.6g}, "
            f"max relative error {max_err:.1e} (a correct gradient gives below {tol:.0e}).")
    if diagnosis == "scale":
        text += f" It is {factor:.4g} times the right gradient."
    text += " " + _HINTS[diagnosis]
    return _result(False, max_err, worst, a_w, n_w, diagnosis, name, tol, text, factor)


def diagnose(analytic, numeric, numeric_ones=None):
    """Name the mistake that turns ``numeric`` into ``analytic``; returns (diagnosis, factor).

    analytic, numeric, numeric_ones: arrays of one shape S (numeric_ones may be None).
    """
    def close(a, b):
        return rel_error(a, b) <= DIAGNOSIS_TOL

    if not np.any(numeric):
        return "mismatch", None
    if not np.any(analytic):
        return "zero", None
    if close(analytic, -numeric):
        return "sign", -1.0
    if numeric_ones is not None and np.any(numeric_ones) and close(analytic, numeric_ones):
        return "upstream", None
    if analytic.ndim == 2 and analytic.shape[0] == analytic.shape[1] and analytic.shape[0] > 1:
        if close(analytic, numeric.T):
            return "transpose", None
    mask = np.abs(numeric) > 1e-12
    ratios = analytic[mask] / numeric[mask]
    factor = float(np.median(ratios))
    # With one or two numbers any ratio "fits"; name a factor there only when it is a whole
    # number or one over one (2, 1/2, N...), the factors real mistakes produce.
    plausible = mask.sum() > 2 or _whole_or_reciprocal(factor)
    if (np.isfinite(factor) and factor != 0 and abs(factor - 1) > 1e-2 and plausible
            and close(analytic, factor * numeric)):
        return ("sign", -1.0) if abs(factor + 1) < 1e-6 else ("scale", factor)
    return "mismatch", None


def _whole_or_reciprocal(factor):
    if not np.isfinite(factor) or factor == 0:
        return False
    for v in (abs(factor), 1 / abs(factor)):
        if abs(v - round(v)) <= 1e-6 * v:
            return True
    return False


def compare_gradient_sets(analytic, numeric, *, names, numeric_ones=None, tol=None):
    """Grade several gradients returned together, such as ``(da, db, dc)``.

    analytic     : sequence of the proposed gradients (arrays or numbers), in the returned order.
    numeric      : sequence of the trusted gradients, same length, in the stated order.
    names        : the variables' names (``["a", "b", "c"]``), same length.
    numeric_ones : optional sequence of trusted gradients for an all-ones upstream gradient.
    Returns one GradCheck per gradient, as ``compare_gradients`` gives it, except that when the
    failing gradients are a reordering of the right ones (each equals, within ``tol``, the true
    gradient of another failing variable), they are diagnosed ``order`` and the message names
    the variable whose value each one holds (also as ``details["holds"]``).
    """
    if not len(analytic) == len(numeric) == len(names):
        raise ValueError("analytic, numeric and names must have one entry per gradient")
    ones = list(numeric_ones) if numeric_ones is not None else [None] * len(numeric)
    results = [compare_gradients(a, n, numeric_ones=o, tol=tol, name=nm)
               for a, n, o, nm in zip(analytic, numeric, ones, names)]
    failing = [i for i, r in enumerate(results) if not r.passed]
    order = _reordering(analytic, numeric, failing, tol) if len(failing) > 1 else None
    if order:
        stated = ", ".join(f"d{nm}" for nm in names)
        for i, j in order.items():
            results[i] = _result(False, results[i].max_rel_error, (), None, None, "order", names[i],
                                 results[i].tol, f"d{names[i]} holds the right value of d{names[j]}: the "
                                 f"gradients are returned in the wrong order (expected {stated}). "
                                 + _HINTS["order"])
            results[i].details["holds"] = names[j]
    return results


def _reordering(analytic, numeric, failing, tol):
    """{i: j} mapping each failing index to another failing index whose true gradient analytic[i]
    equals, as a permutation of ``failing`` with no fixed point; None when there is none."""
    fits = {i: [j for j in failing if j != i
                and compare_gradients(analytic[i], numeric[j], tol=tol).passed] for i in failing}

    def assign(k, used):
        if k == len(failing):
            return {}
        i = failing[k]
        for j in fits[i]:
            if j not in used:
                rest = assign(k + 1, used | {j})
                if rest is not None:
                    return {i: j, **rest}
        return None
    return assign(0, frozenset()) if all(fits.values()) else None


def check_gradient(f, x, analytic, *, dout=None, h=H, tol=None, name="x", kink_scale=None):
    """Compare a proposed gradient of ``f`` at ``x`` with central differences.

    f        : scalar-valued callable (or array-valued when ``dout`` is given).
    x        : float ndarray, shape S; restored after use.
    analytic : the proposed gradient, expected shape S.
    dout     : upstream gradient shaped like f(x); the check then targets
               d sum(f(x) * dout) / dx, and can recognise a dropped upstream gradient.
    kink_scale : step of the kink probe (default KINK_STEPS * h; 0 turns it off). When the
               comparison fails, the left and right derivatives at the worst index over this
               step are compared: if they disagree, ``f`` is not smooth there (relu at 0, a tie
               in max, the hinge at its margin), the result is marked ``kink`` and the message
               says the comparison is not trusted. Any step of at least h crosses a kink that
               lies within h of x, the only kinks a central difference can be misled by.
    """
    kink_scale = KINK_STEPS * h if kink_scale is None else kink_scale
    x = _as_float_array(x)
    if dout is None:
        numeric = numerical_gradient(f, x, h)
        ones = None
    else:
        numeric = numerical_gradient_array(f, x, dout, h)
        ones = numerical_gradient_array(f, x, np.ones_like(np.asarray(dout, dtype=np.float64)), h)
    result = compare_gradients(analytic, numeric, numeric_ones=ones, tol=tol, name=name)
    if not result.passed and result.diagnosis != "shape" and kink_scale and result.worst_index != ():
        scalar = f if dout is None else (lambda z: np.sum(np.asarray(f(z), dtype=np.float64) * dout))
        if _is_kink(scalar, x, result.worst_index, kink_scale, float(np.max(np.abs(numeric), initial=0.0))):
            result.kink = True
            result.message = (f"The input sits on a kink of the function (left and right derivatives of "
                              f"{name} differ at index {result.worst_index}), so this comparison is not "
                              "trusted: choose inputs away from it. " + result.message)
    return result


def _is_kink(f, x, i, s, scale=0.0):
    """True when the one-sided derivatives of scalar ``f`` at x[i] (step s) disagree by over
    KINK_TOL, relative to their size or to ``scale`` (the gradient's largest entry), whichever is
    larger: on a smooth function they differ by about f'' * s, which stays far below that."""
    old = x[i]
    try:
        f0 = float(f(x))
        x[i] = old + s
        right = (float(f(x)) - f0) / s
        x[i] = old - s
        left = (f0 - float(f(x))) / s
    finally:
        x[i] = old
    return abs(right - left) > KINK_TOL * max(FLOOR, abs(right) + abs(left), scale)


def _result(passed, err, idx, a, n, diagnosis, name, tol, message, factor=None):
    return GradCheck(passed=passed, max_rel_error=err, worst_index=idx, analytic_value=a,
                     numeric_value=n, diagnosis=diagnosis, message=message, name=name, tol=tol,
                     factor=factor)


def _as_float_array(x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("gradient checks need a float64 ndarray to perturb in place "
                        f"(got {type(x).__name__} {getattr(x, 'dtype', '')})")
    return x
