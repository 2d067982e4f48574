"""Tests of autograder.gradcheck: the comparison every graded gradient goes through."""
import numpy as np
import pytest

from autograder import gradcheck as gc

rng = np.random.default_rng(0)


def f_smooth(x):
    return np.sum(np.sin(x) * x ** 2)


def df_smooth(x):
    return np.cos(x) * x ** 2 + 2 * x * np.sin(x)


def test_numerical_gradient_matches_known_derivative():
    """Does the central difference reproduce a derivative known in closed form to ~1e-9?"""
    x = rng.normal(size=(3, 4))
    assert gc.rel_error(gc.numerical_gradient(f_smooth, x), df_smooth(x)) < 1e-8


def test_numerical_gradient_restores_input_even_when_f_raises():
    """Is x left exactly as it was, both after a normal call and after f raises mid-way?"""
    x = rng.normal(size=5)
    before = x.copy()
    gc.numerical_gradient(f_smooth, x)
    assert np.array_equal(x, before)
    calls = []

    def explode(z):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("boom")
        return z.sum()
    with pytest.raises(RuntimeError):
        gc.numerical_gradient(explode, x)
    assert np.array_equal(x, before)


def test_numerical_gradient_rejects_non_float_input():
    """Does an integer array (which cannot hold x + h) give a clear error instead of zeros?"""
    with pytest.raises(TypeError, match="float64"):
        gc.numerical_gradient(np.sum, np.arange(3))


def test_numerical_gradient_array_uses_upstream_gradient():
    """Is the array version the gradient of sum(f(x) * dout), i.e. W^T-free chain rule for x @ W?"""
    x = rng.normal(size=(2, 3))
    w = rng.normal(size=(3, 4))
    dout = rng.normal(size=(2, 4))
    num = gc.numerical_gradient_array(lambda z: z @ w, x, dout)
    assert gc.rel_error(num, dout @ w.T) < 1e-8


def test_rel_error_definition():
    """Is rel_error the max of |a-b|/max(1e-8, |a|+|b|), with zeros comparing equal?"""
    assert gc.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gc.rel_error([1.0, 2.0], [1.0, 2.2]) == pytest.approx(0.2 / 4.2)
    assert gc.rel_error([1e-12], [2e-12]) == pytest.approx(1e-12 / 1e-8)


def test_correct_gradient_passes_with_small_error():
    """Does a right analytic gradient pass, with an error in the stated 1e-10..1e-8 range?"""
    x = rng.normal(size=(4,))
    res = gc.check_gradient(f_smooth, x, df_smooth(x))
    assert res.passed and res.diagnosis == "ok"
    assert res.max_rel_error < 1e-7


@pytest.mark.parametrize("transform, diagnosis", [
    (lambda g: -g, "sign"),
    (lambda g: 2 * g, "scale"),
    (lambda g: 0.5 * g, "scale"),
    (lambda g: np.zeros_like(g), "zero"),
    (lambda g: g + np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.3, 0.0, 0.0]]), "mismatch"),
])
def test_each_diagnosis_is_named(transform, diagnosis):
    """Does each typical mistake get its own diagnosis and fail?"""
    x = rng.normal(size=(3, 3))
    res = gc.check_gradient(f_smooth, x, transform(df_smooth(x)))
    assert not res.passed
    assert res.diagnosis == diagnosis
    if diagnosis == "scale":
        assert res.factor == pytest.approx(transform(np.ones(1))[0], rel=1e-4)
        assert "times the right gradient" in res.message


def test_transpose_is_named_for_square_and_rectangular():
    """Is a transposed gradient recognised, whether or not the shapes give it away?"""
    w = rng.normal(size=(3, 3))
    a = rng.normal(size=(3, 3))
    res = gc.check_gradient(lambda z: np.sum(a * z), w, a.T)
    assert (res.passed, res.diagnosis) == (False, "transpose")
    w2 = rng.normal(size=(2, 3))
    a2 = rng.normal(size=(2, 3))
    res2 = gc.check_gradient(lambda z: np.sum(a2 * z), w2, a2.T)
    assert (res2.passed, res2.diagnosis) == (False, "transpose")


def test_dropped_upstream_gradient_is_named():
    """With dout given, is a gradient computed as if dout were all ones called 'upstream'?"""
    x = rng.normal(size=(2, 3))
    w = rng.normal(size=(3, 4))
    dout = rng.normal(size=(2, 4))
    res = gc.check_gradient(lambda z: z @ w, x, np.ones((2, 4)) @ w.T, dout=dout)
    assert (res.passed, res.diagnosis) == (False, "upstream")
    assert "upstream" in res.message


def test_zero_gradient_never_passes_against_nonzero_truth():
    """Can an all-zero gradient pass when the true gradient is tiny but nonzero? (It must not.)"""
    x = rng.normal(size=4)
    res = gc.check_gradient(lambda z: 1e-3 * np.sum(z ** 2), x, np.zeros(4))
    assert not res.passed and res.diagnosis == "zero"


def test_wrong_shape_never_passes_by_broadcasting():
    """Does a gradient of shape (1, 3) or a scalar fail against a (2, 3) truth, even if it broadcasts?"""
    x = np.ones((2, 3))
    for bad in (np.ones((1, 3)), np.float64(1.0), np.ones(3)):
        res = gc.check_gradient(np.sum, x, bad)
        assert (res.passed, res.diagnosis) == (False, "shape")


def test_non_numeric_gradient_is_a_shape_error():
    """Is a gradient that is not numbers (None, a string) reported rather than crashing?"""
    res = gc.compare_gradients("oops", np.ones(2))
    assert not res.passed and res.diagnosis == "shape"


def test_nan_gradient_fails():
    """Does a gradient containing NaN fail with its index named?"""
    res = gc.compare_gradients(np.array([1.0, np.nan]), np.array([1.0, 2.0]))
    assert not res.passed and "(1,)" in res.message


def test_message_names_index_values_and_error():
    """Does the failure message give the worst index, both values and the relative error?"""
    x = np.array([1.0, 2.0, 3.0])
    analytic = np.array([2.0, 4.0, 7.0])   # right except the last entry
    res = gc.check_gradient(lambda z: np.sum(z ** 2), x, analytic)
    assert res.worst_index == (2,)
    assert res.analytic_value == 7.0 and res.numeric_value == pytest.approx(6.0)
    assert "(2,)" in res.message and "7" in res.message and "6" in res.message


def test_kink_is_reported_not_charged_silently():
    """At relu's kink, is a failure flagged as a crossed kink rather than as a plain mistake?"""
    x = np.array([0.0, 1.0])     # relu has a kink at 0
    relu = lambda z: np.maximum(z, 0)
    res = gc.check_gradient(relu, x, np.array([1.0, 1.0]), dout=np.array([1.0, 1.0]), kink_scale=1e-3)
    # The numerical derivative at 0 is 0.5; the answer 1.0 is a valid subgradient.
    assert res.kink and "kink" in res.message


@pytest.mark.parametrize("offset", [0.0, 0.3, -0.3, 0.9, -0.9, -1.0])
def test_kink_within_h_is_named_with_default_arguments(offset):
    """With default arguments, is a correct relu gradient evaluated within h of the kink (at 0,
    or offset * h from it) either accepted or flagged as a crossed kink, never a plain mistake?"""
    x = np.array([offset * gc.H, 1.5, -0.7])
    relu = lambda z: np.maximum(z, 0)
    dout = np.array([0.8, -1.3, 2.0])
    right = dout * (x > 0)
    res = gc.check_gradient(relu, x, right, dout=dout)
    assert res.passed or (res.kink and "kink" in res.message), res.message


def test_kink_probe_does_not_blame_smooth_functions():
    """Is a wrong gradient of a smooth function, with its worst entry where the true derivative is
    near zero (a minimum), reported as a mistake and not excused as a kink?"""
    x = np.array([0.0, 1.0, 2.0])
    f = lambda z: np.sum(z ** 2)                  # derivative 0 at z = 0
    res = gc.check_gradient(f, x, np.array([1.0, 2.0, 4.0]))
    assert not res.passed and not res.kink and "kink" not in res.message


def test_kink_probe_can_be_turned_off():
    """With kink_scale=0, is the failure at the kink reported without the kink remark?"""
    res = gc.check_gradient(lambda z: np.maximum(z, 0), np.array([0.0]), np.array([1.0]),
                            dout=np.array([1.0]), kink_scale=0)
    assert not res.passed and not res.kink


def test_gradients_returned_in_another_order_are_named():
    """When (da, db, dx, dy, dc) comes back instead of (da, db, dc, dx, dy), is each misplaced one
    diagnosed 'order' naming the variable whose value it holds, the right ones passing?"""
    names = ["a", "b", "c", "x", "y"]
    numeric = [rng.normal(size=(3,)) for _ in names]
    returned = [numeric[0], numeric[1], numeric[3], numeric[4], numeric[2]]
    res = gc.compare_gradient_sets(returned, numeric, names=names)
    assert [r.passed for r in res] == [True, True, False, False, False]
    assert [r.diagnosis for r in res[2:]] == ["order"] * 3
    assert "dc holds the right value of dx" in res[2].message
    assert "dy holds the right value of dc" in res[4].message


def test_swapped_gradients_of_different_shapes_are_an_order_mistake():
    """Are dx and dW swapped (different shapes) called an order mistake rather than two shape errors?"""
    dx, dw = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    res = gc.compare_gradient_sets([dw, dx], [dx, dw], names=["x", "W"])
    assert [r.diagnosis for r in res] == ["order", "order"]


def test_wrong_gradients_are_not_called_an_order_mistake():
    """Is a pair that is wrong in another way (one swapped, one wrong; or swapped and negated)
    diagnosed as before, not 'order'?"""
    a, b, c = (rng.normal(size=(4,)) for _ in range(3))
    res = gc.compare_gradient_sets([b, c], [a, b], names=["a", "b"])
    assert "order" not in {r.diagnosis for r in res}
    res = gc.compare_gradient_sets([-b, -a], [a, b], names=["a", "b"])
    assert "order" not in {r.diagnosis for r in res}
    same = gc.compare_gradient_sets([a, b], [a, b], names=["a", "b"])
    assert all(r.passed for r in same)
    with pytest.raises(ValueError):
        gc.compare_gradient_sets([a], [a, b], names=["a", "b"])


def test_tolerances_are_stated_for_float64():
    """Are the tolerances ordered sensibly (tight check looser than round-off, looser than errors)?"""
    assert 1e-10 < gc.TOLERANCE <= gc.LOOSE_TOLERANCE < 1e-2


def test_nearly_right_gradient_is_not_called_a_scale_error():
    """Is a gradient off by a tiny relative amount (a forward difference, say) a mismatch, never
    'scale' with a factor of about 1?"""
    x = rng.normal(size=(3,))
    res = gc.check_gradient(f_smooth, x, df_smooth(x) * (1 + 2e-4))
    assert not res.passed and res.diagnosis == "mismatch"


def test_tiny_entries_beside_large_ones_are_not_failed_for_round_off():
    """Does a right gradient with one entry a million times smaller than the rest pass, although
    central-difference round-off gives that entry a large relative error? And does a genuinely
    wrong tiny entry still fail?"""
    scales = np.array([1.0, 2.0, 1e-6, 3.0])
    x = rng.normal(size=4)

    def f(z):
        return np.sum(scales * np.sin(z)) + 40.0      # a large constant adds round-off
    right = scales * np.cos(x)
    assert gc.check_gradient(f, x, right).passed
    wrong = right.copy()
    wrong[2] = 1e-3                                       # off by far more than round-off
    assert not gc.check_gradient(f, x, wrong).passed
