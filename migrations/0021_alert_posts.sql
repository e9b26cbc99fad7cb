-- Every team message that showed who asked to be contacted (their name, username and id link), one
-- row per alert and message: a reminder posts the group again as a new message, and each of them
-- must lose who they are if the request is withdrawn. A row goes once its message has been edited
-- (or is gone), and with the alert's identity at retention.
CREATE TABLE alert_posts (
    alert_id INTEGER NOT NULL REFERENCES safeguarding_alerts(id),
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (alert_id, chat_id, message_id)
);
-- Messages posted before this table: the group's current one is all that is known.
INSERT INTO alert_posts (alert_id, chat_id, message_id)
SELECT id, team_chat_id, team_message_id FROM safeguarding_alerts
WHERE team_message_id IS NOT NULL
  AND ((wants_contact = 1 AND user_id IS NOT NULL) OR refresh_at IS NOT NULL);
