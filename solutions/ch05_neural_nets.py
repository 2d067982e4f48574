"""Layers with forward and backward passes, a two-layer network and a multi-layer perceptron.

Contract shared by every layer (stated once, here):

    out, cache = name_forward(inputs...)   out: a new array; the inputs are never modified
    grads = name_backward(dout, cache)     dout: d(total)/d(out), shaped like out; grads: the
                                           gradient of each array input, in the order of the
                                           forward's inputs (a bare array when there is one)

Each layer keeps a fixed cache (the exercises build caches the same way):
    affine: (x, W, b)    relu: x    leaky_relu: (x, alpha)    sigmoid: out    tanh: out

A batch is a matrix with one example per row: x (N, D). An affine layer holds W (D, M) and
b (M,) and maps (N, D) to (N, M). A network's parameters are a dict "W1", "b1", "W2", "b2", ...;
layer l maps sizes[l-1] to sizes[l]. Only weights (names starting with W) are penalised, by
reg / 2 * sum(W^2), whose gradient is reg * W. Class labels y are integers 0..C-1; losses are
averaged over the batch. Mini-batch SGD visits the examples of each epoch in the order
rng.permutation(N) of rng = np.random.default_rng(seed), in slices of batch_size (the last
slice may be shorter). Elsewhere: the two-layer net trained by pulls (ch05_neural_nets_tiny),
nets of any depth and the digits benchmark (ch05_neural_nets_mlp), the quadratic-cost sigmoid
network with its delta recursion (ch05_neural_nets_quadratic).
"""
import numpy as np


# --------------------------------------------------------------------------- layers
def affine_forward(x, W, b):
    """out = x W + b. x: (N, D); W: (D, M); b: (M,). Returns (out (N, M), cache)."""
    out = x @ W + b
    return out, (x, W, b)


def affine_backward(dout, cache):
    """dout: (N, M). Returns (dx (N, D), dW (D, M), db (M,)); db sums over the batch."""
    x, W, b = cache
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db


def relu_forward(x):
    """out = max(0, x) elementwise, x any shape. Returns (out, cache)."""
    return np.maximum(0.0, x), x


def relu_backward(dout, cache):
    """dx = dout where x > 0, else 0 (at x = 0 exactly the unit counts as off)."""
    x = cache
    return dout * (x > 0)


def leaky_relu_forward(x, alpha=0.01):
    """out = x for x > 0, alpha * x otherwise. Returns (out, cache)."""
    return np.where(x > 0, x, alpha * x), (x, alpha)


def leaky_relu_backward(dout, cache):
    """dx = dout * (1 for x > 0, alpha otherwise)."""
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, alpha)


def sigmoid_forward(x):
    """out = 1 / (1 + exp(-x)), computed as exp(-log(1 + exp(-x))) so no exp overflows."""
    out = np.exp(-np.logaddexp(0.0, -x))
    return out, out


def sigmoid_backward(dout, cache):
    """dx = dout * out * (1 - out): the sigmoid's slope written with its own output."""
    out = cache
    return dout * out * (1.0 - out)


def tanh_forward(x):
    """out = tanh(x). Returns (out, cache)."""
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    """dx = dout * (1 - out^2)."""
    out = cache
    return dout * (1.0 - out * out)


ACTIVATIONS = {"relu": (relu_forward, relu_backward),
               "leaky_relu": (leaky_relu_forward, leaky_relu_backward),
               "sigmoid": (sigmoid_forward, sigmoid_backward),
               "tanh": (tanh_forward, tanh_backward)}


# --------------------------------------------------------------------------- the loss
def softmax_loss_forward(scores, y):
    """Softmax cross-entropy, mean over the batch. scores: (N, C); y: (N,) ints.

    Returns (loss float, cache). Each row is shifted by its maximum so exp never overflows.
    (Chapter 6 studies this loss and its relatives.)
    """
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = scores.shape[0]
    loss = float(-log_probs[np.arange(n), y].mean())
    return loss, (np.exp(log_probs), y)


def softmax_loss_backward(dloss, cache):
    """Returns dscores (N, C) = dloss * (probs - onehot(y)) / N."""
    probs, y = cache
    n = probs.shape[0]
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1.0
    return dscores * (dloss / n)


def l2_penalty(params, reg):
    """reg / 2 * sum of W^2 over the weights of params (biases excluded)."""
    return 0.5 * reg * sum(float(np.sum(p * p)) for name, p in params.items() if name.startswith("W"))


# --------------------------------------------------------------------------- a two-layer net
def two_layer_loss(params, X, y, reg=0.0):
    """Loss and gradients of affine - relu - affine - softmax.

    params: W1 (D, H), b1 (H,), W2 (H, C), b2 (C,); X: (N, D); y: (N,) ints; reg: float.
    Returns (loss float, grads dict with the keys and shapes of params).
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    h, cache_h = affine_forward(X, W1, b1)           # (N, H) hidden pre-activations
    a, cache_a = relu_forward(h)                     # (N, H) hidden activations
    s, cache_s = affine_forward(a, W2, b2)           # (N, C) class scores
    data_loss, cache_loss = softmax_loss_forward(s, y)
    loss = data_loss + l2_penalty(params, reg)

    ds = softmax_loss_backward(1.0, cache_loss)
    da, dW2, db2 = affine_backward(ds, cache_s)
    dh = relu_backward(da, cache_a)
    _, dW1, db1 = affine_backward(dh, cache_h)
    grads = {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}
    return loss, grads


def train_two_layer(params, X, y, learning_rate=0.1, batch_size=32, epochs=10, reg=1e-4, seed=0):
    """Mini-batch SGD on two_layer_loss. X: (N, D); y: (N,) ints. Returns new params (dict);
    the params passed in are not modified. The visiting order is the module's (see the top)."""
    params = {name: p.copy() for name, p in params.items()}
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            _, grads = two_layer_loss(params, X[batch], y[batch], reg)
            for name in params:
                params[name] -= learning_rate * grads[name]
    return params


# --------------------------------------------------------------------------- further graded parts
# Nielsen's network and the reading of its gradient, CS224n's activations, initialisations and
# preprocessing: defined in their part modules, re-exported so that this module is the chapter's one
# reference (imported last: the parts import nothing from here).
from solutions.ch05_neural_nets_activations import (  # noqa: E402,F401
    hard_tanh_backward, hard_tanh_forward, he_init, preprocess, softsign_backward, softsign_forward,
    xavier_init)
from solutions.ch05_neural_nets_network import Network, rank_weights, restarts  # noqa: E402,F401
