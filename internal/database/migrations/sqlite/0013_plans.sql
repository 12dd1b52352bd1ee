-- plans: kế hoạch. A unit drafts a plan and issues it (ban hành); an issued
-- plan is frozen (the triggers below refuse to change its content or delete
-- it). A correction is a new plan that replaces it (amends_id): the old one
-- keeps its text and gets superseded_by. lineage_id is the first plan of such
-- a chain (its own id when it replaces nothing); based_lineage is the
-- lineage of the parent plan this one implements (based_on_id), so the
-- compliance table finds, per required unit, the plans based on any plan of
-- the chain with one index lookup.
--
-- number/symbol/doc_date are the document's "Số: 15/KH-PGDĐT" and its date;
-- numbering restarts every 1 January (Decree 30/2020), so an issued plan's
-- number is unique per issuing unit, year (issued_year) and symbol.
-- The sections are the seed's: intro (căn cứ), I purpose, II.1 content,
-- II.2 forms, II.3 exemplars, III organization, closing; plain text, one
-- paragraph per line, "- " bullet lines, *italic*.
CREATE TABLE plans (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    status         TEXT NOT NULL,
    number         INTEGER NOT NULL DEFAULT 0,
    symbol         TEXT NOT NULL DEFAULT '',
    doc_date       DATE,
    issued_year    INTEGER NOT NULL DEFAULT 0,
    place          TEXT NOT NULL DEFAULT '',
    issuer_parent  TEXT NOT NULL DEFAULT '',
    issuer_name    TEXT NOT NULL DEFAULT '',
    title          TEXT NOT NULL,
    period         TEXT NOT NULL DEFAULT '',
    intro          TEXT NOT NULL DEFAULT '',
    purpose        TEXT NOT NULL DEFAULT '',
    content        TEXT NOT NULL DEFAULT '',
    forms          TEXT NOT NULL DEFAULT '',
    exemplars      TEXT NOT NULL DEFAULT '',
    organization   TEXT NOT NULL DEFAULT '',
    closing        TEXT NOT NULL DEFAULT '',
    recipients     TEXT NOT NULL DEFAULT '',
    sign_form      TEXT NOT NULL DEFAULT '',
    sign_authority TEXT NOT NULL DEFAULT '',
    signer_title   TEXT NOT NULL DEFAULT '',
    signer_name    TEXT NOT NULL DEFAULT '',
    based_on_id    INTEGER REFERENCES plans(id),
    based_lineage  INTEGER,
    amends_id      INTEGER REFERENCES plans(id),
    lineage_id     INTEGER,
    superseded_by  INTEGER REFERENCES plans(id),
    require_mode   TEXT NOT NULL DEFAULT '',
    require_by     DATE,
    search         TEXT NOT NULL DEFAULT '',
    issued_at      TIMESTAMP,
    issued_by      INTEGER,
    created_by     INTEGER,
    updated_by     INTEGER,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX plans_number ON plans(unit_id, issued_year, number, symbol) WHERE status = 'issued';
CREATE INDEX plans_unit ON plans(unit_id, doc_date);
CREATE INDEX plans_based ON plans(based_lineage, unit_id);
CREATE INDEX plans_lineage ON plans(lineage_id);
CREATE INDEX plans_require_by ON plans(require_by) WHERE require_by IS NOT NULL;

-- plan_movements: the movements a plan carries out or publicises.
CREATE TABLE plan_movements (
    plan_id     INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    movement_id INTEGER NOT NULL REFERENCES movements(id),
    PRIMARY KEY (plan_id, movement_id)
);
CREATE INDEX plan_movements_movement ON plan_movements(movement_id);

-- plan_requirements: the units a plan requires to issue their own plan
-- based on it by plans.require_by, resolved when the plan is saved;
-- reminded_at and reminders record the "nhắc" actions of the issuer.
CREATE TABLE plan_requirements (
    plan_id     INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    reminded_at TIMESTAMP,
    reminders   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, unit_id)
);
CREATE INDEX plan_requirements_unit ON plan_requirements(unit_id);

CREATE TRIGGER plans_issued_frozen BEFORE UPDATE ON plans
WHEN OLD.status = 'issued' AND (
    NEW.status IS NOT OLD.status OR NEW.unit_id IS NOT OLD.unit_id OR NEW.number IS NOT OLD.number OR
    NEW.symbol IS NOT OLD.symbol OR NEW.doc_date IS NOT OLD.doc_date OR NEW.place IS NOT OLD.place OR
    NEW.issuer_parent IS NOT OLD.issuer_parent OR NEW.issuer_name IS NOT OLD.issuer_name OR
    NEW.title IS NOT OLD.title OR NEW.period IS NOT OLD.period OR NEW.intro IS NOT OLD.intro OR
    NEW.purpose IS NOT OLD.purpose OR NEW.content IS NOT OLD.content OR NEW.forms IS NOT OLD.forms OR
    NEW.exemplars IS NOT OLD.exemplars OR NEW.organization IS NOT OLD.organization OR NEW.closing IS NOT OLD.closing OR
    NEW.recipients IS NOT OLD.recipients OR NEW.sign_form IS NOT OLD.sign_form OR
    NEW.sign_authority IS NOT OLD.sign_authority OR NEW.signer_title IS NOT OLD.signer_title OR
    NEW.signer_name IS NOT OLD.signer_name OR NEW.based_on_id IS NOT OLD.based_on_id OR
    NEW.amends_id IS NOT OLD.amends_id OR NEW.require_mode IS NOT OLD.require_mode OR NEW.require_by IS NOT OLD.require_by)
BEGIN
    SELECT RAISE(ABORT, 'issued plans are frozen');
END;
CREATE TRIGGER plans_issued_no_delete BEFORE DELETE ON plans WHEN OLD.status = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'issued plans are frozen');
END;
CREATE TRIGGER plan_requirements_frozen_insert BEFORE INSERT ON plan_requirements
WHEN (SELECT status FROM plans WHERE id = NEW.plan_id) = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'issued plans are frozen');
END;
CREATE TRIGGER plan_requirements_frozen_delete BEFORE DELETE ON plan_requirements
WHEN (SELECT status FROM plans WHERE id = OLD.plan_id) = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'issued plans are frozen');
END;
CREATE TRIGGER plan_movements_frozen_insert BEFORE INSERT ON plan_movements
WHEN (SELECT status FROM plans WHERE id = NEW.plan_id) = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'issued plans are frozen');
END;
CREATE TRIGGER plan_movements_frozen_delete BEFORE DELETE ON plan_movements
WHEN (SELECT status FROM plans WHERE id = OLD.plan_id) = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'issued plans are frozen');
END;
