"""Benchmark peer: a QGIS print-layout atlas, headless (offscreen Qt
platform), exported into one PDF: the coverage layer is the districts
with active registrants; each page shows every district (neighbours)
in grey, the atlas district highlighted, shelters and the district's
unassigned households (the selection of households.sql), in the
register's projected CRS. Layers come from the register through the
spatialite provider, read-only.

Usage: pdf_qgis.py REGISTER.db OUT.pdf
Prints the number of pages.
"""
import os
import sqlite3
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication, QgsCoordinateReferenceSystem, QgsDataSourceUri, QgsFeature,
    QgsLayoutExporter, QgsLayoutItemLabel, QgsLayoutItemMap, QgsLayoutItemPage,
    QgsLayoutPoint, QgsLayoutSize, QgsPrintLayout, QgsProject, QgsRectangle,
    QgsRuleBasedRenderer, QgsSymbol, QgsUnitTypes, QgsVectorLayer,
    QgsWkbTypes)
from qgis.PyQt.QtCore import QRectF  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

def layer(db, table, name, sql=None, key=""):
    uri = QgsDataSourceUri()
    uri.setDatabase(db)
    uri.setDataSource("", "(%s)" % sql if sql else table, "geom", "", key)
    lyr = QgsVectorLayer(uri.uri(), name, "spatialite")
    if not lyr.isValid():
        sys.exit("pdf_qgis: cannot open layer %s" % name)
    return lyr


def main():
    db, out = os.path.abspath(sys.argv[1]), sys.argv[2]
    app = QgsApplication([], False)
    app.initQgis()
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    crs = con.execute("SELECT value FROM meta WHERE key = 'crs'").fetchone()
    con.close()
    # every district's unassigned households (as households.sql) in one
    # layer, with their district; each atlas page shows its own
    loc = ("(SELECT h.loc_%s FROM registrant h WHERE h.household_id = "
           "r.household_id AND +h.district_code = r.district_code AND "
           "h.status = 'active' AND h.removed_at IS NULL ORDER BY h.id "
           "LIMIT 1)")
    hh_sql = ("SELECT min(r.rowid) AS fid, r.district_code AS district_code, "
              "r.household_id AS household_id, count(*) AS persons, "
              "MakePoint(%s, %s, 4326) AS geom FROM registrant r WHERE "
              "r.status = 'active' AND r.removed_at IS NULL AND "
              "r.consent = 'yes' AND NOT EXISTS (SELECT 1 FROM assignment a "
              "WHERE a.registrant_id = r.id) GROUP BY r.district_code, "
              "r.household_id" % (loc % "lon", loc % "lat"))

    proj = QgsProject.instance()
    districts = layer(db, "district", "districts")
    pages = layer(db, "district", "atlas",
                  "SELECT rowid AS fid, code, name, geom FROM district d "
                  "WHERE EXISTS (SELECT 1 FROM registrant r WHERE "
                  "r.district_code = d.code AND r.status = 'active' AND "
                  "r.removed_at IS NULL)", key="fid")
    shelters = layer(db, "shelter", "shelters")
    # the spatialite provider would run that query again for every page:
    # read it once into a memory layer with a spatial index instead
    query = layer(db, "registrant", "households", hh_sql, key="fid")
    households = QgsVectorLayer(
        "Point?crs=EPSG:4326&field=district_code:string&index=yes",
        "households", "memory")
    feats = []
    for f in query.getFeatures():
        g = QgsFeature(households.fields())
        g.setGeometry(f.geometry())
        g.setAttribute(0, f["district_code"])
        feats.append(g)
    households.dataProvider().addFeatures(feats)
    for lyr in (districts, pages, shelters, households):
        proj.addMapLayer(lyr, False)

    sym = QgsSymbol.defaultSymbol(QgsWkbTypes.PolygonGeometry)
    sym.setColor(QColor("#eeeeee"))
    sym.symbolLayer(0).setStrokeColor(QColor("#888888"))
    districts.renderer().setSymbol(sym)
    # the atlas layer draws only its current feature, highlighted
    root = QgsRuleBasedRenderer.Rule(None)
    sym = QgsSymbol.defaultSymbol(QgsWkbTypes.PolygonGeometry)
    sym.setColor(QColor("#ffe9a8"))
    sym.symbolLayer(0).setStrokeColor(QColor("#c0392b"))
    sym.symbolLayer(0).setStrokeWidth(0.6)
    root.appendChild(QgsRuleBasedRenderer.Rule(
        sym, 0, 0, '"code" = attribute(@atlas_feature, \'code\')'))
    pages.setRenderer(QgsRuleBasedRenderer(root))
    sym = QgsSymbol.defaultSymbol(QgsWkbTypes.PointGeometry)
    sym.setColor(QColor("#2e7d32"))
    shelters.renderer().setSymbol(sym)
    root = QgsRuleBasedRenderer.Rule(None)
    sym = QgsSymbol.defaultSymbol(QgsWkbTypes.PointGeometry)
    sym.setColor(QColor("#d62728"))
    sym.setSize(1.6)
    root.appendChild(QgsRuleBasedRenderer.Rule(
        sym, 0, 0,
        '"district_code" = attribute(@atlas_feature, \'code\')'))
    households.setRenderer(QgsRuleBasedRenderer(root))

    layout = QgsPrintLayout(proj)
    layout.initializeDefaults()
    layout.pageCollection().clear()
    page = QgsLayoutItemPage(layout)
    page.setPageSize("A4", QgsLayoutItemPage.Portrait)
    layout.pageCollection().addPage(page)
    title = QgsLayoutItemLabel(layout)
    title.setText("[% \"code\" %] [% \"name\" %]")
    layout.addLayoutItem(title)
    title.attemptMove(QgsLayoutPoint(10, 8, QgsUnitTypes.LayoutMillimeters))
    title.attemptResize(QgsLayoutSize(190, 10, QgsUnitTypes.LayoutMillimeters))
    mp = QgsLayoutItemMap(layout)
    layout.addLayoutItem(mp)
    mp.setExtent(QgsRectangle(0, 0, 190, 265))  # the page's shape
    mp.setCrs(QgsCoordinateReferenceSystem(crs[0] if crs else "EPSG:3857"))
    mp.setLayers([households, shelters, pages, districts])
    mp.setKeepLayerSet(True)
    mp.setAtlasDriven(True)
    mp.setAtlasScalingMode(QgsLayoutItemMap.Auto)
    mp.setAtlasMargin(0.08)
    atlas = layout.atlas()
    atlas.setCoverageLayer(pages)
    atlas.setSortFeatures(True)
    atlas.setSortExpression('"code"')
    atlas.setEnabled(True)

    mp.attemptSetSceneRect(QRectF(10, 22, 190, 265))
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.rasterizeWholeImage = False
    settings.forceVectorOutput = True
    settings.dpi = 150
    rc, msg = QgsLayoutExporter.exportToPdf(atlas, out, settings)
    if rc != QgsLayoutExporter.Success:
        sys.exit("pdf_qgis: export failed (%s): %s" % (rc, msg))
    print("%d pages" % atlas.count())
    # QGIS 3.22's Python teardown segfaults (exit 139) once an atlas has
    # been exported, after the PDF is complete: leave without it
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
