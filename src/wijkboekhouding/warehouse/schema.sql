-- The gegevenspakhuis (data warehouse) of one workspace.  Plain SQL that PostgreSQL
-- also accepts, apart from the PRAGMAs the SQLite store sets itself.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One imported table or file version.  ``key`` identifies "the same dataset" across
-- versions; only the newest version of a key is current.
CREATE TABLE IF NOT EXISTS source (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL,
    version       INTEGER NOT NULL,
    current       INTEGER NOT NULL DEFAULT 1,
    kind          TEXT NOT NULL,          -- cbs | local
    table_id      TEXT NOT NULL,          -- CBS table id or local dataset slug
    title         TEXT NOT NULL,
    publisher     TEXT NOT NULL,
    licence       TEXT NOT NULL,
    url           TEXT NOT NULL DEFAULT '',
    file_name     TEXT NOT NULL DEFAULT '',
    contact       TEXT NOT NULL DEFAULT '',
    retrieved_at  TEXT NOT NULL,
    imported_at   TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    rows          INTEGER NOT NULL DEFAULT 0,
    observations  INTEGER NOT NULL DEFAULT 0,
    note          TEXT NOT NULL DEFAULT '',
    UNIQUE (key, version)
);

-- An area is a code in a given year's indeling: the same code in another year may be
-- another area (Renkum's WK027401: Oosterbeek in 2014, Renkum Zuid since 2017).
CREATE TABLE IF NOT EXISTS area (
    code             TEXT NOT NULL,
    year             INTEGER NOT NULL,
    name             TEXT,
    level            TEXT NOT NULL,     -- land | provincie | gemeente | wijk | buurt
    gemeente_code    TEXT,
    wijk_code        TEXT,
    indeling_change  TEXT,              -- CBS flag: 1 unchanged, 2/3 changed since last year
    PRIMARY KEY (code, year)
);
CREATE INDEX IF NOT EXISTS area_by_gemeente ON area (gemeente_code, year);

-- Which provincie a gemeente belongs to (KWB rows do not say).
CREATE TABLE IF NOT EXISTS gemeente_provincie (
    gemeente_code   TEXT NOT NULL,
    provincie_code  TEXT NOT NULL,
    provincie_name  TEXT NOT NULL,
    PRIMARY KEY (gemeente_code)
);

CREATE TABLE IF NOT EXISTS indicator (
    id            TEXT PRIMARY KEY,
    theme         TEXT NOT NULL,
    label_nl      TEXT NOT NULL,
    label_en      TEXT NOT NULL,
    unit          TEXT NOT NULL,
    decimals      INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    aggregation   TEXT NOT NULL,
    base          TEXT,
    reason        TEXT,                 -- why it cannot be aggregated (aggregation 'none')
    description   TEXT NOT NULL DEFAULT '',
    origin        TEXT NOT NULL,        -- cbs | local
    source_id     INTEGER               -- for local indicators: the dataset defining it
);

-- Observations in long form: the current value per indicator, area and period.
CREATE TABLE IF NOT EXISTS observation (
    indicator_id  TEXT NOT NULL,
    area_code     TEXT NOT NULL,
    year          INTEGER NOT NULL,     -- the indeling year the area code belongs to
    period        TEXT NOT NULL,        -- '2024', '2024-01' (month), '2024-Q1'
    value         REAL,
    status        TEXT NOT NULL,        -- value | suppressed | missing | provisional
    source_id     INTEGER NOT NULL REFERENCES source (id),
    -- Area first: pages and aggregates read by area, and a file is loaded row by row
    -- (one area at a time), so inserts stay local in the B-tree.
    PRIMARY KEY (area_code, period, indicator_id)
) WITHOUT ROWID;

-- Values replaced by a later import or a newer version of the same dataset.
CREATE TABLE IF NOT EXISTS observation_history (
    indicator_id  TEXT NOT NULL,
    area_code     TEXT NOT NULL,
    year          INTEGER NOT NULL,
    period        TEXT NOT NULL,
    value         REAL,
    status        TEXT NOT NULL,
    source_id     INTEGER NOT NULL,
    replaced_by   INTEGER,              -- source id, NULL when withdrawn by a new version
    replaced_at   TEXT NOT NULL
);

CREATE TRIGGER IF NOT EXISTS observation_keep_history
AFTER UPDATE ON observation WHEN OLD.source_id <> NEW.source_id
BEGIN
    INSERT INTO observation_history
    VALUES (OLD.indicator_id, OLD.area_code, OLD.year, OLD.period, OLD.value, OLD.status,
            OLD.source_id, NEW.source_id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

-- Custom areas (warehouse/custom_areas.py): named sets of buurten or wijken, with
-- membership per year range.  CBS imports never touch these tables.
CREATE TABLE IF NOT EXISTS custom_area (
    slug         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    defined_at   TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS custom_area_member (
    slug         TEXT NOT NULL REFERENCES custom_area (slug) ON DELETE CASCADE,
    year_from    INTEGER,               -- NULL: no lower bound
    year_to      INTEGER,               -- NULL: no upper bound
    member_code  TEXT NOT NULL,         -- BU or WK code in that year's indeling
    fraction     REAL NOT NULL DEFAULT 1.0,  -- share of the member that belongs to the area
    position     INTEGER NOT NULL       -- order as defined
);
CREATE INDEX IF NOT EXISTS custom_area_member_by_slug ON custom_area_member (slug);
