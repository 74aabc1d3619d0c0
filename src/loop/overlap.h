/*
 * overlap.h - several annotators per item: the options overlap,
 * label_rule and adjudicator, the training label rule, and the routing of
 * disagreements to adjudicators (overlap.c).  See doc/loop.md, "Overlap and
 * agreement".
 */
#ifndef AL_OVERLAP_H
#define AL_OVERLAP_H

#include "funcapi.h"

#include "learner_api.h"

extern const char *overlap_training_labels_sql(const Learner *l);
extern bool overlap_is_adjudicator(const Learner *l, const char *annotator);
extern void overlap_require_adjudicator(const Learner *l, const char *annotator);
extern int	overlap_disagreements(const Learner *l, const char *annotator, int k, char **items);

#endif							/* AL_OVERLAP_H */
