"""The processes of a load run: a private PostgreSQL cluster and gunicorn, both on loopback.

Everything lives in one temporary folder that is removed at the end, so restarting or locking
this database disturbs nothing else on the machine (the shared server on port 5432 is never touched).
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("LOADTEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE_NAME = "sme_load"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _stat_fields(pid):
    # pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis.
    return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()


def children_of(pid):
    """The live child processes of `pid`."""
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat_fields(entry.name)
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            children.add(int(entry.name))
    return children


def tree_cpu_seconds(pid):
    """CPU time of a process and its children, live and exited (user + system), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for member in (pid, *children_of(pid)):
        try:
            fields = _stat_fields(member)
        except OSError:
            continue
        # utime, stime, cutime, cstime: fields 14-17 of /proc/PID/stat, 12-15 after "(comm)".
        total += sum(int(value) for value in fields[11:15])
    return total / ticks


class Cluster:
    """initdb into a temp folder, started with pg_ctl on a free loopback port (as postgres when root)."""

    def __init__(self, root):
        self.root = Path(root)
        self.data = self.root / "pgdata"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args, check=True, timeout=120):
        return subprocess.run(
            [*self.as_postgres, *args], check=check, timeout=timeout, capture_output=True, text=True, cwd=self.root
        )

    def create(self):
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.root}'\n"
                "max_connections = 200\nlog_min_messages = warning\n"
            )
        self.start()
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", DATABASE_NAME)

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE_NAME}"

    def start(self):
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "postgres.log"), "-w", "start")

    def stop(self, mode="fast"):
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self):
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "postgres.log"), "-m", "fast", "-w", "restart")

    def is_ready(self):
        result = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"], capture_output=True
        )
        return result.returncode == 0

    def postmaster_pid(self):
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def destroy(self):
        if (self.data / "postmaster.pid").exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)


class Server:
    """gunicorn with gunicorn_conf.py and production settings, on a free loopback port.

    It runs a copy of the project taken when the run starts (in the temp folder): edits made in
    the checkout meanwhile, and a reload (HUP) or a recycled worker, run the same code as before.
    """

    def __init__(self, root, database_url, *, app_dir, workers=None, extra_env=None):
        self.root = Path(root)
        self.app_dir = Path(app_dir)
        self.port = free_port()
        self.process = None
        self.log_path = self.root / f"gunicorn-{self.port}.log"
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "STATIC_ROOT": str(self.root / "static"),
            "MEDIA_ROOT": str(self.root / "media"),
            # The README's proxy sends X-Forwarded-For and X-Forwarded-Proto: so do the virtual users.
            "TRUSTED_PROXY_COUNT": "1",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)

    def manage(self, *args, timeout=600):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=self.app_dir, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def python(self, script, *args, timeout=600):
        result = subprocess.run(
            [sys.executable, str(self.app_dir / script), *args], cwd=self.app_dir, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise RuntimeError(f"{script} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self):
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.log_file = open(self.log_path, "ab")
        # Its own session: a Ctrl-C in the terminal reaches this script, which then stops gunicorn itself.
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn_conf.py", "smeplatform.wsgi"],
            cwd=self.app_dir,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_healthy(60)

    def wait_healthy(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as response:
                    if response.status == 200 and len(self.workers()) >= int(self.env.get("WEB_CONCURRENCY", "3")):
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not become healthy in {seconds} s; see {self.log_path}")

    @property
    def master_pid(self):
        return self.process.pid

    def workers(self):
        """The pids of the master's live worker processes."""
        return children_of(self.master_pid)

    def log_text(self):
        self.log_file.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pid in self.workers():
            os.kill(pid, signal.SIGKILL)


class Workplace:
    """The temp folder, the cluster and the servers, all removed on exit (Ctrl-C included)."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="sme-loadtest-"))
        os.chmod(self.root, 0o755)
        self.cluster = Cluster(self.root)
        self.servers = []
        self.app_dir = self.root / "app"
        shutil.copytree(
            BASE_DIR,
            self.app_dir,
            ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "staticfiles", "media", "test-artifacts", "*.sqlite3"),
        )

    def server(self, **kwargs):
        server = Server(self.root, self.cluster.url, app_dir=self.app_dir, **kwargs)
        self.servers.append(server)
        return server

    def close(self, keep=False):
        for server in self.servers:
            try:
                server.stop()
            except Exception as error:  # noqa: BLE001 - cleaning up: go on with the rest
                log(f"stopping gunicorn: {error}")
        try:
            self.cluster.destroy()
        except Exception as error:  # noqa: BLE001
            log(f"stopping PostgreSQL: {error}")
        if keep:
            log(f"kept {self.root} (logs)")
        else:
            shutil.rmtree(self.root, ignore_errors=True)
