-- Exemplar dossiers (hồ sơ điển hình tiên tiến), the people they are about,
-- their immutable submitted versions, the subjects' past commendations and
-- the ways units honoured them.

-- persons: a cá nhân, with or without an account. name_key is the folded
-- full name: the same unit, name_key and birth year mean the same person.
CREATE TABLE persons (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    ho         TEXT NOT NULL DEFAULT '',
    dem        TEXT NOT NULL DEFAULT '',
    ten        TEXT NOT NULL,
    gender     TEXT NOT NULL DEFAULT '',
    birth_year INTEGER NOT NULL DEFAULT 0,
    position   TEXT NOT NULL DEFAULT '',
    student    BOOLEAN NOT NULL DEFAULT FALSE,
    name_key   TEXT NOT NULL,
    search     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX persons_identity ON persons(unit_id, name_key, birth_year);

-- dossiers: the editable draft. criteria and guide are JSON; subject_key
-- names the subject ("person:12", "unit:7", "collective:7:to toan") so the
-- same subject's dossiers and commendations are found together.
CREATE TABLE dossiers (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id            INTEGER NOT NULL REFERENCES units(id),
    subject_kind       TEXT NOT NULL,
    person_id          INTEGER REFERENCES persons(id),
    collective_name    TEXT NOT NULL DEFAULT '',
    collective_unit_id INTEGER REFERENCES units(id),
    subject_key        TEXT NOT NULL,
    category           TEXT NOT NULL,
    title              TEXT NOT NULL DEFAULT '',
    summary            TEXT NOT NULL DEFAULT '',
    criteria           TEXT NOT NULL DEFAULT '[]',
    guide              TEXT NOT NULL DEFAULT '',
    search             TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL DEFAULT 1,
    last_frozen        INTEGER NOT NULL DEFAULT 0,
    created_by         INTEGER NOT NULL DEFAULT 0,
    created_at         TIMESTAMP NOT NULL,
    updated_by         INTEGER NOT NULL DEFAULT 0,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX dossiers_unit ON dossiers(unit_id);
CREATE INDEX dossiers_subject ON dossiers(subject_key);
CREATE INDEX dossiers_person ON dossiers(person_id);

-- dossier_files: evidence files of a draft; criterion '' is general evidence.
CREATE TABLE dossier_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
    criterion    TEXT NOT NULL DEFAULT '',
    sha256       TEXT NOT NULL REFERENCES files(sha256),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    created_by   INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX dossier_files_unique ON dossier_files(dossier_id, criterion, sha256);

-- dossier_versions: what was submitted, frozen. hash is the sha256 of
-- snapshot. Rows are never updated or deleted; the triggers enforce it.
CREATE TABLE dossier_versions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    number     INTEGER NOT NULL,
    snapshot   TEXT NOT NULL,
    hash       TEXT NOT NULL,
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (dossier_id, number)
);
CREATE TRIGGER dossier_versions_no_update BEFORE UPDATE ON dossier_versions
BEGIN
    SELECT RAISE(ABORT, 'dossier versions are immutable');
END;
CREATE TRIGGER dossier_versions_no_delete BEFORE DELETE ON dossier_versions
BEGIN
    SELECT RAISE(ABORT, 'dossier versions are immutable');
END;

-- commendations: past awards of a subject (the achievement profile).
CREATE TABLE commendations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_key     TEXT NOT NULL,
    person_id       INTEGER REFERENCES persons(id),
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    collective_name TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL,
    decision_no     TEXT NOT NULL,
    decided_on      DATE NOT NULL,
    issuer          TEXT NOT NULL,
    created_by      INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX commendations_subject ON commendations(subject_key, decided_on);
CREATE UNIQUE INDEX commendations_unique ON commendations(subject_key, decision_no, title);

-- honours: how a unit honoured an exemplar (tôn vinh, nêu gương).
CREATE TABLE honours (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    form        TEXT NOT NULL,
    honoured_on DATE NOT NULL,
    decision_no TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX honours_dossier ON honours(dossier_id);
