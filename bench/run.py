"""The benchmark: public pages at 1,000 and 100,000 practices, as ratios to two floors.

    bin/bench                      # both sizes, every mode: about 10 minutes on two cores
    bin/bench --sizes 1000 --duration 3
    bin/bench --sizes 100000 --modes "page cache" --worker-class gthread --threads 4

For each data size it seeds a PostgreSQL database once (kept between runs: smeplatform_bench_v<seed>_<N>),
collects the static files, starts gunicorn with the production settings (plus the floor view) on a
loopback port, and measures with wrk (Debian's package):

- S, a static file of the size of the browse page, served by whitenoise;
- P, a minimal Django view behind the same middleware returning the same bytes;
- each public page uncached (no page cache, no data cache) at 1 and 8 connections, with the data
  cache (counts and fragments kept, pages rendered) and from the anonymous page cache at 8;

and prints p50, p95, requests/s and the ratio to P, then whether each target of the performance
issue holds. The exports are also measured at one connection in every mode, and given in rows a
second (rows in the file × requests a second): one download's speed. At each size it also times
writing the whole open dataset (`manage.py regenerate_open_data`, practices/dataset.py). Results go
to bench/results/<date>.json and are summarised in docs/performance.md by hand.
"""

import argparse
import csv
import io
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.words import SEED_VERSION, rare_word  # noqa: E402
# The interpreter running this script, wherever its environment lives.
PYTHON = sys.executable
GUNICORN = [PYTHON, "-m", "gunicorn"]
LUA = Path(__file__).resolve().parent / "report.lua"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
FORWARDED = "X-Forwarded-Proto: https"

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
}
# (mode, page cache, data cache, connections): "uncached" computes everything on every request;
# "data cache" keeps counts, vocabulary and rendered fragments (per worker, some shared) but renders
# every page around them: what a signed-in delegate gets; "page cache" serves visitors' pages from memory.
MODES = [
    ("uncached", False, False, [1, 8]),
    ("data cache", False, True, [8]),
    ("page cache", True, True, [8]),
]
# Targets of the performance issue.
UNCACHED_MIN_RATIO = 0.25
P95_MAX_TIMES_STATIC = 25
DEEP_MAX_TIMES_FIRST = 2
CACHED_MIN_RATIO = 0.7
GROWTH_MAX = 1.3
# Issue 18: a download of a browse selection streams at least this many rows a second, at one connection.
EXPORT_MIN_ROWS_PER_SECOND = 20_000


def log(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(database, *args, capture=False, settings="bench.settings"):
    env = {**os.environ, "DATABASE_URL": database, "DJANGO_SETTINGS_MODULE": settings, "DEBUG": "true"}
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout


def psql(sql, database="postgres"):
    return subprocess.run(
        ["psql", f"{SERVER}/{database}", "-Atqc", sql], check=True, text=True, capture_output=True
    ).stdout.strip()


def ensure_database(size, reseed, prefix):
    name = f"{prefix}_v{SEED_VERSION}_{size}"
    url = f"{SERVER}/{name}"
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"
    if exists and not reseed:
        manage(url, "migrate", "-v0")
        if psql("SELECT count(*) FROM practices_practice WHERE status = 'published'", name) == str(size):
            log(f"[{size}] reusing {name}")
            return url
    if exists:
        psql(f'DROP DATABASE "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    manage(url, "migrate", "-v0")
    manage(url, "bench_seed", "--practices", str(size))
    log(f"[{size}] seeded {name} in {time.monotonic() - started:.0f} s")
    return url


LOOKUP = """
import json
from countries.models import Country, Region
from practices.models import Practice, Theme
from django.db.models import Count
published = Practice.objects.published()
country = Country.objects.annotate(n=Count("listed_practices")).order_by("-n").first()
theme = Theme.objects.order_by("position").first()
africa = Region.objects.get(slug="africa")
practice = published.order_by("-published_at").first()
filtered = published.filter(countries__region=africa, themes=theme).count()
print(json.dumps({"country": country.iso2, "theme": theme.slug, "practice": practice.pk,
                  "pages": published.count() // 20, "filtered_pages": filtered // 20}))
"""


def pages(url_database):
    found = json.loads(manage(url_database, "shell", "-c", LOOKUP, capture=True).strip().splitlines()[-1])
    deep = max(1, int(found["filtered_pages"] * 0.8))
    return {
        "home": "/en/",
        "browse": "/en/practices/",
        "browse region+theme": f"/en/practices/?region=africa&theme={found['theme']}",
        "browse deep page": f"/en/practices/?region=africa&theme={found['theme']}&page={deep}",
        "search selective": f"/en/practices/?q={rare_word(4242)}",
        "search common": "/en/practices/?q=credit",
        "practice": f"/en/practices/{found['practice']}/",
        "country": f"/en/countries/{found['country']}/",
        "map": "/en/regions/",
        "csv export": f"/en/practices/export.csv?country={found['country']}&theme={found['theme']}",
        "json export": f"/en/practices/export.json?country={found['country']}&theme={found['theme']}",
        # The newest practices, as many as a file holds (5,000 at 100,000 practices).
        "csv export, limit": "/en/practices/export.csv",
        "json export, limit": "/en/practices/export.json",
        "api": "/api/practices/",
    }


def is_export(name):
    return "export" in name


def rows_in(name, body):
    """The practices a downloaded export holds."""
    if "csv" in name:
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
        return len([row for row in rows[1:] if not row[0].startswith("# ")])
    return len(json.loads(body)["results"])


def time_dataset(database, size, media_root):
    """Seconds to write the whole open dataset (and its files' sizes), with the production settings."""
    env = {**os.environ, **PRODUCTION, "DATABASE_URL": database, "MEDIA_ROOT": str(media_root)}
    started = time.monotonic()
    out = subprocess.run(
        [PYTHON, "manage.py", "regenerate_open_data", "--site-url", "https://bench.example"],
        cwd=ROOT, env=env, check=True, text=True, capture_output=True,
    ).stdout.strip().splitlines()[-1]
    seconds = round(time.monotonic() - started, 1)
    log(f"[{size}] whole dataset: {seconds} s ({out})")
    return {"seconds": seconds, "summary": out}


class Server:
    """gunicorn with the production settings on a loopback port."""

    def __init__(self, database, static_root, floor_file, *, page_cache, data_cache, workers, worker_class, threads):
        self.port = free_port()
        self.env = {
            **os.environ,
            **PRODUCTION,
            "DATABASE_URL": database,
            "STATIC_ROOT": str(static_root),
            "BENCH_FLOOR_FILE": str(floor_file),
            "PAGE_CACHE": "true" if page_cache else "false",
            "DATA_CACHE": "true" if data_cache else "false",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_WORKER_CLASS": worker_class,
            "GUNICORN_THREADS": str(threads),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        self.process = subprocess.Popen(
            [*GUNICORN, "-c", "gunicorn_conf.py", "--access-logfile", "/dev/null", "smeplatform.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        # One worker answers; the others may still be starting (a second each): the
                        # first measurement (S) would count their start as its p95.
                        wrk(self.base + "/healthz", 8, 2)
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn did not start: {self.process.stderr.read().decode()[-2000:]}")

    def get(self, path):
        request = urllib.request.Request(self.base + path, headers={"X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def wrk(url, connections, duration):
    result = subprocess.run(
        ["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{duration}s", "--timeout", "30s",
         "-H", FORWARDED, "-s", str(LUA), url],
        check=True, text=True, capture_output=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line[len("BENCH "):])
    return {
        "rps": round(figures["requests"] / (figures["duration_us"] / 1e6), 1),
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p95_ms": round(figures["p95_us"] / 1000, 2),
        "mean_ms": round(figures["mean_us"] / 1000, 2),
        "requests": figures["requests"],
        "errors": figures["errors"] + figures["non2xx"],
        "duration_ms": figures["duration_us"] / 1000,
    }


def measure_size(size, args, static_root):
    database = ensure_database(size, args.reseed, args.database_prefix)
    urls = pages(database)
    results = {"size": size, "pages": {}}
    if not args.skip_dataset:
        results["dataset"] = time_dataset(database, size, static_root.parent / f"media-{size}")
    floor_file = static_root / "bench-floor.html"
    for mode, page_cache, data_cache, connections in MODES:
        if mode not in args.modes:
            continue
        # The floor files are the browse page's bytes, so S and P send what a page sends.
        floor_file.write_bytes(b"")
        options = {"page_cache": page_cache, "data_cache": data_cache, "workers": args.workers,
                   "worker_class": args.worker_class, "threads": args.threads}
        server = Server(database, static_root, floor_file, **options)
        try:
            status, body = server.get(urls["browse"])
            assert status == 200, status
            floor_file.write_bytes(body)
            server.stop()
            server = Server(database, static_root, floor_file, **options)
            chosen = [(name, path) for name, path in urls.items() if not args.pages or any(part in name for part in args.pages)]
            for name, path in [("S static", "/static/bench-floor.html"), ("P minimal view", "/bench/floor"), *chosen]:
                status, body = server.get(path)  # and warms what the mode keeps
                if status != 200:
                    raise SystemExit(f"{path} answered {status}")
                if mode != "uncached":
                    # Every worker keeps its own pages and fragments: warm them all, so the figures are
                    # the steady state. (The first request of each worker after a change is the
                    # uncached cost, less what the shared memos and the task worker spared it.)
                    wrk(server.base + path, 8, 1)
                # A download's own speed at one connection, in every mode.
                for conn in sorted({1, *connections}) if is_export(name) else connections:
                    figures = wrk(server.base + path, conn, args.duration)
                    figures["bytes"] = len(body)
                    rows = ""
                    if is_export(name):
                        figures["rows"] = rows_in(name, body)
                        # One download's speed (rows over its mean time), and the server's (rows × downloads a second).
                        figures["rows_per_second"] = round(figures["rows"] * 1000 / figures["mean_ms"]) if figures["requests"] else 0
                        figures["rows_served_per_second"] = round(figures["rows"] * figures["rps"])
                        rows = f"  {figures['rows']} rows: {figures['rows_per_second']} rows/s a download, {figures['rows_served_per_second']} served"
                    results["pages"].setdefault(name, {}).setdefault(mode, {})[str(conn)] = figures
                    log(f"[{size} {mode} c={conn}] {name:22} {figures['rps']:8.1f} req/s  p50 {figures['p50_ms']:7.2f} ms"
                        f"  p95 {figures['p95_ms']:7.2f} ms  errors {figures['errors']}{rows}")
            # P again at the end: on a shared machine the floor moves; the ratios use the mean of both.
            for conn in connections:
                again = wrk(server.base + "/bench/floor", conn, args.duration)
                floor = results["pages"]["P minimal view"][mode][str(conn)]
                floor["rps_end"] = again["rps"]
                floor["rps_start"] = floor["rps"]
                floor["rps"] = round((floor["rps_start"] + again["rps"]) / 2, 1)
                log(f"[{size} {mode} c={conn}] P again: {again['rps']:.1f} req/s (floor used: {floor['rps']:.1f})")
        finally:
            server.stop()
    return results


def _cost(figures):
    """Mean latency, or the whole measurement when no request completed in it."""
    return figures["mean_ms"] if figures["requests"] else figures.get("duration_ms", 1e9)


def _measured(page, mode):
    """The figures of a mode at the connections it was measured with the most of, or None."""
    figures = page.get(mode) or {}
    return figures[max(figures, key=int)] if figures else None


def verdicts(runs):
    """Whether each target holds, from the measurements (of the modes that were measured)."""
    lines = []
    largest = runs[-1]
    pages_ = largest["pages"]
    public = [name for name in pages_ if name not in ("S static", "P minimal view")]
    modes = [mode for mode, *_ in MODES if mode in pages_["P minimal view"]]
    for mode in modes:
        floor_p = _measured(pages_["P minimal view"], mode)
        floor_s = _measured(pages_["S static"], mode)
        for name in public:
            figures = _measured(pages_[name], mode)
            ratio = figures["rps"] / floor_p["rps"]
            if mode == "page cache":
                lines.append((ratio >= CACHED_MIN_RATIO, f"{mode} c=8 {name}: {ratio:.2f} of P (target ≥ {CACHED_MIN_RATIO})"))
                continue
            times_s = (figures["p95_ms"] if figures["requests"] else float("inf")) / max(floor_s["p95_ms"], 0.001)
            ok = ratio >= UNCACHED_MIN_RATIO and times_s <= P95_MAX_TIMES_STATIC
            lines.append((ok, f"{mode} c=8 {name}: {ratio:.2f} of P (target ≥ {UNCACHED_MIN_RATIO}), p95 {times_s:.1f}× S (target ≤ {P95_MAX_TIMES_STATIC})"))
        if mode == "page cache":
            continue  # every page from memory costs the same: what it sends
        for deep, first in (("browse deep page", "browse region+theme"), ("search common", "browse")):
            if deep not in pages_ or first not in pages_:
                continue  # not measured (--pages)
            # Uncached, compared at one connection: at eight, a page slower than the measurement completes no request.
            connections = "1" if mode == "uncached" else "8"
            times = _cost(pages_[deep][mode][connections]) / _cost(pages_[first][mode][connections])
            lines.append((times <= DEEP_MAX_TIMES_FIRST, f"{mode}: {deep} costs {times:.2f}× {first} at {connections} connection(s) (target ≤ {DEEP_MAX_TIMES_FIRST})"))
    if len(runs) > 1:
        small = runs[0]["pages"]
        for mode in modes:
            if mode not in small["P minimal view"]:
                continue
            connections = min(pages_["P minimal view"][mode], key=int)
            for name in public:
                # Cost relative to P, so machine noise between the two runs cancels out.
                cost_large = _cost(pages_[name][mode][connections]) / pages_["P minimal view"][mode][connections]["mean_ms"]
                cost_small = _cost(small[name][mode][connections]) / small["P minimal view"][mode][connections]["mean_ms"]
                growth = cost_large / cost_small
                lines.append((growth <= GROWTH_MAX, f"{mode}: growth {runs[0]['size']}→{largest['size']} {name}: {growth:.2f}× (target ≤ {GROWTH_MAX})"))
    for name in (name for name in public if is_export(name)):
        for mode in modes:
            figures = pages_[name][mode].get("1")
            if figures:
                rows = figures["rows_per_second"]
                lines.append((rows >= EXPORT_MIN_ROWS_PER_SECOND, f"{mode} c=1 {name}: {rows} rows/s (target ≥ {EXPORT_MIN_ROWS_PER_SECOND})"))
    errors = sum(
        figures["errors"] for run in runs for page in run["pages"].values() for mode in page.values() for figures in mode.values()
    )
    lines.append((errors == 0, f"errors during the run: {errors}"))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement (default 5)")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--reseed", action="store_true", help="seed the databases again")
    parser.add_argument("--skip-dataset", action="store_true", help="do not time writing the whole open dataset")
    parser.add_argument("--pages", nargs="+", help='measure only the pages whose name holds one of these words (e.g. --pages export)')
    parser.add_argument(
        "--database-prefix", default="smeplatform_bench",
        help="name of the seeded databases before _v<seed version>_<size> (default smeplatform_bench)",
    )
    parser.add_argument(
        "--modes", nargs="+", default=[mode for mode, *_ in MODES], choices=[mode for mode, *_ in MODES],
        help="which modes to measure (default all, at every size)",
    )
    args = parser.parse_args()
    args.sizes = sorted(args.sizes)
    if not shutil.which("wrk"):
        raise SystemExit("The benchmark needs wrk: apt-get install wrk")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sme-bench-") as temp:
        static_root = Path(temp) / "static"
        env = {**os.environ, **PRODUCTION, "STATIC_ROOT": str(static_root)}
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
        runs = [measure_size(size, args, static_root) for size in args.sizes]
    out = ROOT / "bench" / "results" / f"{datetime.now(UTC):%Y-%m-%dT%H%M}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"runs": runs}, indent=1))  # kept even if the verdicts below fail
    outcome = verdicts(runs)
    log("\nTargets:")
    for ok, line in outcome:
        log(f"  {'holds' if ok else 'MISSES'}  {line}")
    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "options": {key: value for key, value in vars(args).items()},
        "runs": runs,
        "targets": [{"holds": ok, "line": line} for ok, line in outcome],
        "seconds": round(time.monotonic() - started),
    }
    out.write_text(json.dumps(record, indent=1))
    log(f"\nWritten {out.relative_to(ROOT)} ({record['seconds']} s)")


if __name__ == "__main__":
    sys.exit(main())
