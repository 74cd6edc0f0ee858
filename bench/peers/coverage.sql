-- Benchmark peer for `evacreg coverage --by district`: the same counts
-- from the full register in SpatiaLite SQL, with no use of evacreg's
-- derived columns (loc_lon, loc_lat, district_code). A registrant's
-- location is its own point, else the first (by id) non-removed
-- household member's with one; its district is the lowest code whose
-- polygon covers the point (ST_Covers), found through the R*Tree;
-- active, non-removed registrants count. Output: CSV rows
-- code, registrants, consented, assigned, households,
-- unassigned households; "(outside)" for no district.
.bail on
.load mod_spatialite
-- district of every point (own points only; members without one take
-- their household's): districts outer, the points' R*Tree inner, so
-- ST_Covers sees one district polygon many times in a row and
-- SpatiaLite reuses its prepared GEOS geometry
CREATE TEMP TABLE pd AS
SELECT i.pkid AS rid, min(d.code) AS dc
FROM district d CROSS JOIN idx_registrant_geom i CROSS JOIN registrant p
WHERE i.xmin <= MbrMaxX(d.geom) AND i.xmax >= MbrMinX(d.geom)
  AND i.ymin <= MbrMaxY(d.geom) AND i.ymax >= MbrMinY(d.geom)
  AND p.rowid = i.pkid AND p.removed_at IS NULL
  AND ST_Covers(d.geom, p.geom)
GROUP BY i.pkid;
CREATE INDEX temp.pd_rid ON pd (rid);
.mode csv
WITH hp AS (SELECT household_id, rowid AS prow, min(id) FROM registrant
            WHERE geom IS NOT NULL AND removed_at IS NULL GROUP BY household_id),
r AS (SELECT r.household_id AS hh, r.consent = 'yes' AS ok,
             EXISTS (SELECT 1 FROM assignment a WHERE a.registrant_id = r.id) AS asg,
             CASE WHEN r.geom IS NOT NULL THEN r.rowid ELSE hp.prow END AS prow
      FROM registrant r LEFT JOIN hp ON hp.household_id = r.household_id
      WHERE r.status = 'active' AND r.removed_at IS NULL)
SELECT coalesce(pd.dc, '(outside)'), count(*), sum(ok), sum(asg),
       count(DISTINCT hh), count(DISTINCT CASE WHEN NOT asg THEN hh END)
FROM r LEFT JOIN pd ON pd.rid = r.prow GROUP BY pd.dc ORDER BY 1;
