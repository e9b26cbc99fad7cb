-- What was published about a consultation outside the team (officers' totals, a vote's result for
-- young people), frozen the first time it is needed after the consultation closes: every count
-- already through the small-number protection. A /deleteme after that removes the person's rows but
-- not what was published, so comparing totals before and after cannot show what they answered.
CREATE TABLE published_results (
    consultation_id TEXT PRIMARY KEY,
    published_on TEXT NOT NULL,             -- the day only
    body TEXT NOT NULL                      -- JSON: see bot/published.py
);
