-- A vote's count reads each person's latest ballot, and at 100,000 ballots decoding JSON took as
-- long as the count itself. Option ids are lower-case letters, digits and hyphens (never a space),
-- so a ranking is now stored as its ids separated by single spaces ('' for an empty ballot) and
-- read back with one split. (The ids in the ballot's order: group_concat keeps the order of an
-- ordered subquery. The bot wrote every ranking with json.dumps, so each is valid JSON.)
UPDATE ballots SET ranking = coalesce(
    (SELECT group_concat(value, ' ') FROM (SELECT value FROM json_each(ballots.ranking) ORDER BY key)), ''
);

-- With the ranking in the index beside the person and the ballot's order, the count reads the
-- index alone, never the table once per ballot (0.10 s instead of 0.25 s for 100,000 ballots).
-- It serves `has_voted` as before.
DROP INDEX ballots_by_vote;
CREATE INDEX ballots_latest ON ballots (consultation_id, question_id, respondent, id, ranking);

-- The results read a consultation's finished responses: with their status and id in the index,
-- found without reading the table (the figures "N in all, M finished": 0.16 s to 0.015 s at
-- 110,000 responses; every tally a third faster).
CREATE INDEX responses_by_status ON responses (consultation_id, status, id);
