-- Floods: alerts from one young person close together go to the team as one message (the lead's),
-- each still its own row.
-- `sender_mark` is a keyed pseudonym of the young person (one purpose, the Safeguarding key), kept
-- only on a lead and only for the flood window, so the next alert can find the lead; the outbox's
-- tidy clears it after that, so it links nothing for longer. `lead_id` is the alert whose message
-- this one joined (NULL on a lead).
ALTER TABLE safeguarding_alerts ADD COLUMN sender_mark TEXT;
ALTER TABLE safeguarding_alerts ADD COLUMN lead_id INTEGER REFERENCES safeguarding_alerts(id);
CREATE INDEX safeguarding_alerts_sender ON safeguarding_alerts (sender_mark) WHERE sender_mark IS NOT NULL;
CREATE INDEX safeguarding_alerts_lead ON safeguarding_alerts (lead_id) WHERE lead_id IS NOT NULL;
