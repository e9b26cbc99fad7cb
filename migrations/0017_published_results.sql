-- What was published about a consultation outside the team (officers' totals, a vote's result for
-- young people), frozen when it closes (the lifecycle job, or the first reader, whichever comes
-- first): every count already through the small-number protection. A /deleteme after that removes
-- the person's rows but not what was published, so comparing totals before and after cannot show
-- what they answered. A worker moving the closing date later reopens it: the next close freezes anew.
CREATE TABLE published_results (
    consultation_id TEXT PRIMARY KEY,
    closed_at TEXT NOT NULL,                -- the closing moment it was frozen for
    published_on TEXT NOT NULL,             -- the day only
    body TEXT NOT NULL                      -- JSON: see bot/published.py
);
