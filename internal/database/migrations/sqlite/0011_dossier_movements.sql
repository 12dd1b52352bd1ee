-- A dossier may belong to an emulation movement (and one of its campaigns):
-- the achievement was made in it, the portal filters by it.
ALTER TABLE dossiers ADD COLUMN movement_id INTEGER REFERENCES movements(id);
ALTER TABLE dossiers ADD COLUMN campaign_id INTEGER REFERENCES campaigns(id);
CREATE INDEX dossiers_movement ON dossiers(movement_id);
