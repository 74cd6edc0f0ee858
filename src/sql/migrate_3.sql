-- Schema version 3: faster registrant imports and coverage. Runs with
-- foreign keys off (the runner turns them off around every migration),
-- so rebuilding the registrant table keeps every assignment.
--
-- Registrants are always found by district or household, never by a
-- box, so their points lose SpatiaLite's R*Tree, and the per-row
-- timestamp triggers on geometry_columns_time go too: keeping both up to
-- date cost more than half of a large import. The points stay in
-- registrant.geom, a POINT geometry column QGIS opens as before.
--
-- The CHECK constraints are the same rules written without IN lists,
-- which SQLite rebuilds as a temporary table for every row it checks.
SELECT DisableSpatialIndex('registrant', 'geom');
DROP TABLE IF EXISTS idx_registrant_geom;
SELECT DiscardGeometryColumn('registrant', 'geom');

CREATE TABLE registrant_v3 (
	id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
	household_id TEXT NOT NULL CHECK (length(household_id) > 0),
	name TEXT NOT NULL CHECK (length(name) > 0),
	kana TEXT,
	birth_date TEXT CHECK (birth_date IS NULL
		OR birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	sex TEXT CHECK (sex IS NULL OR sex = 'M' OR sex = 'F'),
	address TEXT,
	phone TEXT,
	reasons TEXT NOT NULL DEFAULT '',
	mobility TEXT CHECK (mobility IS NULL OR mobility = 'walk'
		OR mobility = 'cane' OR mobility = 'wheelchair'
		OR mobility = 'bedridden' OR mobility = 'other'),
	consent TEXT NOT NULL DEFAULT 'unanswered'
		CHECK (consent = 'yes' OR consent = 'no'
		OR consent = 'unanswered'),
	status TEXT NOT NULL DEFAULT 'active'
		CHECK (status = 'active' OR status = 'moved'
		OR status = 'deceased' OR status = 'in_facility'),
	removed_at TEXT,
	-- derived (locate.c): the location used (own, else the household's)
	-- and the one district containing it (NULL: outside)
	loc_lon REAL,
	loc_lat REAL,
	district_code TEXT,
	updated_at TEXT NOT NULL,
	-- derived: how many supporters are assigned (triggers below)
	assigned INTEGER NOT NULL DEFAULT 0 CHECK (assigned >= 0),
	geom POINT
);
INSERT INTO registrant_v3 (id, household_id, name, kana, birth_date, sex,
	address, phone, reasons, mobility, consent, status, removed_at,
	loc_lon, loc_lat, district_code, updated_at, assigned, geom)
SELECT id, household_id, name, kana, birth_date, sex, address, phone,
	reasons, mobility, consent, status, removed_at, loc_lon, loc_lat,
	district_code, updated_at, (SELECT count(*) FROM assignment a
	WHERE a.registrant_id = registrant.id), geom
FROM registrant ORDER BY rowid;
DROP TABLE registrant;
ALTER TABLE registrant_v3 RENAME TO registrant;
SELECT RecoverGeometryColumn('registrant', 'geom', 4326, 'POINT', 'XY');
DROP TRIGGER IF EXISTS tmi_registrant_geom;
DROP TRIGGER IF EXISTS tmu_registrant_geom;
DROP TRIGGER IF EXISTS tmd_registrant_geom;
-- SpatiaLite's type check, with the POINT/4326 it would look up in
-- geometry_columns for every row written in place; same names, so
-- SpatiaLite's own DiscardGeometryColumn still finds them.
DROP TRIGGER IF EXISTS ggi_registrant_geom;
DROP TRIGGER IF EXISTS ggu_registrant_geom;
CREATE TRIGGER ggi_registrant_geom BEFORE INSERT ON registrant
FOR EACH ROW WHEN GeometryConstraints(NEW.geom, 1, 4326) IS NOT 1
BEGIN
	SELECT RAISE(ROLLBACK, 'registrant.geom violates Geometry constraint [geom-type or SRID not allowed]');
END;
CREATE TRIGGER ggu_registrant_geom BEFORE UPDATE OF geom ON registrant
FOR EACH ROW WHEN GeometryConstraints(NEW.geom, 1, 4326) IS NOT 1
BEGIN
	SELECT RAISE(ROLLBACK, 'registrant.geom violates Geometry constraint [geom-type or SRID not allowed]');
END;

-- registrant.assigned follows the assignment table, so that coverage
-- and exports can tell who has a supporter without a lookup per person.
-- Each trigger recounts the registrants concerned, which stays right
-- whatever changed (an ON UPDATE CASCADE of an id included).
CREATE TRIGGER assignment_count_insert AFTER INSERT ON assignment
BEGIN
	UPDATE registrant SET assigned = (SELECT count(*) FROM assignment a
		WHERE a.registrant_id = registrant.id)
	WHERE id = NEW.registrant_id;
END;
CREATE TRIGGER assignment_count_delete AFTER DELETE ON assignment
BEGIN
	UPDATE registrant SET assigned = (SELECT count(*) FROM assignment a
		WHERE a.registrant_id = registrant.id)
	WHERE id = OLD.registrant_id;
END;
CREATE TRIGGER assignment_count_update AFTER UPDATE OF registrant_id
ON assignment
BEGIN
	UPDATE registrant SET assigned = (SELECT count(*) FROM assignment a
		WHERE a.registrant_id = registrant.id)
	WHERE id IN (OLD.registrant_id, NEW.registrant_id);
END;

-- Exports read a district's active registrants from this index alone
-- (figures, numbering, which households to write, the map's markers);
-- only the rows a KML or list page writes are read from the table, for
-- their names and needs.
CREATE INDEX registrant_district ON registrant
	(district_code, household_id, id, consent, assigned, mobility, loc_lat,
	loc_lon, status, removed_at)
	WHERE status = 'active' AND removed_at IS NULL;
-- Every member of a household (locations borrowed within it), and
-- coverage, which reads only this index (grouped by household), never
-- the registrant rows themselves.
CREATE INDEX registrant_household ON registrant
	(household_id, district_code, consent, assigned, id, status, removed_at);
