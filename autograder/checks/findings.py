"""Judging helpers: turn a student's output and the expected values into Findings.

    grad_findings(outputs, expected, names)  one Finding per gradient, against gradcheck
    array_finding(what, got)                 None, or why ``got`` is not an array of floats
    value_finding(what, got, want)           a forward value, a loss, updated weights
    scalar_finding(what, got, want)          one number (a loss, a cost)
    training_findings(...)                   a training loop: the reference run's parameters, and
                                             at least its training accuracy
    reference_run_findings(...)              a training run on the digits: the test accuracy reached,
                                             and the reference run's parameters
    explain_error(finding)                   a numpy shape error raised by student code, explained
    numeric_grads(forward, inputs, wrt, dout), param_grads(loss, params)   trusted gradients
"""
import re

import numpy as np

from autograder import gradcheck
from autograder.checks.records import Finding


def grad_findings(outputs, expected, names, tol=None):
    """One Finding per gradient name (e.g. ["dx", "dw"]): ``array_finding``'s when the gradient is not
    an array of floats, else gradcheck.compare_gradients's.

    outputs[name]            : the student's gradient.
    expected[name]           : the trusted numerical gradient.
    expected[name + "_ones"] : optional, the trusted gradient for an all-ones upstream gradient.
    """
    found = []
    for name in names:
        res = gradcheck.compare_gradients(outputs[name], expected[name],
                                          numeric_ones=expected.get(name + "_ones"),
                                          tol=tol, name=name[1:] if name.startswith("d") else name)
        found.append(array_finding(name, outputs[name]) or Finding(name, res.passed, res.message, res.diagnosis))
    return found


def array_finding(what, got, kinds="f"):
    """None when ``got`` is a numpy array whose dtype kind is in ``kinds`` (floats), else the Finding
    that says what it is instead (a list, a number, an array of integers...)."""
    if not isinstance(got, np.ndarray):
        return Finding(what, False, f"{what} should be a numpy array of floats, got {type(got).__name__} "
                       "(return arrays, not lists or numbers: no .tolist(), no float()).", "shape")
    if got.dtype.kind not in kinds:
        return Finding(what, False, f"{what} is an array of {got.dtype}; it should hold floats (an integer "
                       "array truncates every gradient: create it with a float dtype, e.g. np.zeros_like(x, "
                       "dtype=float)).", "dtype")
    return None


def value_finding(what, got, want, tol=None):
    """A Finding for a non-gradient output (a forward value, a loss, updated weights)."""
    tol = gradcheck.TOLERANCE if tol is None else tol
    want = np.asarray(want, dtype=np.float64)
    try:
        got_arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return Finding(what, False, f"{what} should be numbers, got {type(got).__name__}.", "shape")
    if got_arr.shape != want.shape:
        return Finding(what, False, f"{what} has shape {got_arr.shape}, expected {want.shape}.", "shape")
    err = gradcheck.rel_error(got_arr, want) if got_arr.size else 0.0
    if np.all(np.isfinite(got_arr)) and err <= tol:
        return Finding(what, True, f"{what} is correct (relative error {err:.1e}).", "ok")
    finite = np.all(np.isfinite(got_arr))
    diag, factor = gradcheck.diagnose(got_arr, want) if want.size and finite else ("mismatch", None)
    gap = np.where(np.isfinite(got_arr), np.abs(got_arr - want), np.inf)
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(gap)), want.shape)) if want.size else ()
    msg = (f"{what} is wrong at index {idx}: got {float(got_arr[idx]):.6g}, expected {float(want[idx]):.6g} "
           f"(relative error {err:.1e}, tolerance {tol:.0e}).")
    if diag == "scale":
        msg += f" It is {factor:.4g} times the right value."
    diag = diag if diag in ("sign", "scale", "zero", "transpose") else "value"
    return Finding(what, False, msg, diag)


def scalar_finding(what, got, want, tol=1e-9, nonfinite_hint="Look for a division by zero or a log of zero."):
    """A Finding for one number (a loss, a cost): "shape" unless one number; "sign" when exactly negated;
    "scale" only for a whole factor or one over it beyond 2/3..3/2 (a sum for a mean, a lost 1/2: any two
    numbers differ by some factor, and only those say something about the mistake); else "value"."""
    try:
        arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return Finding(what, False, f"{what} should be a number, got {type(got).__name__}.", "shape")
    if arr.shape != ():
        return Finding(what, False, f"{what} should be one number, got an array of shape {arr.shape}.", "shape")
    got, want = float(arr), float(want)
    err = gradcheck.rel_error(got, want)
    if np.isfinite(got) and err <= tol:
        return Finding(what, True, f"{what} is correct (relative error {err:.1e}).", "ok")
    if not np.isfinite(got):
        return Finding(what, False, f"{what} is {got}, expected {want:.10g}. {nonfinite_hint}", "value")
    msg, factor = f"{what} is {got:.10g}, expected {want:.10g} (relative error {err:.1e}).", got / want if want else 0
    if want != 0 and gradcheck.rel_error(got, -want) <= tol:
        return Finding(what, False, msg, "sign")
    if gradcheck._whole_or_reciprocal(factor) and not 2 / 3 < abs(factor) < 1.5:
        return Finding(what, False, msg + f" It is {factor:.4g} times the right value.", "scale")
    return Finding(what, False, msg, "value")


def training_findings(what, got, want, steps, hint, accuracy, target, classifies):
    """A training loop's two verdicts. ``what`` after ``steps`` updates (``got``, flat) equals the
    reference run's ``want`` to 1e-7, with ``hint`` added when it does not; and the training
    accuracy reached is at least the reference run's ``target``. ``classifies`` starts the second
    message ("the returned net classifies")."""
    same = value_finding(f"{what} after {steps} updates", got, want, tol=1e-7)
    if not same.passed:
        same.message += " " + hint
    ok = accuracy >= target - 1e-12
    reached = Finding("training accuracy", ok,
                      f"{classifies} {accuracy:.1%} of the training points "
                      f"({'as' if ok else 'but'} the reference run reaches {target:.1%}).",
                      "ok" if ok else "value")
    return [same, reached]


def reference_run_findings(got, want, accuracy, n_test, min_accuracy, reference_accuracy, advice, protocol):
    """A training run on the digits judged twice: its test ``accuracy`` (of ``n_test`` digits) against
    ``min_accuracy``, lowered only if the reference run reaches less (``advice`` when short), and the trained
    arrays ``got`` against the reference run's ``want``, to 1e-6 of each array's largest entry (``protocol``)."""
    target = min(min_accuracy, reference_accuracy - 0.005)
    ok = bool(accuracy >= target)
    reached = Finding("test accuracy", ok, f"your trained network classifies {accuracy:.1%} of the {n_test} test "
                      f"digits; the target is {target:.1%}." + ("" if ok else " " + advice), "ok" if ok else "value")
    worst = max(float(np.max(np.abs(a - np.asarray(e)))) / max(1e-12, float(np.max(np.abs(e))))
                for a, e in zip(got, want))
    ok = bool(np.isfinite(worst) and worst <= 1e-6)
    same = Finding("parameters", ok, "the trained parameters match a reference run from the same start."
                   if ok else f"the trained parameters differ from a reference run from the same start "
                   f"(largest difference {worst:.1e} relative to the largest entry). " + protocol,
                   "ok" if ok else "value")
    return [reached, same]


def param_grads(loss, params):
    """{"d<name>": numerical gradient of the scalar ``loss(params)`` with respect to params[name]}."""
    return {"d" + n: gradcheck.numerical_gradient(lambda z, n=n: loss({**params, n: z}),
                                                  np.array(params[n], dtype=np.float64)) for n in params}


def numeric_grads(forward, inputs, wrt, dout):
    """Trusted numerical gradients of sum(forward(**inputs) * dout) for each name in ``wrt``.

    forward : callable(**arrays) -> array shaped like dout (usually a reference forward pass).
    inputs  : dict of float64 arrays; not modified.
    Returns {"d<name>": grad, "d<name>_ones": grad for an all-ones upstream gradient}.
    """
    out = {}
    ones = np.ones_like(np.asarray(dout, dtype=np.float64))
    for name in wrt:
        args = {k: (np.array(v, dtype=np.float64) if isinstance(v, np.ndarray) else v) for k, v in inputs.items()}

        def f(z, name=name, args=args):
            return forward(**{**args, name: z})
        x = np.array(inputs[name], dtype=np.float64)
        out["d" + name] = gradcheck.numerical_gradient_array(f, x, dout)
        out["d" + name + "_ones"] = gradcheck.numerical_gradient_array(f, x, ones)
    return out


def _shapes(text):
    """The shapes written in a numpy message, "(4,3)" -> "(4, 3)"."""
    return [str(tuple(int(n) for n in re.findall(r"\d+", s))) for s in re.findall(r"\((?:\d+,?\s*)*\)", text)]


_SHAPE_ERRORS = (   # (pattern of numpy's ValueError, explanation from the pattern's match)
    (r"operands could not be broadcast together with (?:remapped )?shapes(.*)", lambda m: (
        "numpy could not line up arrays of shapes {} (shapes are matched from the right; each pair "
        "of sizes must be equal, or one of them 1)".format(" and ".join(_shapes(re.sub(r"->\(.*?\)", "", m[1])))))),
    (r"non-broadcastable output operand with shape (\(.*?\)).*broadcast shape (\(.*?\))", lambda m: (
        f"an in-place update (+=, -=, *=) put a result of shape {_shapes(m[2])[0]} into an array of shape "
        f"{_shapes(m[1])[0]}")),
    (r"could not broadcast input array from shape (\(.*?\)) into shape (\(.*?\))", lambda m: (
        f"an array of shape {_shapes(m[1])[0]} was stored into a place of shape {_shapes(m[2])[0]}")),
    (r"matmul: .*\(size (\d+) is different from (\d+)\)", lambda m: (
        f"a matrix product A @ B met {m[2]} columns in A but {m[1]} rows in B")),
    (r"shapes (\(.*?\)) and (\(.*?\)) not aligned", lambda m: (
        f"a matrix product (np.dot) of shapes {_shapes(m[1])[0]} and {_shapes(m[2])[0]}: the columns of "
        "the first must match the rows of the second")),
)
SHAPE_ADVICE = ("Write down the shape of every array in that line and compare it with the shapes the "
                "docstring states: a vector meant for each row needs a trailing axis (v[:, None]), a sum "
                "may run over the wrong axis (axis=0 sums over the rows), a factor may need a transpose (.T) "
                "or the other side of the product.")


def explain_error(finding):
    """``finding`` (the Finding of student code that raised) with a numpy shape error reworded: the
    shapes involved and what to check, instead of numpy's raw message. Other findings unchanged."""
    raised = re.match(r"(?s)(.*?) raised ValueError: (.*)", finding.message)
    for pattern, explain in _SHAPE_ERRORS if raised else ():
        m = re.search(pattern, raised[2])
        if m:
            finding.message = f"{raised[1]} raised a shape error: {explain(m)}. {SHAPE_ADVICE}"
            break
    return finding
