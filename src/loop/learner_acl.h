/*
 * learner_acl.h - who may do what with a learner (src/loop/learner_acl.c,
 * doc/security.md).
 */
#ifndef AL_LEARNER_ACL_H
#define AL_LEARNER_ACL_H

#include "learner_api.h"

/* The rights on a learner, each implying those before it. */
typedef enum LearnerRight
{
	LEARNER_VIEW,				/* read status, curve, ranking, labels */
	LEARNER_ANNOTATE,			/* take batches, label, release in one's own name */
	LEARNER_PROXY,				/* the same in any annotator's name */
	LEARNER_OWN					/* alter, retrain, run, drop, grant */
} LearnerRight;

extern bool learner_has_right(const Learner *l, LearnerRight right);
extern void learner_require(const Learner *l, LearnerRight right);
extern void learner_require_annotator(const Learner *l, const char *annotator);
extern char *learner_channel(const Learner *l);

#endif							/* AL_LEARNER_ACL_H */
