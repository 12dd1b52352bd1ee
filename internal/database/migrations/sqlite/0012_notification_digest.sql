-- Notes meant for mail are no longer mailed one by one: they wait, marked
-- mail, for the daily digest, which mails each user one message and sets
-- mailed_at in the same transaction that queues that mail (so a repeated
-- digest sends nothing twice).
ALTER TABLE notifications ADD COLUMN mail BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE notifications ADD COLUMN mailed_at TIMESTAMP;
CREATE INDEX notifications_digest ON notifications (user_id, id) WHERE mail AND mailed_at IS NULL;

-- The selection reminders look for returned nominations by their deadline.
CREATE INDEX nominations_returned ON nominations (return_deadline) WHERE state = 'returned';
