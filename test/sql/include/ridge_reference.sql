-- The closed-form reference of ridge regression, shared by the regression
-- files ridge.sql and model_families.sql (each runs it with \i: pg_temp
-- functions live as long as the session of one file).
-- Solve m theta = r (p x p) by Gaussian elimination with partial pivoting,
-- in numeric: 60 decimals after the point at every step, so the reference
-- is exact far beyond double precision however ill-conditioned.
CREATE FUNCTION pg_temp.gauss(m numeric[], r numeric[]) RETURNS numeric[] LANGUAGE plpgsql AS $$
DECLARE
	p int := array_length(r, 1);
	best int;
	t numeric;
	f numeric;
	s numeric;
BEGIN
	FOR c IN 1 .. p LOOP
		best := c;
		FOR i IN c + 1 .. p LOOP
			IF abs(m[i][c]) > abs(m[best][c]) THEN best := i; END IF;
		END LOOP;
		FOR j IN 1 .. p LOOP
			t := m[c][j]; m[c][j] := m[best][j]; m[best][j] := t;
		END LOOP;
		t := r[c]; r[c] := r[best]; r[best] := t;
		FOR i IN c + 1 .. p LOOP
			f := round(m[i][c] / m[c][c], 60);
			FOR j IN c .. p LOOP
				m[i][j] := round(m[i][j] - f * m[c][j], 60);
			END LOOP;
			r[i] := round(r[i] - f * r[c], 60);
		END LOOP;
	END LOOP;
	FOR i IN REVERSE p .. 1 LOOP
		s := r[i];
		FOR j IN i + 1 .. p LOOP
			s := round(s - m[i][j] * r[j], 60);
		END LOOP;
		r[i] := round(s / m[i][i], 60);
	END LOOP;
	RETURN r;
END $$;

-- The reference fit of the rows (x float8[], y) of query q: the normal
-- equations of [z 1], z = x or x standardized, alpha added to the feature
-- diagonal, summed and solved in numeric (a double becomes numeric through
-- its shortest round-trip text: the cast float8::numeric keeps 15 digits);
-- returns coef || intercept in the original units.
CREATE FUNCTION pg_temp.ref_ridge(q text, alpha float8, standardize bool) RETURNS float8[] LANGUAGE plpgsql AS $$
DECLARE
	d int;
	mu numeric[];
	sd numeric[];
	m numeric[];
	r numeric[];
	theta numeric[];
	b numeric;
BEGIN
	EXECUTE format('SELECT max(cardinality(x)) FROM (%s) s', q) INTO d;
	-- means and population standard deviations, exact (sqrt to 40 digits)
	EXECUTE format('SELECT array_agg(mu ORDER BY j), array_agg(CASE WHEN $1 AND var > 0 THEN round(sqrt(var + 0.0000000000000000000000000000000000000000), 40) ELSE 1 END ORDER BY j) FROM ('
				   'SELECT j, avg(x[j]::text::numeric) AS mu, var_pop(x[j]::text::numeric) AS var '
				   'FROM (%s) s, generate_series(1, $2) j GROUP BY j) t', q)
		INTO mu, sd USING standardize, d;
	IF NOT standardize THEN mu := array_fill(0::numeric, ARRAY[d]); END IF;
	-- z_j = (x_j - mu_j) / sd_j for j <= d, z_(d+1) = 1
	EXECUTE format('WITH z AS (SELECT y::text::numeric AS y, ARRAY(SELECT round((x[j]::text::numeric - $1[j]) / $2[j], 40) FROM generate_series(1, $3) j) || 1::numeric AS z FROM (%s) s) '
				   'SELECT array_agg(mrow ORDER BY j), array_agg(rj ORDER BY j) FROM ('
				   'SELECT j, ARRAY(SELECT sum(z[j] * z[k]) + CASE WHEN j = k AND j <= $3 THEN $4::text::numeric ELSE 0 END FROM z, generate_series(1, $3 + 1) k GROUP BY k ORDER BY k) AS mrow, '
				   '(SELECT sum(z[j] * y) FROM z) AS rj FROM generate_series(1, $3 + 1) j) t', q)
		INTO m, r USING mu, sd, d, alpha;
	theta := pg_temp.gauss(m, r);
	b := theta[d + 1];
	FOR j IN 1 .. d LOOP
		theta[j] := theta[j] / sd[j];
		b := b - theta[j] * mu[j];
	END LOOP;
	RETURN (theta[1:d] || b)::float8[];
END $$;

-- the largest difference between a fit and a reference, relative to
-- max(1, |reference|)
CREATE FUNCTION pg_temp.rel_diff(coef float8[], intercept float8, ref float8[]) RETURNS float8 LANGUAGE sql AS $$
	SELECT max(abs(v - ref[i]) / greatest(1, abs(ref[i])))
	FROM unnest(coef || intercept) WITH ORDINALITY u(v, i)
$$;
