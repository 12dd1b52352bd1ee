-- Rubric presets: the scoring criteria in force for a period (rules change
-- with the decrees); a new round copies its unit's previous rubric, or the
-- preset in force on its opening day.
CREATE TABLE rubric_presets (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    valid_from DATE,
    valid_to   DATE,
    items      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- rounds: a reviewing unit's selection window (đợt xét chọn).
CREATE TABLE rounds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    name         TEXT NOT NULL,
    submit_from  TIMESTAMP NOT NULL,
    submit_until TIMESTAMP NOT NULL,
    review_until TIMESTAMP NOT NULL,
    rubric       TEXT NOT NULL,
    quota        INTEGER NOT NULL DEFAULT 0,
    council      TEXT NOT NULL,
    status       TEXT NOT NULL,
    released_at  TIMESTAMP,
    released_by  INTEGER,
    minutes      TEXT NOT NULL DEFAULT '',
    created_by   INTEGER,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX rounds_unit ON rounds(unit_id, submit_until);

-- nominations: one dossier's passage through one round.
CREATE TABLE nominations (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id           INTEGER NOT NULL REFERENCES rounds(id),
    dossier_id         INTEGER NOT NULL REFERENCES dossiers(id),
    version_id         INTEGER REFERENCES dossier_versions(id),
    subject_key        TEXT NOT NULL,
    subject_name       TEXT NOT NULL,
    title              TEXT NOT NULL,
    category           TEXT NOT NULL,
    dossier_unit_id    INTEGER NOT NULL REFERENCES units(id),
    submitting_unit_id INTEGER NOT NULL REFERENCES units(id),
    state              TEXT NOT NULL,
    late               BOOLEAN NOT NULL DEFAULT FALSE,
    warnings           TEXT NOT NULL DEFAULT '',
    decision           TEXT NOT NULL DEFAULT '',
    votes_for          INTEGER NOT NULL DEFAULT 0,
    votes_against      INTEGER NOT NULL DEFAULT 0,
    absent_for         INTEGER NOT NULL DEFAULT 0,
    absent_against     INTEGER NOT NULL DEFAULT 0,
    decision_note      TEXT NOT NULL DEFAULT '',
    return_deadline    DATE,
    decided_at         TIMESTAMP,
    decided_by         INTEGER,
    forwarded_from_id  INTEGER REFERENCES nominations(id),
    forwarded_to_id    INTEGER REFERENCES nominations(id),
    carried_from_id    INTEGER REFERENCES nominations(id),
    submitted_at       TIMESTAMP,
    submitted_by       INTEGER,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    UNIQUE (round_id, dossier_id)
);
CREATE INDEX nominations_round_state ON nominations(round_id, state);
CREATE INDEX nominations_submitting ON nominations(submitting_unit_id);
CREATE INDEX nominations_subject ON nominations(subject_key);

CREATE TABLE nomination_reviewers (
    nomination_id INTEGER NOT NULL REFERENCES nominations(id),
    user_id       INTEGER NOT NULL REFERENCES users(id),
    assigned_at   TIMESTAMP NOT NULL,
    assigned_by   INTEGER,
    PRIMARY KEY (nomination_id, user_id)
);
CREATE INDEX nomination_reviewers_user ON nomination_reviewers(user_id);

-- scores attach to the dossier version they judged, so earlier scores stay
-- readable after a revision.
CREATE TABLE scores (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    nomination_id INTEGER NOT NULL REFERENCES nominations(id),
    version_id    INTEGER NOT NULL REFERENCES dossier_versions(id),
    reviewer_id   INTEGER NOT NULL REFERENCES users(id),
    items         TEXT NOT NULL,
    total         REAL NOT NULL,
    comment       TEXT NOT NULL DEFAULT '',
    submitted_at  TIMESTAMP NOT NULL,
    UNIQUE (nomination_id, version_id, reviewer_id)
);

-- nomination_events is the history of every transition, never rewritten.
CREATE TABLE nomination_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    nomination_id INTEGER NOT NULL REFERENCES nominations(id),
    at            TIMESTAMP NOT NULL,
    actor_id      INTEGER,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    from_state    TEXT NOT NULL,
    to_state      TEXT NOT NULL,
    version_id    INTEGER,
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX nomination_events_nomination ON nomination_events(nomination_id, id);

-- Default rubrics, one per period; units adjust them per round. Weights sum
-- to 100; each item is scored from 0 to max.
INSERT INTO rubric_presets (name, valid_from, valid_to, items, created_at) VALUES
('Bộ tiêu chí chấm điểm điển hình tiên tiến (giai đoạn 2020 – 30/6/2025)', NULL, '2025-06-30',
 '[{"key":"chap_hanh","label":"Gương mẫu chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà nước","weight":15,"max":10},{"key":"thanh_tich","label":"Thành tích xuất sắc, tiêu biểu trong quản lý, giảng dạy, học tập, công tác","weight":35,"max":10},{"key":"sang_tao","label":"Sáng tạo, sáng kiến, đổi mới phương pháp, ứng dụng khoa học công nghệ","weight":20,"max":10},{"key":"lan_toa","label":"Khả năng lan tỏa, nhân rộng","weight":15,"max":10},{"key":"nhan_ai","label":"Tương thân tương ái, người tốt việc tốt, hoạt động xã hội, từ thiện","weight":15,"max":10}]',
 CURRENT_TIMESTAMP),
('Bộ tiêu chí chấm điểm điển hình tiên tiến (từ 01/7/2025)', '2025-07-01', NULL,
 '[{"key":"chap_hanh","label":"Gương mẫu chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà nước","weight":15,"max":10},{"key":"thanh_tich","label":"Thành tích xuất sắc, tiêu biểu trong quản lý, giảng dạy, học tập, công tác","weight":30,"max":10},{"key":"sang_tao","label":"Sáng tạo, sáng kiến, chuyển đổi số, ứng dụng khoa học công nghệ","weight":20,"max":10},{"key":"lan_toa","label":"Khả năng lan tỏa, nhân rộng mô hình, cách làm","weight":20,"max":10},{"key":"nhan_ai","label":"Tương thân tương ái, người tốt việc tốt, hoạt động xã hội, từ thiện","weight":15,"max":10}]',
 CURRENT_TIMESTAMP);
