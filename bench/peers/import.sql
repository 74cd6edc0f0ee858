-- Benchmark peer for `evacreg import registrants`: the same rows (the
-- CP932 file, converted to UTF-8 by iconv beforehand, in the peer's
-- time) loaded with the sqlite3 CLI into an equivalent indexed table:
-- id primary key, household (empty: the registrant's own id), consent
-- and status mapped to the register's values, a POINT geometry
-- (MakePoint) where the row has coordinates, a spatial index on it and
-- an index on the household. Dates, names and needs are copied as they
-- are (evacreg validates and normalises them); districts are not
-- assigned here (the coverage peer does that).
.bail on
.load mod_spatialite
.mode csv
BEGIN;
CREATE TEMP TABLE r_in (id TEXT, household_id TEXT, name TEXT, kana TEXT,
	birth TEXT, sex TEXT, address TEXT, phone TEXT, reasons TEXT,
	consent TEXT, lat TEXT, lon TEXT, status TEXT, mobility TEXT);
.import --skip 1 registrants-utf8.csv r_in
CREATE TABLE r_peer (id TEXT PRIMARY KEY NOT NULL,
	household_id TEXT NOT NULL, name TEXT NOT NULL, kana TEXT,
	birth_date TEXT, sex TEXT, address TEXT, phone TEXT, reasons TEXT,
	mobility TEXT, consent TEXT NOT NULL, status TEXT NOT NULL);
SELECT AddGeometryColumn('r_peer', 'geom', 4326, 'POINT', 'XY');
INSERT INTO r_peer SELECT id,
	CASE household_id WHEN '' THEN id ELSE household_id END, name, kana,
	birth, sex, address, phone, reasons, mobility,
	CASE WHEN consent IN ('同意', 'yes', '1', '有') THEN 'yes'
	     WHEN consent IN ('不同意', 'no', '拒否', '0') THEN 'no'
	     ELSE 'unanswered' END,
	CASE status WHEN '' THEN 'active' WHEN '転出' THEN 'moved'
	     WHEN '死亡' THEN 'deceased' WHEN '施設入所' THEN 'in_facility'
	     ELSE status END,
	CASE WHEN lat <> '' AND lon <> '' THEN
	     MakePoint(CAST(lon AS REAL), CAST(lat AS REAL), 4326) END
FROM r_in;
SELECT CreateSpatialIndex('r_peer', 'geom');
CREATE INDEX r_peer_household ON r_peer (household_id);
COMMIT;
SELECT count(*) FROM r_peer;
