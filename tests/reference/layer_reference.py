#!/usr/bin/env python3
"""Reference values for nnlab's built-in layers, from torch itself.

Each case below names a layer as a user writes it in nnlab and gives it
fixed, seeded inputs: a batch x, the layer's parameters and an upstream
gradient dy. torch computes the train-mode forward y, the input gradient dx
and the parameter gradients dparams (y.backward(dy)), in float64 from the
float32 inputs; the results are then rounded to float32 and printed with the
shortest decimal that reads back as the same float. For batch_norm it also
gives the running statistics after that one train-mode forward and the
eval-mode output from a fixed, non-trivial state.

    /usr/bin/python3 tests/reference/layer_reference.py \
        > tests/reference/layer_reference.h
    /usr/bin/python3 tests/reference/layer_reference.py OUTPUT.h

Run once when a case is added and commit the header; the tests read it and
do not need torch. Before printing anything the script checks torch's
values against its own numpy re-implementation of every layer, and every
gradient against central finite differences of that numpy forward, all in
float64; it prints one line per case on stderr and exits non-zero, writing
no header, if any check fails.

nnlab's conventions, which the header follows:

- A batch is row-major: rows are samples, each sample's values contiguous.
  An image sample is C x H x W row-major, so a batch is torch's NCHW. A
  rank-1 sample has its one dimension in dims[0]; unused dims are 0.
- A layer's parameters are one contiguous block of floats, in this order:
  - dense(units): W as fan_in x units row-major (y = x W + b; torch's
    Linear stores the transpose, units x fan_in), then b[units].
  - conv2d(out_channels, kernel_size, stride=1, padding=0, dilation=1):
    W as out_channels x in_channels x kh x kw (torch's layout), then
    b[out_channels]. Zero padding; an output has
    floor((H + 2 padding - dilation (k - 1) - 1) / stride) + 1 rows (the
    same for columns), so input rows and columns past the last full
    window are ignored.
  - batch_norm(momentum=0.1, eps=1e-5): gamma[C] then beta[C]. C is the
    number of features of a rank-1 input (torch BatchNorm1d) or the
    channels of a C x H x W input (torch BatchNorm2d, statistics over the
    rows and all H x W positions). Its non-trainable state is
    running_mean[C] then running_var[C], initially 0 and 1. A train-mode
    forward normalizes with the batch mean and biased variance, then sets
    running = (1 - momentum) running + momentum batch, with the UNBIASED
    variance (n / (n - 1) times the biased one, n values per channel). An
    eval-mode forward normalizes with the running statistics.
  - layer_norm(eps=1e-5): normalizes each sample over all of its values
    (torch LayerNorm with normalized_shape the per-sample shape), with
    biased variance; gamma and beta have the sample's size (gamma[C*H*W]
    then beta[C*H*W] for an image, in the sample's own order).
  - max_pool2d(kernel_size, stride=kernel_size, padding=0): padding never
    wins (torch pads with -inf). Ties go to the first maximal element in
    scan order (window rows top to bottom, each left to right); the whole
    upstream gradient of an output goes to that element, and overlapping
    windows add up. No parameters.
  - avg_pool2d(kernel_size, stride=kernel_size, padding=0): torch's
    count_include_pad=True; each output is the sum of its window (zeros
    in the padding) divided by kernel_size^2. No parameters.
  - flatten: C x H x W to rank 1, the values unchanged.
- add (y = a + b, two inputs) is not here: it is elementwise and does not
  fit a one-input case.

Every layer's eval-mode forward must give y, except batch_norm's, which is
eval_y from eval_state; eval_y points at y for the others. batch_norm's
state before the train-mode forward is a new layer's (0 and 1) in the cases
with the default momentum, and eval_state in the one that sets momentum.

Each stderr line ends with the float32 error: how far torch's own float32
results are from the reference, relative to max(1, largest magnitude) of
each array, a guide for the C test's tolerance.
"""

import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

from c_source import c_list

F32 = np.float32

# ---- The cases -----------------------------------------------------------

# (C name, spec as written in nnlab, kind, per-sample input shape, rows,
#  options, seed). The options are what the spec spells, defaults filled in.
CASES = [
    ("dense", "dense(units=3)", "dense", (4,), 3, dict(units=3), 1),
    ("dense_wide", "dense(units=5)", "dense", (7,), 2, dict(units=5), 2),
    ("conv2d", "conv2d(out_channels=3, kernel_size=3)", "conv2d",
     (2, 5, 5), 2, dict(out_channels=3, kernel_size=3), 3),
    ("conv2d_stride2_pad1",
     "conv2d(out_channels=4, kernel_size=3, stride=2, padding=1)", "conv2d",
     (2, 5, 5), 2, dict(out_channels=4, kernel_size=3, stride=2, padding=1),
     4),
    ("conv2d_dilation2_pad2",
     "conv2d(out_channels=2, kernel_size=3, padding=2, dilation=2)",
     "conv2d", (3, 5, 5), 2,
     dict(out_channels=2, kernel_size=3, padding=2, dilation=2), 5),
    ("conv2d_6x7_stride2_pad1",
     "conv2d(out_channels=3, kernel_size=3, stride=2, padding=1)", "conv2d",
     (2, 6, 7), 2, dict(out_channels=3, kernel_size=3, stride=2, padding=1),
     6),
    ("conv2d_6x7_k2_stride2_pad1_dil2",
     "conv2d(out_channels=2, kernel_size=2, stride=2, padding=1, "
     "dilation=2)", "conv2d", (2, 6, 7), 2,
     dict(out_channels=2, kernel_size=2, stride=2, padding=1, dilation=2), 7),
    ("conv2d_kernel1", "conv2d(out_channels=2, kernel_size=1)", "conv2d",
     (3, 4, 4), 3, dict(out_channels=2, kernel_size=1), 8),
    ("batch_norm_1d", "batch_norm", "batch_norm", (4,), 3, dict(), 9),
    ("batch_norm_2d", "batch_norm", "batch_norm", (3, 4, 5), 2, dict(), 10),
    ("batch_norm_2d_options", "batch_norm(momentum=0.3, eps=0.001)",
     "batch_norm", (2, 3, 3), 3, dict(momentum=0.3, eps=0.001), 11),
    ("layer_norm_1d", "layer_norm", "layer_norm", (6,), 3, dict(), 12),
    ("layer_norm_3d", "layer_norm", "layer_norm", (2, 3, 4), 2, dict(), 13),
    ("layer_norm_eps", "layer_norm(eps=0.1)", "layer_norm", (5,), 2,
     dict(eps=0.1), 14),
    ("max_pool2d", "max_pool2d(kernel_size=2)", "max_pool2d", (2, 5, 5), 2,
     dict(kernel_size=2), 15),
    ("max_pool2d_6x7_k3_stride2_pad1",
     "max_pool2d(kernel_size=3, stride=2, padding=1)", "max_pool2d",
     (2, 6, 7), 2, dict(kernel_size=3, stride=2, padding=1), 16),
    ("max_pool2d_ties", "max_pool2d(kernel_size=3, stride=2, padding=1)",
     "max_pool2d", (2, 5, 5), 2, dict(kernel_size=3, stride=2, padding=1),
     17),
    ("avg_pool2d", "avg_pool2d(kernel_size=2)", "avg_pool2d", (2, 5, 5), 2,
     dict(kernel_size=2), 18),
    ("avg_pool2d_k3_stride1_pad1",
     "avg_pool2d(kernel_size=3, stride=1, padding=1)", "avg_pool2d",
     (2, 5, 5), 2, dict(kernel_size=3, stride=1, padding=1), 19),
    ("avg_pool2d_6x7_k3_stride2_pad1",
     "avg_pool2d(kernel_size=3, stride=2, padding=1)", "avg_pool2d",
     (2, 6, 7), 2, dict(kernel_size=3, stride=2, padding=1), 20),
    ("flatten", "flatten", "flatten", (2, 2, 3), 2, dict(), 21),
]

DEFAULTS = {
    "dense": dict(),
    "conv2d": dict(stride=1, padding=0, dilation=1),
    "batch_norm": dict(momentum=0.1, eps=1e-5),
    "layer_norm": dict(eps=1e-5),
    "max_pool2d": dict(stride=None, padding=0),
    "avg_pool2d": dict(stride=None, padding=0),
    "flatten": dict(),
}


def options(kind, given):
    o = dict(DEFAULTS[kind])
    o.update(given)
    if "stride" in o and o["stride"] is None:
        o["stride"] = o["kernel_size"]
    return o


def pool_out(n, k, stride, padding, dilation=1):
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def out_shape(kind, shape, o):
    if kind == "dense":
        return (o["units"],)
    if kind == "conv2d":
        _, h, w = shape
        k = o["kernel_size"]
        return (o["out_channels"],
                pool_out(h, k, o["stride"], o["padding"], o["dilation"]),
                pool_out(w, k, o["stride"], o["padding"], o["dilation"]))
    if kind in ("max_pool2d", "avg_pool2d"):
        c, h, w = shape
        k = o["kernel_size"]
        return (c, pool_out(h, k, o["stride"], o["padding"]),
                pool_out(w, k, o["stride"], o["padding"]))
    if kind == "flatten":
        return (int(np.prod(shape)),)
    return shape


# ---- Inputs --------------------------------------------------------------

def inputs(kind, shape, rows, o, seed):
    """x, params (nnlab layout), state before, eval state, dy: float32."""
    rng = np.random.RandomState(seed)
    x = rng.uniform(-2, 2, (rows,) + shape)
    params = state = eval_state = None
    if kind == "dense":
        fan_in, units = shape[0], o["units"]
        w = rng.uniform(-1, 1, (fan_in, units))
        b = rng.uniform(-0.5, 0.5, units)
        params = np.concatenate([w.ravel(), b])
    elif kind == "conv2d":
        w = rng.uniform(-1, 1, (o["out_channels"], shape[0],
                                o["kernel_size"], o["kernel_size"]))
        b = rng.uniform(-0.5, 0.5, o["out_channels"])
        params = np.concatenate([w.ravel(), b])
    elif kind == "batch_norm":
        c = shape[0]
        # Per-channel offsets and scales, so normalizing does something.
        bshape = (1, c) + (1,) * (len(shape) - 1)
        x = (x * rng.uniform(0.5, 2.0, c).reshape(bshape)
             + rng.uniform(-1, 1, c).reshape(bshape))
        params = np.concatenate([rng.uniform(0.5, 1.5, c),
                                 rng.uniform(-0.5, 0.5, c)])
        eval_state = np.concatenate([rng.uniform(-0.5, 0.5, c),
                                     rng.uniform(0.5, 2.0, c)])
        if o["momentum"] != 0.1:
            state = eval_state  # a used layer: the update mixes old and new
        else:
            state = np.concatenate([np.zeros(c), np.ones(c)])  # a new layer
    elif kind == "layer_norm":
        n = int(np.prod(shape))
        if o["eps"] > 1e-3:
            x = x * 0.15  # small variance, so eps matters
        params = np.concatenate([rng.uniform(0.5, 1.5, n),
                                 rng.uniform(-0.5, 0.5, n)])
    elif kind == "max_pool2d" and seed == 17:
        # Ties everywhere, and every value below the padding's 0.
        x = rng.randint(-3, 0, (rows,) + shape).astype(float)
    dy = rng.uniform(-1, 1, (rows,) + out_shape(kind, shape, o))

    def f(a):
        return None if a is None else np.asarray(a).astype(F32)
    return f(x), f(params), f(state), f(eval_state), f(dy)


# ---- torch ---------------------------------------------------------------

def torch_case(kind, shape, o, x, params, state, eval_state, dy, dtype):
    """y, dx, dparams, state after, eval y from torch, as numpy arrays."""
    t = torch.tensor(x, dtype=dtype, requires_grad=True)
    tdy = torch.tensor(dy, dtype=dtype)
    leaves = []
    state_after = eval_y = None
    if kind == "dense":
        fan_in, units = shape[0], o["units"]
        lin = torch.nn.Linear(fan_in, units).to(dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(
                params[:fan_in * units].reshape(fan_in, units).T))
            lin.bias.copy_(torch.tensor(params[fan_in * units:]))
        y = lin(t)
        leaves = [lin.weight, lin.bias]
    elif kind == "conv2d":
        c_out, c_in, k = o["out_channels"], shape[0], o["kernel_size"]
        conv = torch.nn.Conv2d(c_in, c_out, k, stride=o["stride"],
                               padding=o["padding"],
                               dilation=o["dilation"]).to(dtype)
        nw = c_out * c_in * k * k
        with torch.no_grad():
            conv.weight.copy_(torch.tensor(params[:nw].reshape(
                conv.weight.shape)))
            conv.bias.copy_(torch.tensor(params[nw:]))
        y = conv(t)
        leaves = [conv.weight, conv.bias]
    elif kind == "batch_norm":
        c = shape[0]
        cls = torch.nn.BatchNorm1d if len(shape) == 1 else torch.nn.BatchNorm2d

        def module(st):
            m = cls(c, eps=o["eps"], momentum=o["momentum"]).to(dtype)
            with torch.no_grad():
                m.weight.copy_(torch.tensor(params[:c]))
                m.bias.copy_(torch.tensor(params[c:]))
                m.running_mean.copy_(torch.tensor(st[:c]))
                m.running_var.copy_(torch.tensor(st[c:]))
            return m
        m = module(state)
        m.train()
        y = m(t)
        leaves = [m.weight, m.bias]
        state_after = np.concatenate([m.running_mean.detach().numpy(),
                                      m.running_var.detach().numpy()])
        e = module(eval_state)
        e.eval()
        with torch.no_grad():
            eval_y = e(torch.tensor(x, dtype=dtype)).numpy()
    elif kind == "layer_norm":
        n = int(np.prod(shape))
        ln = torch.nn.LayerNorm(list(shape), eps=o["eps"],
                                elementwise_affine=True).to(dtype)
        with torch.no_grad():
            ln.weight.copy_(torch.tensor(params[:n].reshape(shape)))
            ln.bias.copy_(torch.tensor(params[n:].reshape(shape)))
        y = ln(t)
        leaves = [ln.weight, ln.bias]
    elif kind == "max_pool2d":
        y = F.max_pool2d(t, o["kernel_size"], o["stride"], o["padding"])
    elif kind == "avg_pool2d":
        y = F.avg_pool2d(t, o["kernel_size"], o["stride"], o["padding"],
                         count_include_pad=True)
    elif kind == "flatten":
        y = torch.nn.Flatten()(t)
    y.backward(tdy)
    dparams = None
    if kind == "dense":
        dparams = np.concatenate([leaves[0].grad.numpy().T.ravel(),
                                  leaves[1].grad.numpy()])
    elif leaves:
        dparams = np.concatenate([p.grad.numpy().ravel() for p in leaves])
    y = y.detach().numpy()
    if eval_y is None:
        eval_y = y
    return y, t.grad.numpy(), dparams, state_after, eval_y


# ---- numpy, independently of torch -----------------------------------------

def np_forward(kind, shape, o, x, params, state, train=True):
    """(y, state after) in float64 from the layer's definition above."""
    x = x.astype(np.float64)
    p = None if params is None else params.astype(np.float64)
    rows = x.shape[0]
    if kind == "dense":
        fan_in, units = shape[0], o["units"]
        w = p[:fan_in * units].reshape(fan_in, units)
        return x @ w + p[fan_in * units:], None
    if kind == "conv2d":
        c_in, h, wd = shape
        c_out, k = o["out_channels"], o["kernel_size"]
        s, pad, d = o["stride"], o["padding"], o["dilation"]
        w = p[:c_out * c_in * k * k].reshape(c_out, c_in, k, k)
        b = p[c_out * c_in * k * k:]
        xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
        _, oh, ow = out_shape(kind, shape, o)
        y = np.zeros((rows, c_out, oh, ow))
        for i in range(oh):
            for j in range(ow):
                for u in range(k):
                    for v in range(k):
                        patch = xp[:, :, i * s + u * d, j * s + v * d]
                        y[:, :, i, j] += patch @ w[:, :, u, v].T
        return y + b.reshape(1, c_out, 1, 1), None
    if kind == "batch_norm":
        c = shape[0]
        axes = (0,) + tuple(range(2, x.ndim))
        bshape = (1, c) + (1,) * (x.ndim - 2)
        gamma, beta = p[:c].reshape(bshape), p[c:].reshape(bshape)
        if not train:
            mean = state[:c].astype(np.float64).reshape(bshape)
            var = state[c:].astype(np.float64).reshape(bshape)
            return gamma * (x - mean) / np.sqrt(var + o["eps"]) + beta, state
        n = x.size // c
        mean = x.mean(axis=axes)
        var = ((x - mean.reshape(bshape)) ** 2).mean(axis=axes)
        y = (gamma * (x - mean.reshape(bshape))
             / np.sqrt(var.reshape(bshape) + o["eps"]) + beta)
        m = o["momentum"]
        st = state.astype(np.float64)
        after = np.concatenate([(1 - m) * st[:c] + m * mean,
                                (1 - m) * st[c:] + m * var * n / (n - 1)])
        return y, after
    if kind == "layer_norm":
        flat = x.reshape(rows, -1)
        n = flat.shape[1]
        mean = flat.mean(axis=1, keepdims=True)
        var = ((flat - mean) ** 2).mean(axis=1, keepdims=True)
        y = (flat - mean) / np.sqrt(var + o["eps"]) * p[:n] + p[n:]
        return y.reshape(x.shape), None
    if kind in ("max_pool2d", "avg_pool2d"):
        y, _ = np_pool(kind, shape, o, x)
        return y, None
    if kind == "flatten":
        return x.reshape(rows, -1).copy(), None
    raise ValueError(kind)


def np_pool(kind, shape, o, x, last=False):
    """Pooled x, and for max pooling the flat input index of each output
    (of the first maximum in scan order, or the last one if last)."""
    rows = x.shape[0]
    c, h, w = shape
    k, s, pad = o["kernel_size"], o["stride"], o["padding"]
    _, oh, ow = out_shape(kind, shape, o)
    fill = -np.inf if kind == "max_pool2d" else 0.0
    xp = np.full((rows, c, h + 2 * pad, w + 2 * pad), fill)
    xp[:, :, pad:pad + h, pad:pad + w] = x
    y = np.zeros((rows, c, oh, ow))
    where = np.zeros((rows, c, oh, ow), dtype=int)
    for i in range(oh):
        for j in range(ow):
            win = xp[:, :, i * s:i * s + k, j * s:j * s + k].reshape(
                rows, c, k * k)
            if kind == "avg_pool2d":
                y[:, :, i, j] = win.sum(axis=2) / (k * k)
                continue
            if last:
                first = k * k - 1 - win[:, :, ::-1].argmax(axis=2)
            else:
                first = win.argmax(axis=2)  # the first maximum in scan order
            y[:, :, i, j] = win.max(axis=2)
            r = i * s + first // k - pad
            q = j * s + first % k - pad
            assert (r >= 0).all() and (r < h).all() and (q >= 0).all() \
                and (q < w).all(), "padding won a window"
            where[:, :, i, j] = r * w + q
    return y, where


def np_max_pool_dx(shape, o, x, dy, last=False):
    """max_pool2d's input gradient by the rule above, not by differences."""
    _, where = np_pool("max_pool2d", shape, o, x, last)
    rows, c = x.shape[0], shape[0]
    dx = np.zeros((rows, c, shape[1] * shape[2]))
    for n in range(rows):
        for ch in range(c):
            np.add.at(dx[n, ch], where[n, ch].ravel(),
                      dy[n, ch].astype(np.float64).ravel())
    return dx.reshape(x.shape)


def max_pool_gap(shape, o, x):
    """Smallest gap between a window's largest and second-largest value."""
    c, h, w = shape
    k, s, pad = o["kernel_size"], o["stride"], o["padding"]
    xp = np.full((x.shape[0], c, h + 2 * pad, w + 2 * pad), -np.inf)
    xp[:, :, pad:pad + h, pad:pad + w] = x
    _, oh, ow = out_shape("max_pool2d", shape, o)
    gap = np.inf
    for i in range(oh):
        for j in range(ow):
            win = np.sort(xp[:, :, i * s:i * s + k, j * s:j * s + k].reshape(
                x.shape[0], c, k * k), axis=2)
            gap = min(gap, (win[:, :, -1] - win[:, :, -2]).min())
    return gap


def finite_difference(f, v, h=1e-5):
    """Gradient of the scalar f at v (float64) by central differences."""
    v = v.astype(np.float64).copy()
    g = np.zeros(v.size)
    flat = v.reshape(-1)
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + h
        up = f(v)
        flat[i] = keep - h
        down = f(v)
        flat[i] = keep
        g[i] = (up - down) / (2 * h)
    return g.reshape(v.shape)


def close(got, want, rtol, atol):
    """Largest error beyond atol + rtol |want| (<= 0 when all are close)."""
    got = np.asarray(got, dtype=np.float64).ravel()
    want = np.asarray(want, dtype=np.float64).ravel()
    if got.shape != want.shape:
        return np.inf
    return float(np.max(np.abs(got - want) - (atol + rtol * np.abs(want)),
                        initial=-np.inf))


# ---- One case ----------------------------------------------------------------

def run_case(name, spec, kind, shape, rows, given, seed):
    o = options(kind, given)
    x, params, state, eval_state, dy = inputs(kind, shape, rows, o, seed)
    y, dx, dparams, state_after, eval_y = torch_case(
        kind, shape, o, x, params, state, eval_state, dy, torch.float64)
    checks, failures = [], []

    def check(what, err):
        checks.append(what)
        if not err <= 0:
            failures.append("%s (excess error %.3g)" % (what, err))

    # The forward, train and eval, against numpy.
    ny, nstate = np_forward(kind, shape, o, x, params, state)
    check("y", close(y, ny, 1e-12, 1e-12))
    if kind == "batch_norm":
        check("state", close(state_after, nstate, 1e-12, 1e-12))
        ey, _ = np_forward(kind, shape, o, x, params, eval_state, train=False)
        check("eval_y", close(eval_y, ey, 1e-12, 1e-12))
    if kind == "flatten":
        check("identity", close(y, x.reshape(rows, -1), 0, 0))

    # The gradients: by rule for max pooling (and for dense, by its
    # formula), and by central differences of the numpy forward.
    def loss_x(v):
        return float(np.sum(np_forward(kind, shape, o, v, params, state)[0]
                            * dy))

    def loss_p(v):
        return float(np.sum(np_forward(kind, shape, o, x, v, state)[0] * dy))

    if kind == "max_pool2d":
        check("dx(rule)", close(dx, np_max_pool_dx(shape, o, x, dy),
                                1e-12, 1e-12))
    if kind == "dense":
        fan_in, units = shape[0], o["units"]
        w = params[:fan_in * units].astype(np.float64).reshape(fan_in, units)
        d64 = dy.astype(np.float64)
        check("dx(formula)", close(dx, d64 @ w.T, 1e-12, 1e-12))
        check("dparams(formula)", close(dparams, np.concatenate(
            [(x.astype(np.float64).T @ d64).ravel(), d64.sum(axis=0)]),
            1e-12, 1e-12))
    fd_ok = kind != "max_pool2d" or max_pool_gap(shape, o, x) > 1e-3
    if fd_ok:
        check("dx(fd)", close(dx, finite_difference(loss_x, x), 1e-6, 1e-7))
        if params is not None:
            check("dparams(fd)", close(dparams, finite_difference(
                loss_p, params), 1e-6, 1e-7))
    elif name != "max_pool2d_ties":
        failures.append("near-tie in a max_pool2d case without ties: "
                        "pick another seed")
    if name == "max_pool2d_ties":
        # The case must tell the first maximum from the last.
        check("ties decide dx", 0 if close(dx, np_max_pool_dx(
            shape, o, x, dy, last=True), 1e-6, 1e-6) > 0 else 1)

    # What float32 arithmetic gets (torch in float32), as a hint for the C
    # test's tolerance: the largest error relative to the output's scale.
    y32, dx32, dp32, st32, ey32 = torch_case(
        kind, shape, o, x, params, state, eval_state, dy, torch.float32)
    spread = 0.0  # see the docstring's last paragraph
    for got, want in ((y32, y), (dx32, dx), (dp32, dparams), (st32, state_after),
                      (ey32, eval_y)):
        if want is not None:
            want = np.asarray(want, dtype=np.float64)
            spread = max(spread, float(np.max(np.abs(got - want)))
                         / max(1.0, float(np.max(np.abs(want)))))

    out = out_shape(kind, shape, o)
    n_params = 0 if params is None else params.size
    case = dict(name=name, spec=spec, in_shape=shape, out_shape=out,
                rows=rows, x=x, params=params, dy=dy, y=y, dx=dx,
                dparams=dparams, state=state, state_after=state_after,
                eval_state=eval_state, eval_y=eval_y, n_params=n_params,
                stateful=kind == "batch_norm", spread=spread)
    line = "%-4s %-32s %d x %-9s -> %-9s %3d params  %s; float32 error %.1e" % (
        "ok" if not failures else "FAIL", name, rows,
        "x".join(map(str, shape)), "x".join(map(str, out)), n_params,
        ", ".join(checks), spread)
    return case, line, failures


# ---- The header --------------------------------------------------------------

def literal(v):
    """The shortest C float literal that reads back as the float32 v."""
    v = F32(v)
    assert np.isfinite(v)
    a = abs(float(v))
    if a == 0 or 1e-4 <= a < 1e7:
        text = np.format_float_positional(v, unique=True, trim="0")
    else:
        text = np.format_float_scientific(v, unique=True, trim="0")
    assert F32(float(text)) == v, (text, v)
    return text + "f"


STRUCT = """\
/* One layer on one batch. Sizes: in_size and out_size are the products of
 * the first in_rank / out_rank dims (unused dims are 0); x and dx hold
 * rows * in_size floats, dy, y and eval_y rows * out_size. */
typedef struct layer_reference {
  const char *name;       /* the case, for messages */
  const char *spec;       /* the layer as a user writes it */
  int in_rank;            /* per-sample input shape */
  size_t in_dims[3];
  int out_rank;           /* per-sample output shape */
  size_t out_dims[3];
  size_t rows;            /* samples in the batch */
  size_t n_params;        /* trainable floats; 0: params, dparams NULL */
  size_t n_state;         /* non-trainable floats (batch_norm: 2 C) */
  const float *x;         /* the input */
  const float *params;    /* in nnlab's layout */
  const float *dy;        /* the upstream gradient */
  const float *y;         /* train-mode forward */
  const float *dx;        /* input gradient of that forward, given dy */
  const float *dparams;   /* parameter gradients, layout as params */
  const float *state;     /* state before the train-mode forward */
  const float *state_after; /* state after it */
  const float *eval_state;  /* state for the eval-mode forward */
  const float *eval_y;    /* eval-mode forward of x (y when stateless) */
} layer_reference;
"""


def generate(cases):
    out = ["// clang-format off",
           "/* Reference values for nnlab's built-in layers, generated by",
           " * tests/reference/layer_reference.py with torch %s: computed in"
           % torch.__version__,
           " * float64 from the float32 inputs, then rounded to float32. The",
           " * script's docstring gives the conventions (layouts, batch_norm's",
           " * state, max_pool2d's ties). torch's own float32 results are",
           " * within %.1e of these, relative to max(1, largest magnitude) of"
           % max(c["spread"] for c in cases),
           " * each array. Do not edit by hand: rerun the script. */",
           "#ifndef NNLAB_TESTS_LAYER_REFERENCE_H",
           "#define NNLAB_TESTS_LAYER_REFERENCE_H",
           "",
           "#include <stddef.h>",
           "",
           STRUCT.rstrip("\n")]
    fields = ["x", "params", "dy", "y", "dx", "dparams", "state",
              "state_after", "eval_state", "eval_y"]
    entries = []
    for case in cases:
        out.append("")
        comment = "/* %s: %s */" % (case["name"], case["spec"])
        if len(comment) > 80:
            comment = "/* %s:\n * %s */" % (case["name"], case["spec"])
        out.append(comment)
        names = {}
        for field in fields:
            value = case[field]
            if value is None:
                names[field] = "NULL"
                continue
            if field == "eval_y" and value is case["y"]:
                names[field] = names["y"]
                continue
            if (field == "eval_state" and case["state"] is not None
                    and np.array_equal(value, case["state"])):
                names[field] = names["state"]
                continue
            cname = "layer_ref_%s_%s" % (case["name"], field)
            out.append("static const float %s[%d] = {" % (cname, value.size))
            out.append(c_list([literal(v) for v in
                               np.asarray(value).ravel()], "    "))
            out.append("};")
            names[field] = cname

        def dims(shape):
            d = list(shape) + [0] * (3 - len(shape))
            return "{%s}" % ", ".join(str(n) for n in d)
        n_state = case["state"].size if case["stateful"] else 0
        spec = "   .spec = \"%s\"," % case["spec"]
        if len(spec) > 80:
            spec = "   .spec =\n       \"%s\"," % case["spec"]
        entry = ["  {.name = \"%s\"," % case["name"], spec,
                 "   .in_rank = %d, .in_dims = %s," % (
                     len(case["in_shape"]), dims(case["in_shape"])),
                 "   .out_rank = %d, .out_dims = %s," % (
                     len(case["out_shape"]), dims(case["out_shape"])),
                 "   .rows = %d, .n_params = %d, .n_state = %d," % (
                     case["rows"], case["n_params"], n_state)]
        pairs = [".%s = %s" % (f, names[f]) for f in fields]
        pairs[-1] += "}"
        entry.append(c_list(pairs, "   ") + ",")
        entries.append("\n".join(entry))
    out.append("")
    out.append("static const layer_reference layer_references[] = {")
    out.extend(entries)
    out.append("};")
    out.append("#define LAYER_REFERENCE_COUNT \\")
    out.append("  (sizeof layer_references / sizeof layer_references[0])")
    out.append("")
    out.append("#endif")
    out.append("// clang-format on")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and
                             sys.argv[1].startswith("-")):
        sys.exit(__doc__)
    torch.set_num_threads(1)
    cases, failed = [], False
    for spec in CASES:
        case, line, failures = run_case(*spec)
        print(line, file=sys.stderr)
        for f in failures:
            print("     %s: %s" % (case["name"], f), file=sys.stderr)
        failed = failed or bool(failures)
        cases.append(case)
    names = [c["name"] for c in cases]
    if len(set(names)) != len(names):
        print("duplicate case names", file=sys.stderr)
        failed = True
    if failed:
        print("self-checks failed: no header written", file=sys.stderr)
        sys.exit(1)
    text = generate(cases)
    print("%d cases, all self-checks passed; header %d bytes"
          % (len(cases), len(text)), file=sys.stderr)
    if len(sys.argv) == 2:
        tmp = sys.argv[1] + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, sys.argv[1])
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
