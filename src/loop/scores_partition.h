/*
 * scores_partition.h - each learner's ranking in a partition of its own
 * (al.scores is partitioned by learner_id).  See scores_partition.c.
 */
#ifndef AL_SCORES_PARTITION_H
#define AL_SCORES_PARTITION_H

#include "postgres.h"

extern char *scores_partition_name(int64 learner_id);
extern Oid	scores_partition(int64 learner_id);
extern bool scores_partition_drop(int64 learner_id);

#endif							/* AL_SCORES_PARTITION_H */
