-- A young person can withdraw a request to be contacted (from /mydata, by /deleteme, or by "No
-- thanks") while nobody in the team has picked it up. `contact_withdrawn` lets the team's message
-- say so once who they are has gone; `refresh_at` is when the outbox should edit a message already
-- posted that still shows who they are (NULL: nothing to edit).
ALTER TABLE safeguarding_alerts ADD COLUMN contact_withdrawn INTEGER NOT NULL DEFAULT 0;
ALTER TABLE safeguarding_alerts ADD COLUMN refresh_at TEXT;
