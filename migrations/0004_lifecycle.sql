-- A consultation's final results are posted to the team once, when it closes.
CREATE TABLE closings (
    consultation_id TEXT PRIMARY KEY,
    posted_at TEXT NOT NULL
);

-- At most one reminder per unfinished response. Keyed by the response's respondent pseudonym, not
-- by Telegram id, so it links nobody to an anonymous response.
CREATE TABLE reminders (
    consultation_id TEXT NOT NULL,
    respondent TEXT NOT NULL,
    reminded_on TEXT NOT NULL,              -- the day only
    PRIMARY KEY (consultation_id, respondent)
);
