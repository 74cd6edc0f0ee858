"""evacreg's benchmark harness (issue 5); run it through bench/run.

Builds synthetic registers on real district boundaries at several
sizes, then times import, coverage, KML and PDF export with evacreg and
with the peers a GIS officer would use, on the same files, checks that
they agree, and writes bench/RESULTS.md and bench/results.png.
"""
import argparse
import csv
import datetime
import glob
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
PEERS = os.path.join(BENCH, "peers")
PY = "/usr/bin/python3"
ALL_TASKS = ["import", "coverage", "kml", "pdf"]
ALL_PEERS = ["spatialite", "ogr2ogr", "gdal", "mapnik", "qgis"]
TASK_PEERS = {"import": ["spatialite"], "coverage": ["spatialite"],
              "kml": ["ogr2ogr", "gdal"], "pdf": ["mapnik", "qgis"]}
TOOL_LABEL = {
    "evacreg": "evacreg",
    "evacreg-full": "evacreg (full atlas, with lists)",
    "spatialite": "sqlite3 + SpatiaLite SQL",
    "ogr2ogr": "ogr2ogr -f KML, one process per district",
    "gdal": "GDAL Python bindings, one process",
    "mapnik": "Mapnik (Python, Cairo PDF)",
    "qgis": "QGIS atlas (Python, headless)",
}


def die(msg):
    sys.exit("bench: " + msg)


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def sh(cmd, cwd=None, env=None, check=True):
    r = subprocess.run(cmd, shell=True, cwd=cwd, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if check and r.returncode:
        die("command failed (%d): %s\n%s" % (r.returncode, cmd,
                                             r.stderr[-3000:]))
    return r.stdout


def out_of(cmd):
    try:
        return subprocess.run(cmd, shell=True, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True,
                              timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


# ---- timing --------------------------------------------------------------

def parse_time_v(path):
    wall = rss = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("Elapsed (wall clock) time"):
                v = line.rsplit(": ", 1)[1]
                parts = [float(p) for p in v.split(":")]
                wall = 0.0
                for p in parts:
                    wall = wall * 60 + p
            elif line.startswith("Maximum resident set size"):
                rss = int(line.rsplit(": ", 1)[1])
    if wall is None or rss is None:
        die("cannot read /usr/bin/time -v output in " + path)
    return wall, rss


def timed(cmd, cwd, runs, setup=None, env=None):
    """Runs cmd once untimed (warm-up), then runs times under
    /usr/bin/time -v; returns (median wall s, median max RSS KB, walls).
    setup() runs before each run, untimed."""
    tv = os.path.join(cwd, ".time-v.txt")
    walls, rsss = [], []
    for i in range(runs + 1):
        if setup:
            setup()
        full = "/usr/bin/time -v -o %s sh -c %s" % (
            shlex.quote(tv), shlex.quote(cmd))
        r = subprocess.run(full, shell=True, cwd=cwd, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
        if r.returncode:
            die("command failed (%d): %s\n%s" % (r.returncode, cmd,
                                                 r.stderr[-3000:]))
        if i == 0:
            continue  # warm-up
        w, m = parse_time_v(tv)
        walls.append(w)
        rsss.append(m)
    os.unlink(tv)
    return statistics.median(walls), statistics.median(rsss), walls


# ---- data ----------------------------------------------------------------

def prepare(evacreg, city, n, d):
    """Base register (districts, shelters, associations), the synthetic
    CSVs, the CP932 registrant file and the full register."""
    os.makedirs(d, exist_ok=True)
    data = os.path.join(ROOT, "data", city)
    ev = shlex.quote(evacreg)
    log("%s: preparing %d registrants in %s" % (city, n, d))
    sh("%s init base.db >/dev/null 2>&1" % ev, cwd=d)
    sh("%s import districts base.db %s >/dev/null 2>&1"
       % (ev, shlex.quote(os.path.join(data, "districts.geojson"))), cwd=d)
    sh("%s import shelters base.db %s --kind designated >/dev/null 2>&1"
       % (ev, shlex.quote(os.path.join(data, "shelters_designated.geojson"))),
       cwd=d)
    sh("%s synth base.db --out synth --registrants %d --seed 1 >/dev/null"
       % (ev, n), cwd=d)
    sh("%s import associations base.db synth/associations.csv >/dev/null"
       % ev, cwd=d)
    sh("iconv -f UTF-8 -t CP932 synth/registrants.csv "
       ">registrants-cp932.csv", cwd=d)
    shutil.copy(os.path.join(d, "base.db"), os.path.join(d, "full.db"))
    for kind, f in (("registrants", "registrants-cp932.csv"),
                    ("supporters", "synth/supporters.csv"),
                    ("assignments", "synth/assignments.csv")):
        sh("%s import %s full.db %s >/dev/null" % (ev, kind, f), cwd=d)
    # evacreg writes its own copy (exports record audit rows and
    # household numbers); the peers read full.db
    shutil.copy(os.path.join(d, "full.db"), os.path.join(d, "evacreg.db"))
    # evacreg keeps no R*Tree on registrant points (it finds them by
    # district); the peers' copy gets one, untimed, as a GIS officer's
    # working copy would have
    sh("sqlite3 full.db \".load mod_spatialite\" \"SELECT "
       "CreateSpatialIndex('registrant', 'geom')\" >/dev/null", cwd=d)
    os.remove(os.path.join(d, "synth", "registrants.csv"))


def district_codes(d):
    out = sh("sqlite3 full.db \"SELECT d.code FROM district d WHERE EXISTS "
             "(SELECT 1 FROM registrant r WHERE r.district_code = d.code AND "
             "r.status = 'active' AND r.removed_at IS NULL) ORDER BY d.code\"",
             cwd=d)
    return out.split()


# ---- checks --------------------------------------------------------------

def read_evacreg_coverage(path):
    rows = {}
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if int(r["registrants"]) == 0:
                continue
            code = r["district_code"] or "(outside)"
            rows[code] = (int(r["registrants"]), int(r["consented"]),
                          int(r["assigned"]), int(r["households"]),
                          int(r["unassigned_households"]))
    return rows


def read_sql_coverage(path):
    rows = {}
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.reader(f):
            if r:
                rows[r[0]] = tuple(int(x) for x in r[1:6])
    return rows


def count_placemarks(path, mode):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if mode == "evacreg":
        return text.count('<Placemark id="hh')
    if mode == "ogr2ogr":
        return text.count("<Placemark")
    m = re.search(r"<Folder><name>households</name>(.*?)</Folder>", text,
                  re.S)
    return m.group(1).count("<Placemark") if m else 0


def kml_counts(folder, codes, mode):
    return {c: count_placemarks(os.path.join(folder, c + ".kml"), mode)
            for c in codes}


def size_mb(path):
    """Size of a file, or of every file below a folder, in MB (1 dp)."""
    if os.path.isfile(path):
        total = os.path.getsize(path)
    else:
        total = sum(os.path.getsize(os.path.join(r, f))
                    for r, _, fs in os.walk(path) for f in fs)
    return "%.1f" % (total / 1e6)


def pdf_pages(path):
    with open(path, "rb") as f:
        data = f.read()
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


# ---- the benchmark -------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.a = args
        self.ev = os.path.abspath(args.evacreg)
        self.results = {}  # (task, size, tool) -> (wall, rss)
        self.checks = []   # lines for RESULTS.md
        self.commands = {}  # (task, tool) -> command template
        self.notes = []
        help_text = out_of("%s export pdf --help" % shlex.quote(self.ev))
        self.maps_only = "--maps-only" in help_text

    def run(self, task, n, tool, cmd, cwd, setup=None, env=None):
        self.commands.setdefault((task, tool), cmd)
        log("%-8s %9d  %-12s ..." % (task, n, tool))
        wall, rss, walls = timed(cmd, cwd, self.a.runs, setup, env)
        log("%-8s %9d  %-12s %.2f s (%s), %.0f MB" % (
            task, n, tool, wall, ", ".join("%.2f" % w for w in walls),
            rss / 1024))
        self.results[(task, n, tool)] = (wall, rss)

    def check(self, what, n, ok, detail):
        line = "%s at %s: %s%s" % (what, fmt_n(n), "equal" if ok else
                                   "DIFFERENT", (" (" + detail + ")")
                                   if detail else "")
        self.checks.append(line)
        log(line)
        return ok

    def size(self, n):
        d = os.path.join(self.work, str(n))
        prepare(self.ev, self.a.city, n, d)
        ev = shlex.quote(self.ev)
        tasks, peers = self.a.only, self.a.peers
        codes = district_codes(d)
        ok = True

        def fresh(src, dst):
            def f():
                for p in glob.glob(os.path.join(d, dst) + "*"):
                    os.remove(p)
                shutil.copy(os.path.join(d, src), os.path.join(d, dst))
            return f

        def clean(path):
            def f():
                p = os.path.join(d, path)
                if os.path.isdir(p):
                    shutil.rmtree(p)
                elif os.path.exists(p):
                    os.remove(p)
            return f

        if "import" in tasks:
            self.run("import", n, "evacreg",
                     "%s import registrants import-evacreg.db "
                     "registrants-cp932.csv" % ev, d,
                     fresh("base.db", "import-evacreg.db"))
            if "spatialite" in peers:
                shutil.copy(os.path.join(PEERS, "import.sql"), d)
                self.run("import", n, "spatialite",
                         "iconv -f CP932 -t UTF-8 registrants-cp932.csv "
                         ">registrants-utf8.csv && sqlite3 import-sql.db "
                         "<import.sql", d,
                         fresh("base.db", "import-sql.db"))
                got = sh("sqlite3 import-sql.db 'SELECT count(*) FROM "
                         "r_peer'", cwd=d).strip()
                want = sh("sqlite3 import-evacreg.db 'SELECT count(*) FROM "
                          "registrant'", cwd=d).strip()
                ok &= self.check("import: rows loaded", n, got == want,
                                 "evacreg %s, SQL %s" % (want, got))

        if "coverage" in tasks:
            self.run("coverage", n, "evacreg",
                     "%s coverage evacreg.db --by district --format csv "
                     ">coverage-evacreg.csv" % ev, d)
            if "spatialite" in peers:
                shutil.copy(os.path.join(PEERS, "coverage.sql"), d)
                self.run("coverage", n, "spatialite",
                         "sqlite3 full.db <coverage.sql >coverage-sql.csv", d)
                a = read_evacreg_coverage(os.path.join(d,
                                                       "coverage-evacreg.csv"))
                b = read_sql_coverage(os.path.join(d, "coverage-sql.csv"))
                diff = sorted(k for k in set(a) | set(b)
                              if a.get(k) != b.get(k))
                ok &= self.check(
                    "coverage: registrants, consented, assigned, households, "
                    "unassigned households for each of %d districts" % len(a),
                    n, not diff, "differ: " + ", ".join(
                        "%s %s/%s" % (k, a.get(k), b.get(k))
                        for k in diff[:5]) if diff else "")

        if "kml" in tasks:
            self.run("kml", n, "evacreg",
                     "%s export kml evacreg.db --all --out kml-evacreg" % ev,
                     d, clean("kml-evacreg"))
            want = kml_counts(os.path.join(d, "kml-evacreg"), codes,
                              "evacreg")
            hh = os.path.join(PEERS, "households.sql")
            if "ogr2ogr" in peers:
                with open(hh, encoding="utf-8") as f:
                    q = " ".join(ln.strip() for ln in f.read().splitlines()
                                 if not ln.lstrip().startswith("--"))
                q = ("SELECT household_id, persons, names, kana, reasons, "
                     "phones, MakePoint(lon, lat, 4326) AS geom FROM (%s)"
                     % q)
                with open(os.path.join(d, "codes.txt"), "w") as f:
                    f.write("\n".join(codes) + "\n")
                with open(os.path.join(d, "households-ogr.sql"), "w",
                          encoding="utf-8") as f:
                    f.write(q + "\n")
                self.run("kml", n, "ogr2ogr",
                         "mkdir kml-ogr2ogr && while read -r c; do "
                         "ogr2ogr -f KML kml-ogr2ogr/$c.kml full.db "
                         "-dialect SQLITE -nln households -sql \"$(sed "
                         "\"s/:code/'$c'/\" households-ogr.sql)\" || exit 1; "
                         "done <codes.txt", d, clean("kml-ogr2ogr"))
                got = kml_counts(os.path.join(d, "kml-ogr2ogr"), codes,
                                 "ogr2ogr")
                ok &= self.kml_check(n, "ogr2ogr", want, got)
            if "gdal" in peers:
                self.run("kml", n, "gdal",
                         "%s %s full.db kml-gdal" % (
                             PY, shlex.quote(os.path.join(PEERS,
                                                          "kml_gdal.py"))),
                         d, clean("kml-gdal"))
                got = kml_counts(os.path.join(d, "kml-gdal"), codes, "gdal")
                ok &= self.kml_check(n, "GDAL Python", want, got)
            # what each wrote: the peers write less per household
            sizes = [(who, size_mb(os.path.join(d, folder)))
                     for who, folder in (("evacreg", "kml-evacreg"),
                                         ("ogr2ogr", "kml-ogr2ogr"),
                                         ("GDAL Python", "kml-gdal"))
                     if os.path.isdir(os.path.join(d, folder))]
            self.checks.append("kml at %s: bytes written: %s" % (
                fmt_n(n), ", ".join("%s %s MB" % kv for kv in sizes)))

        if "pdf" in tasks:
            maps = " --maps-only" if self.maps_only else ""
            self.run("pdf", n, "evacreg",
                     "%s export pdf evacreg.db --all --out atlas-evacreg.pdf%s"
                     % (ev, maps), d, clean("atlas-evacreg.pdf"))
            pages = {"evacreg": pdf_pages(os.path.join(d,
                                                       "atlas-evacreg.pdf"))}
            # the full atlas lists every unassigned household: tens of
            # thousands of list pages at 1M, which no one prints; timed
            # up to 100k only
            if self.maps_only and n <= 100000:
                self.run("pdf", n, "evacreg-full",
                         "%s export pdf evacreg.db --all --out "
                         "atlas-evacreg-full.pdf" % ev, d,
                         clean("atlas-evacreg-full.pdf"))
            for peer in ("mapnik", "qgis"):
                if peer not in peers:
                    continue
                self.run("pdf", n, peer, "%s%s %s full.db atlas-%s.pdf" % (
                    "QT_QPA_PLATFORM=offscreen " if peer == "qgis" else "",
                    PY, shlex.quote(os.path.join(PEERS, "pdf_%s.py" % peer)),
                    peer), d, clean("atlas-%s.pdf" % peer))
                pages[peer] = pdf_pages(os.path.join(d, "atlas-%s.pdf" % peer))
            self.checks.append(
                "pdf at %s: bytes written: %s" % (fmt_n(n), ", ".join(
                    "%s %s MB" % (who, size_mb(os.path.join(
                        d, "atlas-%s.pdf" % who)))
                    for who in pages)))
            self.checks.append(
                "pdf at %s: pages: %s (%d districts with registrants%s)" % (
                    fmt_n(n), ", ".join("%s %d" % kv for kv in pages.items()),
                    len(codes), "" if self.maps_only else
                    "; evacreg's full atlas adds a cover, an index and "
                    "list pages"))
        return ok

    def kml_check(self, n, who, want, got):
        diff = [c for c in want if want[c] != got.get(c)]
        return self.check(
            "kml: household placemarks per district, evacreg vs %s "
            "(%d districts, %d households)" % (who, len(want),
                                               sum(want.values())),
            n, not diff, "differ: " + ", ".join(
                "%s %d/%s" % (c, want[c], got.get(c)) for c in diff[:5])
            if diff else "")

    def main(self):
        a = self.a
        self.work = a.work or tempfile.mkdtemp(prefix="evacreg-bench-")
        os.makedirs(self.work, exist_ok=True)
        t0 = time.time()
        ok = True
        try:
            for n in a.sizes:
                ok &= self.size(n)
                if not a.keep:
                    shutil.rmtree(os.path.join(self.work, str(n)))
        finally:
            if not a.keep and not a.work:
                shutil.rmtree(self.work, ignore_errors=True)
        self.elapsed = time.time() - t0
        write_results(self)
        if not ok:
            die("the tools disagree: see " + a.out)
        log("wrote %s and %s" % (a.out, a.plot))


# ---- report --------------------------------------------------------------

def fmt_n(n):
    if n >= 1000000 and n % 1000000 == 0:
        return "%dM" % (n // 1000000)
    if n >= 1000 and n % 1000 == 0:
        return "%dk" % (n // 1000)
    return str(n)


def versions(b):
    v = []
    v.append(("evacreg", out_of("%s --version" % shlex.quote(b.ev)) + " (git "
              + out_of("git -C %s describe --always --dirty" %
                       shlex.quote(ROOT)) + ")"))
    v.append(("SQLite", out_of("sqlite3 --version").split(" ")[0]))
    v.append(("SpatiaLite", out_of(
        "sqlite3 :memory: '.load mod_spatialite' "
        "'SELECT spatialite_version()'")))
    v.append(("GEOS", out_of("sqlite3 :memory: '.load mod_spatialite' "
                             "'SELECT geos_version()'")))
    v.append(("PROJ", out_of("sqlite3 :memory: '.load mod_spatialite' "
                             "'SELECT proj_version()'")))
    peers = set(b.a.peers)
    if peers & {"ogr2ogr", "gdal"}:
        v.append(("GDAL", out_of("ogr2ogr --version")))
    if "mapnik" in peers:
        v.append(("Mapnik", out_of(
            PY + " -c 'import mapnik; v = mapnik.mapnik_version(); "
            "print(\"%d.%d.%d\" % (v // 100000, v // 100 % 1000, v % 100))'")))
    if "qgis" in peers:
        v.append(("QGIS", out_of(
            "QT_QPA_PLATFORM=offscreen " + PY + " -c 'from qgis.core import "
            "Qgis; print(Qgis.QGIS_VERSION)'")))
    v.append(("Python", out_of(PY + " --version")))
    v.append(("gnuplot", out_of("gnuplot --version")))
    return v


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) / 1024 / 1024
    except OSError:
        mem = 0
    deb = out_of("cat /etc/debian_version")
    return "%d cores (nproc), %s, %.0f GiB RAM, Debian %s, Linux %s" % (
        os.cpu_count() or 0, cpu, mem, deb, platform.release())


TASK_TITLE = {
    "import": "Import of the registrant CSV (CP932)",
    "coverage": "Coverage by district",
    "kml": "KML of unassigned households, every district",
    "pdf": "PDF atlas, every district",
}

TASK_DOES = {
    "import": (
        "evacreg: `import registrants` on a copy of the base register: "
        "decodes CP932, validates and normalises every value (和暦 dates, "
        "codes), inserts with points (no R*Tree: registrants are found by "
        "district and household), locates members "
        "without a point at their household's, assigns each registrant's "
        "district (C point-in-polygon, GEOS near edges), records the "
        "import in the audit log; one transaction. "
        "SQL: `iconv` to UTF-8, then the sqlite3 CLI runs "
        "[peers/import.sql](peers/import.sql) on a copy of the same base "
        "register: `.import` into a staging table, then an equivalent "
        "table with id primary key, household (empty: own id), consent and "
        "status mapped, a `MakePoint` POINT, a SpatiaLite spatial index "
        "and a household index; no validation, no district."),
    "coverage": (
        "evacreg: `coverage --by district --format csv` (districts were "
        "assigned at import, so this is an aggregation). "
        "SQL: [peers/coverage.sql](peers/coverage.sql) on the same full "
        "register without evacreg's derived columns: own point else the "
        "household's first member's, district by `ST_Covers` through the "
        "R*Tree (districts outer, points inner, so SpatiaLite reuses the "
        "prepared district polygon), lowest code on shared edges, then "
        "`GROUP BY`."),
    "kml": (
        "evacreg: `export kml --all` (per district: boundary, unassigned "
        "households with names, ages, needs, phones, shelters within "
        "500 m, styles, figures; plus index.kml; audit rows with SHA-256). "
        "ogr2ogr: one `ogr2ogr -f KML` per district (a shell loop) of "
        "[peers/households.sql](peers/households.sql): households only. "
        "GDAL Python: [peers/kml_gdal.py](peers/kml_gdal.py), one "
        "process, per district the boundary, the same households and the "
        "shelters within 500 m through OGR's KML driver. Peers use "
        "evacreg's stored district and location of each registrant."),
    "pdf": (
        "evacreg: `export pdf --all` (maps only when `--maps-only` is "
        "available; the full atlas row, timed up to 100k registrants, "
        "adds the cover, index and list "
        "pages). Mapnik: [peers/pdf_mapnik.py](peers/pdf_mapnik.py), one "
        "A4 Cairo PDF page per district with registrants: all districts, "
        "the district highlighted, shelters, its unassigned households, "
        "in the register's CRS, with a title. QGIS: "
        "[peers/pdf_qgis.py](peers/pdf_qgis.py), a print-layout atlas over "
        "the same districts with the same layers (households read once "
        "into a memory layer), `QgsLayoutExporter.exportToPdf`, "
        "offscreen Qt."),
}


def write_results(b):
    a = b.a
    sizes = a.sizes
    lines = []
    w = lines.append
    w("# evacreg benchmark results")
    w("")
    w("Generated by `bench/run` (do not edit by hand) on %s in %.0f s." % (
        datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), b.elapsed))
    w("")
    w("Command: `%s`" % " ".join(["sh bench/run"] + a.argv))
    w("")
    w("Machine: %s." % machine())
    w("")
    w("City: %s (real district boundaries and designated shelters from "
      "`data/%s/`), synthetic registrants (`evacreg synth --seed 1`)." % (
          a.city, a.city))
    w("")
    w("Each figure is the median of %d timed runs, after one untimed "
      "warm-up run of the same command (the OS page cache is not "
      "dropped): wall time and peak RSS from `/usr/bin/time -v` of the "
      "whole command (for a pipeline or loop: the largest process). "
      "Ratio = peer median / evacreg median; above 1, evacreg is faster."
      % a.runs)
    w("")
    w("## Versions")
    w("")
    for k, v in versions(b):
        w("- %s: %s" % (k, v or "not found"))
    w("")
    w("## Results")
    for task in ALL_TASKS:
        tools = [t for t in ["evacreg", "evacreg-full"] + ALL_PEERS
                 if any((task, n, t) in b.results for n in sizes)]
        if not tools:
            continue
        w("")
        w("### %s" % TASK_TITLE[task])
        w("")
        w(TASK_DOES[task])
        w("")
        w("| registrants | tool | median s | peak RSS MB | peer / evacreg |")
        w("| ---: | --- | ---: | ---: | ---: |")
        for n in sizes:
            base = b.results.get((task, n, "evacreg"))
            for t in tools:
                r = b.results.get((task, n, t))
                if not r:
                    continue
                ratio = ""
                if t not in ("evacreg", "evacreg-full") and base:
                    ratio = "%.2f" % (r[0] / base[0]) if base[0] > 0 else "∞"
                w("| %s | %s | %.2f | %.0f | %s |" % (
                    fmt_n(n), TOOL_LABEL[t], r[0], r[1] / 1024, ratio))
        if task == "coverage" and "import" in a.only:
            w("")
            w("Import + coverage (evacreg assigns districts at import; the "
              "SQL assigns them in its coverage query):")
            w("")
            w("| registrants | evacreg s | SQL s | SQL / evacreg |")
            w("| ---: | ---: | ---: | ---: |")
            for n in sizes:
                e = [b.results.get((k, n, "evacreg")) for k in
                     ("import", "coverage")]
                s = [b.results.get((k, n, "spatialite")) for k in
                     ("import", "coverage")]
                if all(e) and all(s):
                    et, st = e[0][0] + e[1][0], s[0][0] + s[1][0]
                    w("| %s | %.2f | %.2f | %.2f |" % (fmt_n(n), et, st,
                                                      st / et))
    w("")
    w("![time against registrants, log-log](results.png)")
    w("")
    w("## Checked equal")
    w("")
    for c in b.checks:
        w("- " + c)
    w("")
    w("## Targets at 1M registrants")
    w("")
    for line in targets(b):
        w("- " + line)
    if not b.maps_only and "pdf" in a.only:
        w("")
        w("Note: this evacreg has no `export pdf --maps-only` yet, so its "
          "PDF row is the full atlas (cover, index, map and list pages) "
          "against the peers' map pages only.")
    w("")
    w("## Exact commands")
    w("")
    w("Run in the size's work folder; `full.db` is the full register "
      "(base + registrants + supporters + assignments), read by the peers; "
      "`evacreg.db` is evacreg's own copy of it (exports write audit rows "
      "and household numbers); `EVACREG` is `%s`; peer scripts are in "
      "`bench/peers/`." % os.path.relpath(b.ev, ROOT)
      if b.ev.startswith(ROOT) else b.ev)
    w("")
    w("```")
    w("# data (untimed)")
    w("EVACREG init base.db")
    w("EVACREG import districts base.db data/%s/districts.geojson" % a.city)
    w("EVACREG import shelters base.db data/%s/shelters_designated.geojson "
      "--kind designated" % a.city)
    w("EVACREG synth base.db --out synth --registrants N --seed 1")
    w("EVACREG import associations base.db synth/associations.csv")
    w("iconv -f UTF-8 -t CP932 synth/registrants.csv >registrants-cp932.csv")
    w("cp base.db full.db  # then import registrants-cp932.csv, "
      "synth/supporters.csv, synth/assignments.csv into it")
    w("cp full.db evacreg.db")
    w("sqlite3 full.db \".load mod_spatialite\" \"SELECT "
      "CreateSpatialIndex('registrant', 'geom')\"  # the peers' R*Tree")
    for (task, tool), cmd in b.commands.items():
        cmd = cmd.replace(b.ev, "EVACREG").replace(PEERS + "/", "")
        w("# %s, %s" % (task, tool))
        w(cmd)
    w("```")
    w("")
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    plot(b)


def targets(b):
    n = 1000000
    r = b.results

    def ratio(task, peer):
        e, p = r.get((task, n, "evacreg")), r.get((task, n, peer))
        return p[0] / e[0] if e and p else None

    def verdict(x, ok):
        return "not measured" if x is None else ("met" if ok else "not met")

    out = []
    x = ratio("coverage", "spatialite")
    out.append("coverage ≥ 10× faster than the SpatiaLite SQL: %s%s" % (
        verdict(x, x is not None and x >= 10),
        "" if x is None else " (%.2f×)" % x))
    peers = [p for p in (ratio("kml", "ogr2ogr"), ratio("kml", "gdal"))
             if p is not None]
    x = min(peers) if peers else None
    out.append("KML ≥ 5× faster than the stronger GDAL peer: %s%s" % (
        verdict(x, x is not None and x >= 5),
        "" if x is None else " (%.2f×)" % x))
    x = ratio("pdf", "mapnik")
    out.append("PDF atlas ≥ 5× faster than Mapnik: %s%s" % (
        verdict(x, x is not None and x >= 5),
        "" if x is None else " (%.2f×)" % x))
    e = r.get(("import", n, "evacreg"))
    out.append("import ≤ 10 s: %s%s" % (
        verdict(e, e is not None and e[0] <= 10),
        "" if e is None else " (%.2f s)" % e[0]))
    small = min(b.a.sizes)
    for task in ("kml", "pdf"):
        big, lo = r.get((task, n, "evacreg")), r.get((task, small, "evacreg"))
        x = big[1] / lo[1] if big and lo and small < n else None
        out.append(
            "%s export's peak memory does not grow with households "
            "(peak RSS at 1M ≤ 1.5 × at %s): %s%s" % (
                task.upper(), fmt_n(small), verdict(x, x is not None and
                                                   x <= 1.5),
                "" if x is None else " (%.0f MB vs %.0f MB)" % (
                    big[1] / 1024, lo[1] / 1024)))
    return out


def plot(b):
    a = b.a
    d = tempfile.mkdtemp(prefix="evacreg-plot-")
    try:
        panels = []
        for task in a.only:
            series = []
            for t in ["evacreg", "evacreg-full"] + ALL_PEERS:
                pts = [(n, b.results[(task, n, t)][0]) for n in a.sizes
                       if (task, n, t) in b.results]
                if not pts:
                    continue
                f = os.path.join(d, "%s-%s.dat" % (task, t))
                with open(f, "w") as fh:
                    for n, s in pts:
                        fh.write("%d %.4f\n" % (n, max(s, 0.001)))
                series.append("'%s' using 1:2 with linespoints lw 2 pt 7 "
                              "title '%s'" % (f, TOOL_LABEL[t]))
            if series:
                panels.append((TASK_TITLE[task], series))
        if not panels:
            return
        cols = 2 if len(panels) > 1 else 1
        rows = (len(panels) + cols - 1) // cols
        gp = [
            "set terminal pngcairo size %d,%d font 'Sans,10'" % (
                640 * cols, 440 * rows),
            "set output '%s'" % a.plot,
            "set logscale xy",
            "set grid",
            "set key top left font 'Sans,9'",
            "set xlabel 'registrants'",
            "set ylabel 'wall time, s (median)'",
            "set format x '10^{%L}'",
            "set xrange [%g:%g]" % (min(a.sizes) / 1.5, max(a.sizes) * 1.5),
            "set multiplot layout %d,%d title 'evacreg benchmark: time "
            "against registrants (log-log)'" % (rows, cols),
        ]
        for title, series in panels:
            gp.append("set title '%s'" % title)
            gp.append("plot " + ", ".join(series))
        gp.append("unset multiplot")
        script = os.path.join(d, "plot.gp")
        with open(script, "w") as f:
            f.write("\n".join(gp) + "\n")
        sh("gnuplot %s" % shlex.quote(script))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def parse(argv):
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    p.add_argument("--quick", action="store_true",
                   help="10k only, evacreg and SpatiaLite SQL only")
    p.add_argument("--sizes", default="10000,100000,1000000",
                   help="registrant counts, comma-separated")
    p.add_argument("--10m", dest="ten_m", action="store_true",
                   help="add 10,000,000 registrants")
    p.add_argument("--runs", type=int, default=3,
                   help="timed runs per command (at least 3)")
    p.add_argument("--only", default=",".join(ALL_TASKS),
                   help="tasks: import,coverage,kml,pdf")
    p.add_argument("--peers", default=None,
                   help="peers: " + ",".join(ALL_PEERS))
    p.add_argument("--city", default="tomakomai",
                   choices=["tomakomai", "otaru"])
    p.add_argument("--work", default=None,
                   help="work folder (default: a temporary one)")
    p.add_argument("--keep", action="store_true",
                   help="keep the generated registers and outputs")
    p.add_argument("--out", default=os.path.join(BENCH, "RESULTS.md"))
    p.add_argument("--evacreg", default=os.path.join(ROOT, "build", "src",
                                                     "evacreg"))
    a = p.parse_args(argv)
    a.argv = argv
    if a.runs < 3:
        p.error("--runs must be at least 3")
    try:
        a.sizes = [int(s) for s in a.sizes.split(",") if s]
    except ValueError:
        p.error("--sizes takes numbers separated by commas")
    if a.quick:
        a.sizes = [10000]
        if a.peers is None:
            a.peers = "spatialite"
    if a.ten_m and 10000000 not in a.sizes:
        a.sizes.append(10000000)
    a.sizes = sorted(set(a.sizes))
    if not a.sizes or min(a.sizes) < 1 or max(a.sizes) > 10000000:
        p.error("sizes must be 1 to 10,000,000")
    a.only = [t for t in a.only.split(",") if t]
    a.peers = [t for t in (a.peers or ",".join(ALL_PEERS)).split(",") if t]
    for t in a.only:
        if t not in ALL_TASKS:
            p.error("unknown task %r" % t)
    for t in a.peers:
        if t not in ALL_PEERS:
            p.error("unknown peer %r" % t)
    a.out = os.path.abspath(a.out)
    a.plot = os.path.join(os.path.dirname(a.out), "results.png")
    if not os.access(a.evacreg, os.X_OK):
        p.error("no evacreg at %s (build it or give --evacreg)" % a.evacreg)
    if a.work:
        a.work = os.path.abspath(a.work)
    return a


if __name__ == "__main__":
    Bench(parse(sys.argv[1:])).main()
