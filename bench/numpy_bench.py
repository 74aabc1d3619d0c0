"""numpy comparison for make bench: export (id, p) of the pool with binary
COPY through psycopg2, then entropy + argpartition top-100 in numpy.

Run with /usr/bin/python3 (Debian's python3-numpy, python3-psycopg2):
    numpy_bench.py SOCKET_DIR PORT
Times are client-side wall clock (time.perf_counter): the export is the whole
COPY into a client buffer, the compute is parsing that buffer + entropy +
top-100.  One warm-up, then the median of 3 runs of each, each run after one
run of the reference scan in the server (bench.time_query), whose median is
the denominator of the ratios.  Results go into
bench.results (cases 90-92, workers = 0) and bench.checks.
"""
import io
import statistics
import sys
import time

import numpy as np
import psycopg2

K = 10                       # classes of the pool
TOP = 100
HEADER = 19                  # PGCOPY signature 11 + flags 4 + extension length 4

# one row of COPY (SELECT id, p FROM pool) TO STDOUT (FORMAT binary):
# int16 field count, int32 length + int8 id, int32 length + al.probvec's
# binary form (int16 classes, int16 0, float4 values); all big-endian
ROW = np.dtype([('nf', '>i2'), ('l1', '>i4'), ('id', '>i8'), ('l2', '>i4'),
                ('dim', '>i2'), ('zero', '>i2'), ('p', '>f4', (K,))])


def export(cur):
    buf = io.BytesIO()
    cur.copy_expert('COPY (SELECT id, p FROM pool) TO STDOUT (FORMAT binary)', buf)
    return buf.getbuffer()


def compute(data):
    n = (len(data) - HEADER - 2) // ROW.itemsize
    if HEADER + n * ROW.itemsize + 2 != len(data):
        raise ValueError('unexpected COPY layout (not all rows have %d classes?)' % K)
    rows = np.frombuffer(data, dtype=ROW, count=n, offset=HEADER)
    if not ((rows['nf'] == 2).all() and (rows['dim'] == K).all()):
        raise ValueError('unexpected COPY layout')
    ids = rows['id'].astype(np.int64)
    p = rows['p'].astype(np.float64)
    with np.errstate(divide='ignore', invalid='ignore'):
        h = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
    cand = np.argpartition(-h, TOP)[:TOP]
    # highest score first, ties by id, as al.top_k orders them
    order = np.lexsort((ids[cand], -h[cand]))
    return ids[cand[order]]


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, 1000 * (time.perf_counter() - t0)


def main():
    host, port = sys.argv[1], sys.argv[2]
    conn = psycopg2.connect(host=host, port=port, user='postgres', dbname='postgres')
    conn.autocommit = True
    cur = conn.cursor()

    scan = 'SELECT sum(array_length(a, 1)) FROM pool_real'
    data = export(cur)                     # warm-up
    compute(data)
    exp_ms, comp_ms, tot_ms, scan_ms = [], [], [], []
    for _ in range(3):
        # the reference scan, in the server, alternating with the runs
        cur.execute('SELECT bench.time_query(%s)', (scan,))
        scan_ms.append(cur.fetchone()[0])
        data, e = timed(export, cur)
        top, c = timed(compute, data)
        exp_ms.append(e)
        comp_ms.append(c)
        tot_ms.append(e + c)

    for case, runs in ((90, exp_ms), (91, comp_ms), (92, tot_ms)):
        cur.execute("""INSERT INTO bench.results (case_id, workers, runs_ms, median_ms,
                                                  ref_runs_ms, ref_median_ms, status)
                       VALUES (%s, 0, %s, %s, %s, %s, 'ok')
                       ON CONFLICT (case_id, workers) DO UPDATE
                       SET runs_ms = excluded.runs_ms, median_ms = excluded.median_ms,
                           ref_runs_ms = excluded.ref_runs_ms,
                           ref_median_ms = excluded.ref_median_ms, status = 'ok'""",
                    (case, runs, statistics.median(runs), scan_ms, statistics.median(scan_ms)))

    # the same 100 ids as the server?
    cur.execute('SELECT bench.missing(%s::text[])',
                (['al.entropy(al.probvec)', 'al.top_k(bigint,double precision,integer)'],))
    miss = cur.fetchone()[0]
    if miss is None:
        cur.execute('SELECT al.top_k(id, al.entropy(p), 100) FROM pool')
        server = cur.fetchone()[0]
        what = 'al.top_k(id, al.entropy(p), 100)'
    else:
        cur.execute("""SELECT array_agg(id) FROM (SELECT id FROM pool_scored
                       ORDER BY score DESC, id LIMIT 100) s""")
        server = cur.fetchone()[0]
        what = 'plain-SQL stored entropy (al.top_k not installed)'
    same_order = list(map(int, top)) == list(server)
    common = len(set(map(int, top)) & set(server))
    cur.execute("""INSERT INTO bench.checks VALUES (%s, %s)
                   ON CONFLICT (label) DO UPDATE SET result = excluded.result""",
                ('numpy entropy top-100 vs ' + what,
                 'same 100 ids in the same order' if same_order else '%d of 100 ids in common' % common))
    print('  numpy: export %.0f ms, compute %.0f ms (medians of 3), %d rows, %.1f MB'
          % (statistics.median(exp_ms), statistics.median(comp_ms),
             (len(data) - HEADER - 2) // ROW.itemsize, len(data) / 1e6), file=sys.stderr)


if __name__ == '__main__':
    main()
