/*
 * select.h - selection kernels: turn a candidate set into an ORDER of picks.
 *
 * Every kernel is greedy: it builds its picks one at a time, so any prefix
 * of the order is the batch of that size.  A kernel works on a candidate set
 * (al_sel_pool: m candidate rows of d float features, optionally l labeled
 * rows, m scores, m probability vectors of c classes), writes the indexes of
 * its first npick picks (0-based positions in the candidate set) to
 * order[0..npick-1], uses only caller-owned buffers (the *_work functions
 * give their size in doubles) and returns a status code.  Ties go to the
 * lowest position; random choices come from al_rng with the caller's seed,
 * so the same input and seed give the same order.  No PostgreSQL header.
 * See doc/selection.md.
 */
#ifndef AL_SELECT_H
#define AL_SELECT_H

#include <stddef.h>
#include <stdint.h>

/* Status codes; al_sel_status_message() gives a lower-case message. */
typedef enum al_sel_status
{
	AL_SEL_OK = 0,
	AL_SEL_NULL_ARG,			/* a required pointer is NULL */
	AL_SEL_BAD_SIZE,			/* m or l < 0, d < 1 (features needed), c < 1 */
	AL_SEL_BAD_K,				/* npick < 0 or npick > m */
	AL_SEL_NONFINITE_X,			/* feature where->col of row where->row */
	AL_SEL_X_TOO_LARGE,			/* a row's squared norm > AL_SEL_MAX_SQNORM */
	AL_SEL_NONFINITE_SCORE,		/* score of row where->row is NaN or infinite */
	AL_SEL_NEGATIVE_SCORE,		/* a score below zero where weights are needed */
	AL_SEL_BAD_PROB,			/* probability not finite or outside [0, 1] */
	AL_SEL_BAD_CLASS,			/* a class index outside 0..nclasses-1 */
	AL_SEL_BAD_PARAM,			/* a parameter out of its range (see kernel) */
	AL_SEL_NO_BLAS,				/* al_blas_load has not succeeded */
	AL_SEL_CANCELLED			/* the tick callback asked to stop */
} al_sel_status;

/* A constant message for a status code (never NULL). */
extern const char *al_sel_status_message(al_sel_status status);

/*
 * Rows whose squared norm exceeds this are refused (AL_SEL_X_TOO_LARGE), so
 * that squared distances and dot products stay finite in float.
 */
#define AL_SEL_MAX_SQNORM 1e30

/*
 * Called once per pick (and per block of long preparations); a nonzero
 * return stops the kernel with AL_SEL_CANCELLED.  It may also longjmp
 * (PostgreSQL's CHECK_FOR_INTERRUPTS): kernels allocate nothing.
 */
typedef int (*al_sel_tick_fn) (void *arg);

/* The candidate set of a selection; fields a kernel does not use are ignored. */
typedef struct al_sel_pool
{
	const float *x;				/* m x d candidate features, row-major */
	int			m;				/* candidates (>= 0) */
	int			d;				/* features per row */
	const float *xl;			/* l x d labeled features (NULL if l = 0) */
	int			l;				/* labeled rows (>= 0) */
	const double *score;		/* m scores, higher = query first (greedy
								 * sampling: the m predictions f(x)) */
	const float *p;				/* m x c class probabilities */
	int			c;				/* classes */
	int64_t		n_unlabeled;	/* ranked batch: |U| before the first pick,
								 * >= m (0 means m) */
	const double *yl;			/* greedy sampling: l observed targets of the
								 * labeled rows (NULL if l = 0) */
	al_sel_tick_fn tick;		/* may be NULL */
	void	   *tick_arg;
} al_sel_pool;

/* Where an input error is (filled by the kernels when not NULL). */
typedef struct al_sel_where
{
	int			row;			/* position in x (or xl when labeled) */
	int			col;			/* feature or class, -1 if not about one */
	int			labeled;		/* 1: row is a row of xl */
} al_sel_where;

/* ---- greedy k-center (core-set; Sener and Savarese 2018) ---- */

/*
 * Each pick is the candidate farthest (euclidean) from the labeled rows
 * and the earlier picks.  With no labeled row the first pick is the
 * candidate nearest the candidates' centroid.  Distances through BLAS
 * (sgemm against the labeled rows, sgemv per pick): O(m (l + npick) d).
 */
extern size_t al_sel_kcenter_work(const al_sel_pool *pool);
extern al_sel_status al_sel_kcenter(const al_sel_pool *pool, int npick,
									int *order, double *work,
									al_sel_where *where);

/* ---- ranked batch (Cardoso et al. 2017; modAL uncertainty_batch_sampling) ---- */

/*
 * Each pick maximizes alpha (1 - s) + (1 - alpha) score, s = 1 / (1 + the
 * euclidean distance to the nearest labeled-or-picked row), alpha = |U| /
 * (|U| + |L|) with |U| the unlabeled rows not yet picked (n_unlabeled - t)
 * and |L| the labeled rows plus the t picks.  With no labeled row the first
 * pick is the candidate nearest the centroid (modAL's cold start takes the
 * medoid).  Same cost as k-center.
 */
extern size_t al_sel_ranked_work(const al_sel_pool *pool);
extern al_sel_status al_sel_ranked_batch(const al_sel_pool *pool, int npick,
										 int *order, double *work,
										 al_sel_where *where);

/* ---- greedy sampling for regression (Wu, Lin and Huang 2019) ---- */

/*
 * GSx is greedy k-center (al_sel_kcenter): the farthest candidate from the
 * labeled rows and the earlier picks, the first one nearest the centroid
 * when nothing is labeled.  GSy and iGS also use the outputs: score[i] is
 * candidate i's prediction f(x_i), yl[j] labeled row j's observed target.
 * A pick joins the reference set with its prediction as its output (the
 * batch form: the picks' labels are not known yet).
 */

/*
 * GSy: each pick maximizes the output distance min over the reference set
 * of |f(x_i) - y_r| (labeled targets, then the picks' predictions).  With
 * no labeled row the first pick is the candidate whose prediction is
 * nearest the mean prediction (GSx's centroid rule in output space).
 * Needs score (and yl), no features.  O((m + l) log l + npick m).
 */
extern size_t al_sel_greedy_y_work(const al_sel_pool *pool);
extern al_sel_status al_sel_greedy_y(const al_sel_pool *pool, int npick,
									 int *order, double *work,
									 al_sel_where *where);

/*
 * iGS (improved greedy sampling): each pick maximizes min over the
 * reference set of ||x_i - x_r|| |f(x_i) - y_r|.  With no labeled row the
 * first pick is the candidate nearest the centroid (GSx's).  Distances
 * through BLAS as k-center's: O(m (l + npick) d).
 */
extern size_t al_sel_igs_work(const al_sel_pool *pool);
extern al_sel_status al_sel_igs(const al_sel_pool *pool, int npick,
								int *order, double *work,
								al_sel_where *where);

/* ---- BADGE (Ash et al. 2020) ---- */

/*
 * k-means++ seeding over the gradient embeddings g_i = a_i (x) b_i, a_i =
 * p_i - e_argmax(p_i), b_i = (x_i, 1), never materialized:
 * ||g_i - g_j||^2 = |a_i|^2 |b_i|^2 + |a_j|^2 |b_j|^2 - 2 (a_i.a_j)(b_i.b_j).
 * The first pick is the largest |g_i|; each later pick is drawn with
 * probability proportional to its squared distance to the nearest pick
 * (uniformly among the rest when all are zero).  O(npick m (d + c)).
 */
extern size_t al_sel_badge_work(const al_sel_pool *pool);
extern al_sel_status al_sel_badge(const al_sel_pool *pool, uint64_t seed,
								  int npick, int *order, double *work,
								  al_sel_where *where);

/*
 * The squared embedding distance of every candidate to candidate `center`
 * (out[m]), with the same code the kernel uses; work: al_sel_badge_work.
 */
extern al_sel_status al_sel_badge_distances(const al_sel_pool *pool,
											int center, double *out,
											double *work);

/* ---- orders by score ---- */

/* Doubles of work for the score-order kernels below over m rows. */
extern size_t al_sel_order_work(int m, int nclasses);

/* The npick highest scores, best first, ties to the lowest position. */
extern al_sel_status al_sel_order_desc(const double *score, int m, int npick,
									   int *order, double *work,
									   al_sel_where *where);

/*
 * Class-balanced top-k: pick r (1-based) is the best remaining row whose
 * class has fewer than ceil(cap r) rows among the first r - 1 picks, so
 * every prefix holds at most ceil(cap r) rows of a class; when only
 * classes at their cap remain, the best remaining row is taken.  cls[i] is
 * row i's class in 0..nclasses-1; cap in (0, 1].  O(m log m + npick c).
 */
extern al_sel_status al_sel_balanced(const double *score, const int *cls,
									 int m, int nclasses, double cap,
									 int npick, int *order, double *work,
									 al_sel_where *where);

/*
 * Epsilon-greedy: each pick is, with probability epsilon (one draw of
 * al_rng seeded with seed per pick), the remaining row of the largest key,
 * else the remaining row of the best score; ties to the lowest position.
 * With key[i] = al_sel_key_uniform(seed, id of row i), independent draws,
 * the largest key among any remaining rows is a uniform draw among them.
 * Only the npick best scores and the npick largest keys can be picked, so
 * a caller may keep just those rows (what lets the SQL aggregate split).
 * epsilon in [0, 1]; keys finite.  O(m log m + npick).
 */
extern al_sel_status al_sel_epsilon_greedy(const double *score,
										   const double *key, int m,
										   double epsilon, uint64_t seed,
										   int npick, int *order,
										   double *work, al_sel_where *where);

/* ---- exploration keys: ORDER BY key DESC is a weighted sample ---- */

/* A 64-bit hash of bytes (text or uuid ids). */
extern uint64_t al_sel_hash_bytes(const void *bytes, size_t len);

/* The uniform draw in (0, 1) of (seed, id): the same for the same pair. */
extern double al_sel_key_uniform(uint64_t seed, uint64_t id);

/*
 * Gumbel-top-k keys: score / temperature + G(seed, id), G standard Gumbel.
 * The rows of the k largest keys are a sample without replacement with
 * probabilities proportional to softmax(score / temperature) (each next
 * pick among the rest, Plackett-Luce).  temperature > 0.
 */
extern al_sel_status al_sel_gumbel_key(double score, double temperature,
									   uint64_t seed, uint64_t id,
									   double *key);

/*
 * The same sampling proportional to score^power: key = power ln(score) +
 * G (-infinity for a zero score; power 0: uniform).  score >= 0, power >= 0.
 */
extern al_sel_status al_sel_gumbel_power_key(double score, double power,
											 uint64_t seed, uint64_t id,
											 double *key);

/* ---- information density (Settles and Craven 2008) ---- */

/* Squared norms of n rows of d floats, in double. */
extern void al_sel_sqnorms(const float *x, int n, int d, double *out);

/*
 * Add x / |x| to sum[d] (nothing for a zero vector).  The mean of these
 * over the n pool rows (divide by n) is the pool's mean direction m, and the
 * mean cosine similarity of x to the pool is x/|x| . m.
 */
extern void al_sel_direction_add(const float *x, int d, double *sum);

/* max(0, x/|x| . dir), 0 for a zero x: cosine density in [0, 1]. */
extern double al_sel_cosine_density(const float *x, int d, const double *dir);

/*
 * Euclidean density of m rows against a sample of s rows (sample norms in
 * sample_sqnorms, see al_sel_sqnorms): out[i] = mean over the sample of
 * 1 / (1 + ||x_i - sample_j||), through BLAS.  work: al_sel_density_work.
 */
extern size_t al_sel_density_work(int m, int s, int d);
extern al_sel_status al_sel_euclidean_density(const float *x, int m, int d,
											  const float *sample, int s,
											  const double *sample_sqnorms,
											  double *out, double *work,
											  al_sel_where *where);

/*
 * score x density^beta: score >= 0 finite, density in [0, 1], beta >= 0
 * finite (0^0 = 1).
 */
extern al_sel_status al_sel_information_density(double score, double density,
												double beta, double *out);

#endif							/* AL_SELECT_H */
