-- the digits as tables (make demo part 2, make bench section curves13): the images, a 30% test
-- set, the pool and the simulated expert's answers.  Needs digits_raw.
CREATE TABLE digits AS
SELECT n AS id, (string_to_array(line, ','))[1:64]::real[] AS pixels, (string_to_array(line, ','))[65] AS digit
FROM digits_raw;
ALTER TABLE digits ADD PRIMARY KEY (id);
-- 30% of the images are a test set the learners never see; the rest is the pool
CREATE TABLE digit_test AS SELECT * FROM digits WHERE hashtextextended(id::text, 42) % 10 IN (0, 1, 2);
CREATE TABLE digit_pool AS SELECT id, pixels FROM digits WHERE id NOT IN (SELECT id FROM digit_test);
ALTER TABLE digit_pool ADD PRIMARY KEY (id);
-- the expert's answers (the simulated expert looks them up)
CREATE TABLE digit_truth AS SELECT id, digit FROM digits WHERE id IN (SELECT id FROM digit_pool);
