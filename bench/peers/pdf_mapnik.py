"""Benchmark peer: the atlas's map pages drawn with Mapnik into one
Cairo PDF, one A4 page per district with active registrants: every
district (neighbours) in grey, the district highlighted, shelters, and
its unassigned households (the selection of households.sql), in the
register's projected CRS. Reads the register read-only.

Usage: pdf_mapnik.py REGISTER.db OUT.pdf
Prints the number of pages and of household points drawn.
"""
import os
import sqlite3
import sys

import cairo
import mapnik

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE_W, PAGE_H = 595.276, 841.89  # A4 in points
MARGIN, TOP = 28.0, 64.0


def style(rules):
    s = mapnik.Style()
    for flt, syms in rules:
        r = mapnik.Rule()
        if flt:
            r.filter = mapnik.Expression(flt)
        for sym in syms:
            r.symbols.append(sym)
        s.rules.append(r)
    return s


def poly(fill, stroke, width, opacity=1.0):
    p = mapnik.PolygonSymbolizer()
    p.fill = mapnik.Color(fill)
    p.fill_opacity = opacity
    line = mapnik.LineSymbolizer()
    line.stroke = mapnik.Color(stroke)
    line.stroke_width = width
    return [p, line]


def marker(fill, size):
    m = mapnik.MarkersSymbolizer()
    m.fill = mapnik.Color(fill)
    m.width = mapnik.Expression(str(size))
    m.height = mapnik.Expression(str(size))
    m.allow_overlap = True
    m.ignore_placement = True
    return [m]


def spatialite_ds(db, table, **kw):
    return mapnik.SQLite(file=db, table=table, geometry_field="geom",
                         wkb_format="spatialite", use_spatial_index=False, **kw)


def main():
    db, out = sys.argv[1], sys.argv[2]
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    con.enable_load_extension(True)
    con.load_extension("mod_spatialite")
    crs = con.execute("SELECT value FROM meta WHERE key = 'crs'").fetchone()
    srs = crs[0].lower() if crs else "epsg:3857"
    with open(os.path.join(HERE, "households.sql"), encoding="utf-8") as f:
        hh_sql = f.read()
    districts = con.execute(
        "SELECT d.code, d.name, MbrMinX(d.geom), MbrMinY(d.geom), "
        "MbrMaxX(d.geom), MbrMaxY(d.geom) FROM district d WHERE EXISTS "
        "(SELECT 1 FROM registrant r WHERE r.district_code = d.code AND "
        "r.status = 'active' AND r.removed_at IS NULL) ORDER BY d.code"
    ).fetchall()

    map_w = PAGE_W - 2 * MARGIN
    map_h = PAGE_H - TOP - MARGIN
    m = mapnik.Map(int(map_w), int(map_h), srs)
    m.background = mapnik.Color("white")
    m.append_style("all", style([(None, poly("#eeeeee", "#888888", 0.6))]))
    m.append_style("this", style([(None, poly("#ffe9a8", "#c0392b", 1.6, 0.8))]))
    m.append_style("shelter", style([(None, marker("#2e7d32", 7))]))
    m.append_style("household", style([(None, marker("#d62728", 5))]))
    lyr = mapnik.Layer("districts", "epsg:4326")
    lyr.datasource = spatialite_ds(db, "district")
    lyr.styles.append("all")
    m.layers.append(lyr)
    this = mapnik.Layer("district", "epsg:4326")
    this.styles.append("this")
    m.layers.append(this)
    shel = mapnik.Layer("shelters", "epsg:4326")
    shel.datasource = spatialite_ds(db, "shelter")
    shel.styles.append("shelter")
    m.layers.append(shel)
    hh = mapnik.Layer("households", "epsg:4326")
    hh.styles.append("household")
    m.layers.append(hh)
    to_map = mapnik.ProjTransform(mapnik.Projection("epsg:4326"),
                                  mapnik.Projection(srs))

    surface = cairo.PDFSurface(out, PAGE_W, PAGE_H)
    npoints = 0
    ctx_attrs = mapnik.Context()
    for code, name, x0, y0, x1, y1 in districts:
        # the map holds copies of its layers: set theirs
        m.layers[1].datasource = spatialite_ds(
            db, "(SELECT rowid AS id, geom FROM district WHERE code = '%s')" % code,
            key_field="id")
        mem = mapnik.MemoryDatasource()
        for i, row in enumerate(con.execute(hh_sql, {"code": code})):
            lon, lat = row[6], row[7]
            if lon is None:
                continue
            f = mapnik.Feature(ctx_attrs, i + 1)
            f.geometry = mapnik.Geometry.from_wkt("POINT(%r %r)" % (lon, lat))
            mem.add_feature(f)
            npoints += 1
        m.layers[3].datasource = mem
        box = to_map.forward(mapnik.Box2d(x0, y0, x1, y1))
        pad = 0.08 * max(box.width(), box.height(), 200.0)
        m.zoom_to_box(mapnik.Box2d(box.minx - pad, box.miny - pad,
                                   box.maxx + pad, box.maxy + pad))
        cr = cairo.Context(surface)
        cr.save()
        cr.translate(MARGIN, TOP)
        cr.rectangle(0, 0, map_w, map_h)
        cr.clip()
        mapnik.render(m, cr)
        cr.restore()
        cr.select_font_face("Noto Sans CJK JP")
        cr.set_font_size(16)
        cr.move_to(MARGIN, MARGIN + 12)
        cr.show_text("%s %s" % (code, name))
        surface.show_page()
    surface.finish()
    print("%d pages, %d households" % (len(districts), npoints))


if __name__ == "__main__":
    main()
