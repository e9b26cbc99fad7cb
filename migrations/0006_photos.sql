-- Photos young people send as answers. The file (re-encoded, with no metadata) is under the photo
-- folder by this random name; the row ties it to its response, so deleting a response (/deleteme)
-- or an answer (replaced, hidden by a changed answer, retention) finds the file to delete.
CREATE TABLE photos (
    name TEXT PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    received_on TEXT NOT NULL               -- the day only
);
CREATE INDEX photos_by_response ON photos (response_id);

-- Pictures the bot sends (image_choice options): uploaded once, then sent by Telegram's file_id.
-- Keyed by the file's contents too, so a picture replaced under the same name is uploaded afresh.
CREATE TABLE media (
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    file_id TEXT NOT NULL,
    PRIMARY KEY (path, sha256)
);
