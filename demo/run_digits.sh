# make demo, part 2 (sourced by demo/run_demo.sh): the loop on the digits
# data, driven the way an application would drive it.  A simulated expert
# labels each batch from the true digits and commits; the background worker
# retrains and republishes; the expert waits for the new version.
ROUNDS=${AL_DEMO_ROUNDS:-30}

digits_q() { psql_demo -tA "$@"; }

zcat data/digits.csv.gz | psql_demo -c "CREATE TABLE digits_raw (n serial, line text)" \
	-c "\copy digits_raw (line) FROM STDIN"
psql_demo -f - < demo/digits_setup.sql
digits_q -c "SELECT al.start_worker()" >/dev/null
echo
echo "== the worker is running; the simulated expert labels $ROUNDS batches of 10 for each of 3 learners"

# wait until learner $1 publishes a version above $2 (at most 60 s)
wait_for_version() {
	local t=0
	while [ "$(digits_q -c "SELECT coalesce(model_version, 0) FROM al.learners WHERE name = '$1'")" -le "$2" ]; do
		sleep 0.02
		t=$((t + 1))
		if [ $t -gt 3000 ]; then
			echo "timed out waiting for $1 version > $2" >&2
			return 1
		fi
	done
	return 0
}

for round in $(seq 1 "$ROUNDS"); do
	for learner in digits_entropy digits_random digits_entropy_holdout; do
		before=$(digits_q -c "SELECT coalesce(model_version, 0) FROM al.learners WHERE name = '$learner'")
		start=$(date +%s.%N)
		psql_demo -v learner="$learner" -f - < demo/digits_round.sql
		wait_for_version "$learner" "$before" || exit 1
		end=$(date +%s.%N)
		digits_q -c "
			INSERT INTO demo_curve
			SELECT l.name, c.labels_used, l.model_version,
			       (SELECT avg(((l.classes)[al.argmax(al.predict_proba(c.model_id, t.pixels))] = t.digit)::int)
			        FROM digit_test t),
			       $end - $start
			FROM al.learners l JOIN al.curve_store c ON c.learner_id = l.id AND c.model_version = l.model_version
			WHERE l.name = '$learner'" >/dev/null
	done
	printf '.'
done
echo
psql_demo -f - < demo/digits_report.sql
psql_demo -f - < demo/digits_backtest.sql
digits_q -c "SELECT al.stop_worker()" >/dev/null
