"""The loop's latency for make bench (bench/README.md): from the commit of a
batch of labels to the NOTIFY of the new model version.

Run with /usr/bin/python3 (Debian's python3-psycopg2):
    loop_bench.py SOCKET_DIR PORT LEARNER POOL CASE ROUNDS

The background worker of the database must be running.  One connection
LISTENs on al_ext; another is the annotator.  Round 0: the first model (20
labels of the cold-start sample).  Rounds 1..ROUNDS: wait until the worker
sleeps (al.worker_status: wait event Extension), lease a batch of 10
(al.next_batch), label it in one transaction (al.label_many, answers = the
pool's y), t0 = just before COMMIT, t1 = when the notification whose payload
names this learner and a newer version arrives (client wall clock,
time.perf_counter).  After each round, VACUUM al.scores (as autovacuum would
between rounds; not timed here, the breakdown times it).  Each round is
recorded with bench.record(CASE, 0, round, ms, version).
"""
import json
import select
import sys
import time

import psycopg2

TIMEOUT = 300.0


def connect(host, port):
    conn = psycopg2.connect(host=host, port=port, user='postgres', dbname='postgres')
    conn.autocommit = True
    return conn


def one(cur, sql, args=()):
    cur.execute(sql, args)
    return cur.fetchone()[0]


def wait_asleep(cur):
    t0 = time.perf_counter()
    while not one(cur, 'SELECT bench.worker_asleep()'):
        if time.perf_counter() - t0 > TIMEOUT:
            raise SystemExit('the al_ext worker did not go back to sleep within %.0f s' % TIMEOUT)
        time.sleep(0.01)


def wait_version(listen, learner, v0, t_start):
    """Block until a NOTIFY al_ext names learner with a version > v0; returns it."""
    while True:
        left = TIMEOUT - (time.perf_counter() - t_start)
        if left <= 0:
            return None
        if select.select([listen], [], [], left) == ([], [], []):
            continue
        listen.poll()
        while listen.notifies:
            n = listen.notifies.pop(0)
            try:
                p = json.loads(n.payload)
            except ValueError:
                continue
            if p.get('learner') == learner and p.get('version', 0) > v0:
                return p['version']


def label_round(listen, annot, learner, pool, k):
    """Lease and label k items; (ms from COMMIT to NOTIFY, new version) or (None, None)."""
    cur = annot.cursor()
    wait_asleep(cur)
    labels = one(cur, 'SELECT bench.labels_for(%s, %s::regclass, %s)', (learner, pool, k))
    v0 = one(cur, 'SELECT bench.loop_version(%s)', (learner,))
    listen.poll()
    del listen.notifies[:]
    annot.autocommit = False
    cur.execute('SELECT al.label_many(%s, %s::jsonb)', (learner, json.dumps(labels)))
    t0 = time.perf_counter()
    annot.commit()
    v = wait_version(listen, learner, v0, t0)
    t1 = time.perf_counter()
    annot.autocommit = True
    return (1000 * (t1 - t0), v) if v is not None else (None, None)


def main():
    host, port, learner, pool, case, rounds = sys.argv[1:7]
    listen = connect(host, port)
    listen.cursor().execute('LISTEN al_ext')
    annot = connect(host, port)
    cur = annot.cursor()
    for rnd in range(0, int(rounds) + 1):
        ms, v = label_round(listen, annot, learner, pool, 20 if rnd == 0 else 10)
        if ms is None:
            line = one(cur, 'SELECT bench.record(%s, 0, %s, NULL, NULL, %s)',
                       (case, rnd, 'error: no notification within %.0f s' % TIMEOUT))
            print(line, file=sys.stderr)
            sys.exit(1)
        line = one(cur, 'SELECT bench.record(%s, 0, %s, %s, %s, %s)', (case, rnd, ms, str(v), 'ok'))
        print(line + ('   (first model: 20 labels, not in the median)' if rnd == 0 else ''),
              file=sys.stderr)
        wait_asleep(cur)
        cur.execute('VACUUM al.scores')


if __name__ == '__main__':
    main()
