-- Retention for every record (bot/lifecycle.py), and a key per purpose (bot/core/privacy.py).

-- The month a young person last used the bot (YYYY-MM-01), so a quiet one's consent and settings
-- can go after QUIET_PARTICIPANT_DAYS. Only the month: it cannot line up their row with an
-- anonymous answer's day. Everyone here now counts as seen this month.
ALTER TABLE participants ADD COLUMN last_seen_month TEXT;
UPDATE participants SET last_seen_month = strftime('%Y-%m-01', 'now');

-- Askers made until now used the master key, which is the responses' alone from here on: marked
-- so a later "yes, contact me" on such an alert is checked with the key it was made with.
UPDATE safeguarding_alerts SET asker = 'v1:' || asker WHERE asker IS NOT NULL;
-- Flood marks live 10 minutes; those made with the old key would match nothing new, so they go.
UPDATE safeguarding_alerts SET sender_mark = NULL;
