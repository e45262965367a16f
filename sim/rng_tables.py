#!/usr/bin/env python3
"""Generates the ziggurat tables of sim/rng.c (python3 + mpmath; 50 significant digits).

    python3 sim/rng_tables.py > /tmp/tables.c   and replace the tables at the end of sim/rng.c
    (the r of each, printed in a comment, is CS_RNG_ZIG_*_R in sim/rng.h)

Layout (Marsaglia and Tsang 2000, 256 layers of equal area v under the decreasing density
shape f on [0, inf)): X[1] = r, X[i+1] = f^-1(f(X[i]) + v / X[i]) for i = 1..255, X[256] = 0;
layer 0 is the base rectangle [0, r] x [0, f(r)] plus the tail x > r, of area
v = r f(r) + integral_r^inf f, drawn as a rectangle of width X[0] = v / f(r).  r is the root
that makes X[256] = 0 (found here by bisection).  Emitted, for i = 0..255:
    K[i] = floor(2^53 X[i+1] / X[i])   a 53-bit u < K[i] lies under the curve in layer i
    W[i] = X[i] 2^-53                  x = u W[i]
and F[i] = f(X[i]) for i = 0..256 (F[0] = f(r), F[256] = f(0) = 1) for the wedge tests.
Every double is printed in C's hexadecimal notation, so the tables are exactly these numbers.
"""
import mpmath as mp

mp.mp.dps = 50
N = 256


def layers(f, finv, tail, r):
    v = r * f(r) + tail(r)
    X = [v / f(r), r]
    for _ in range(1, N - 1):
        y = f(X[-1]) + v / X[-1]
        if y >= 1:
            return None, v
        X.append(finv(y))
    return X, v


def solve(f, finv, tail, lo, hi):
    # X[255] (1 - f(X[255])) - v decreases through 0 as r grows: bisection on that residue.
    def resid(r):
        X, v = layers(f, finv, tail, r)
        if X is None:
            return mp.mpf(-1)
        return X[-1] * (1 - f(X[-1])) - v
    for _ in range(200):
        mid = (lo + hi) / 2
        if resid(mid) < 0:
            lo = mid
        else:
            hi = mid
    r = (lo + hi) / 2
    X, v = layers(f, finv, tail, r)
    return r, v, X + [mp.mpf(0)]


def emit(name, label, f, r, v, X):
    two53 = mp.mpf(2) ** 53
    K = [int(mp.floor(two53 * X[i + 1] / X[i])) for i in range(N)]
    W = [float(X[i] / two53) for i in range(N)]
    F = [float(f(r))] + [float(f(X[i])) for i in range(1, N)] + [1.0]
    print("/* %s: r = %s, v = %s */" % (label, mp.nstr(r, 20), mp.nstr(v, 20)))
    print("/* in sim/rng.h: #define CS_RNG_ZIG_%s_R %s */" % (name.upper(), float(r).hex()))
    def arr(ctype, cname, vals, fmt, per):
        print("const %s cs_rng_zig_%s_%s[%d] = {" % (ctype, name, cname, len(vals)))
        for j in range(0, len(vals), per):
            print("    " + ", ".join(fmt(x) for x in vals[j:j + per]) + ",")
        print("};")
    arr("uint64_t", "k", K, lambda x: "0x%014xULL" % x, 4)
    arr("double", "w", W, lambda x: x.hex(), 3)
    arr("double", "f", F, lambda x: x.hex(), 3)


# Exponential: f(x) = exp(-x), tail integral exp(-r).
r, v, X = solve(lambda x: mp.exp(-x), lambda y: -mp.log(y), lambda r: mp.exp(-r), mp.mpf(5), mp.mpf(10))
emit("exp", "Exponential, f(x) = exp(-x)", lambda x: mp.exp(-x), r, v, X)
# Normal (half): f(x) = exp(-x^2/2), tail integral sqrt(pi/2) erfc(r/sqrt 2).
r, v, X = solve(lambda x: mp.exp(-x * x / 2), lambda y: mp.sqrt(-2 * mp.log(y)),
                lambda r: mp.sqrt(mp.pi / 2) * mp.erfc(r / mp.sqrt(2)), mp.mpf(2), mp.mpf(5))
emit("norm", "Normal, f(x) = exp(-x^2 / 2)", lambda x: mp.exp(-x * x / 2), r, v, X)
