-- movements: phong trào thi đua, launched by an authority (Chính phủ, Thủ
-- tướng Chính phủ, Bộ GD&ĐT, UBND tỉnh/thành phố, or a unit itself) and
-- recorded in thidua by unit_id, which owns the record. Every logged-in user
-- may read movements; the owning unit's officers and admins edit them.
-- search is the folded name and description (viet.Fold).
CREATE TABLE movements (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    name           TEXT NOT NULL,
    authority      TEXT NOT NULL,
    authority_name TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    starts_on      DATE NOT NULL,
    ends_on        DATE,
    description    TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    search         TEXT NOT NULL DEFAULT '',
    created_by     INTEGER,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX movements_unit ON movements(unit_id);
CREATE INDEX movements_status ON movements(status, starts_on);

-- campaigns: đợt thi đua, a dated phase or theme of a movement, often tied to
-- an event (greeting a Party congress, an emulation congress, 20/11…).
CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    movement_id INTEGER NOT NULL REFERENCES movements(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    occasion    TEXT NOT NULL DEFAULT '',
    starts_on   DATE NOT NULL,
    ends_on     DATE NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    search      TEXT NOT NULL DEFAULT '',
    created_by  INTEGER,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX campaigns_movement ON campaigns(movement_id, starts_on);
