-- A possible concern from someone who has consented keeps a keyed mark of its sender (their
-- Telegram id under its own key, scoped to the item), not the id: an anonymous answer waiting for a
-- decision holds the same words, so the id beside them would name who wrote it. Acting on the item
-- finds the sender by making the mark for each participant. A message sent before consent keeps
-- `user_id`: nothing else about its sender is stored to link it to.
-- Items stored before this keep their id (SQL has no key to mark them): the 14-day tidy clears it.
ALTER TABLE possible_concerns ADD COLUMN sender_mark TEXT;
