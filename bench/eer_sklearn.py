"""bench/eer_sklearn.py: expected error reduction the way modAL computes it
(a scikit-learn LogisticRegression refit from scratch per candidate and
class), on the same digits rows, labels and candidates as al_ext's call in
bench/eer.sql; prints its time, the ratio to al_ext's and how far the two
rankings agree.

Usage (bench/run_bench.sh, section eer):
    python3 eer_sklearn.py DIGITS_CSV_GZ LABELED_IDS RANKING AL_EXT_SECONDS
  DIGITS_CSV_GZ   data/digits.csv.gz (64 pixel counts, then the digit); the
                  id of a row is its line number, as bench/run_bench.sh
                  loads eer_digits
  LABELED_IDS     one id per line: the labeled rows (3 per digit)
  RANKING         al_ext's candidates in rank order: id TAB expected_error
  AL_EXT_SECONDS  al_ext's median time for the same call

The reference follows Roy and McCallum as al_ext does: for each candidate x
and class y, weighted by the current model's p(y|x), the mean entropy (log
loss) over the unlabeled rows of the model fit on the labeled rows plus
(x, y); raw pixels.  Twice: with LogisticRegression(C=1, max_iter=1000),
the objective and iteration limit of al_ext's model (al.train_model with
{"max_iter": 1000}), whose ranking is compared with al_ext's; and with
scikit-learn's defaults (max_iter=100), what modAL's users run, for time
only.  scikit-learn runs with its BLAS threads (2 cores here); al_ext runs
in one backend.
"""
import gzip
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression


def mean_entropy(q):
    """Mean over rows of -sum q ln q (0 ln 0 = 0)."""
    with np.errstate(divide='ignore', invalid='ignore'):
        t = np.where(q > 0, q * np.log(q), 0.0)
    return float(-t.sum(axis=1).mean())


def concordance(a, b):
    """Fraction of pairs ordered alike by a and b."""
    same = pairs = 0
    for i in range(len(a)):
        for j in range(i + 1, len(a)):
            pairs += 1
            same += (a[i] - a[j]) * (b[i] - b[j]) > 0
    return same / pairs if pairs else 1.0


def reference(X, y, labeled, pool, cand, max_iter):
    """Expected errors of the candidates by refits from scratch; seconds,
    fits, fits stopped by max_iter, classes."""
    est = LogisticRegression(C=1.0, max_iter=max_iter)
    current = clone(est).fit(X[labeled], y[labeled])
    p = current.predict_proba(X[cand])
    t0 = time.perf_counter()
    ee = np.zeros(len(cand))
    fits = capped = 0
    for i, c in enumerate(cand):
        Xn = np.vstack([X[labeled], X[c]])
        for j, cls in enumerate(current.classes_):
            fit = clone(est).fit(Xn, np.append(y[labeled], cls))
            ee[i] += p[i, j] * mean_entropy(fit.predict_proba(X[pool]))
            fits += 1
            capped += int(fit.n_iter_[0] >= max_iter)
    return ee, time.perf_counter() - t0, fits, capped, len(current.classes_)


def main():
    path, labeled_path, ranking_path, al_seconds = sys.argv[1:5]
    data = np.loadtxt(gzip.open(path, 'rt'), delimiter=',')
    X, y = data[:, :64], data[:, 64].astype(int)
    labeled = sorted(int(line) - 1 for line in open(labeled_path) if line.strip())
    pool = np.setdiff1d(np.arange(len(X)), labeled)
    ranking = [line.split('\t') for line in open(ranking_path) if line.strip()]
    cand = [int(r[0]) - 1 for r in ranking]
    al_ee = np.array([float(r[1]) for r in ranking])

    al_seconds = float(al_seconds)
    warnings.filterwarnings('ignore', category=ConvergenceWarning)
    print(f'== the same digits call with scikit-learn {sklearn.__version__} (modAL\'s method: '
          f'a LogisticRegression(C=1) refit from scratch per candidate and class)')
    for max_iter in (1000, 100):
        ee, seconds, fits, capped, k = reference(X, y, labeled, pool, cand, max_iter)
        print(f'   max_iter={max_iter}: {len(cand)} candidates x {k} classes = {fits} fits '
              f'({capped} stopped by max_iter), each predicting {len(pool)} rows: {seconds:.2f} s; '
              f'al_ext {al_seconds:.2f} s: al_ext {seconds / max(al_seconds, 1e-9):.0f}x faster')
        if max_iter == 1000:
            sk_pick = int(np.argmin(ee))
            print(f'   agreement with max_iter=1000: scikit-learn\'s pick (id {cand[sk_pick] + 1}) is '
                  f'al_ext\'s rank {1 + sk_pick}, al_ext\'s pick (id {cand[0] + 1}) is scikit-learn\'s '
                  f'rank {1 + int(np.sum(ee < ee[0]))}; concordance of the expected errors '
                  f'{concordance(al_ee, ee):.3f}, largest difference {np.max(np.abs(al_ee - ee)):.1e}')


if __name__ == '__main__':
    main()
