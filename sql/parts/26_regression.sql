
-- ---------------------------------------------------------------------------
-- Regression query scores (higher = query first), over the numbers
-- themselves, so they serve any model: al_ext's ridge committees or
-- predictions an external service wrote.  As the multi-label scores: one
-- public signature over double precision[] and a real[] twin <name>_real
-- that al.real_features_support substitutes for a call on a real[] last
-- argument.  Every value must be finite (22003 naming the first that is
-- not); a committee has at least one member (22023).
-- ---------------------------------------------------------------------------

CREATE FUNCTION al.committee_std(predictions double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_committee_std' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.committee_std_real(predictions real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_committee_std' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.emcm(prediction double precision, member_predictions double precision[], x double precision[])
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_emcm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT al.real_features_support;
CREATE FUNCTION al.emcm_real(prediction double precision, member_predictions double precision[], x real[])
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'score_emcm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION al.committee_std(double precision[]) IS
	'query by committee for regression: the population standard deviation sqrt((1/K) sum_k (f_k - mean)^2) of the K members'' predictions (numpy''s np.std, as modAL and scikit-activeml use)';
COMMENT ON FUNCTION al.committee_std_real(real[]) IS
	'al.committee_std for real[] predictions, read in place; the planner calls it for al.committee_std on a real[] argument';
COMMENT ON FUNCTION al.emcm(double precision, double precision[], double precision[]) IS
	'expected model change maximization (Cai, Zhang and Zhou 2013) of a linear model with bias: (1/K) sum_k ||(f_k(x) - f(x)) (x, 1)|| = ||(x, 1)|| times the mean |f_k(x) - f(x)|, f the main model''s prediction, f_k the K bagged members''; an empty x is valid (||(x, 1)|| = 1)';
COMMENT ON FUNCTION al.emcm_real(double precision, double precision[], real[]) IS
	'al.emcm for real[] features, read in place; the planner calls it for al.emcm on a real[] argument';

-- Greedy sampling for regression (Wu, Lin and Huang 2019), as selection
-- aggregates returning the ids of their picks in order (any prefix is the
-- batch of that size), on the rows and memory bound of al.kcenter
-- (al_ext.selection_max_memory; doc/selection.md).  GSx is greedy k-center
-- itself (the same kernel, under its regression name).  GSy and iGS take a
-- row's prediction and its label: a row whose label is not NULL is labeled
-- (its prediction is not used and may be NULL), the others are the
-- candidates; each pick then counts as a reference row with its prediction
-- as its output.  Like al.kcenter, they need all rows at once and have no
-- combine function: PostgreSQL never splits them across parallel workers,
-- and PARALLEL = SAFE only lets a whole aggregate run inside one worker.
CREATE FUNCTION al.greedy_sampling_x_trans(internal, bigint, double precision[], integer)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'al_greedy_sampling_x_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION al.greedy_sampling_x_trans(internal, bigint, double precision[], integer, boolean)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'al_greedy_sampling_x_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION al.greedy_sampling_x_final(internal) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'al_greedy_sampling_x_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.greedy_sampling_x_trans(internal, bigint, double precision[], integer) IS
	'transition function of al.greedy_sampling_x: checks and keeps the row (all rows unlabeled)';
COMMENT ON FUNCTION al.greedy_sampling_x_trans(internal, bigint, double precision[], integer, boolean) IS
	'transition function of al.greedy_sampling_x: checks and keeps the row, labeled or not';
COMMENT ON FUNCTION al.greedy_sampling_x_final(internal) IS
	'final function of al.greedy_sampling_x: GSx picks (the k-center kernel) over the rows, ids in pick order';

CREATE AGGREGATE al.greedy_sampling_x(id bigint, x double precision[], k integer) (
	SFUNC = al.greedy_sampling_x_trans,
	STYPE = internal,
	FINALFUNC = al.greedy_sampling_x_final,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.greedy_sampling_x(bigint, double precision[], integer) IS
	'GSx (Wu, Lin and Huang 2019), the same picks as al.kcenter: ids of k rows, each the farthest from the earlier picks; the first is the row nearest the centroid';
CREATE AGGREGATE al.greedy_sampling_x(id bigint, x double precision[], k integer, labeled boolean) (
	SFUNC = al.greedy_sampling_x_trans,
	STYPE = internal,
	FINALFUNC = al.greedy_sampling_x_final,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.greedy_sampling_x(bigint, double precision[], integer, boolean) IS
	'GSx (Wu, Lin and Huang 2019), the same picks as al.kcenter: ids of k unlabeled rows, each the farthest from the labeled rows and the earlier picks';

CREATE FUNCTION al.greedy_sampling_y_trans(internal, bigint, double precision, double precision, integer)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'al_greedy_sampling_y_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION al.greedy_sampling_y_final(internal) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'al_greedy_sampling_y_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.greedy_sampling_y_trans(internal, bigint, double precision, double precision, integer) IS
	'transition function of al.greedy_sampling_y: checks and keeps the row (labeled when its label is not null)';
COMMENT ON FUNCTION al.greedy_sampling_y_final(internal) IS
	'final function of al.greedy_sampling_y: GSy picks over the rows, ids in pick order';

CREATE AGGREGATE al.greedy_sampling_y(id bigint, prediction double precision, label double precision, k integer) (
	SFUNC = al.greedy_sampling_y_trans,
	STYPE = internal,
	FINALFUNC = al.greedy_sampling_y_final,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.greedy_sampling_y(bigint, double precision, double precision, integer) IS
	'GSy (Wu, Lin and Huang 2019): ids of k unlabeled rows (label null), each maximizing the smallest |prediction - output| over the labeled rows (their labels) and the earlier picks (their predictions); with no labeled row the first is the row whose prediction is nearest the mean prediction';

CREATE FUNCTION al.improved_greedy_sampling_trans(internal, bigint, double precision[], double precision, double precision, integer)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'al_improved_greedy_sampling_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION al.improved_greedy_sampling_final(internal) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'al_improved_greedy_sampling_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.improved_greedy_sampling_trans(internal, bigint, double precision[], double precision, double precision, integer) IS
	'transition function of al.improved_greedy_sampling: checks and keeps the row (labeled when its label is not null)';
COMMENT ON FUNCTION al.improved_greedy_sampling_final(internal) IS
	'final function of al.improved_greedy_sampling: iGS picks over the rows, ids in pick order';

CREATE AGGREGATE al.improved_greedy_sampling(id bigint, x double precision[], prediction double precision, label double precision, k integer) (
	SFUNC = al.improved_greedy_sampling_trans,
	STYPE = internal,
	FINALFUNC = al.improved_greedy_sampling_final,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.improved_greedy_sampling(bigint, double precision[], double precision, double precision, integer) IS
	'iGS (Wu, Lin and Huang 2019): ids of k unlabeled rows (label null), each maximizing the smallest ||x - x_r|| |prediction - y_r| over the labeled rows (y_r their labels) and the earlier picks (y_r their predictions); with no labeled row the first is the row nearest the centroid';
