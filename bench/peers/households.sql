-- Unassigned households of one district as evacreg's normal-mode maps
-- show them (opt-in register): households with at least one active,
-- unassigned registrant who consented ('yes'), placed at the location
-- of the household's first active member in the district (by id).
-- :code is the district. Shared by the KML and PDF peers. The unary +
-- keeps SQLite on the household index for the location lookups: with
-- the district index it reads the whole district once per household
-- (22 s instead of under 1 s for the KML of 100k registrants).
SELECT r.household_id AS household_id, count(*) AS persons,
	group_concat(r.name, ' / ') AS names,
	group_concat(r.kana, ' / ') AS kana,
	group_concat(r.reasons, ' / ') AS reasons,
	group_concat(r.phone, ' / ') AS phones,
	(SELECT h.loc_lon FROM registrant h
	 WHERE h.household_id = r.household_id
	   AND +h.district_code = r.district_code AND h.status = 'active'
	   AND h.removed_at IS NULL ORDER BY h.id LIMIT 1) AS lon,
	(SELECT h.loc_lat FROM registrant h
	 WHERE h.household_id = r.household_id
	   AND +h.district_code = r.district_code AND h.status = 'active'
	   AND h.removed_at IS NULL ORDER BY h.id LIMIT 1) AS lat
FROM registrant r
WHERE r.district_code = :code AND r.status = 'active'
	AND r.removed_at IS NULL AND r.consent = 'yes'
	AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.registrant_id = r.id)
GROUP BY r.household_id ORDER BY r.household_id
