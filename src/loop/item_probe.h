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

#endif							/* AL_ITEM_PROBE_H */
