"""The loop's latency for make bench (bench/README.md): from the commit of a
batch of labels to the NOTIFY of the new model version.

Run with /usr/bin/python3 (Debian's python3-psycopg2):
    loop_bench.py SOCKET_DIR PORT LEARNER POOL CASE ROUNDS

The background worker of the database must be running.  One connection
LISTENs on al_ext; another is the annotator.  Round 0: the first model (20
labels of the cold-start sample).  Rounds 1..ROUNDS: lease a batch of 10
(al.next_batch), wait until the worker sleeps (al.worker_status: wait event
Extension; polled every 5 ms, so that the commit does not land in one of
its idle passes), label the batch in one transaction (al.label_many,
answers = the pool's y), t0 = just before COMMIT, t1 = when the
notification whose payload names this learner and a newer version arrives
(client wall clock, time.perf_counter).  After each round, VACUUM (ANALYZE)
al.scores, as autovacuum would between rounds (not timed here, the
breakdown times it).  Each round is recorded with bench.record(CASE, 0,
round, ms, version).

Then the idle worker: its CPU time (/proc/PID/stat utime + stime) over
IDLE_S seconds with nothing to do, as CPU milliseconds per second of wall
clock (100 = a tenth of a core), recorded as case CASE + 19.  Each idle pass
re-checks every learner (src/learner_round.c learner_run_round: pool size,
scored rows), every al_ext.naptime.
"""
import json
import os
import select
import sys
import time

import psycopg2

TIMEOUT = 300.0
IDLE_S = 5.0


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
        time.sleep(0.005)


def wait_version(listen, learner, v0, t_start):
    """Block until the learner's channel announces a version > v0; returns it."""
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
    labels = one(cur, 'SELECT bench.labels_for(%s, %s::regclass, %s)', (learner, pool, k))
    v0 = one(cur, 'SELECT bench.loop_version(%s)', (learner,))
    wait_asleep(cur)
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
    # each learner announces new versions on its own channel (al.learners.channel)
    channel = one(listen.cursor(), 'SELECT channel FROM al.learners WHERE name = %s', (learner,))
    listen.cursor().execute('LISTEN "%s"' % channel)
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
        cur.execute('VACUUM (ANALYZE) al.scores')
    idle_cpu(cur, int(case) + 19)


def cpu_ticks(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return int(fields[11]) + int(fields[12])      # utime, stime (fields 14, 15)


def idle_cpu(cur, case):
    wait_asleep(cur)
    pid = one(cur, 'SELECT pid FROM al.worker_status WHERE database = current_database()')
    try:
        c0, t0 = cpu_ticks(pid), time.perf_counter()
        time.sleep(IDLE_S)
        c1, t1 = cpu_ticks(pid), time.perf_counter()
    except OSError as e:
        line = one(cur, 'SELECT bench.record(%s, 0, 1, NULL, NULL, %s)', (case, 'skipped: %s' % e))
    else:
        per_s = 1000.0 * (c1 - c0) / os.sysconf('SC_CLK_TCK') / (t1 - t0)
        line = one(cur, 'SELECT bench.record(%s, 0, 1, %s, NULL, %s)', (case, per_s, 'ok'))
    print(line + '   (idle worker: CPU ms per second)', file=sys.stderr)


if __name__ == '__main__':
    main()
