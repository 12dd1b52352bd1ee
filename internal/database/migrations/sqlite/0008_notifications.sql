-- notifications: what thidua tells a user in the app (the bell and its page);
-- mail, when the user has an address, goes out through the jobs table too.
-- dedupe_key keeps a reminder from being sent twice to the same user.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    unit_id    INTEGER REFERENCES units(id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    url        TEXT NOT NULL DEFAULT '',
    dedupe_key TEXT,
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);
CREATE UNIQUE INDEX notifications_dedupe ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
