# make demo, part 4 (sourced by demo/run_demo.sh after part 2, which loaded
# digits_raw): the loop of a model that lives outside the database, with two
# experts, until a stop rule fires (at most AL_DEMO_LLM_ROUNDS rounds).
LLM_ROUNDS=${AL_DEMO_LLM_ROUNDS:-15}

psql_demo -f - < demo/llm_setup.sql
echo
echo "== two experts label batches of 10 each; after each, the fine-tuning job pulls the new labels"
for round in $(seq 1 "$LLM_ROUNDS"); do
	psql_demo -v round="$round" -f - < demo/llm_round.sql
	printf '.'
	[ "$(digits_q -c "SELECT suggested_stop FROM al.learner_status WHERE learner = 'llm_digits'")" = t ] && break
done
echo
psql_demo -f - < demo/llm_report.sql
