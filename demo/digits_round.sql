-- one round of the simulated expert for learner :'learner': take a batch,
-- answer it from the truth table, in one transaction (the commit wakes the worker)
\set QUIET on
SELECT al.label_many(:'learner', jsonb_agg(jsonb_build_object('item', b.item_id, 'label', t.digit)))
FROM al.next_batch(:'learner') b JOIN digit_truth t ON t.id = b.item_id::bigint \gset
