-- Adoptions (nhân rộng): a unit applying a published model or good
-- practice: when it started, its plan, check-ins over time with evidence,
-- and the outcome. The portal shows where an exemplar has spread (the
-- adopting units, their start and status), never the plans or notes.
CREATE TABLE adoptions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    publication_id INTEGER NOT NULL REFERENCES publications(id),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    started_on     DATE NOT NULL,
    plan           TEXT NOT NULL,
    status         TEXT NOT NULL,
    progress       INTEGER NOT NULL DEFAULT 0,
    outcome        TEXT NOT NULL DEFAULT '',
    ended_on       DATE,
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     INTEGER,
    created_at     TIMESTAMP NOT NULL,
    updated_by     INTEGER,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (publication_id, unit_id)
);
CREATE INDEX adoptions_unit ON adoptions(unit_id);
CREATE INDEX adoptions_started ON adoptions(started_on);

-- adoption_checkins: progress reports (ngày, mức độ hoàn thành, ghi chú).
CREATE TABLE adoption_checkins (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    adoption_id INTEGER NOT NULL REFERENCES adoptions(id),
    on_date     DATE NOT NULL,
    progress    INTEGER NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX adoption_checkins_adoption ON adoption_checkins(adoption_id, on_date);

-- adoption_files: the plan's file (checkin_id NULL) and check-in evidence.
CREATE TABLE adoption_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    adoption_id  INTEGER NOT NULL REFERENCES adoptions(id),
    checkin_id   INTEGER REFERENCES adoption_checkins(id),
    sha256       TEXT NOT NULL REFERENCES files(sha256),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    created_by   INTEGER,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX adoption_files_adoption ON adoption_files(adoption_id);
