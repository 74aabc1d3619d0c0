"""scikit-learn side of the models section of make bench (bench/README.md).

Run with /usr/bin/python3 (Debian's python3-sklearn, python3-numpy,
python3-psycopg2):

    sklearn_bench.py fit SOCKET_DIR PORT CASE ROUND
        one timed run of an 'sklearn' case of bench.cases (its query names
        the data: train100k, digits, or digits_scaled = digits through
        StandardScaler): export the table's (x, y) with binary COPY, convert
        to float64 (and scale), then time LogisticRegression(C=1.0,
        max_iter=1000).fit(X, y) alone (time.perf_counter), with
        scikit-learn's defaults otherwise (lbfgs, multinomial, tol 1e-4, its
        BLAS threads).  Recorded with bench.record (value = n_iter_); the
        weights go to bench.sk_models.
    sklearn_bench.py stats SOCKET_DIR PORT
        objective and training accuracy of every fit of the section, the
        same way for all, in numpy (float64):
            f(W, b) = sum_i [logsumexp(x_i W^T + b) - (x_i W^T + b)_{y_i}] + ||W||^2 / 2
        (C = 1; intercept not penalized) at scikit-learn's coef_/intercept_
        and at al_ext's weights (al.model_coefficients: the original feature
        space).  For a model trained with standardize the penalty is on the
        weights of the standardized features (coef * scale, scale = the
        population standard deviation, 1 for a constant feature), as al_ext
        and StandardScaler define it; the cross-entropy is the same in both
        spaces.  Written to bench.fit_stats.
    sklearn_bench.py info SOCKET_DIR PORT
        versions and BLAS of scikit-learn into bench.info.
"""
import io
import sys
import time
import warnings

import numpy as np
import psycopg2

D = 64
HEADER = 19                  # PGCOPY signature 11 + flags 4 + extension length 4
# one row of COPY (SELECT x, y FROM t) TO STDOUT (FORMAT binary), x real[64]:
# int16 field count; int32 length, then the array: int32 ndim, int32 has-nulls,
# oid element type, int32 size, int32 lower bound, per element int32 length +
# float4; int32 length + int4 y.  Big-endian.
def row_dtype(ytype):
    """The binary COPY row of (x real[D], y) with y of numpy type ytype (big-endian)."""
    return np.dtype([('nf', '>i2'), ('lx', '>i4'), ('ndim', '>i4'), ('nulls', '>i4'),
                     ('oid', '>u4'), ('dim', '>i4'), ('lb', '>i4'),
                     ('x', [('l', '>i4'), ('v', '>f4')], (D,)), ('ly', '>i4'), ('y', ytype)])


ROW = row_dtype('>i4')


def connect(host, port):
    conn = psycopg2.connect(host=host, port=port, user='postgres', dbname='postgres')
    conn.autocommit = True
    return conn


def load(cur, table, query=None, row=ROW):
    """(X float32 n x D, y int) of a table, in its physical order (or of a
    query's (x, y) rows, y as row says: bench/models13.py)."""
    buf = io.BytesIO()
    cur.copy_expert('COPY (%s) TO STDOUT (FORMAT binary)' % (query or 'SELECT x, y FROM %s' % table), buf)
    data = buf.getbuffer()
    n = (len(data) - HEADER - 2) // row.itemsize
    if HEADER + n * row.itemsize + 2 != len(data):
        raise ValueError('unexpected COPY layout of %s (not %d features everywhere?)' % (table, D))
    rows = np.frombuffer(data, dtype=row, count=n, offset=HEADER)
    if not ((rows['nf'] == 2).all() and (rows['ndim'] == 1).all() and (rows['dim'] == D).all()
            and (rows['nulls'] == 0).all()):
        raise ValueError('unexpected COPY layout of %s' % table)
    return rows['x']['v'].astype(np.float32), rows['y'].astype(np.int64 if row['y'].kind == 'i' else np.float64)


def population_scale(X):
    """StandardScaler's (and al_ext's) mean and scale: population std, 1 if constant."""
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    return mean, scale


def dataset(cur, name):
    """The float64 X and y a case fits on."""
    table = {'train100k': 'train100k', 'digits': 'digits', 'digits_scaled': 'digits'}[name]
    X, y = load(cur, table)
    X = X.astype(np.float64)
    if name == 'digits_scaled':
        mean, scale = population_scale(X)
        X = (X - mean) / scale
    return X, y


def objective(W, b, X, y):
    """Sum of cross-entropies + ||W||^2 / 2, and the accuracy (ties: lowest class)."""
    Z = X @ W.T + b
    m = Z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(Z - m).sum(axis=1)) + m[:, 0]
    ce = (lse - Z[np.arange(len(y)), y]).sum()
    return ce + 0.5 * float((W * W).sum()), float((Z.argmax(axis=1) == y).mean())


def fit(cur, case, rnd):
    from sklearn.linear_model import LogisticRegression
    cur.execute('SELECT query FROM bench.cases WHERE id = %s', (case,))
    X, y = dataset(cur, cur.fetchone()[0])
    model = LogisticRegression(C=1.0, max_iter=1000)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')          # ConvergenceWarning: reported as iterations
        t0 = time.perf_counter()
        model.fit(X, y)
        ms = 1000 * (time.perf_counter() - t0)
    it = int(model.n_iter_[0])
    cur.execute('SELECT bench.record(%s, 0, %s, %s, %s, %s)', (case, rnd, ms, str(it), 'ok'))
    print(cur.fetchone()[0], file=sys.stderr)
    cur.execute("""INSERT INTO bench.sk_models VALUES (%s, %s, %s, %s)
                   ON CONFLICT (case_id) DO UPDATE SET iterations = excluded.iterations,
                   coef = excluded.coef, intercept = excluded.intercept""",
                (case, it, model.coef_.ravel().tolist(), model.intercept_.tolist()))


def stats(cur):
    cache = {}

    def data(name):
        if name not in cache:
            cache[name] = dataset(cur, name)
        return cache[name]

    # scikit-learn's fits
    cur.execute("""SELECT s.case_id, c.query, s.iterations, s.coef, s.intercept
                   FROM bench.sk_models s JOIN bench.cases c ON c.id = s.case_id""")
    for case, name, it, coef, icpt in cur.fetchall():
        X, y = data(name)
        W = np.array(coef).reshape(len(icpt), -1)
        f, acc = objective(W, np.array(icpt), X, y)
        cur.execute('INSERT INTO bench.fit_stats VALUES (%s, NULL, %s, %s, %s, NULL) '
                    'ON CONFLICT (case_id) DO UPDATE SET iterations = excluded.iterations, '
                    'objective = excluded.objective, accuracy = excluded.accuracy',
                    (case, it, f, acc))

    # al_ext's fits: the model of the last successful run of each train_model case
    cur.execute("""SELECT DISTINCT ON (r.case_id) r.case_id, r.value::bigint, c.query
                   FROM bench.runs r JOIN bench.cases c ON c.id = r.case_id
                   WHERE c.section = 'models' AND c.client IS NULL AND r.status = 'ok'
                     AND c.query LIKE '%%al.train_model%%'
                   ORDER BY r.case_id, r.round DESC""")
    for case, model_id, query in cur.fetchall():
        cur.execute("""SELECT name, version, standardized, (metrics->>'iterations')::int
                       FROM al.models WHERE id = %s""", (model_id,))
        name, version, standardized, it = cur.fetchone()
        cur.execute("""SELECT class, intercept, coef FROM al.model_coefficients(%s, %s)
                       WHERE member = 1""", (name, version))
        rows = sorted(cur.fetchall(), key=lambda r: int(r[0]))
        if [int(r[0]) for r in rows] != list(range(len(rows))):
            raise ValueError('classes of model %s are not 0..k-1' % name)
        W = np.array([r[2] for r in rows])
        b = np.array([r[1] for r in rows])
        X, y = data('digits' if 'digits' in query else 'train100k')
        f, acc = objective(W, b, X, y)
        note = None
        if standardized:
            # same logits; the penalty is on the standardized weights
            _, scale = population_scale(X)
            f = f - 0.5 * float((W * W).sum()) + 0.5 * float(((W * scale) ** 2).sum())
            note = 'standardized: penalty on coef * scale'
        cur.execute('INSERT INTO bench.fit_stats VALUES (%s, %s, %s, %s, %s, %s) '
                    'ON CONFLICT (case_id) DO UPDATE SET model_id = excluded.model_id, '
                    'iterations = excluded.iterations, objective = excluded.objective, '
                    'accuracy = excluded.accuracy, note = excluded.note',
                    (case, model_id, it, f, acc, note))


def info(cur):
    import scipy
    import sklearn
    blas = ''
    try:
        from threadpoolctl import threadpool_info
        blas = ', '.join('%s %s %s, %s threads' % (p.get('internal_api'), p.get('version') or '',
                                                  p.get('architecture') or '', p.get('num_threads'))
                         for p in threadpool_info())
    except ImportError:
        pass
    cur.execute("""INSERT INTO bench.info VALUES ('scikit-learn', %s)
                   ON CONFLICT (key) DO UPDATE SET value = excluded.value""",
                ('scikit-learn %s, scipy %s, numpy %s; %s' % (sklearn.__version__, scipy.__version__,
                                                             np.__version__, blas),))


def main():
    mode, host, port = sys.argv[1:4]
    cur = connect(host, port).cursor()
    if mode == 'fit':
        fit(cur, int(sys.argv[4]), int(sys.argv[5]))
    elif mode == 'stats':
        stats(cur)
    elif mode == 'info':
        info(cur)
    else:
        raise SystemExit('unknown mode ' + mode)


if __name__ == '__main__':
    main()
