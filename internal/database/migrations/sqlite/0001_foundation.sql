-- The unit tree: an arbitrary hierarchy with validity dates. path is the
-- chain of ids from the root, "/1/7/42/", so a subtree is a prefix match.
CREATE TABLE units (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id   INTEGER REFERENCES units(id),
    path        TEXT NOT NULL COLLATE NOCASE,
    depth       INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    short_name  TEXT NOT NULL DEFAULT '',
    levels      TEXT NOT NULL DEFAULT '',
    valid_from  DATE,
    valid_to    DATE,
    search      TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX units_path ON units(path);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    username             TEXT NOT NULL UNIQUE,
    ho                   TEXT NOT NULL DEFAULT '',
    dem                  TEXT NOT NULL DEFAULT '',
    ten                  TEXT NOT NULL DEFAULT '',
    email                TEXT NOT NULL DEFAULT '',
    phone                TEXT NOT NULL DEFAULT '',
    position             TEXT NOT NULL DEFAULT '',
    unit_id              INTEGER NOT NULL REFERENCES units(id),
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash        TEXT NOT NULL DEFAULT '',
    search               TEXT NOT NULL DEFAULT '',
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    last_login_at        TIMESTAMP
);
CREATE INDEX users_unit ON users(unit_id);

-- roles: a role at a unit applies to its whole subtree; unit_id NULL means
-- the whole system (only the system administrator holds such a role).
CREATE TABLE roles (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    unit_id    INTEGER REFERENCES units(id),
    role       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER
);
CREATE UNIQUE INDEX roles_unique ON roles(user_id, COALESCE(unit_id, 0), role);
CREATE INDEX roles_unit ON roles(unit_id);

-- sessions holds browser sessions (kind web) and API bearer tokens (kind
-- api); only the sha256 of the secret is stored.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    ip       TEXT NOT NULL,
    at       TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_username ON login_failures(username, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);

-- audit_log is hash-chained: hash = sha256(prev_hash + canonical entry).
-- audit_head serialises writers so the chain stays linear.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER,
    actor       TEXT NOT NULL DEFAULT '',
    unit_id     INTEGER,
    unit_path   TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_unit_path ON audit_log(unit_path);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);

CREATE TABLE audit_head (
    id      INTEGER PRIMARY KEY,
    last_id INTEGER NOT NULL,
    hash    TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, hash) VALUES (1, 0, '');

-- files: content-addressed blobs; data is empty when another backend keeps
-- the bytes.
CREATE TABLE files (
    sha256       TEXT PRIMARY KEY,
    size         INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB,
    created_at   TIMESTAMP NOT NULL
);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    run_at       TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    progress     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX jobs_ready ON jobs(status, run_at);

-- outbox keeps every mail; when SMTP is not configured it is the only place
-- mail goes, and admins read it there.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP
);
