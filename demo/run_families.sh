# make demo, part 5 (sourced by demo/run_demo.sh after part 2, which made
# the digits tables): a regression learner and a multi-label learner on real
# data, each against random sampling, 3 seeds each; the simulated expert
# answers from the truth.
FAMILY_ROUNDS_WINE=${AL_DEMO_WINE_ROUNDS:-12}
FAMILY_ROUNDS_TAGS=${AL_DEMO_TAG_ROUNDS:-15}

tail -n +2 data/wine.csv | psql_demo -c "CREATE TABLE wine_raw (n serial, line text)" \
	-c "\copy wine_raw (line) FROM STDIN"
psql_demo -f - < demo/families_setup.sql
psql_demo -f - < demo/families_learners.sql
echo
echo "== the simulated expert labels $FAMILY_ROUNDS_WINE batches of 5 wines and $FAMILY_ROUNDS_TAGS batches of 10 images per learner"
for learner in $(psql_demo -At -c "SELECT name FROM al.learners WHERE name ~ '^(wine|tags)_' ORDER BY name"); do
	case $learner in wine_*) truth=wine_truth rounds=$FAMILY_ROUNDS_WINE ;; *) truth=tag_truth rounds=$FAMILY_ROUNDS_TAGS ;; esac
	psql_demo -c "CALL expert_rounds('$learner', '$truth', $rounds)" >/dev/null
	printf '.'
done
echo
psql_demo -f - < demo/families_report.sql
