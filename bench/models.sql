-- bench/models.sql: the cases of the models section (issue 3).  Loaded after
-- bench/bench.sql.  Cases 100-117 are timed round-robin (bench/run_bench.sh
-- rr, bench.run_case), 120-122 by bench.measure (serial and 2 workers).
--
-- The fits: al_ext with its defaults (c = 1, tol = 1e-4, max_iter 100) and
-- with scikit-learn's stopping rule {"ftol": 2.220446049250313e-09} (skipped
-- while al.train_model has no such option); scikit-learn 1.2's
-- LogisticRegression(C=1.0, max_iter=1000) (lbfgs, multinomial) on the same
-- rows, timed by bench/sklearn_bench.py around fit() alone.

-- the fit statistics computed by bench/sklearn_bench.py (numpy, float64):
-- objective = sum of cross-entropies + ||W||^2 / 2 (C = 1) at the weights of
-- each fit (al_ext's from al.model_coefficients), training accuracy
CREATE TABLE bench.fit_stats (
	case_id    int PRIMARY KEY,
	model_id   bigint,            -- al_ext's fits: the al.models id of the last run
	iterations int,
	objective  double precision,  -- numpy, the same formula for every fit
	accuracy   double precision,
	note       text
);

-- scikit-learn's weights of its last run of a case (for fit_stats)
CREATE TABLE bench.sk_models (
	case_id    int PRIMARY KEY,
	iterations int,
	coef       double precision[],  -- classes x features, row-major
	intercept  double precision[]
);

INSERT INTO bench.cases (id, section, label, query, ref, parallel, client) VALUES
(100, 'models', 'scan reference: sum(array_length(x, 1)) FROM train100k',
	'SELECT sum(array_length(x, 1)) FROM train100k', 100, false, NULL),
(101, 'models', 'COPY (SELECT x, y FROM train100k) TO ''/dev/null''',
	'COPY (SELECT x, y FROM train100k) TO ''/dev/null''', 100, false, NULL),
(102, 'models', 'al.train_model(''bench'', ''train100k'', ''x'', ''y'')  [defaults]',
	'SELECT al.train_model(''bench'', ''train100k'', ''x'', ''y'')', 100, false, NULL),
(103, 'models', 'al.train_model(..., ''{"ftol": 2.22e-9}'')  [scikit-learn''s stop]',
	'SELECT al.train_model(''bench_ftol'', ''train100k'', ''x'', ''y'', ''{"ftol": 2.220446049250313e-09}'')',
	100, false, NULL),
(104, 'models', 'scikit-learn LogisticRegression(C=1, max_iter=1000).fit',
	'train100k', 100, false, 'sklearn'),

(110, 'models', 'scan reference: sum(array_length(x, 1)) FROM digits',
	'SELECT sum(array_length(x, 1)) FROM digits', 110, false, NULL),
(111, 'models', 'COPY (SELECT x, y FROM digits) TO ''/dev/null''',
	'COPY (SELECT x, y FROM digits) TO ''/dev/null''', 110, false, NULL),
(112, 'models', 'al.train_model(''digits'', ''digits'', ''x'', ''y'')  [defaults]',
	'SELECT al.train_model(''digits'', ''digits'', ''x'', ''y'')', 110, false, NULL),
(113, 'models', 'al_ext {"max_iter": 1000}  [scikit-learn''s budget]',
	'SELECT al.train_model(''digits_1000'', ''digits'', ''x'', ''y'', ''{"max_iter": 1000}'')', 110, false, NULL),
(114, 'models', 'al_ext {"ftol": 2.22e-9, "max_iter": 1000}',
	'SELECT al.train_model(''digits_ftol'', ''digits'', ''x'', ''y'', ''{"ftol": 2.220446049250313e-09, "max_iter": 1000}'')',
	110, false, NULL),
(115, 'models', 'al_ext {"standardize": true}',
	'SELECT al.train_model(''digits_std'', ''digits'', ''x'', ''y'', ''{"standardize": true}'')', 110, false, NULL),
(116, 'models', 'scikit-learn LogisticRegression(C=1, max_iter=1000).fit, unscaled X',
	'digits', 110, false, 'sklearn'),
(117, 'models', 'scikit-learn the same on StandardScaler''d X (info)',
	'digits_scaled', 110, false, 'sklearn');

-- batch prediction over 1,000,000 rows of 64 features (model 'bench': the last
-- 100k fit), as a ratio to the column-reading scan of the same table
INSERT INTO bench.cases (id, section, label, query, ref, requires) VALUES
(120, 'predict', 'scan reference: sum(array_length(x, 1)) FROM mix_1m',
	'SELECT sum(array_length(x, 1)) FROM mix_1m', 120, '{}'),
(121, 'predict', 'sum(al.num_classes(al.predict_proba(''bench'', x))) FROM mix_1m',
	'SELECT sum(al.num_classes(al.predict_proba(''bench'', x))) FROM mix_1m', 120,
	'{"al.predict_proba(text,double precision[])","al.num_classes(al.probvec)"}'),
(122, 'predict', 'max(al.entropy(al.predict_proba(''bench'', x))) FROM mix_1m',
	'SELECT max(al.entropy(al.predict_proba(''bench'', x))) FROM mix_1m', 120,
	'{"al.predict_proba(text,double precision[])","al.entropy(al.probvec)"}');
