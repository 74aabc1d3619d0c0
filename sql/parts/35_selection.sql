
-- ---------------------------------------------------------------------------
-- Selection beyond top-k (doc/selection.md): aggregates that return the ids
-- of their picks in order (any prefix is the batch of that size), density
-- helpers and exploration keys.  The kernels are src/core/select_*.c, the
-- same the learner's round calls.
--
-- al.kcenter, al.ranked_batch and al.badge keep every row they see (state
-- `internal`, memory proportional to the rows and their features) and have
-- no combine function: each kernel needs all rows at once, so PostgreSQL
-- never splits them across parallel workers; PARALLEL = SAFE only lets a
-- whole aggregate run inside one worker (e.g. in a parallel subquery),
-- which is correct.  al.balanced_top_k and al.epsilon_greedy keep only the
-- rows they can pick (at most k per class; the k best scores and the k
-- largest keys) and have combine, serialize and deserialize functions, so
-- they run as Partial/Finalize Aggregate.  Their transition functions
-- check every row and are not strict (NULL inputs get their own errors);
-- the final functions sort the rows in place by id (the same rows, an
-- input-independent order), which later transitions and other final calls
-- accept, so FINALFUNC_MODIFY = READ_ONLY holds for what the state means.
-- ---------------------------------------------------------------------------

CREATE FUNCTION al.kcenter_trans(internal, bigint, double precision[], integer)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'al_kcenter_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION al.kcenter_trans(internal, bigint, double precision[], integer, boolean)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'al_kcenter_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION al.kcenter_final(internal) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'al_kcenter_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.kcenter_trans(internal, bigint, double precision[], integer) IS
	'transition function of al.kcenter: checks and keeps the row (all rows unlabeled)';
COMMENT ON FUNCTION al.kcenter_trans(internal, bigint, double precision[], integer, boolean) IS
	'transition function of al.kcenter: checks and keeps the row, labeled or not';
COMMENT ON FUNCTION al.kcenter_final(internal) IS
	'final function of al.kcenter: greedy k-center picks over the rows, ids in pick order';

CREATE AGGREGATE al.kcenter(id bigint, x double precision[], k integer) (
	SFUNC = al.kcenter_trans,
	STYPE = internal,
	FINALFUNC = al.kcenter_final,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.kcenter(bigint, double precision[], integer) IS
	'greedy k-center (core-set): ids of k rows, each the farthest from the earlier picks; the first is the row nearest the centroid';
CREATE AGGREGATE al.kcenter(id bigint, x double precision[], k integer, labeled boolean) (
	SFUNC = al.kcenter_trans,
	STYPE = internal,
	FINALFUNC = al.kcenter_final,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.kcenter(bigint, double precision[], integer, boolean) IS
	'greedy k-center (core-set): ids of k unlabeled rows, each the farthest from the labeled rows and the earlier picks';

CREATE FUNCTION al.ranked_batch_trans(internal, bigint, double precision[], double precision, integer)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'al_ranked_batch_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION al.ranked_batch_trans(internal, bigint, double precision[], double precision, integer, boolean)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'al_ranked_batch_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION al.ranked_batch_final(internal) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'al_ranked_batch_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.ranked_batch_trans(internal, bigint, double precision[], double precision, integer) IS
	'transition function of al.ranked_batch: checks and keeps the row (all rows unlabeled)';
COMMENT ON FUNCTION al.ranked_batch_trans(internal, bigint, double precision[], double precision, integer, boolean) IS
	'transition function of al.ranked_batch: checks and keeps the row, labeled or not';
COMMENT ON FUNCTION al.ranked_batch_final(internal) IS
	'final function of al.ranked_batch: ranked-batch picks over the rows, ids in pick order';

CREATE AGGREGATE al.ranked_batch(id bigint, x double precision[], score double precision, k integer) (
	SFUNC = al.ranked_batch_trans,
	STYPE = internal,
	FINALFUNC = al.ranked_batch_final,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.ranked_batch(bigint, double precision[], double precision, integer) IS
	'ranked batch (Cardoso et al. 2017, modAL): ids of k rows maximizing alpha (1 - similarity to the picks) + (1 - alpha) score, alpha = |U| / (|U| + |L|)';
CREATE AGGREGATE al.ranked_batch(id bigint, x double precision[], score double precision, k integer, labeled boolean) (
	SFUNC = al.ranked_batch_trans,
	STYPE = internal,
	FINALFUNC = al.ranked_batch_final,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.ranked_batch(bigint, double precision[], double precision, integer, boolean) IS
	'ranked batch (Cardoso et al. 2017, modAL): ids of k unlabeled rows maximizing alpha (1 - similarity to labeled-or-picked) + (1 - alpha) score, alpha = |U| / (|U| + |L|)';

CREATE FUNCTION al.badge_trans(internal, bigint, double precision[], al.probvec, integer, bigint)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'al_badge_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION al.badge_final(internal) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'al_badge_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.badge_trans(internal, bigint, double precision[], al.probvec, integer, bigint) IS
	'transition function of al.badge: checks and keeps the row';
COMMENT ON FUNCTION al.badge_final(internal) IS
	'final function of al.badge: seeded k-means++ picks over the gradient embeddings, ids in pick order';

CREATE AGGREGATE al.badge(id bigint, x double precision[], p al.probvec, k integer, seed bigint) (
	SFUNC = al.badge_trans,
	STYPE = internal,
	FINALFUNC = al.badge_final,
	FINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.badge(bigint, double precision[], al.probvec, integer, bigint) IS
	'BADGE (Ash et al. 2020): ids of k rows by k-means++ seeding over the embeddings (p - e_argmax) (x) (x, 1), seeded';

CREATE FUNCTION al.balanced_top_k_trans(internal, bigint, double precision, al.probvec, integer, double precision)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'al_balanced_top_k_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION al.balanced_top_k_final(internal) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'al_balanced_top_k_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.balanced_top_k_trans(internal, bigint, double precision, al.probvec, integer, double precision) IS
	'transition function of al.balanced_top_k: checks and keeps the row';
COMMENT ON FUNCTION al.balanced_top_k_final(internal) IS
	'final function of al.balanced_top_k: the class-capped top-k order, ids best first';

CREATE FUNCTION al.balanced_top_k_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'al_balanced_top_k_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION al.balanced_top_k_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'al_balanced_top_k_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.balanced_top_k_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'al_balanced_top_k_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.balanced_top_k_combine(internal, internal) IS
	'combine function of al.balanced_top_k: the rows of both partial states, the best k of each class kept';
COMMENT ON FUNCTION al.balanced_top_k_serialize(internal) IS
	'serialize function of al.balanced_top_k: a partial state as bytea, for parallel query';
COMMENT ON FUNCTION al.balanced_top_k_deserialize(bytea, internal) IS
	'deserialize function of al.balanced_top_k: a partial state from its bytea';

CREATE AGGREGATE al.balanced_top_k(id bigint, score double precision, p al.probvec, k integer, class_cap double precision) (
	SFUNC = al.balanced_top_k_trans,
	STYPE = internal,
	FINALFUNC = al.balanced_top_k_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = al.balanced_top_k_combine,
	SERIALFUNC = al.balanced_top_k_serialize,
	DESERIALFUNC = al.balanced_top_k_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.balanced_top_k(bigint, double precision, al.probvec, integer, double precision) IS
	'ids of the k best scores with each predicted class (argmax p) at most ceil(class_cap r) of every prefix of r picks';

CREATE FUNCTION al.epsilon_greedy_trans(internal, bigint, double precision, integer, double precision, bigint)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'al_epsilon_greedy_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION al.epsilon_greedy_final(internal) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'al_epsilon_greedy_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION al.epsilon_greedy_trans(internal, bigint, double precision, integer, double precision, bigint) IS
	'transition function of al.epsilon_greedy: checks and keeps the row';
COMMENT ON FUNCTION al.epsilon_greedy_final(internal) IS
	'final function of al.epsilon_greedy: the seeded epsilon-greedy order, ids in pick order';

CREATE FUNCTION al.epsilon_greedy_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'al_epsilon_greedy_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION al.epsilon_greedy_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'al_epsilon_greedy_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.epsilon_greedy_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'al_epsilon_greedy_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.epsilon_greedy_combine(internal, internal) IS
	'combine function of al.epsilon_greedy: the rows of both partial states, the k best scores and k largest keys kept';
COMMENT ON FUNCTION al.epsilon_greedy_serialize(internal) IS
	'serialize function of al.epsilon_greedy: a partial state as bytea, for parallel query';
COMMENT ON FUNCTION al.epsilon_greedy_deserialize(bytea, internal) IS
	'deserialize function of al.epsilon_greedy: a partial state from its bytea';

CREATE AGGREGATE al.epsilon_greedy(id bigint, score double precision, k integer, epsilon double precision, seed bigint) (
	SFUNC = al.epsilon_greedy_trans,
	STYPE = internal,
	FINALFUNC = al.epsilon_greedy_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = al.epsilon_greedy_combine,
	SERIALFUNC = al.epsilon_greedy_serialize,
	DESERIALFUNC = al.epsilon_greedy_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.epsilon_greedy(bigint, double precision, integer, double precision, bigint) IS
	'ids of k rows, each pick with probability epsilon the row left with the largest key of (seed, id) (a uniform draw), else the best score left; seeded';

-- Information density: al.mean_direction has a plain double precision[]
-- state {row count, sums} and a combine function, so it runs in parallel
-- and travels as text between nodes (like al.consensus).
CREATE FUNCTION al.mean_direction_trans(state double precision[], x double precision[])
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'al_mean_direction_trans' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION al.mean_direction_combine(state1 double precision[], state2 double precision[])
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'al_mean_direction_combine' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION al.mean_direction_final(state double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'al_mean_direction_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.mean_direction_trans(double precision[], double precision[]) IS
	'transition function of al.mean_direction: counts the row and adds x / |x| to the state {count, sums...}; skips NULL rows';
COMMENT ON FUNCTION al.mean_direction_combine(double precision[], double precision[]) IS
	'combine function of al.mean_direction: adds two partial states';
COMMENT ON FUNCTION al.mean_direction_final(double precision[]) IS
	'final function of al.mean_direction: the sums / count';

CREATE AGGREGATE al.mean_direction(x double precision[]) (
	SFUNC = al.mean_direction_trans,
	STYPE = double precision[],
	COMBINEFUNC = al.mean_direction_combine,
	FINALFUNC = al.mean_direction_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE al.mean_direction(double precision[]) IS
	'the mean of x / |x| over the non-NULL rows (zero rows count, adding nothing): the input of al.cosine_density';

CREATE FUNCTION al.cosine_density(x double precision[], direction double precision[])
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_cosine_density' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.cosine_density(double precision[], double precision[]) IS
	'mean cosine similarity of x to the rows whose al.mean_direction is direction, clamped to [0, 1]';

CREATE FUNCTION al.euclidean_density(x double precision[], sample double precision[])
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_euclidean_density' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.euclidean_density(double precision[], double precision[]) IS
	'mean over the rows of sample (a two-dimensional array) of 1 / (1 + euclidean distance to x), in (0, 1]';

CREATE FUNCTION al.information_density(score double precision, density double precision, beta double precision)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_information_density' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.information_density(double precision, double precision, double precision) IS
	'information density (Settles and Craven 2008): score x density^beta, score >= 0, density in [0, 1], beta >= 0';

-- Exploration keys: ORDER BY key DESC LIMIT k samples k rows without
-- replacement (Gumbel-top-k), seeded, the same key for the same row.
CREATE FUNCTION al.gumbel_key(score double precision, temperature double precision, seed bigint, id bigint)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_gumbel_key_bigint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.gumbel_key(score double precision, temperature double precision, seed bigint, id text)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_gumbel_key_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.gumbel_key(score double precision, temperature double precision, seed bigint, id uuid)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_gumbel_key_uuid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.gumbel_key(double precision, double precision, bigint, bigint) IS
	'score / temperature + a Gumbel draw of (seed, id): ORDER BY it DESC samples proportional to softmax(score / temperature)';
COMMENT ON FUNCTION al.gumbel_key(double precision, double precision, bigint, text) IS
	'score / temperature + a Gumbel draw of (seed, id bytes): ORDER BY it DESC samples proportional to softmax(score / temperature)';
COMMENT ON FUNCTION al.gumbel_key(double precision, double precision, bigint, uuid) IS
	'score / temperature + a Gumbel draw of (seed, id): ORDER BY it DESC samples proportional to softmax(score / temperature)';

CREATE FUNCTION al.gumbel_power_key(score double precision, power double precision, seed bigint, id bigint)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_gumbel_power_key_bigint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.gumbel_power_key(score double precision, power double precision, seed bigint, id text)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_gumbel_power_key_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION al.gumbel_power_key(score double precision, power double precision, seed bigint, id uuid)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'al_gumbel_power_key_uuid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION al.gumbel_power_key(double precision, double precision, bigint, bigint) IS
	'power ln(score) + a Gumbel draw of (seed, id): ORDER BY it DESC samples proportional to score^power (score >= 0)';
COMMENT ON FUNCTION al.gumbel_power_key(double precision, double precision, bigint, text) IS
	'power ln(score) + a Gumbel draw of (seed, id bytes): ORDER BY it DESC samples proportional to score^power (score >= 0)';
COMMENT ON FUNCTION al.gumbel_power_key(double precision, double precision, bigint, uuid) IS
	'power ln(score) + a Gumbel draw of (seed, id): ORDER BY it DESC samples proportional to score^power (score >= 0)';
