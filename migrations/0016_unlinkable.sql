-- Nothing in the database file alone may link an anonymous answer to a Telegram id (issue 15).

-- A disclosure's words are kept once, in its alert: an answer that held them says where they went
-- (the same marker as bot/core/engine.py's WITH_THE_TEAM).
CREATE TEMP TABLE disclosed AS
SELECT DISTINCT trim(words) AS words FROM safeguarding_alerts WHERE source = 'answer';
UPDATE answers SET value = '"(sent to the safeguarding team)"'
WHERE value IN (SELECT json_quote(words) FROM disclosed);
UPDATE answers SET value = (  -- one idea among someone's
    SELECT json_group_array(
        CASE WHEN j.value IN (SELECT words FROM disclosed) THEN '(sent to the safeguarding team)'
        ELSE j.value END
    ) FROM json_each(answers.value) AS j
)
WHERE json_type(value) = 'array'
AND EXISTS (SELECT 1 FROM json_each(answers.value) AS j WHERE j.value IN (SELECT words FROM disclosed));
DROP TABLE disclosed;

-- Which response a young person is taking now is marked on the response, found again through
-- their keyed pseudonyms: the consent record no longer names a consultation to join against
-- unfinished responses. Identified responses keep their place; an anonymous one cannot be found
-- without the key, so its young person picks it again from the list (it shows as started).
ALTER TABLE responses ADD COLUMN current INTEGER NOT NULL DEFAULT 0;
UPDATE responses SET current = 1
WHERE status = 'in_progress' AND user_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM participants p
    WHERE p.user_id = responses.user_id AND p.current_consultation = responses.consultation_id
);
ALTER TABLE participants DROP COLUMN current_consultation;
CREATE INDEX responses_current ON responses (respondent) WHERE current = 1;

-- Answers no longer keep the language they were typed in (it matched the consent's language), and
-- answers, photos and reminders no longer keep the order they were written in (a hidden rowid did):
-- stored in key order, an anonymous row cannot be lined up with rows written beside it elsewhere
-- (reminders go out in the order of participants' Telegram ids).
CREATE TABLE answers_unordered (
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    value TEXT,                             -- JSON; NULL when the question was skipped
    answered_at TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id)
) WITHOUT ROWID;
INSERT INTO answers_unordered SELECT response_id, question_id, value, answered_at FROM answers;
DROP TABLE answers;
ALTER TABLE answers_unordered RENAME TO answers;

CREATE TABLE photos_unordered (
    name TEXT PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    received_on TEXT NOT NULL               -- the day only
) WITHOUT ROWID;
INSERT INTO photos_unordered SELECT name, response_id, question_id, received_on FROM photos;
DROP TABLE photos;
ALTER TABLE photos_unordered RENAME TO photos;
CREATE INDEX photos_by_response ON photos (response_id);

CREATE TABLE reminders_unordered (
    consultation_id TEXT NOT NULL,
    respondent TEXT NOT NULL,
    reminded_on TEXT NOT NULL,              -- the day only
    PRIMARY KEY (consultation_id, respondent)
) WITHOUT ROWID;
INSERT INTO reminders_unordered SELECT consultation_id, respondent, reminded_on FROM reminders;
DROP TABLE reminders;
ALTER TABLE reminders_unordered RENAME TO reminders;
