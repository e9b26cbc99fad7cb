-- The language a young person reads (from Telegram's language_code when they agreed, or chosen
-- with /language), and whether they asked for easy-read wording (/easyread).
ALTER TABLE participants ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE participants ADD COLUMN easy_read INTEGER NOT NULL DEFAULT 0;

-- The language a question was shown in when it was answered. Answers themselves are option ids
-- (the same in every language); typed answers are kept as written.
ALTER TABLE answers ADD COLUMN language TEXT;
