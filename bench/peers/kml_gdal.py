"""Benchmark peer: one process with GDAL's Python bindings writes one
KML per district with active registrants, as evacreg's export does:
the district boundary, its unassigned households (households.sql, with
their members' names, kana, needs and phones) and the shelters within
500 m of the district's box, through OGR's KML driver. Reads the
register read-only.

Usage: kml_gdal.py REGISTER.db OUTDIR
Prints the number of files.
"""
import math
import os
import sys

from osgeo import gdal, ogr

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    db, outdir = sys.argv[1], sys.argv[2]
    gdal.UseExceptions()
    os.makedirs(outdir, exist_ok=True)
    src = gdal.OpenEx(db, gdal.OF_VECTOR | gdal.OF_READONLY)
    with open(os.path.join(HERE, "households.sql"), encoding="utf-8") as f:
        hh_sql = "\n".join(ln for ln in f.read().splitlines()
                           if not ln.lstrip().startswith("--"))
    # OGR's SQLite driver has no bound parameters: the code is quoted
    hh_sql = ("SELECT household_id, persons, names, kana, reasons, phones, "
              "MakePoint(lon, lat, 4326) AS geom FROM (" + hh_sql + ")")
    codes = src.ExecuteSQL(
        "SELECT d.code, MbrMinX(d.geom), MbrMinY(d.geom), MbrMaxX(d.geom), "
        "MbrMaxY(d.geom) FROM district d WHERE EXISTS (SELECT 1 FROM "
        "registrant r WHERE r.district_code = d.code AND r.status = "
        "'active' AND r.removed_at IS NULL) ORDER BY d.code")
    districts = [(f.GetField(0), f.GetField(1), f.GetField(2), f.GetField(3),
                  f.GetField(4)) for f in codes]
    src.ReleaseResultSet(codes)
    drv = ogr.GetDriverByName("KML")
    for code, x0, y0, x1, y1 in districts:
        q = "'" + code.replace("'", "''") + "'"
        out = drv.CreateDataSource(os.path.join(outdir, code + ".kml"))
        mlat = 500 / 111320.0
        mlon = mlat / math.cos(math.radians((y0 + y1) / 2))
        for name, sql in (
            ("district", "SELECT code, name, association_code, geom FROM "
             "district WHERE code = " + q),
            ("households", hh_sql.replace(":code", q)),
            ("shelters", "SELECT id, name, kind, address, capacity, hazards, "
             "geom FROM shelter WHERE ROWID IN (SELECT ROWID FROM "
             "SpatialIndex WHERE f_table_name = 'shelter' AND "
             "search_frame = BuildMbr(%r, %r, %r, %r, 4326)) ORDER BY id"
             % (x0 - mlon, y0 - mlat, x1 + mlon, y1 + mlat))):
            lyr = src.ExecuteSQL(sql, dialect="SQLITE")
            out.CopyLayer(lyr, name)
            src.ReleaseResultSet(lyr)
        out = None
    print("%d files" % len(districts))


if __name__ == "__main__":
    main()
