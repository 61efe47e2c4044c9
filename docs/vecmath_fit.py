#!/usr/bin/env python3
"""Fits the polynomials of core/compute/vecmath_coefficients.h (see docs/vecmath.md).

Each polynomial is a weighted least-squares fit on Chebyshev nodes (close to
minimax) computed by mpmath at 50 digits. The coefficients are then rounded
to float one at a time, lowest degree first, refitting the ones not yet
rounded after each step so they absorb the rounding error. The output is C,
highest degree first (the order Horner's rule uses), with the maximum error
of the rounded polynomial over a dense grid.

Run with:
  python3 docs/vecmath_fit.py > core/compute/vecmath_coefficients.h
  clang-format -i core/compute/vecmath_coefficients.h
"""
import struct

import mpmath as mp

mp.mp.dps = 50


def as_float(value):
    return mp.mpf(struct.unpack("f", struct.pack("f", float(value)))[0])


def solve(nodes, targets, weights, powers):
    """Weighted least squares for the coefficients of x^p, p in powers."""
    a = mp.matrix(len(nodes), len(powers))
    b = mp.matrix(len(nodes), 1)
    for i, (x, y, w) in enumerate(zip(nodes, targets, weights)):
        for j, p in enumerate(powers):
            a[i, j] = w * x**p
        b[i] = w * y
    solution, _ = mp.qr_solve(a, b)
    return [solution[j] for j in range(len(powers))]


def fit(function, interval, degree, relative):
    lo, hi = mp.mpf(interval[0]), mp.mpf(interval[1])
    count = 8 * (degree + 1)
    nodes = [(lo + hi) / 2 + (hi - lo) / 2 * mp.cos(mp.pi * (i + 0.5) / count)
             for i in range(count)]
    values = [function(x) for x in nodes]
    weights = [1 / abs(v) if relative else 1 for v in values]
    fixed = []
    for k in range(degree + 1):
        residual = [v - sum(c * x**p for p, c in enumerate(fixed))
                    for x, v in zip(nodes, values)]
        free = solve(nodes, residual, weights, list(range(k, degree + 1)))
        fixed.append(as_float(free[0]))
    grid = [lo + (hi - lo) * i / 4000 for i in range(4001)]
    error = 0
    for x in grid:
        v = function(x)
        e = abs(mp.polyval(fixed[::-1], x) - v)
        error = max(error, e / abs(v) if relative else e)
    return fixed[::-1], error


def emit(name, comment, function, interval, degree, relative=False):
    coefficients, error = fit(function, interval, degree, relative)
    kind = "relative" if relative else "absolute"
    print(f"/* {comment}\n * on [{interval[0]}, {interval[1]}], degree {degree}: "
          f"{kind} error {float(error):.1e}. */")
    print(f"#define {name}_DEGREE {degree}")
    print(f"static const float {name.lower()}[{name}_DEGREE + 1] = {{")
    for c in coefficients:
        print(f"    {float(c):.9e}f,")
    print("};\n")


def near_zero(x):
    return abs(x) < mp.mpf("1e-30")


def exp_part(r):  # e^r = 1 + r + r^2 * exp_part(r)
    return mp.mpf(1) / 2 if near_zero(r) else (mp.exp(r) - 1 - r) / r**2


def log_part(f):  # log(1 + f) = f - f^2 / 2 + f^3 * log_part(f)
    return mp.mpf(1) / 3 if near_zero(f) else (mp.log1p(f) - f + f * f / 2) / f**3


def tanh_part(z):  # tanh(x) = x + x^3 * tanh_part(x^2)
    x = mp.sqrt(z)
    return -mp.mpf(1) / 3 if near_zero(z) else (mp.tanh(x) - x) / x**3


def erf_part(z):  # erf(x) = x + x * erf_part(x^2)
    x = mp.sqrt(z)
    return 2 / mp.sqrt(mp.pi) - 1 if near_zero(z) else mp.erf(x) / x - 1


def erfc_part(q):  # erfc(a) = e^(-a^2) * erfc_part(q) / (1 + a / 2)
    a = 2 * (1 + q) / (1 - q)  # q = (a - 2) / (a + 2)
    return mp.erfc(a) * mp.exp(a * a) * (1 + a / 2)


print("""/* Polynomial coefficients of the vector math, highest degree first, as
 * printed by docs/vecmath_fit.py. Do not edit by hand: change the script
 * and run it again (its docstring says how). */
#ifndef NNLAB_VECMATH_COEFFICIENTS_H
#define NNLAB_VECMATH_COEFFICIENTS_H
""")
emit("VM_EXP", "(e^r - 1 - r) / r^2", exp_part, [-0.7, 0.7], 6)
emit("VM_LOG", "(log(1 + f) - f + f^2 / 2) / f^3", log_part,
     [-0.2929, 0.4143], 8)
emit("VM_TANH", "(tanh(x) - x) / x^3 in z = x^2", tanh_part, [0, 1], 7)
emit("VM_ERF", "erf(x) / x - 1 in z = x^2", erf_part, [0, 0.7657], 7)
emit("VM_ERFC", "erfc(a) e^(a^2) (1 + a / 2) in q = (a - 2) / (a + 2)",
     erfc_part, [-1, 0.67], 11, relative=True)
print("#endif")
