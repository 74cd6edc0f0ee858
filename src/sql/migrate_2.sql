-- Schema version 2: stable household numbers for maps and lists, and
-- base-map layers (roads, buildings, water) for printed maps.

-- A household's number within a district is given once, at its first
-- export, and kept: the KML, the PDF list and last year's printout agree.
CREATE TABLE household_number (
	district_code TEXT NOT NULL,
	household_id TEXT NOT NULL,
	number INTEGER NOT NULL CHECK (number > 0),
	assigned_at TEXT NOT NULL,
	PRIMARY KEY (district_code, household_id),
	UNIQUE (district_code, number)
) WITHOUT ROWID;

CREATE TABLE basemap (
	id INTEGER PRIMARY KEY,
	layer TEXT NOT NULL,
	kind TEXT,
	name TEXT,
	source TEXT,
	updated_at TEXT NOT NULL
);
SELECT AddGeometryColumn('basemap', 'geom', 4326, 'GEOMETRY', 'XY', 1);
SELECT CreateSpatialIndex('basemap', 'geom');
CREATE INDEX basemap_layer ON basemap (layer);
