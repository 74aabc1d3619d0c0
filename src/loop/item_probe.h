/*
 * item_probe.h - a learner's leases and labels of an item, read from their
 * item indexes (item_probe.c).
 */
#ifndef AL_ITEM_PROBE_H
#define AL_ITEM_PROBE_H

#include "postgres.h"

typedef struct ItemProbe ItemProbe;

/* An item's rows of one learner: all, and the annotator's (labels: or adjudicated). */
typedef struct ItemCounts
{
	int			labels;
	int			labels_mine;
	int			leases;			/* live ones */
	int			leases_mine;
} ItemCounts;

extern ItemProbe *item_probe_begin(void);
extern void item_probe_refresh(ItemProbe *p);
extern void item_probe_end(ItemProbe *p);
extern void item_probe_count(ItemProbe *p, int64 learner, const char *item, const char *annotator,
							 ItemCounts *c);
extern bool item_probe_taken(ItemProbe *p, int64 learner, const char *item);
extern int64 item_probe_end_leases(int64 learner, Datum items, const char *sql, int nargs, Oid *types,
								   Datum *args);

/*
 * The SQL condition that lease x (of al.leases) is one of the rows whose
 * tids (item_probe_end_leases finds them) are the tid[] parameter tids, of
 * learner (a bigint parameter): the statement reads those rows (a TID
 * scan) and checks its own conditions on them.  The learner's condition is
 * wrapped in IS TRUE so that it cannot be an index condition: with
 * statistics that know none of the learner's leases, an index scan on
 * learner_id alone looks cheaper than the TID scan and reads every lease
 * of the learner.
 */
#define LEASE_TIDS_SQL(tids, learner) \
	"x.ctid OPERATOR(pg_catalog.=) ANY (" tids "::pg_catalog.tid[]) " \
	"AND (x.learner_id OPERATOR(pg_catalog.=) " learner ") IS TRUE"

#endif							/* AL_ITEM_PROBE_H */
