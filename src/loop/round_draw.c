/*
 * round_draw.c - option rescore_sample's draw: which items a round
 * rescores (a seeded hash of the id's text below a fraction, the same in C
 * and in SQL), the fraction a round draws, and the deletion of the drawn
 * rows' old scores before the pass.  The uniform draw also gives strategy
 * 'random' its scores.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "utils/builtins.h"

#include "al_ext.h"
#include "round.h"

/*
 * A deterministic uniform draw in [0, 1) for an item: the top 53 bits of
 * the seeded hash of its text, as pg_catalog.hashtextextended(id::text,
 * seed) computes it in SQL.
 */
static double
item_uniform(const char *item, uint64 seed)
{
	uint64		h = hash_bytes_extended((const unsigned char *) item, strlen(item), seed);

	return (double) (h >> 11) / 9007199254740992.0;
}

/* Whether option rescore_sample's draw takes item (every item when draw->fraction is 0). */
bool
round_item_drawn(const RoundDraw *draw, const char *item)
{
	return draw->fraction <= 0 || item_uniform(item, draw->seed) < draw->fraction;
}

/* Deterministic pseudo-random score in [0, 1) of an item, for 'random'. */
double
round_random_score(const char *item, int seed)
{
	return item_uniform(item, (uint64) seed);
}

/*
 * Option rescore_sample: the seed of the draw of the rows a round with
 * model version `version` rescores (seed + version * 2^32; an item is drawn
 * when item_uniform(item, this seed) < the fraction).
 */
uint64
round_rescore_seed(const Learner *l, int32 version)
{
	return (uint64) l->options.seed + ((uint64) (uint32) version << 32);
}

/*
 * The fraction of the pool a round rescores under option rescore_sample (a
 * row count: that count over the pool's rows), or 0: every row, because
 * the option is off, asks for the whole pool, or there is no earlier
 * ranking with the same selection options to keep rows of (*kept: its row
 * count).
 */
double
round_rescore_fraction(const Learner *l, int64 pool_size, int64 *kept)
{
	double		f = l->options.rescore_sample;
	Oid			types[2] = {INT8OID, TEXTOID};
	Datum		args[2] = {Int64GetDatum(l->id),
	CStringGetTextDatum(learner_selection_text(&l->options, l->strategy))};
	bool		isnull;

	*kept = 0;
	if (f >= 1)
		f = pool_size > 0 ? f / (double) pool_size : 1;
	if (f <= 0 || f >= 1)
		return 0;
	/* rows ranked with other selection options (ranks of another batch) are not kept */
	learner_store_exec("SELECT ranked_rows FROM al.ranking_state WHERE learner_id = $1 AND model_version > 0 "
					   "AND selection OPERATOR(pg_catalog.=) $2",
					   2, types, args, true, 1);
	if (SPI_processed == 0)
		return 0;
	*kept = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	return *kept > 0 ? f : 0;
}

/*
 * The SQL condition that a text expression's item is drawn (item_uniform
 * below the fraction, as round_item_drawn): seed and fraction are SQL
 * expressions of types bigint and double precision (parameters, or
 * literals where the query takes none).  The text is hashed as its bytes
 * (collation "C"), as item_uniform hashes it, whatever the id column's
 * collation.
 */
char *
round_drawn_sql(const char *text_expr, const char *seed, const char *fraction)
{
	return psprintf("((pg_catalog.hashtextextended((%s) COLLATE pg_catalog.\"C\", %s) OPERATOR(pg_catalog.>>) 11 "
					"OPERATOR(pg_catalog.&) 9007199254740991)::pg_catalog.float8 "
					"OPERATOR(pg_catalog./) 9007199254740992 OPERATOR(pg_catalog.<) %s)",
					text_expr, seed, fraction);
}

/*
 * Option rescore_sample, before the pass: delete the learner's rows of
 * al.scores that the round rescores (drawn, by the same formula as
 * item_uniform) and those of items that need no more labels now; the
 * others stay with their scores (and model_version), none of them hot.
 * Returns how many rows stay.
 */
int64
round_delete_drawn(const Learner *l, const RoundDraw *draw, int64 kept)
{
	Oid			types[4] = {INT8OID, INT4OID, INT8OID, FLOAT8OID};
	Datum		args[4] = {Int64GetDatum(l->id), Int32GetDatum(l->options.overlap),
	Int64GetDatum((int64) draw->seed), Float8GetDatum(draw->fraction)};

	learner_store_exec(psprintf("DELETE FROM al.scores WHERE learner_id = $1 AND (%s "
								"OR item_id IN (" LABELED_ITEMS_SQL "))", round_drawn_sql("item_id", "$3", "$4")),
					   4, types, args, false, 0);
	kept -= (int64) SPI_processed;
	learner_store_exec("UPDATE al.scores SET hot = false WHERE learner_id = $1 AND hot",
					   1, types, args, false, 0);
	return Max(kept, 0);
}

