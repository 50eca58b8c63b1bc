"""Load and fault runs against gunicorn and a private PostgreSQL cluster, on loopback only.

    .venv/bin/python loadtest/run.py all
    .venv/bin/python loadtest/run.py baseline --users 50 --duration 60
    .venv/bin/python loadtest/run.py db-restart reload kill-worker

Each run makes its own PostgreSQL cluster (initdb into a temp folder, a free loopback port), migrates
it, loads the demo data, a few hundred published practices and delegate accounts, collects the static
files into the temp folder and starts gunicorn with gunicorn_conf.py and production settings (DEBUG off,
HTTPS as behind the README's proxy). Virtual users (threads) browse, search and submit practices;
the faults are applied to this cluster and this gunicorn only. Everything is removed at the end, on
Ctrl-C too. Bounded: at most 400 users and 120 s per scenario. Results: docs/operations/load-and-faults.md.

Exit status 1 when a scenario misses its target (listed in the summary), 2 on a setup failure.
"""

import argparse
import json
import os
import platform
import random
import secrets
import signal
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import psycopg

from processes import Workplace, log, tree_cpu_seconds
from traffic import UNAVAILABLE_MARK, Shared, probe, start_users

MAX_USERS = 400
MAX_SECONDS = 120
SCENARIOS = ["baseline", "db-restart", "db-outage", "reload", "kill-worker", "statement-timeout", "breaking-point"]
BREAKING_STEPS = [50, 100, 200, 400]


@dataclass
class Result:
    name: str
    lines: list = field(default_factory=list)
    missed: list = field(default_factory=list)

    def say(self, line):
        self.lines.append(line)
        print(f"  {line}", flush=True)

    def target(self, description, met):
        self.say(f"[{'met' if met else 'MISSED'}] {description}")
        if not met:
            self.missed.append(description)


class Run:
    def __init__(self, args, workplace):
        self.args = args
        self.workplace = workplace
        self.cluster = workplace.cluster
        self.server = None
        self.catalogue = None

    # --- Setup ---

    def set_up(self):
        started = time.monotonic()
        log(f"PostgreSQL: initdb in {self.workplace.root}, port {self.cluster.port}")
        self.cluster.create()
        extra_env = {"DATABASE_POOL": self.args.database_pool} if self.args.database_pool else {}
        self.server = self.workplace.server(workers=self.args.workers, extra_env=extra_env)
        log("migrate, load_demo, collectstatic")
        self.server.manage("migrate", "--no-input")
        self.server.manage("load_demo", "--allow-production")
        self.server.manage("collectstatic", "--no-input")
        log(f"seed: {self.args.practices} published practices, {self.args.delegates_per_country} delegates in each of 12 countries")
        self.catalogue = json.loads(self.server.python("loadtest/seed.py", str(self.args.practices), str(self.args.delegates_per_country)))
        self.server.start()
        log(
            f"gunicorn on 127.0.0.1:{self.server.port}, {len(self.server.workers())} workers; "
            f"{len(self.catalogue['practice_ids'])} published practices; set up in {time.monotonic() - started:.0f} s"
        )

    # --- Driving users ---

    def drive(self, users, duration, *, during=None):
        """Run `users` for `duration` seconds; `during(shared, t0)` runs in this thread meanwhile (a fault)."""
        shared = Shared()
        run_id = secrets.token_hex(3)
        t0 = time.monotonic()
        threads = start_users(
            users, self.server.port, shared, self.catalogue, duration=duration, think=(self.args.think_min, self.args.think_max),
            timeout=self.args.client_timeout, delegate_share=self.args.delegate_share, run_id=run_id,
        )
        fault = during(shared, t0) if during else None
        remaining = t0 + duration - time.monotonic()
        if remaining > 0:
            shared.stop.wait(remaining)
        shared.stop.set()
        for thread in threads:
            thread.join(self.args.client_timeout + 5)
        return shared, run_id, t0, time.monotonic() - t0, fault

    def healthz_watch(self, shared, interval=0.25):
        """Ask /healthz every `interval` s until the run stops: [(time, status, body)]."""
        seen = []

        def watch():
            while not shared.stop.is_set():
                status, body = probe(self.server.port, "/healthz", timeout=15)
                seen.append((time.monotonic(), status, body.strip()[:40]))
                shared.stop.wait(interval)

        threading.Thread(target=watch, daemon=True).start()
        return seen

    # --- Reading the results ---

    def cpu_use(self):
        """CPU seconds used so far by this script, gunicorn (master and workers) and PostgreSQL."""
        return (cpu_seconds(), tree_cpu_seconds(self.server.master_pid), tree_cpu_seconds(self.cluster.postmaster_pid()))

    def submissions_in_database(self, run_id):
        with psycopg.connect(self.cluster.url.replace("postgres://", "postgresql://"), connect_timeout=10) as connection:
            rows = connection.execute(
                "SELECT p.title, r.status FROM practices_practice p JOIN practices_practicerevision r ON r.practice_id = p.id "
                "WHERE p.title LIKE %s",
                [f"Load {run_id} %"],
            ).fetchall()
        return {title: status for title, status in rows}

    def report(self, result, shared, run_id, t0, elapsed, *, window=None):
        records = shared.records
        failures = [record for record in records if not record.ok]
        latencies = sorted(record.latency for record in records)
        result.say(
            f"{len(records)} requests in {elapsed:.0f} s ({len(records) / elapsed:.1f}/s); "
            f"latency p50 {percentile(latencies, 50):.3f} s, p95 {percentile(latencies, 95):.3f} s, "
            f"p99 {percentile(latencies, 99):.3f} s, max {latencies[-1] if latencies else 0:.2f} s"
        )
        by_page = Counter(record.page for record in records)
        result.say("pages: " + ", ".join(f"{page} {count}" for page, count in by_page.most_common()))
        result.say(f"failed: {len(failures)}" + (f" ({format_counts(Counter(f'{r.page} {r.outcome}' for r in failures))})" if failures else ""))
        unclean = [record for record in failures if not record.clean]
        result.target("every 5xx is the platform's own error page, without a traceback", not unclean)
        confirmed = [submission.title for submission in shared.submissions if submission.confirmed]
        found = self.submissions_in_database(run_id)
        missing = [title for title in confirmed if found.get(title) != "submitted"]
        unconfirmed_saved = len(set(found) - set(confirmed))
        result.say(
            f"submissions: {len(confirmed)} confirmed to the user, {len(found)} rows in the database "
            f"({unconfirmed_saved} saved whose confirmation the user did not get)"
        )
        result.target("every confirmed submission is in the database, submitted", not missing)
        if window:
            start, end = window
            before = [r for r in failures if r.ended < start]
            during = [r for r in failures if r.ended >= start and r.started <= end]
            after = [r for r in failures if r.started > end]
            result.say(
                f"fault window {start - t0:.1f}-{end - t0:.1f} s: failed before {len(before)}, during {len(during)}"
                + (f" ({format_counts(Counter(r.outcome for r in during))})" if during else "")
                + f", after {len(after)}"
                + (f" ({format_counts(Counter(r.outcome for r in after))})" if after else "")
            )
            result.say("timeline (s: ok/failed): " + timeline(records, t0, start - 3, end + 8))
            if after:
                late = max(r.ended for r in after) - end
                result.say(f"last failure {late:.1f} s after the window closed")
            return before, during, after
        return failures, [], []

    # --- Scenarios ---

    def baseline(self):
        result = Result("baseline")
        cpu_before = self.cpu_use()
        shared, run_id, t0, elapsed, _fault = self.drive(self.args.users, self.args.duration)
        client, gunicorn, postgres = (after - before for before, after in zip(cpu_before, self.cpu_use()))
        failures, _, _ = self.report(result, shared, run_id, t0, elapsed)
        result.say(
            f"CPU (cores): gunicorn {gunicorn / elapsed:.2f}, PostgreSQL {postgres / elapsed:.2f}, "
            f"load generator {client / elapsed:.2f}; load average {os.getloadavg()[0]:.1f}; "
            f"{len(shared.records) / max(gunicorn, 0.01):.0f} requests per CPU-second of gunicorn"
        )
        result.target(f"{self.args.users} users for {self.args.duration} s: no failed request", not failures)
        return result

    def _database_fault(self, name, act):
        result = Result(name)
        marks = {}

        def during(shared, t0):
            marks["health"] = self.healthz_watch(shared)
            shared.stop.wait(self.args.duration / 3)
            marks["start"] = time.monotonic()
            act()
            marks["end"] = time.monotonic()
            log(f"{name}: database back after {marks['end'] - marks['start']:.1f} s")

        shared, run_id, t0, elapsed, _ = self.drive(self.args.users, self.args.duration, during=during)
        window = (marks["start"], marks["end"])
        before, during_failures, after = self.report(result, shared, run_id, t0, elapsed, window=window)
        health = marks["health"]
        down = [(t, status, body) for t, status, body in health if status != "200"]
        result.say(
            f"/healthz: {len(health)} checks, not ok {len(down)}: "
            + format_counts(Counter(f"{status} {body!r}" for _t, status, body in down))
        )
        unavailable_pages = [r for r in during_failures if r.outcome == "503"]
        result.say(f"503 'temporarily unavailable' pages during the window: {len(unavailable_pages)}")
        result.target("no failed request before the fault", not before)
        result.target("no failed request once the database is back", not after)
        recovered = [t for t, status, _b in health if t > window[1] and status == "200"]
        result.target("/healthz answers ok again after the fault", bool(recovered))
        return result, during_failures, down

    def db_restart(self):
        result, during, _down = self._database_fault("db-restart", self.cluster.restart)
        limit = self.args.max_restart_failures
        result.target(f"at most {limit} failed requests while PostgreSQL restarts (pg_ctl restart -m fast)", len(during) <= limit)
        return result

    def db_outage(self):
        seconds = self.args.outage

        def outage():
            self.cluster.stop("fast")
            time.sleep(seconds)
            self.cluster.start()

        result, during, down = self._database_fault("db-outage", outage)
        result.target(
            f"while PostgreSQL is stopped ({seconds} s), /healthz says 503 'database unavailable'",
            any(status == "503" and body == "database unavailable" for _t, status, body in down),
        )
        result.target(
            "while it is stopped, users get the 503 'temporarily unavailable' page", any(r.outcome == "503" for r in during)
        )
        return result

    def _gunicorn_fault(self, name, act, allowed_failures):
        result = Result(name)
        marks = {}

        def during(shared, t0):
            shared.stop.wait(self.args.duration / 3)
            marks["before"] = self.server.workers()
            marks["start"] = time.monotonic()
            marks["detail"] = act(marks["before"])
            # Until the worker set has settled: replaced workers booted (or the time is up).
            deadline = time.monotonic() + 40
            while time.monotonic() < deadline and not shared.stop.is_set():
                now = self.server.workers()
                if len(now) == len(marks["before"]) and now != marks["before"] and not (marks["detail"] & now):
                    break
                time.sleep(0.1)
            marks["end"] = time.monotonic()
            marks["after"] = self.server.workers()

        shared, run_id, t0, elapsed, _ = self.drive(self.args.users, self.args.duration, during=during)
        _before, during_failures, after = self.report(result, shared, run_id, t0, elapsed, window=(marks["start"], marks["end"]))
        result.say(
            f"workers before {sorted(marks['before'])}, after {sorted(marks['after'])}; "
            f"settled in {marks['end'] - marks['start']:.1f} s"
        )
        replaced = not (marks["detail"] & marks["after"]) and len(marks["after"]) == len(marks["before"])
        result.target("the stopped workers are replaced, as many as before", replaced)
        failed = len(during_failures) + len(after)
        if allowed_failures:
            result.target(f"at most {allowed_failures} failed request (the one the killed worker was answering)", failed <= allowed_failures)
        else:
            result.target("no failed request", failed == 0)
        return result

    def reload(self):
        def hup(workers):
            os.kill(self.server.master_pid, signal.SIGHUP)
            return set(workers)

        return self._gunicorn_fault("reload", hup, 0)

    def kill_worker(self):
        def kill(workers):
            victim = random.choice(sorted(workers))
            os.kill(victim, signal.SIGKILL)
            return {victim}

        # A sync worker answers one request at a time: SIGKILL loses the one it is answering, if any.
        return self._gunicorn_fault("kill-worker", kill, 1)

    def statement_timeout(self):
        """A query waits on a lock longer than the statement timeout (25 s): PostgreSQL cancels it.

        Another session takes an exclusive lock on the practices table (as a long migration or a
        stuck transaction would) while one request per worker asks for a practice page.
        """
        result = Result("statement-timeout")
        lock_seconds = 33
        workers_before = self.server.workers()
        practice = self.catalogue["practice_ids"][0]
        answers = []
        with psycopg.connect(self.cluster.url.replace("postgres://", "postgresql://"), connect_timeout=10) as locker:
            locker.execute("LOCK TABLE practices_practice IN ACCESS EXCLUSIVE MODE")
            locked_at = time.monotonic()
            log(f"statement-timeout: practices table locked for {lock_seconds} s")

            def ask():
                started = time.monotonic()
                status, body = probe(self.server.port, f"/en/practices/{practice}/", timeout=60)
                answers.append((status, time.monotonic() - started, body))

            askers = [threading.Thread(target=ask) for _worker in workers_before]
            for asker in askers:
                asker.start()
            for asker in askers:
                asker.join(60)
            time.sleep(max(0, lock_seconds - (time.monotonic() - locked_at)))
            locker.rollback()
        after_status, _body = probe(self.server.port, f"/en/practices/{practice}/", timeout=30)
        workers_after = self.server.workers()
        for status, seconds, body in answers:
            result.say(f"practice page while locked: {status} after {seconds:.1f} s, clean page: {UNAVAILABLE_MARK in body and 'Traceback' not in body}")
        result.say(f"after the lock: {after_status}; workers before {sorted(workers_before)}, after {sorted(workers_after)}")
        log_text = self.server.log_text()
        result.target(
            "each request gets the 503 page after the statement timeout (25 s), before gunicorn's 30 s",
            len(answers) == len(workers_before)
            and all(status == "503" and 24 <= seconds < 30 and UNAVAILABLE_MARK in body for status, seconds, body in answers),
        )
        result.target("the workers survive (same processes, no WORKER TIMEOUT)", workers_after == workers_before and "WORKER TIMEOUT" not in log_text)
        result.target("the page answers 200 once the lock is gone", after_status == "200")
        return result

    def breaking_point(self):
        """Users arrive in steps and stay: 50, then 100, 200, 400 at once. Each step is measured
        on the requests that started in it."""
        result = Result("breaking-point")
        steps = [users for users in BREAKING_STEPS if users <= self.args.max_users]
        result.say(f"steps of {self.args.step_seconds} s: {steps} users (think time {self.args.think_min}-{self.args.think_max} s)")
        shared, run_id = Shared(), secrets.token_hex(3)
        total = len(steps) * self.args.step_seconds
        started, threads, windows = time.monotonic(), [], []
        for users in steps:
            step_start, cpu_before = time.monotonic(), self.cpu_use()
            threads += start_users(
                users - len(threads), self.server.port, shared, self.catalogue, duration=started + total - step_start,
                think=(self.args.think_min, self.args.think_max), timeout=self.args.client_timeout,
                delegate_share=self.args.delegate_share, run_id=run_id, first_number=len(threads),
            )
            shared.stop.wait(self.args.step_seconds)
            cpu_after = self.cpu_use()
            windows.append((users, step_start, time.monotonic(), [b - a for a, b in zip(cpu_before, cpu_after)], os.getloadavg()[0]))
        shared.stop.set()
        for thread in threads:
            thread.join(self.args.client_timeout + 5)
        saturated = failing = slow = None
        best_rate = 0.0
        for users, start, end, (client_cpu, gunicorn_cpu, postgres_cpu), load in windows:
            records = [record for record in shared.records if start <= record.started < end]
            failures = [record for record in records if not record.ok]
            latencies = sorted(record.latency for record in records)
            failed_share = len(failures) / len(records) if records else 1.0
            p95 = percentile(latencies, 95)
            rate = (len(records) - len(failures)) / (end - start)
            result.say(
                f"{users:>3} users: {len(records)} requests, {rate:.1f} ok/s, p50 {percentile(latencies, 50):.2f} s, "
                f"p95 {p95:.2f} s, max {latencies[-1] if latencies else 0:.1f} s, failed {len(failures)} ({failed_share:.1%})"
                + (f": {format_counts(Counter(r.outcome for r in failures))}" if failures else "")
                + f"; CPU (cores): gunicorn {gunicorn_cpu / (end - start):.2f}, PostgreSQL {postgres_cpu / (end - start):.2f}, "
                f"load generator {client_cpu / (end - start):.2f}; load average {load:.1f}; "
                f"{len(records) / max(gunicorn_cpu, 0.01):.0f} requests per CPU-second of gunicorn"
            )
            if saturated is None and best_rate and rate < best_rate * 1.1:
                saturated = users
            if failing is None and failed_share > 0.01:
                failing = users
            if slow is None and p95 > self.args.slow_p95:
                slow = users
            best_rate = max(best_rate, rate)
        confirmed = [submission.title for submission in shared.submissions if submission.confirmed]
        found = self.submissions_in_database(run_id)
        missing = [title for title in confirmed if found.get(title) != "submitted"]
        result.say(f"throughput stops growing at: {saturated or 'no step'} users")
        result.say(f"p95 above {self.args.slow_p95} s from: {slow or 'no step'} users")
        result.say(f"more than 1% failed from: {failing or 'no step'} users")
        result.say(f"submissions: {len(confirmed)} confirmed, {len(found)} rows in the database")
        result.target("every confirmed submission is in the database, submitted, even past the breaking point", not missing)
        result.target(
            "every 5xx is the platform's own error page, without a traceback", all(record.clean for record in shared.records)
        )
        return result


def cpu_seconds():
    times = os.times()
    return times.user + times.system


def percentile(values, percent):
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def format_counts(counter):
    return ", ".join(f"{name} {count}" for name, count in counter.most_common())


def timeline(records, t0, start, end):
    seconds = {}
    for record in records:
        if start <= record.ended <= end:
            second = int(record.ended - t0)
            ok, failed = seconds.get(second, (0, 0))
            seconds[second] = (ok + record.ok, failed + (not record.ok))
    return " ".join(f"{second}:{ok}/{failed}" for second, (ok, failed) in sorted(seconds.items()))


def bounded(limit, kind=int, low=1):
    def parse(text):
        value = kind(text)
        if not low <= value <= limit:
            raise argparse.ArgumentTypeError(f"between {low} and {limit}")
        return value

    return parse


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="+", choices=[*SCENARIOS, "all"])
    parser.add_argument("--users", type=bounded(MAX_USERS), default=50, help="virtual users (default 50)")
    parser.add_argument("--duration", type=bounded(MAX_SECONDS), default=60, help="seconds per scenario (default 60)")
    parser.add_argument("--workers", type=bounded(16), default=None, help="gunicorn workers (default: gunicorn_conf.py's)")
    parser.add_argument("--think-min", type=bounded(30, float, 0), default=0.5, help="pause between a user's pages, seconds")
    parser.add_argument("--think-max", type=bounded(30, float, 0), default=1.5)
    parser.add_argument("--delegate-share", type=bounded(1, float, 0), default=0.3, help="share of users who sign in and submit")
    parser.add_argument("--client-timeout", type=bounded(60, float), default=30, help="a user gives up after this many seconds")
    parser.add_argument("--practices", type=bounded(2000), default=300, help="published practices to seed")
    parser.add_argument("--delegates-per-country", type=bounded(20), default=10)
    parser.add_argument("--max-restart-failures", type=bounded(1000, int, 0), default=5, help="a handful: failed requests allowed while PostgreSQL restarts")
    parser.add_argument("--outage", type=bounded(60), default=15, help="seconds PostgreSQL stays stopped in db-outage")
    parser.add_argument("--step-seconds", type=bounded(MAX_SECONDS), default=20, help="breaking-point: seconds per step")
    parser.add_argument("--max-users", type=bounded(MAX_USERS), default=MAX_USERS, help="breaking-point: the last step")
    parser.add_argument("--slow-p95", type=bounded(60, float, 0), default=2.0, help="breaking-point: p95 latency (s) that counts as broken")
    parser.add_argument("--database-pool", choices=["true", "false"], default=None, help="DATABASE_POOL for gunicorn (default: the settings' default)")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs of PostgreSQL and gunicorn)")
    args = parser.parse_args()
    if "all" in args.scenarios:
        args.scenarios = SCENARIOS
    return args


def interrupt(_signal_number, _frame):
    raise KeyboardInterrupt


def main():
    args = arguments()
    # SIGTERM (a process manager, CI) cleans up like Ctrl-C does; SIGINT too when started in the
    # background (where the shell sets it to be ignored).
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    workplace = Workplace()
    results = []
    try:
        run = Run(args, workplace)
        try:
            run.set_up()
        except Exception as error:  # noqa: BLE001 - report and clean up
            log(f"setup failed: {error}")
            return 2
        print(
            f"\nMachine: {platform.node()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
            f"Python {platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M %Z')}",
            flush=True,
        )
        for name in args.scenarios:
            print(f"\n== {name} ==", flush=True)
            scenario_started = time.monotonic()
            result = getattr(run, name.replace("-", "_"))()
            result.say(f"(scenario took {time.monotonic() - scenario_started:.0f} s)")
            results.append(result)
            run.server.wait_healthy(60)
    except KeyboardInterrupt:
        log("interrupted: stopping gunicorn and PostgreSQL")
        return 130
    finally:
        workplace.close(keep=args.keep)
    print("\n== summary ==")
    for result in results:
        print(f"{result.name}: {'all targets met' if not result.missed else 'MISSED: ' + '; '.join(result.missed)}")
    return 1 if any(result.missed for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
