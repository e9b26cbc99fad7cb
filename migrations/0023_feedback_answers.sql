-- A young person may ask for an answer to their feedback. Their chat number is kept only sealed
-- (AES-GCM under a key derived from PSEUDONYM_KEY, which never sits beside the database), so the
-- database alone cannot say who asked, and only until the answer is delivered, they withdraw it
-- (/deleteme), or `expires_on` passes. The answer they get carries one chance to answer back.
-- Ids are never reused (AUTOINCREMENT), and the answer-back button's token also covers `salt`, a
-- random value per request: after a backup is restored, an old button cannot act on a new request.
CREATE TABLE answer_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    salt BLOB NOT NULL,
    sealed_chat BLOB,                 -- NULL once delivered, withdrawn or expired
    expires_on TEXT NOT NULL,         -- YYYY-MM-DD: the seal is deleted after this day
    answer TEXT,                      -- the team's words, once a worker sent them
    answered_by INTEGER,              -- the worker's Telegram id (staff, never a young person)
    answered_at TEXT,
    delivered_on TEXT,                -- the day Telegram took the answer
    undeliverable INTEGER NOT NULL DEFAULT 0,  -- 1: they had blocked the bot, or left
    answer_back TEXT NOT NULL DEFAULT 'none'
        CHECK (answer_back IN ('none', 'open', 'used')),
    answer_back_until TEXT            -- YYYY-MM-DD: the last day the answer back is taken
);

-- Each message of a feedback sent with the request points to it; an answer back points to what
-- it answers.
ALTER TABLE feedback ADD COLUMN answer_request INTEGER REFERENCES answer_requests(id) ON DELETE SET NULL;
ALTER TABLE feedback ADD COLUMN answers_feedback INTEGER REFERENCES feedback(id) ON DELETE SET NULL;
-- The team chat message that shows each item, so it can be kept up to date (an answer delivered).
ALTER TABLE feedback ADD COLUMN team_message INTEGER;
CREATE INDEX feedback_by_request ON feedback (answer_request) WHERE answer_request IS NOT NULL;
CREATE INDEX feedback_answering ON feedback (answers_feedback) WHERE answers_feedback IS NOT NULL;
CREATE INDEX answer_requests_waiting ON answer_requests (id) WHERE sealed_chat IS NOT NULL;
