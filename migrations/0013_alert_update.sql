-- The update an alert was raised from, so handling the same update again (after a failure or a
-- restart) finds that alert instead of raising a second one. Not identifying: Telegram numbers
-- updates per bot, and the number says nothing about who sent it.
ALTER TABLE safeguarding_alerts ADD COLUMN update_id INTEGER;
CREATE UNIQUE INDEX safeguarding_alerts_update ON safeguarding_alerts (update_id) WHERE update_id IS NOT NULL;
