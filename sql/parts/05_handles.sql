
-- The column type of every handle (src/handle.c: a view al."model 17" whose
-- owner owns the model): the handles depend on the extension through it,
-- so DROP EXTENSION refuses while learners or models exist and drops them
-- with CASCADE.
CREATE DOMAIN al.handle_id AS bigint;
COMMENT ON DOMAIN al.handle_id IS 'the id a handle (a view owning an al_ext learner or model) stands for';
