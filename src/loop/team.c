/*
 * team.c - what a team of annotators needs beyond labels and batches:
 * al.unlabel (withdraw a label; it is kept in al.withdrawn_labels) and
 * al.my_batch (the items an annotator holds, so an application that retries
 * takes no second batch), and the bookkeeping that makes a withdrawal wait
 * for a retrain as a new label does.  See doc/loop.md, "Withdrawn labels"
 * and "An annotator's open batch".
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "batch.h"
#include "identity.h"
#include "learner_acl.h"
#include "probvec.h"
#include "sql_args.h"
#include "team.h"

PG_FUNCTION_INFO_V1(al_unlabel);
PG_FUNCTION_INFO_V1(al_my_batch);

/* Rows of al.my_batch read per block: at most 1,000, and about 8 MB of probvecs. */
#define MY_BATCH_BLOCK_ROWS 1000
#define MY_BATCH_BLOCK_BYTES (8 * 1024 * 1024)

/*
 * The label changes of learner l waiting for a retrain: label rows no
 * training has read (new or changed) and withdrawals no training has run
 * without.  The round retrains when retrain_every of them wait.
 */
int64
learner_changes_waiting(const Learner *l)
{
	return learner_store_int8("SELECT (SELECT pg_catalog.count(*) FROM al.labels "
							  "        WHERE learner_id = $1 AND trained_in IS NULL) "
							  "     + (SELECT pg_catalog.count(*) FROM al.withdrawn_labels "
							  "        WHERE learner_id = $1 AND retrained_in IS NULL)",
							  l->id, 0);
}

/*
 * The serials (bigint[]) of learner l's withdrawals that wait, as the
 * active snapshot sees them.  The round calls it right after reading the
 * labels it trains on, in the same snapshot: exactly these withdrawals are
 * absent from that training.
 */
Datum
learner_withdrawals_read(const Learner *l)
{
	Oid			type = INT8OID;
	Datum		arg = Int64GetDatum(l->id);
	bool		isnull;
	Datum		serials;

	learner_store_exec("SELECT coalesce(pg_catalog.array_agg(serial), '{}') FROM al.withdrawn_labels "
					   "WHERE learner_id = $1 AND retrained_in IS NULL",
					   1, &type, &arg, true, 1);
	serials = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return SPI_datumTransfer(serials, false, -1);
}

/*
 * Record that version's training ran without the withdrawals whose
 * serials (from learner_withdrawals_read) are given: they wait no more.  A
 * withdrawal committed after the training read its labels is not among
 * them, and keeps waiting.
 */
void
learner_mark_withdrawals(const Learner *l, int32 version, Datum serials)
{
	Oid			types[3] = {INT8OID, INT4OID, INT8ARRAYOID};
	Datum		args[3] = {Int64GetDatum(l->id), Int32GetDatum(version), serials};

	learner_store_exec("UPDATE al.withdrawn_labels SET retrained_in = $2 "
					   "WHERE learner_id = $1 AND serial = ANY ($3) AND retrained_in IS NULL",
					   3, types, args, false, 0);
}

/*
 * An item id as al.labels keeps it: read with the learner's id type and
 * printed again (' 007' is 7), as al.label stores the pool's text of it.
 * ERROR (22P02 or 22003) naming the id if it is not a valid id.  The pool
 * itself is not read: a label on an item gone from the pool can still be
 * withdrawn.
 */
static char *
canonical_item(const Learner *l, const char *item)
{
	Datum		value = learner_parse_item(l, item, 0);
	Oid			typoutput;
	bool		isvarlena;

	if (l->id_type == TEXTOID)
		return pstrdup(item);
	getTypeOutputInfo(l->id_type, &typoutput, &isvarlena);
	return OidOutputFunctionCall(typoutput, value);
}

/*
 * Move annotator's label of item from al.labels to al.withdrawn_labels, in
 * one statement, as the store owner.  Returns whether there was one.
 */
static bool
withdraw_label(const Learner *l, const char *item, const char *annotator)
{
	static const char *sql =
		"WITH w AS ("
		"  DELETE FROM al.labels b WHERE b.learner_id = $1 "
		"  AND al.item_key(b.item_id) = al.item_key($2) AND b.item_id = $2 AND b.annotator = $3 "
		"  RETURNING b.item_id, b.annotator, b.label, b.labeled_at, b.recorded_by, b.serial, b.trained_in, "
		"            b.adjudicated) "
		"INSERT INTO al.withdrawn_labels (learner_id, item_id, annotator, label, labeled_at, recorded_by, "
		"                                 label_serial, trained_in, withdrawn_by, adjudicated) "
		"SELECT $1, w.item_id, w.annotator, w.label, w.labeled_at, w.recorded_by, w.serial, w.trained_in, $4, "
		"       w.adjudicated "
		"FROM w";
	Oid			types[4] = {INT8OID, TEXTOID, TEXTOID, TEXTOID};
	Datum		args[4];

	args[0] = Int64GetDatum(l->id);
	args[1] = CStringGetTextDatum(item);
	args[2] = CStringGetTextDatum(annotator);
	args[3] = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));
	learner_store_exec(sql, 4, types, args, false, 0);
	if (SPI_processed == 0)
		return false;
	/*
	 * The item may be open again: to this session's next batches at once, to
	 * the others' once it commits (batch_hint.c).
	 */
	batch_hint_reopened(l->id);
	return true;
}

/*
 * al.unlabel(learner, item_id text, annotator) -> boolean: withdraw the
 * annotator's label of the item (the same rights as al.label: one's own
 * name with the annotate right, any name with the proxy right).  False if
 * there was no such label.
 */
Datum
al_unlabel(PG_FUNCTION_ARGS)
{
	Learner    *l;
	char	   *annotator;
	char	   *item;
	bool		withdrawn;

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 1, "item id");
	al_require_arg(fcinfo, 2, "annotator");
	PreventCommandIfReadOnly("al.unlabel()");
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), LEARNER_ANNOTATE);
	annotator = text_to_cstring(PG_GETARG_TEXT_PP(2));
	learner_require_annotator(l, annotator);
	item = canonical_item(l, text_to_cstring(PG_GETARG_TEXT_PP(1)));
	withdrawn = withdraw_label(l, item, annotator);
	SPI_finish();
	/* (an external-prediction learner's rounds do not follow its labels: labels.c) */
	if (withdrawn && !l->options.predictions)
		learner_wake_worker();
	PG_RETURN_BOOL(withdrawn);
}

/* Put one block of (item_id, score, predicted, probs) rows into the result. */
static void
take_my_batch_block(void *arg)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) arg;
	TupleDesc	desc = SPI_tuptable->tupdesc;
	uint64		r;

	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		Datum		values[4];
		bool		nulls[4];
		int			c;

		for (c = 0; c < 4; c++)
			values[c] = SPI_getbinval(tup, desc, c + 1, &nulls[c]);
		/* the result outlives the rows it came from: no TOAST pointer into al.scores */
		if (!nulls[3])
			values[3] = PointerGetDatum(PG_DETOAST_DATUM(values[3]));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * al.my_batch(learner, annotator) -> setof (item_id, score, predicted,
 * probs): the items annotator holds under a live lease and has not
 * labeled, with their score in the current ranking (NULL for a cold-start
 * lease, or an item the ranking no longer holds), in next_batch's order
 * (rank, then score).  The same rights as al.next_batch.  Read-only: an application calls it first, and
 * al.next_batch only when it is empty, so a retry takes no second batch.
 */
Datum
al_my_batch(PG_FUNCTION_ARGS)
{
	static const char *sql =
		"SELECT x.item_id, s.score, s.predicted, s.probs FROM al.leases x "
		"LEFT JOIN (SELECT DISTINCT ON (r.item_id) r.item_id, r.rank, r.score, r.predicted, r.probs "
		"           FROM al.scores r WHERE r.learner_id = $1 AND r.item_id IN ("
		"             SELECT y.item_id FROM al.leases y WHERE y.learner_id = $1 AND y.annotator = $2 "
		"             AND y.expires_at > pg_catalog.now()) "
		"           ORDER BY r.item_id, r.model_version DESC) s ON s.item_id = x.item_id "
		"WHERE x.learner_id = $1 AND x.annotator = $2 AND x.expires_at > pg_catalog.now() "
		"AND NOT EXISTS (SELECT 1 FROM al.labels b WHERE b.learner_id = $1 "
		"                AND al.item_key(b.item_id) = al.item_key(x.item_id) AND b.item_id = x.item_id "
		"                AND b.annotator = $2) "
		"ORDER BY s.rank, s.score DESC NULLS LAST, x.item_id";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			types[2] = {INT8OID, TEXTOID};
	Datum		args[2];
	Learner    *l;
	char	   *annotator;

	al_require_arg(fcinfo, 0, "learner name");
	al_require_arg(fcinfo, 1, "annotator");
	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	l = learner_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), LEARNER_ANNOTATE);
	annotator = text_to_cstring(PG_GETARG_TEXT_PP(1));
	learner_require_annotator(l, annotator);
	args[0] = Int64GetDatum(l->id);
	args[1] = CStringGetTextDatum(annotator);
	learner_query_blocks(al_store_owner(), sql, 2, types, args, false,
						 Max(1, Min(MY_BATCH_BLOCK_ROWS, MY_BATCH_BLOCK_BYTES / PROBVEC_SIZE(l->k))),
						 take_my_batch_block, rsinfo);
	SPI_finish();
	return (Datum) 0;
}
