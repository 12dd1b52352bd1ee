-- unique_key makes a job once-only: a periodic task's slot ("digest@2026-12-02T00:00:00Z")
-- or any job that must not be queued twice. Jobs without a key are unaffected.
ALTER TABLE jobs ADD COLUMN unique_key TEXT;
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key) WHERE unique_key IS NOT NULL;
