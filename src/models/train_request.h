/*
 * train_request.h - what a training was asked for (model_train.c), parsed
 * from its options object (model_train_options.c).  Internal to
 * src/models.
 */
#ifndef AL_TRAIN_REQUEST_H
#define AL_TRAIN_REQUEST_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "class_weight.h"
#include "model.h"

/* The options, as bits of TrainRequest.given: which a family takes. */
#define OPT_C			0x001
#define OPT_MAX_ITER	0x002
#define OPT_TOL			0x004
#define OPT_FTOL		0x008
#define OPT_HOLDOUT		0x010
#define OPT_CLASS_WEIGHT 0x020
#define OPT_ALPHA		0x040
#define OPT_CLASSES		0x080
#define OPT_LBFGS		(OPT_C | OPT_MAX_ITER | OPT_TOL | OPT_FTOL)

/* Everything train_model was asked for, with defaults filled in. */
typedef struct TrainRequest
{
	char	   *name;
	int64		learner_id;		/* a learner's round: the learner; 0: al.train_model */
	al_softmax_options opt;
	double		holdout;
	AlClassWeight class_weight;
	ModelFamily family;
	double		alpha;			/* ridge */
	char	  **classes;		/* ovr: the classes option, or NULL */
	int			n_classes;
	int			given;			/* OPT_* bits of the options given */
} TrainRequest;

extern void train_parse_options(TrainRequest *req, Jsonb *options);
extern char *train_options_json(const TrainRequest *req);

#endif							/* AL_TRAIN_REQUEST_H */
