"""Answer cells for chapter 2 written three ways, for the similarity tests.

ORIGINAL: one student's answers (those of the instructor's solution). COPY: the same answers after the usual disguise (every local
name renamed, the functions in the opposite order, all in the first answer cell, comments
added). FIRST and SECOND: two correct solutions written independently, in different styles.
Each is {grade id of an answer cell: its source}.
"""

ORIGINAL = {
    "numerical_gradient": '''def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        keep = x[i]
        try:
            x[i] = keep + h
            f_up = float(f(x))
            x[i] = keep - h
            f_down = float(f(x))
        finally:
            x[i] = keep
        grad[i] = (f_up - f_down) / (2 * h)
    return grad''',
    "numerical_gradient_array": '''def numerical_gradient_array(f, x, dout, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        keep = x[i]
        try:
            x[i] = keep + h
            out_up = np.array(f(x), dtype=np.float64)
            x[i] = keep - h
            out_down = np.array(f(x), dtype=np.float64)
        finally:
            x[i] = keep
        grad[i] = np.sum((out_up - out_down) * dout) / (2 * h)
    return grad''',
    "rel_error": '''def rel_error(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))''',
    "reuse_backward": '''def reuse_backward(dout, cache):
    x, y = cache
    s = x + y
    ds = x * dout
    dx = s * dout + ds
    dy = ds
    return dx, dy''',
    "tanh_layer_backward": '''def tanh_layer_backward(dout, cache):
    x, W, out = cache
    dz = (1.0 - out ** 2) * dout
    dx = dz @ W.T
    dW = x.T @ dz
    return dx, dW''',
    "row_norm_backward": '''def row_norm_backward(dout, cache):
    x, out = cache
    dx = x / out[:, None] * dout[:, None]
    return (dx,)''',
}

COPY = {
    "numerical_gradient": '''def row_norm_backward(upstream, saved):
    inp, norms = saved
    d_inp = inp / norms[:, None] * upstream[:, None]
    return (d_inp,)


def tanh_layer_backward(upstream, saved):
    inp, weights, act = saved
    # through the tanh
    d_pre = (1.0 - act ** 2) * upstream
    d_inp = d_pre @ weights.T
    d_weights = inp.T @ d_pre
    return d_inp, d_weights


def reuse_backward(upstream, saved):
    p, q = saved
    total = p + q
    d_total = p * upstream
    dp = total * upstream + d_total
    dq = d_total
    return dp, dq


def rel_error(first, second):
    first = np.asarray(first, dtype=np.float64)
    second = np.asarray(second, dtype=np.float64)
    return float(np.max(np.abs(first - second) / np.maximum(1e-8, np.abs(first) + np.abs(second))))


def numerical_gradient_array(func, arr, upstream, step=1e-5):
    result = np.zeros(arr.shape)
    for idx in np.ndindex(arr.shape):
        saved_value = arr[idx]
        try:
            arr[idx] = saved_value + step
            plus = np.array(func(arr), dtype=np.float64)
            arr[idx] = saved_value - step
            minus = np.array(func(arr), dtype=np.float64)
        finally:
            arr[idx] = saved_value
        result[idx] = np.sum((plus - minus) * upstream) / (2 * step)
    return result


def numerical_gradient(func, arr, step=1e-5):
    # central differences
    result = np.zeros(arr.shape)
    for idx in np.ndindex(arr.shape):
        saved_value = arr[idx]
        try:
            arr[idx] = saved_value + step
            plus = float(func(arr))
            arr[idx] = saved_value - step
            minus = float(func(arr))
        finally:
            arr[idx] = saved_value
        result[idx] = (plus - minus) / (2 * step)
    return result''',
    "numerical_gradient_array": "",
    "rel_error": "",
    "reuse_backward": "",
    "tanh_layer_backward": "",
    "row_norm_backward": "",
}

FIRST = {
    "numerical_gradient": '''def numerical_gradient(f, x, h=1e-5):
    flat = x.reshape(-1)            # a view: writing to it writes to x
    g = np.empty(flat.size)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + h
        fp = f(x)
        flat[k] = old - h
        fm = f(x)
        flat[k] = old
        g[k] = (fp - fm) / h / 2
    return g.reshape(x.shape)''',
    "numerical_gradient_array": '''def numerical_gradient_array(f, x, dout, h=1e-5):
    def scalar(z):
        return float(np.sum(np.asarray(f(z)) * dout))
    return numerical_gradient(scalar, x, h)''',
    "rel_error": '''def rel_error(a, b):
    a, b = np.array(a, float), np.array(b, float)
    num = abs(a - b)
    den = abs(a) + abs(b)
    den = np.where(den < 1e-8, 1e-8, den)
    return float((num / den).max())''',
    "reuse_backward": '''def reuse_backward(dout, cache):
    x, y = cache
    dx = (2 * x + y) * dout
    dy = x * dout
    return dx, dy''',
    "tanh_layer_backward": '''def tanh_layer_backward(dout, cache):
    x, W, out = cache
    local = dout - dout * out * out
    dx = np.dot(local, W.T)
    dW = np.dot(x.T, local)
    return dx, dW''',
    "row_norm_backward": '''def row_norm_backward(dout, cache):
    x, out = cache
    dx = (dout / out).reshape(-1, 1) * x
    return (dx,)''',
}

SECOND = {
    "numerical_gradient": '''def numerical_gradient(f, x, h=1e-5):
    result = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        idx = it.multi_index
        original = x[idx].copy()
        values = []
        for shift in (h, -h):
            x[idx] = original + shift
            values.append(f(x))
        x[idx] = original
        result[idx] = (values[0] - values[1]) / (2.0 * h)
        it.iternext()
    return result''',
    "numerical_gradient_array": '''def numerical_gradient_array(f, x, dout, h=1e-5):
    grads = np.zeros(x.shape)
    positions = list(np.ndindex(*x.shape))
    for pos in positions:
        base = x[pos]
        x[pos] = base + h
        hi = np.copy(f(x))
        x[pos] = base - h
        lo = np.copy(f(x))
        x[pos] = base
        grads[pos] = ((hi - lo) * dout).sum() / (2.0 * h)
    return grads''',
    "rel_error": '''def rel_error(a, b):
    diff = np.abs(np.subtract(a, b, dtype=float))
    scale = np.maximum(np.abs(a) + np.abs(b), 1e-8)
    return float(np.amax(diff / scale))''',
    "reuse_backward": '''def reuse_backward(dout, cache):
    x, y = cache
    out_sum = x + y
    dx = dout * out_sum
    dx = dx + dout * x
    dy = dout * x
    return dx, dy''',
    "tanh_layer_backward": '''def tanh_layer_backward(dout, cache):
    x, W, out = cache
    dpre = dout * (1 - np.square(out))
    return np.matmul(dpre, W.T), np.matmul(x.T, dpre)''',
    "row_norm_backward": '''def row_norm_backward(dout, cache):
    x, out = cache
    scale = dout / out
    return (x * scale[:, np.newaxis],)''',
}
