-- runs_rounds marks the units that hold selection rounds (đợt xét chọn): a
-- dossier goes up to the nearest ancestor with the flag set, so the route is
-- read from the tree, never from fixed levels.
ALTER TABLE units ADD COLUMN runs_rounds BOOLEAN NOT NULL DEFAULT FALSE;
