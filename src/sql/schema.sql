-- evacreg register schema, version 1. Geometries are stored in EPSG:4326
-- (lon/lat); the register's projected CRS for distances and maps is kept
-- in meta('crs'). SpatiaLite metadata is created before this script runs.

CREATE TABLE meta (
	key TEXT PRIMARY KEY NOT NULL,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- 町内会・自治会
CREATE TABLE association (
	code TEXT PRIMARY KEY NOT NULL CHECK (length(code) > 0),
	name TEXT NOT NULL CHECK (length(name) > 0),
	agreement_signed_on TEXT CHECK (agreement_signed_on IS NULL
		OR agreement_signed_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	has_jishubo INTEGER NOT NULL DEFAULT 0 CHECK (has_jishubo IN (0, 1)),
	households INTEGER CHECK (households IS NULL OR households >= 0),
	updated_at TEXT NOT NULL
);

-- 町丁目 / 字: the areas maps and coverage are computed for. The
-- association is a plain code, not a foreign key, because district
-- boundaries are usually imported before the association list.
CREATE TABLE district (
	code TEXT PRIMARY KEY NOT NULL CHECK (length(code) > 0),
	name TEXT NOT NULL,
	association_code TEXT,
	population INTEGER CHECK (population IS NULL OR population >= 0),
	households INTEGER CHECK (households IS NULL OR households >= 0),
	updated_at TEXT NOT NULL
);
SELECT AddGeometryColumn('district', 'geom', 4326, 'MULTIPOLYGON', 'XY', 1);
SELECT CreateSpatialIndex('district', 'geom');
CREATE INDEX district_association ON district (association_code);

-- 避難行動要支援者. Rows are never deleted: a registrant missing from a
-- --replace import gets removed_at; status says why someone left.
CREATE TABLE registrant (
	id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
	household_id TEXT NOT NULL CHECK (length(household_id) > 0),
	name TEXT NOT NULL CHECK (length(name) > 0),
	kana TEXT,
	birth_date TEXT CHECK (birth_date IS NULL
		OR birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	sex TEXT CHECK (sex IS NULL OR sex IN ('M', 'F')),
	address TEXT,
	phone TEXT,
	reasons TEXT NOT NULL DEFAULT '',
	mobility TEXT CHECK (mobility IS NULL OR mobility IN
		('walk', 'cane', 'wheelchair', 'bedridden', 'other')),
	consent TEXT NOT NULL DEFAULT 'unanswered'
		CHECK (consent IN ('yes', 'no', 'unanswered')),
	status TEXT NOT NULL DEFAULT 'active'
		CHECK (status IN ('active', 'moved', 'deceased', 'in_facility')),
	removed_at TEXT,
	-- derived by er_store_locate(): the location used (own, else the
	-- household's) and the one district containing it (NULL: outside)
	loc_lon REAL,
	loc_lat REAL,
	district_code TEXT,
	updated_at TEXT NOT NULL
);
SELECT AddGeometryColumn('registrant', 'geom', 4326, 'POINT', 'XY', 0);
SELECT CreateSpatialIndex('registrant', 'geom');
CREATE INDEX registrant_household ON registrant (household_id);
CREATE INDEX registrant_district ON registrant (district_code);

-- 支援者 (避難支援等関係者)
CREATE TABLE supporter (
	id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
	name TEXT NOT NULL CHECK (length(name) > 0),
	phone TEXT,
	association_code TEXT REFERENCES association (code)
		ON UPDATE CASCADE ON DELETE SET NULL,
	capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity >= 0),
	updated_at TEXT NOT NULL
);
SELECT AddGeometryColumn('supporter', 'geom', 4326, 'POINT', 'XY', 0);
SELECT CreateSpatialIndex('supporter', 'geom');
CREATE INDEX supporter_association ON supporter (association_code);

CREATE TABLE assignment (
	registrant_id TEXT NOT NULL REFERENCES registrant (id)
		ON UPDATE CASCADE ON DELETE CASCADE,
	supporter_id TEXT NOT NULL REFERENCES supporter (id)
		ON UPDATE CASCADE ON DELETE CASCADE,
	role TEXT NOT NULL DEFAULT 'primary'
		CHECK (role IN ('primary', 'secondary')),
	updated_at TEXT NOT NULL,
	PRIMARY KEY (registrant_id, supporter_id)
) WITHOUT ROWID;
CREATE INDEX assignment_supporter ON assignment (supporter_id);

-- 指定避難所 / 指定緊急避難場所
CREATE TABLE shelter (
	id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
	name TEXT NOT NULL,
	kind TEXT NOT NULL DEFAULT 'shelter',
	address TEXT,
	capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
	hazards TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL
);
SELECT AddGeometryColumn('shelter', 'geom', 4326, 'POINT', 'XY', 1);
SELECT CreateSpatialIndex('shelter', 'geom');

-- 浸水想定区域, 土砂災害警戒区域, ...
CREATE TABLE hazard_zone (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	name TEXT,
	level TEXT,
	source TEXT,
	updated_at TEXT NOT NULL
);
SELECT AddGeometryColumn('hazard_zone', 'geom', 4326, 'MULTIPOLYGON', 'XY', 1);
SELECT CreateSpatialIndex('hazard_zone', 'geom');
CREATE INDEX hazard_zone_kind ON hazard_zone (kind);

-- Every import and export, never updated or deleted.
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	os_user TEXT NOT NULL,
	command TEXT NOT NULL,
	action TEXT NOT NULL,
	file TEXT,
	file_sha256 TEXT,
	mode TEXT,
	reason TEXT,
	district_code TEXT,
	registrants INTEGER,
	households INTEGER,
	detail TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
