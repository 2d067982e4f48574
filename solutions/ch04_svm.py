"""A binary linear support vector machine, trained two ways: by pulls, and by descending a cost.

Interface (stated once, here):

    w = np.array([a, b, c])       the parameters; a point (x, y) gets the score s = a*x + b*y + c
    labels are +1 or -1; a point is classified +1 when its score is positive

    s, cache = score_forward(w, point)          point: (2,)  -> s: float
    dw, dpoint = score_backward(ds, cache)      ds: float    -> dw: (3,), dpoint: (2,)
    cost, cache = svm_cost_forward(w, X, y, alpha)           X: (N, 2), y: (N,) -> cost: float
    dw = svm_cost_backward(dcost, cache)                     dcost: float -> dw: (3,)

Form 1, pulls (the model written as forces): the label pulls the score up (+1) when a
positive point scores below 1, down (-1) when a negative point scores above -1, and not at all
otherwise; springs of stiffness ``reg`` pull a and b (never c) towards zero; the parameters
move a step along the total pull. Form 2, cost: the same model as the function
cost = sum_i max(0, 1 - y_i s_i) + alpha * (a^2 + b^2), minimised along its negative gradient.
A pull update with stiffness reg is a gradient step on max(0, 1 - y s) + reg/2 * (a^2 + b^2),
so pulls over N points and the summed cost agree when alpha = N * reg / 2.
No function modifies its inputs.
"""
import numpy as np

# The six training points of the chapter, their labels and the starting parameters.
DATA = np.array([[1.2, 0.7], [-0.3, -0.5], [3.0, 0.1], [-0.1, -1.0], [-1.0, 1.1], [2.1, -3.0]])
LABELS = np.array([1.0, -1.0, 1.0, -1.0, -1.0, 1.0])
W_INIT = np.array([1.0, -2.0, -1.0])     # a, b, c
STEP_SIZE = 0.01
REG = 0.1         # spring stiffness: strong enough to keep a, b small, weak enough to fit the data
SEED = 0          # with this seed, training accuracy reaches 100% after 302 updates and stays
ITERATIONS = 400

# The worked example of the cost form (three points, alpha = 0.1).
COST_X = np.array([[1.2, 0.7], [-0.3, 0.5], [3.0, 2.5]])
COST_Y = np.array([1.0, -1.0, 1.0])
COST_W = np.array([0.1, 0.2, 0.3])
COST_ALPHA = 0.1


# --------------------------------------------------------------------------- the score circuit
def score_forward(w, point):
    """s = a*x + b*y + c. w: (3,) = [a, b, c]; point: (2,) = [x, y]. Returns (s float, cache)."""
    s = float(w[0] * point[0] + w[1] * point[1] + w[2])
    return s, (w, point)


def score_backward(ds, cache):
    """Returns (dw (3,), dpoint (2,)): multiply gates swap their inputs, the add gate passes ds on."""
    w, point = cache
    dw = np.array([point[0] * ds, point[1] * ds, ds])
    dpoint = np.array([w[0] * ds, w[1] * ds])
    return dw, dpoint


def scores(w, X):
    """Scores of many points at once. w: (3,); X: (N, 2). Returns (N,)."""
    return X @ w[:2] + w[2]


def predict(w, X):
    """Predicted labels (N,) of +1 / -1 (a score of exactly 0 counts as -1)."""
    return np.where(scores(w, X) > 0, 1.0, -1.0)


def accuracy(w, X, y):
    """Fraction of points of X (N, 2) whose predicted label equals y (N,)."""
    return float(np.mean(predict(w, X) == y))


# --------------------------------------------------------------------------- form 1: pulls
def svm_pull(score, label):
    """The pull on the score: +1, -1 or 0. score: float; label: +1 or -1.

    A positive point must score at least 1 and a negative one at most -1; a point that does
    not is pulled towards its side. Exactly on the margin (score 1 for a positive) is enough.
    """
    if label > 0 and score < 1:
        return 1.0
    if label < 0 and score > -1:
        return -1.0
    return 0.0


def svm_update(w, point, label, step_size=STEP_SIZE, reg=REG):
    """One step of learning from one point. w: (3,); point: (2,); label: +1 or -1.

    The pull enters the top of the score circuit and flows back to a, b, c; the springs add
    -reg * a and -reg * b; the parameters move step_size times the total pull. Returns a new (3,).
    """
    s, cache = score_forward(w, point)
    pull = svm_pull(s, label)
    dw, _ = score_backward(pull, cache)          # the data points are nails in the ground: ignore dpoint
    dw[:2] += -reg * w[:2]                       # springs on a and b, none on c
    return w + step_size * dw


def random_order(n_points, iterations, seed=SEED):
    """The points visited by stochastic training: ``iterations`` indices drawn uniformly from range(n)."""
    return np.random.default_rng(seed).integers(0, n_points, size=iterations)


def train_svm(X, y, order, w0, step_size=STEP_SIZE, reg=REG):
    """Stochastic training by pulls. X: (N, 2); y: (N,); order: (T,) indices of the points to
    learn from, in turn; w0: (3,) start. Returns the parameters after the T updates, (3,)."""
    w = np.array(w0, dtype=np.float64)
    for i in order:
        w = svm_update(w, X[i], y[i], step_size, reg)
    return w


def training_path(X, y, order, w0, step_size=STEP_SIZE, reg=REG):
    """The parameters before training and after every update: (T + 1, 3), row 0 is w0."""
    path = [np.array(w0, dtype=np.float64)]
    for i in order:
        path.append(svm_update(path[-1], X[i], y[i], step_size, reg))
    return np.array(path)


# --------------------------------------------------------------------------- form 2: a cost
def hinge_costs(w, X, y):
    """Per-point cost max(0, 1 - y_i s_i), (N,): zero once a point is on its side by margin 1."""
    return np.maximum(0.0, 1.0 - y * scores(w, X))


def regularization_cost(w, alpha):
    """alpha * (a^2 + b^2): the springs as a cost. The bias c is not penalised."""
    return float(alpha * (w[0] ** 2 + w[1] ** 2))


def svm_cost_forward(w, X, y, alpha):
    """cost = sum of hinge costs + alpha * (a^2 + b^2). w: (3,); X: (N, 2); y: (N,); alpha: float.

    Returns (cost float, cache).
    """
    margins = y * scores(w, X)                                   # (N,)
    cost = float(np.sum(np.maximum(0.0, 1.0 - margins))) + regularization_cost(w, alpha)
    return cost, (w, X, y, margins, alpha)


def svm_cost_backward(dcost, cache):
    """Returns dw (3,). A point with margin below 1 contributes -y_i [x_i, y_i, 1]; one on or
    beyond the margin contributes nothing; the springs add 2 alpha a and 2 alpha b."""
    w, X, y, margins, alpha = cache
    dmargins = np.where(margins < 1.0, -1.0, 0.0) * dcost     # (N,)
    dscores = dmargins * y                                     # (N,)
    dw = np.empty(3)
    dw[:2] = X.T @ dscores + 2.0 * alpha * w[:2] * dcost
    dw[2] = np.sum(dscores)
    return dw


def descend_cost(X, y, w0, alpha, step_size, steps):
    """Full-batch gradient descent on the cost. Returns (path (steps + 1, 3), costs (steps + 1,))."""
    path = [np.array(w0, dtype=np.float64)]
    costs = []
    for _ in range(steps):
        cost, cache = svm_cost_forward(path[-1], X, y, alpha)
        costs.append(cost)
        path.append(path[-1] - step_size * svm_cost_backward(1.0, cache))
    costs.append(svm_cost_forward(path[-1], X, y, alpha)[0])
    return np.array(path), np.array(costs)
