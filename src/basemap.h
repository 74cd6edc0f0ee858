/* Base-map layers for printed maps: the OpenStreetMap XML reader used by
 * er_basemap_import() (GeoJSON goes through er_geojson_read()). */
#ifndef ER_SRC_BASEMAP_H
#define ER_SRC_BASEMAP_H

#include <stddef.h>

#include "feature.h"

/* Reads OpenStreetMap XML (.osm) with libxml2's streaming reader: node
 * coordinates are collected, then each way that is a road (highway=*),
 * building (building=*), water (natural=water, landuse=reservoir) or
 * river (waterway=river|stream) becomes one feature with properties
 * "layer" (roads, buildings, water, rivers), "kind" (the tag's value),
 * "name" (may be absent) and "osm_id", and a GeoJSON geometry: a
 * Polygon for closed buildings and water, else a LineString. Ways whose
 * nodes are missing from the file lose those points; a way left with
 * fewer than two points is skipped. Relations are not read. The file may
 * not have a DOCTYPE (no entities, nothing loaded). Errors: ER_EPARSE
 * with where = "path:line", ER_ENOMEM, or what fn returns. */
enum er_code er_osm_read(const char *path, const char *data, size_t len,
                         er_feature_fn fn, void *ud, struct er_error *err);

#endif
