
-- ---------------------------------------------------------------------------
-- Expected error reduction (Roy and McCallum 2001) with a stored model
-- ---------------------------------------------------------------------------

-- Reads the model through the store's access checks and the table as the
-- caller; STABLE (it reads models and a table under the snapshot);
-- PARALLEL RESTRICTED (data may be a temporary table, which only the
-- leader can read).
CREATE FUNCTION al.expected_error_reduction(model text, data regclass, id_column name,
                                            features name, label name, options jsonb DEFAULT '{}')
	RETURNS TABLE (item_id text, rank integer, expected_error double precision,
	               reduction double precision, uncertainty double precision)
	AS 'MODULE_PATHNAME', 'al_expected_error_reduction' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION al.expected_error_reduction(text, regclass, name, name, name, jsonb) IS
	'rank the most uncertain unlabeled rows of data (label NULL) by expected error reduction with a single softmax model updated on its labeled rows (rank 1 = label first); options: loss (log | zero_one), candidates (100), sample (1000), steps (20), seed (0), uncertainty (entropy | margin | least_confidence)';
