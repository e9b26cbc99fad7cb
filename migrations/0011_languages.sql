-- How a young person reads: the language (from Telegram's language_code when they agreed, or
-- chosen with /language), easy-read wording (/easyread), and voice notes with questions (/listen).
ALTER TABLE participants ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE participants ADD COLUMN easy_read INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN listen INTEGER NOT NULL DEFAULT 0;

-- The language a question was shown in when it was answered. Answers themselves are option ids
-- (the same in every language); typed answers are kept as written.
ALTER TABLE answers ADD COLUMN language TEXT;

-- Voice notes a worker recorded for a question in chat (replying to it in /preview), one per
-- question and language; Telegram keeps the audio, we keep its file_id, and a digest of the words
-- it reads out, so a reworded question is never read out the old way.
CREATE TABLE recordings (
    consultation_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    language TEXT NOT NULL,
    file_id TEXT NOT NULL,
    wording_sha256 TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (consultation_id, question_id, language, wording_sha256)  -- standard and easy read
);
