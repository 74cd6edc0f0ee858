"""Writes a small register's inputs on four real districts of Tomakomai
(旭町1-4丁目) and what an atlas of it must and must not show, worked out
here from the generated rows alone (no evacreg code).

usage: gen.py DISTRICTS.geojson OUTDIR"""
import json
import random
import sys
import unicodedata

src, out = sys.argv[1], sys.argv[2]
CODES = ["01213002001", "01213002002", "01213002003", "01213002004"]
# A1 holds 1 and 2, A2 holds 3; 4 has no association
ASSOC = {"01213002001": "A1", "01213002002": "A1", "01213002003": "A2"}

features = [f for f in json.load(open(src, encoding="utf-8"))["features"]
            if f["properties"]["KEY_CODE"] in CODES]
assert len(features) == 4
with open(out + "/districts.geojson", "w", encoding="utf-8") as f:
    json.dump({"type": "FeatureCollection", "features": features}, f,
              ensure_ascii=False)


def rings(geom):
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" \
        else [geom["coordinates"]]
    return [r for p in polys for r in p]


def inside(pt, rs):
    # even-odd over every ring: holes count as outside
    x, y = pt
    c = False
    for r in rs:
        for (x1, y1), (x2, y2) in zip(r, r[1:]):
            if (y1 > y) != (y2 > y) and \
                    x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                c = not c
    return c


def far_from_edges(pt, rs, d=0.00005):
    # a margin of ~5 m, so no point sits on a shared edge
    return all(inside((pt[0] + dx, pt[1] + dy), rs)
               for dx in (-d, d) for dy in (-d, d))


rnd = random.Random(2026)
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村",
          "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上"]
GIVEN = ["一郎", "花子", "和子", "正男", "幸子", "清", "茂", "節子",
         "勇", "恵子", "博", "久子"]
names = [f + g for f in FAMILY for g in GIVEN]
rnd.shuffle(names)

reg = []
expect = []  # (code, household_id, address, shown_normal)
nameq = iter(names)
hid = 0
for f in features:
    code = f["properties"]["KEY_CODE"]
    label = f["properties"]["S_NAME"]
    rs = rings(f["geometry"])
    xs = [p[0] for r in rs for p in r]
    ys = [p[1] for r in rs for p in r]
    for h in range(8):
        while True:
            pt = (rnd.uniform(min(xs), max(xs)), rnd.uniform(min(ys), max(ys)))
            if far_from_edges(pt, rs):
                break
        hid += 1
        hh = "H%03d" % hid
        # the register keeps addresses NFKC-normalised (１ -> 1)
        addr = unicodedata.normalize("NFKC", "%s%d番%d号" % (label, hid, h + 1))
        members = []
        for m in range(rnd.choice([1, 1, 2])):
            rid = "R%03d%d" % (hid, m)
            consent = rnd.choice(["yes", "yes", "no", "unanswered"])
            assigned = rnd.random() < 0.3
            members.append((rid, next(nameq), consent, assigned))
        for m, (rid, name, consent, assigned) in enumerate(members):
            reg.append((rid, hh, name, consent, assigned, addr,
                        pt if m == 0 else None))
        shown = any(c == "yes" and not a for _, _, c, a in members)
        expect.append((code, hh, addr, shown))

with open(out + "/registrants.csv", "w", encoding="utf-8") as f:
    f.write("id,household_id,name,kana,birth_date,address,phone,reasons,"
            "consent,lat,lon,status,mobility\n")
    for rid, hh, name, consent, assigned, addr, pt in reg:
        lat = "%.7f" % pt[1] if pt else ""
        lon = "%.7f" % pt[0] if pt else ""
        f.write("%s,%s,%s,テスト,1940-04-01,%s,0144-00-0000,elderly_alone,"
                "%s,%s,%s,active,walk\n" % (rid, hh, name, addr, consent,
                                            lat, lon))
with open(out + "/associations.csv", "w", encoding="utf-8") as f:
    f.write("code,name,has_jishubo,households,districts\n")
    f.write("A1,旭町町内会,1,300,01213002001;01213002002\n")
    f.write("A2,旭町第二町内会,0,100,01213002003\n")
with open(out + "/supporters.csv", "w", encoding="utf-8") as f:
    f.write("id,name,association,capacity\nS1,支援者,A1,99\n")
with open(out + "/assignments.csv", "w", encoding="utf-8") as f:
    f.write("registrant_id,supporter_id\n")
    for rid, _, _, _, assigned, _, _ in reg:
        if assigned:
            f.write("%s,S1\n" % rid)

# what the atlas must show (normal mode: consent yes only, opt-in) and
# must not
with open(out + "/expect_names_shown", "w", encoding="utf-8") as f:
    for rid, hh, name, consent, assigned, addr, pt in reg:
        if consent == "yes" and not assigned:
            f.write(name + "\n")
with open(out + "/expect_names_hidden", "w", encoding="utf-8") as f:
    for rid, hh, name, consent, assigned, addr, pt in reg:
        if consent != "yes" and not assigned:
            f.write(name + "\n")
with open(out + "/expect_names_assigned", "w", encoding="utf-8") as f:
    for rid, hh, name, consent, assigned, addr, pt in reg:
        if assigned:
            f.write(name + "\n")
with open(out + "/expect_households", "w", encoding="utf-8") as f:
    for code, hh, addr, shown in expect:
        f.write("%s %s %s %d\n" % (code, hh, addr, int(shown)))
with open(out + "/expect_districts", "w", encoding="utf-8") as f:
    for ft in features:
        f.write("%s %s %s\n" % (ft["properties"]["KEY_CODE"],
                                ft["properties"]["S_NAME"],
                                ASSOC.get(ft["properties"]["KEY_CODE"],
                                          "no-association")))
