-- The public exemplar portal (cổng thông tin điển hình tiên tiến).
--
-- publications: an exemplar a selecting unit publishes. content is the
-- editable working copy of what is public (JSON, see portal.Content);
-- consent and the minors check are recorded beside it. Only what a
-- publication puts into portal_entries is ever shown to the public.
CREATE TABLE publications (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id          INTEGER NOT NULL UNIQUE REFERENCES dossiers(id),
    nomination_id       INTEGER NOT NULL REFERENCES nominations(id),
    version_id          INTEGER NOT NULL REFERENCES dossier_versions(id),
    unit_id             INTEGER NOT NULL REFERENCES units(id),
    credited_unit_id    INTEGER NOT NULL REFERENCES units(id),
    status              TEXT NOT NULL,
    content             TEXT NOT NULL,
    involves_minors     BOOLEAN NOT NULL DEFAULT FALSE,
    consent_by          TEXT NOT NULL DEFAULT '',
    consent_capacity    TEXT NOT NULL DEFAULT '',
    consent_on          DATE,
    consent_method      TEXT NOT NULL DEFAULT '',
    consent_scope       TEXT NOT NULL DEFAULT '',
    consent_photos      BOOLEAN NOT NULL DEFAULT FALSE,
    consent_file        TEXT REFERENCES files(sha256),
    consent_file_name   TEXT NOT NULL DEFAULT '',
    consent_recorded_by INTEGER,
    consent_recorded_at TIMESTAMP,
    minors_name         TEXT NOT NULL DEFAULT '',
    minors_photos       BOOLEAN NOT NULL DEFAULT FALSE,
    minors_school       BOOLEAN NOT NULL DEFAULT FALSE,
    minors_checked_by   INTEGER,
    minors_checked_at   TIMESTAMP,
    revision            INTEGER NOT NULL DEFAULT 0,
    dirty               BOOLEAN NOT NULL DEFAULT FALSE,
    featured            BOOLEAN NOT NULL DEFAULT FALSE,
    feature_order       INTEGER NOT NULL DEFAULT 0,
    first_published_at  TIMESTAMP,
    published_at        TIMESTAMP,
    unpublished_at      TIMESTAMP,
    unpublish_reason    TEXT NOT NULL DEFAULT '',
    version             INTEGER NOT NULL DEFAULT 1,
    created_by          INTEGER,
    created_at          TIMESTAMP NOT NULL,
    updated_by          INTEGER,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX publications_unit ON publications(unit_id);
CREATE INDEX publications_nomination ON publications(nomination_id);

-- publication_revisions: each state that went public, as the page showed
-- it. Rows are never updated or deleted; the triggers enforce it.
CREATE TABLE publication_revisions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    publication_id INTEGER NOT NULL REFERENCES publications(id),
    number         INTEGER NOT NULL,
    page           TEXT NOT NULL,
    published_by   INTEGER,
    published_at   TIMESTAMP NOT NULL,
    UNIQUE (publication_id, number)
);
CREATE TRIGGER publication_revisions_no_update BEFORE UPDATE ON publication_revisions
BEGIN
    SELECT RAISE(ABORT, 'publication revisions are immutable');
END;
CREATE TRIGGER publication_revisions_no_delete BEFORE DELETE ON publication_revisions
BEGIN
    SELECT RAISE(ABORT, 'publication revisions are immutable');
END;

-- portal_entries: what the public sees, one row per published exemplar and
-- nothing else: the card of lists and search results here, the whole page
-- in portal_pages. Unpublishing deletes the rows (and the photos and the
-- search index entry), so no public query can reach unpublished data.
-- unit_id is the unit the page credits (a school's parent when the school
-- is not shown).
CREATE TABLE portal_entries (
    publication_id     INTEGER PRIMARY KEY REFERENCES publications(id),
    slug               TEXT NOT NULL,
    title              TEXT NOT NULL,
    title_words        TEXT NOT NULL,
    category           TEXT NOT NULL,
    subject_kind       TEXT NOT NULL,
    excerpt            TEXT NOT NULL,
    cover              TEXT NOT NULL DEFAULT '',
    credit             TEXT NOT NULL,
    unit_id            INTEGER REFERENCES units(id),
    unit_path          TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
    levels             TEXT NOT NULL DEFAULT '',
    year               INTEGER NOT NULL,
    movement_id        INTEGER REFERENCES movements(id),
    featured           BOOLEAN NOT NULL DEFAULT FALSE,
    feature_order      INTEGER NOT NULL DEFAULT 0,
    first_published_at TIMESTAMP NOT NULL,
    published_at       TIMESTAMP NOT NULL,
    revision           INTEGER NOT NULL
);
CREATE INDEX portal_entries_first ON portal_entries(first_published_at);
CREATE INDEX portal_entries_category ON portal_entries(category, first_published_at);
CREATE INDEX portal_entries_featured ON portal_entries(featured, feature_order);
CREATE INDEX portal_entries_unit ON portal_entries(unit_path);

-- portal_pages: the live page of an entry (JSON, see portal.Page).
CREATE TABLE portal_pages (
    publication_id INTEGER PRIMARY KEY REFERENCES portal_entries(publication_id),
    page           TEXT NOT NULL
);

-- portal_photos: the files a live entry shows; the public photo route
-- serves nothing else.
CREATE TABLE portal_photos (
    publication_id INTEGER NOT NULL REFERENCES portal_entries(publication_id),
    sha256         TEXT NOT NULL REFERENCES files(sha256),
    position       INTEGER NOT NULL,
    PRIMARY KEY (publication_id, sha256)
);
CREATE INDEX portal_photos_sha ON portal_photos(sha256);

-- portal_fts: the search index of the live entries (rowid =
-- publication_id): it finds the entries holding every word of a query,
-- and those whose body holds its words as a phrase; the title's words are
-- ranked in Go. The text is folded in Go (viet.Fold, đ → d) and cut to
-- ASCII letters and digits before indexing, so the tokenizer sees plain
-- words and PostgreSQL's 'simple' tsvector sees the same ones.
CREATE VIRTUAL TABLE portal_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');

-- portal_state: the portal-wide generation, bumped in the transaction of
-- every change the public can see; public pages' cache keys and ETags
-- carry it.
CREATE TABLE portal_state (
    id         INTEGER PRIMARY KEY,
    generation INTEGER NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
INSERT INTO portal_state (id, generation, changed_at) VALUES (1, 1, CURRENT_TIMESTAMP);
