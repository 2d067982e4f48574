"""Plain values across the sandbox boundary: what a check's ``run`` returns travels as JSON.

    encode(value) -> JSON data     numbers, str, bool, None, numeric ndarrays, lists, tuples, dicts
    decode(data)  -> value         the inverse; validates strictly (ValueError on anything else)
    case_key(check_name, inputs)   the content address of a case (stored expected values)
    same(a, b, rtol=0)             equality of plain values (NaN equal to NaN), numbers to rtol

Limits: arrays of at most MAX_ELEMENTS numbers, nesting at most MAX_DEPTH deep.
"""
import hashlib
import json
import math

import numpy as np

from autograder.grader.limits import Limits

MAX_ELEMENTS, MAX_DEPTH = Limits.OUTPUT_ELEMENTS, Limits.OUTPUT_DEPTH    # a student's output


def encode(value, _depth=0):
    """Turn a plain value (ndarray, number, str, bool, None, list, tuple, dict) into JSON data.

    Raises TypeError for anything else (objects, functions, generators).
    """
    if _depth > MAX_DEPTH:
        raise TypeError("nested too deeply")
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _float_out(float(value))
    if isinstance(value, np.ndarray):
        if value.dtype == object or value.dtype.kind not in "biuf":
            raise TypeError(f"an array of {value.dtype} is not an array of numbers")
        if value.size > MAX_ELEMENTS:
            raise TypeError(f"an array of {value.size} elements is too large")
        flat = [_float_out(float(v)) for v in value.astype(np.float64).ravel()]
        return {"__array__": flat, "shape": list(value.shape), "kind": value.dtype.kind}
    if isinstance(value, (list, tuple)):
        return {"__tuple__": [encode(v, _depth + 1) for v in value]} if isinstance(value, tuple) \
            else [encode(v, _depth + 1) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("dictionary keys must be strings")
        if "__array__" in value or "__tuple__" in value or "__float__" in value:
            raise TypeError("reserved key in a dictionary")
        return {k: encode(v, _depth + 1) for k, v in value.items()}
    raise TypeError(f"a value of type {type(value).__name__} is not plain data")


def decode(data, _depth=0):
    """Inverse of ``encode``. Validates strictly: raises ValueError on anything unexpected."""
    if _depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, _depth + 1) for v in data]
    if isinstance(data, dict):
        if set(data) == {"__float__"}:
            return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[data["__float__"]]
        if set(data) == {"__tuple__"}:
            return tuple(decode(v, _depth + 1) for v in data["__tuple__"])
        if set(data) == {"__array__", "shape", "kind"}:
            shape = data["shape"]
            if not (isinstance(shape, list) and all(isinstance(n, int) and n >= 0 for n in shape)):
                raise ValueError("bad array shape")
            flat = [decode(v, _depth + 1) for v in data["__array__"]]
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in flat):
                raise ValueError("array elements must be numbers")
            if len(flat) != math.prod(shape) or len(flat) > MAX_ELEMENTS:
                raise ValueError("array size does not match its shape")
            arr = np.array(flat, dtype=np.float64).reshape(shape)
            kind = data["kind"]
            if kind not in ("b", "i", "u", "f"):
                raise ValueError("bad array kind")
            return arr.astype(bool) if kind == "b" else arr.astype(np.int64) if kind in "iu" else arr
        return {str(k): decode(v, _depth + 1) for k, v in data.items()}
    raise ValueError(f"unexpected JSON value of type {type(data).__name__}")


def _float_out(v):
    if math.isnan(v):
        return {"__float__": "nan"}
    if math.isinf(v):
        return {"__float__": "inf" if v > 0 else "-inf"}
    return v


def case_key(check_name, inputs):
    """Content address of a case: the check's name and a hash of its encoded inputs."""
    blob = json.dumps(encode(inputs), sort_keys=True, separators=(",", ":"))
    return f"{check_name}|{hashlib.sha256(blob.encode()).hexdigest()[:20]}"


def same(a, b, rtol=0.0):
    """True when ``b`` equals ``a``: arrays (shape, dtype, values; NaN equal to NaN), lists, tuples, dicts,
    and numbers, to ``rtol`` relative (``store --verify``); a bool never equals a number."""
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype
                and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y, rtol) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k], rtol) for k in a)
    if isinstance(a, (bool, np.bool_)) != isinstance(b, (bool, np.bool_)):
        return False
    if rtol and all(isinstance(v, (int, float)) for v in (a, b)):
        return abs(a - b) <= rtol * max(abs(a), abs(b), 1e-300)
    return a is b or a == b or (a != a and b != b)
