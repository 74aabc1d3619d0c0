"""The models13 section of make bench (issue 13): al_ext's one-vs-rest and
ridge models in the store beside scikit-learn on the same rows.

    models13.py SOCKET_DIR PORT ROUNDS

Run with /usr/bin/python3 (python3-numpy, python3-psycopg2, python3-sklearn).
For each family: one warm-up run and ROUNDS timed runs of al.train_model
(client wall clock around the statement: reading the rows as the caller,
the fit and storing the version) and of scikit-learn's fit() alone
(time.perf_counter; the rows exported once with binary COPY, float32
widened to float64), medians.  Then each fit's objective, computed the same
way for both in numpy (float64) at the fitted weights (al_ext's from
al.model_coefficients, in the original feature space):

    ovr:   sum over labels of [sum_i BCE(y_ic, sigmoid(x_i . w_c + b_c))
           + ||w_c||^2 / 2]      (C = 1; OneVsRestClassifier(LogisticRegression(C=1.0, max_iter=1000)))
    ridge: ||y - X w - b||^2 + alpha ||w||^2    (alpha = 1; Ridge(alpha=1.0))

and the relative difference (al_ext - scikit-learn) / scikit-learn.
"""
import statistics
import sys
import time
import warnings

import numpy as np

from sklearn_bench import D, connect, load, row_dtype

K = 10


def train(cur, sql):
    """Seconds of one al.train_model call, and the fit's own seconds (its metrics)."""
    t0 = time.perf_counter()
    cur.execute(sql)
    secs = time.perf_counter() - t0
    model_id = cur.fetchone()[0]
    cur.execute("SELECT (metrics->>'seconds')::float8 FROM al.models WHERE id = %s", (model_id,))
    return secs, cur.fetchone()[0]


def coefficients(cur, name):
    """(W k x D, b k) of the latest version of an al_ext model, rows by class (NULL last)."""
    cur.execute('SELECT coef, intercept FROM al.model_coefficients(%s) ORDER BY class', (name,))
    rows = cur.fetchall()
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])


def ovr_objective(W, b, X, Y):
    """Sum over labels of the binary cross-entropies + ||w_c||^2 / 2."""
    Z = X @ W.T + b
    bce = np.logaddexp(0.0, Z) - Y * Z
    return float(bce.sum() + 0.5 * (W * W).sum())


def ridge_objective(w, b, X, y, alpha=1.0):
    r = y - X @ w - b
    return float(r @ r + alpha * (w @ w))


def timed(fn, rounds):
    """The median seconds of rounds runs of fn after one warm-up run; fn's last result."""
    out = fn()
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main():
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.multiclass import OneVsRestClassifier
    host, port, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cur = connect(host, port).cursor()
    lines = []

    # ---- one-vs-rest ----
    X, mask = load(cur, None, 'SELECT x, mask FROM m13_ovr ORDER BY id')
    X = X.astype(np.float64)
    Y = ((mask[:, None] >> np.arange(K)) & 1).astype(np.float64)
    al = [train(cur, """SELECT al.train_model('m13_ovr', 'm13_ovr', 'x', 'tags', '{"family": "ovr"}')""")
          for _ in range(rounds + 1)][1:]
    W, b = coefficients(cur, 'm13_ovr')       # classes l0..l9 in order
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        sk_secs, sk = timed(lambda: OneVsRestClassifier(LogisticRegression(C=1.0, max_iter=1000)).fit(X, Y),
                            rounds)
    SW = np.vstack([e.coef_ for e in sk.estimators_])
    Sb = np.concatenate([e.intercept_ for e in sk.estimators_])
    f_al, f_sk = ovr_objective(W, b, X, Y), ovr_objective(SW, Sb, X, Y)
    al_secs = statistics.median(a[0] for a in al)
    lines.append(('one-vs-rest %d x %d x %d labels' % (len(X), D, K), al_secs,
                  statistics.median(a[1] for a in al), sk_secs, f_al, f_sk))

    # ---- ridge ----
    X, y = load(cur, None, 'SELECT x, target FROM m13_ridge ORDER BY id', row_dtype('>f8'))
    X = X.astype(np.float64)
    al = [train(cur, """SELECT al.train_model('m13_ridge', 'm13_ridge', 'x', 'target', '{"family": "ridge", "alpha": 1}')""")
          for _ in range(rounds + 1)][1:]
    W, b = coefficients(cur, 'm13_ridge')
    sk_secs, sk = timed(lambda: Ridge(alpha=1.0).fit(X, y), rounds)
    f_al, f_sk = ridge_objective(W[0], b[0], X, y), ridge_objective(sk.coef_, sk.intercept_, X, y)
    lines.append(('ridge %d x %d' % (len(X), D), statistics.median(a[0] for a in al),
                  statistics.median(a[1] for a in al), sk_secs, f_al, f_sk))

    print('== models13: model families in the store beside scikit-learn (bench/models13.py; medians of %d runs'
          ' after a warm-up; al_ext = al.train_model wall clock: read rows + fit + store; fit = its metrics'
          ' seconds; scikit-learn = fit() alone on float64 X in memory)' % rounds)
    print('   %-36s %10s %10s %12s %9s %22s %22s %10s' % ('case', 'al_ext s', 'fit s', 'sklearn s',
                                                        'al/sk', 'objective al_ext', 'objective sklearn',
                                                        'rel diff'))
    for name, a, fit, s, fa, fs in lines:
        print('   %-36s %10.3f %10.3f %12.3f %9.2f %22.10g %22.10g %10.2e' % (name, a, fit, s, a / s, fa, fs,
                                                                         (fa - fs) / abs(fs)))
    import sklearn
    print('   scikit-learn %s, numpy %s' % (sklearn.__version__, np.__version__))


if __name__ == '__main__':
    main()
