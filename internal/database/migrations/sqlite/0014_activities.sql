-- Propaganda activities (hoạt động tuyên truyền): what a unit did (or plans
-- to do) to publicise the emulation movements and the exemplars, in which
-- form, for how many people, with whom, and the evidence of it.

-- activities: held_on is the (first) day, in Vietnam's calendar; starts_at
-- and ends_at are "HH:MM" or ''; ends_on is the last day of an activity that
-- spans several. An activity dated after today is planned (kế hoạch),
-- otherwise held. links is a JSON array of http(s) URLs; search is the
-- folded title, form, partners and description (viet.Fold). public is the
-- officer's or leader's decision that the activity may appear on the public
-- portal.
CREATE TABLE activities (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    held_on      DATE NOT NULL,
    starts_at    TEXT NOT NULL DEFAULT '',
    ends_on      DATE,
    ends_at      TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL,
    form         TEXT NOT NULL,
    form_other   TEXT NOT NULL DEFAULT '',
    participants INTEGER NOT NULL DEFAULT 0,
    reach        INTEGER NOT NULL DEFAULT 0,
    partners     TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    links        TEXT NOT NULL DEFAULT '[]',
    public       BOOLEAN NOT NULL DEFAULT FALSE,
    search       TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    updated_by   INTEGER NOT NULL DEFAULT 0,
    updated_at   TIMESTAMP NOT NULL
);
-- A small subtree's activities in a period (the unit ids come from
-- units.path), with or without one form; the newest first across the
-- province, with or without one form (and each form's count there); the
-- public portal's recent ones.
CREATE INDEX activities_unit_day ON activities(unit_id, held_on, form);
CREATE INDEX activities_unit_form_day ON activities(unit_id, form, held_on);
CREATE INDEX activities_day ON activities(held_on, id);
CREATE INDEX activities_form_day ON activities(form, held_on, id);
CREATE INDEX activities_public ON activities(held_on) WHERE public;

-- activities_fts: the folded search text indexed by word (the lists match
-- each word of a search as a prefix), kept by triggers.
CREATE VIRTUAL TABLE activities_fts USING fts5(search, content='activities', content_rowid='id');
CREATE TRIGGER activities_fts_insert AFTER INSERT ON activities
BEGIN
    INSERT INTO activities_fts (rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER activities_fts_delete AFTER DELETE ON activities
BEGIN
    INSERT INTO activities_fts (activities_fts, rowid, search) VALUES ('delete', old.id, old.search);
END;
CREATE TRIGGER activities_fts_update AFTER UPDATE OF search ON activities
BEGIN
    INSERT INTO activities_fts (activities_fts, rowid, search) VALUES ('delete', old.id, old.search);
    INSERT INTO activities_fts (rowid, search) VALUES (new.id, new.search);
END;

-- activity_day_counts: how many activities of each form each day holds,
-- over all units, kept by the store in the transaction of every change.
-- Counting a department's list by form is then a sum over (form, day)
-- rows, however many schools log activities.
CREATE TABLE activity_day_counts (
    form    TEXT NOT NULL,
    held_on DATE NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (form, held_on)
);

-- Links to movements, campaigns and exemplar dossiers. A campaign's movement
-- is always linked too. unit_id is the activity's (which never changes), so
-- that a ward's activities of a movement are found without reading every
-- activity of the movement.
CREATE TABLE activity_movements (
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    movement_id INTEGER NOT NULL REFERENCES movements(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (activity_id, movement_id)
);
CREATE INDEX activity_movements_movement ON activity_movements(movement_id, unit_id, activity_id);

CREATE TABLE activity_campaigns (
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (activity_id, campaign_id)
);
CREATE INDEX activity_campaigns_campaign ON activity_campaigns(campaign_id, unit_id, activity_id);

CREATE TABLE activity_dossiers (
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    PRIMARY KEY (activity_id, dossier_id)
);
CREATE INDEX activity_dossiers_dossier ON activity_dossiers(dossier_id, activity_id);

-- activity_files: evidence files (images, PDF, DOCX, XLSX) in the file store.
CREATE TABLE activity_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id  INTEGER NOT NULL REFERENCES activities(id),
    sha256       TEXT NOT NULL REFERENCES files(sha256),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    created_by   INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (activity_id, sha256)
);
CREATE INDEX activity_files_sha ON activity_files(sha256);

-- activity_thumbnails: the thumbnail made (by a background job) of an
-- uploaded image, keyed by the image's sha256 since files are stored by
-- content. status is 'ready' (thumb_sha256 set) or 'failed' (error says why:
-- an image that cannot be decoded, or too large to decode safely).
CREATE TABLE activity_thumbnails (
    sha256       TEXT PRIMARY KEY REFERENCES files(sha256),
    thumb_sha256 TEXT REFERENCES files(sha256),
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL,
    error        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);

-- activity_exports: an XLSX export of a filtered list, made by a background
-- job for the user who asked and downloadable by that user only. filter_json is
-- the JSON of the filter; title the description printed in the file.
CREATE TABLE activity_exports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    filter_json TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    progress    INTEGER NOT NULL DEFAULT 0,
    total       INTEGER NOT NULL DEFAULT 0,
    row_count   INTEGER NOT NULL DEFAULT 0,
    file_sha256 TEXT REFERENCES files(sha256),
    file_name   TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    job_id      INTEGER,
    created_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX activity_exports_user ON activity_exports(user_id, id);
