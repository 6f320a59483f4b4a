"""A throwaway PostgreSQL server for the test run, started by the tests themselves.

    server = start_postgres(Path("/some/tmp/dir"))
    url = create_database(server, "my_test_db")   # postgresql://ledger:...@127.0.0.1:PORT/my_test_db
    ...
    server.stop()                                  # also runs at interpreter exit

The server listens on 127.0.0.1 on a free port, requires a password (scram-sha-256)
and trades durability for speed (fsync=off etc.): it exists only for one test run.

PostgreSQL refuses to run as root. When the tests run as root (as CI does), the
cluster is owned by, and the server runs as, the unprivileged system user
``ledgerpg``, created on first use. That user must be able to reach the cluster
directory; if it cannot (e.g. the base dir lies under /root or under pytest's
0700 temp root), the cluster goes into a fresh ``tempfile.mkdtemp()`` dir instead.

A missing PostgreSQL installation raises RuntimeError: tests that need the
server fail rather than skip.
"""

from __future__ import annotations

import atexit
import dataclasses
import os
import pwd
import re
import secrets
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

SERVER_OS_USER = "ledgerpg"  # unprivileged OS user the server runs as when we are root
SUPERUSER = "ledger"  # database superuser created by initdb
MAINTENANCE_DB = "postgres"  # database the server's own url points at
START_TIMEOUT_S = 30.0
# A unix socket path must fit in sun_path (107 bytes on Linux); leave room for
# the "/.s.PGSQL.NNNNN" file name postgres appends.
MAX_SOCKET_DIR_LEN = 90


@dataclasses.dataclass
class PgServer:
    url: str  # postgresql://USER:PASSWORD@127.0.0.1:PORT/DBNAME
    host: str
    port: int
    user: str
    password: str = dataclasses.field(repr=False)
    dbname: str
    data_dir: Path
    # Internal bookkeeping for stop().
    server_dir: Path = dataclasses.field(repr=False)
    bindir: Path = dataclasses.field(repr=False)
    run_as: str | None = dataclasses.field(repr=False)  # OS user, or None = ourselves
    _stopped: bool = dataclasses.field(default=False, repr=False)

    def url_for(self, dbname: str) -> str:
        """The url of another database on this server."""
        return _make_url(self.user, self.password, self.host, self.port, dbname)

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its directory. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        try:
            if (self.data_dir / "postmaster.pid").exists():
                for mode in ("fast", "immediate"):
                    result = _run(self.run_as, self.server_dir, self.bindir / "pg_ctl",
                                  "-D", self.data_dir, "stop", "-m", mode, "-w", "-t", "30",
                                  check=False)
                    if result.returncode == 0:
                        break
        finally:
            shutil.rmtree(self.server_dir, ignore_errors=True)


def start_postgres(base_dir: Path) -> PgServer:
    """Create a new cluster in a fresh directory under ``base_dir`` (or under a new
    temp dir if the server user cannot reach ``base_dir``) and start it."""
    bindir = find_bindir()
    run_as = ensure_server_os_user() if os.geteuid() == 0 else None
    server_dir = _make_server_dir(Path(base_dir), run_as)
    data_dir = server_dir / "data"
    password = secrets.token_hex(16)
    server: PgServer | None = None
    try:
        _initdb(bindir, run_as, server_dir, data_dir, password)
        port = _start(bindir, run_as, server_dir, data_dir)
        server = PgServer(
            url=_make_url(SUPERUSER, password, "127.0.0.1", port, MAINTENANCE_DB),
            host="127.0.0.1", port=port, user=SUPERUSER, password=password,
            dbname=MAINTENANCE_DB, data_dir=data_dir, server_dir=server_dir,
            bindir=bindir, run_as=run_as,
        )
        # Fallback for a test run that dies without reaching its own stop().
        atexit.register(server.stop)
        _wait_until_accepting(server)
        return server
    except BaseException:
        if server is not None:
            server.stop()
        else:
            _run(run_as, server_dir, bindir / "pg_ctl", "-D", data_dir, "stop", "-m",
                 "immediate", check=False)
            shutil.rmtree(server_dir, ignore_errors=True)
        raise


def create_database(server: PgServer, name: str) -> str:
    """Create an empty database ``name`` on ``server`` and return its url."""
    url = server.url_for(name)  # validates the name first
    with psycopg.connect(server.url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


def drop_database(server: PgServer, name: str) -> None:
    """Drop database ``name``, disconnecting anyone still connected to it."""
    with psycopg.connect(server.url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                     .format(sql.Identifier(name)))


# --- finding PostgreSQL ---------------------------------------------------------

def find_bindir() -> Path:
    """The directory holding initdb, pg_ctl and postgres; RuntimeError if none."""
    candidates = [Path("/usr/lib/postgresql/15/bin")]
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if result.returncode == 0 and result.stdout.strip():
            candidates.append(Path(result.stdout.strip()))

    def version(p: Path) -> int:
        return int(p.parent.name) if p.parent.name.isdigit() else -1

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for bindir in dict.fromkeys(candidates):  # de-duplicated, order kept
        if all(os.access(bindir / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    raise RuntimeError(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in "
        f"{', '.join(map(str, dict.fromkeys(candidates)))}. The tests start their own server: install "
        "it, e.g. `apt-get install postgresql` on Debian/Ubuntu."
    )


# --- running as an unprivileged user when we are root ----------------------------

def ensure_server_os_user() -> str:
    """Create the system user the server runs as (if it does not exist yet)."""
    if _user_exists(SERVER_OS_USER):
        return SERVER_OS_USER
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    result = subprocess.run(
        [useradd, "--system", "--no-create-home", "--user-group",
         "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", SERVER_OS_USER],
        capture_output=True, text=True,
    )
    # Re-check rather than trust the exit code: a concurrent run (another test worker) may be creating
    # it, holding the passwd lock that made ours fail; give it a moment.
    for _ in range(50):
        if _user_exists(SERVER_OS_USER):
            break
        time.sleep(0.1)
    else:
        raise RuntimeError(
            f"running as root, PostgreSQL needs an unprivileged user, but "
            f"`useradd {SERVER_OS_USER}` failed: {result.stderr.strip() or result.returncode}"
        )
    return SERVER_OS_USER


def _user_exists(name: str) -> bool:
    return subprocess.run(["id", "-u", name], capture_output=True).returncode == 0


def _as_user_prefix(run_as: str | None) -> list[str]:
    if run_as is None:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", run_as, "--"]
    pw = pwd.getpwnam(run_as)
    return ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups", "--"]


def _run(run_as: str | None, cwd: Path, *cmd: object, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` as ``run_as`` (or ourselves), in ``cwd``, without PG* variables
    from our environment leaking into the server's tools."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    result = subprocess.run(
        [*_as_user_prefix(run_as), *map(str, cmd)],
        cwd=cwd if cwd.is_dir() else "/", env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True,
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"command failed ({result.returncode}): {' '.join(map(str, cmd))}\n"
            f"{result.stdout}{result.stderr}"
        )
    return result


# --- the cluster directory -------------------------------------------------------

def _make_server_dir(base_dir: Path, run_as: str | None) -> Path:
    """A fresh directory for the cluster, its log and its socket, owned by the
    server user and reachable by it."""
    base_dir.mkdir(parents=True, exist_ok=True)
    if run_as is not None:
        # Let the server user traverse base_dir (but not list it).
        mode = base_dir.stat().st_mode
        base_dir.chmod(stat.S_IMODE(mode) | stat.S_IXGRP | stat.S_IXOTH)
    server_dir = Path(tempfile.mkdtemp(prefix="pg-", dir=base_dir))
    if _usable(server_dir, run_as):
        return server_dir
    shutil.rmtree(server_dir, ignore_errors=True)

    # base_dir is unreachable for the server user (a 0700 parent) or too long a
    # path for the socket: use a fresh temp dir, whose parent (/tmp) is open.
    server_dir = Path(tempfile.mkdtemp(prefix="ledger-pg-"))
    server_dir.chmod(0o711)
    if _usable(server_dir, run_as):
        return server_dir
    shutil.rmtree(server_dir, ignore_errors=True)
    raise RuntimeError(
        f"no directory usable for the PostgreSQL cluster: user {run_as or 'current'} "
        f"cannot reach {base_dir} nor {server_dir.parent} (or the path is too long "
        f"for a unix socket); set TMPDIR to a world-traversable directory"
    )


def _usable(server_dir: Path, run_as: str | None) -> bool:
    if len(str(server_dir)) > MAX_SOCKET_DIR_LEN:
        return False
    if run_as is None:
        return True
    pw = pwd.getpwnam(run_as)
    os.chown(server_dir, pw.pw_uid, pw.pw_gid)
    server_dir.chmod(0o700)
    # Ask the user itself: this accounts for every parent directory and any ACLs.
    probe = _run(run_as, Path("/"), "test", "-w", server_dir, "-a", "-x", server_dir, check=False)
    return probe.returncode == 0


# --- initdb, start, readiness ----------------------------------------------------

def _initdb(bindir: Path, run_as: str | None, server_dir: Path, data_dir: Path, password: str) -> None:
    pwfile = server_dir / "pwfile"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o600)
    if run_as is not None:
        pw = pwd.getpwnam(run_as)
        os.chown(pwfile, pw.pw_uid, pw.pw_gid)
    try:
        _run(run_as, server_dir, bindir / "initdb", "-D", data_dir, "-U", SUPERUSER,
             "-A", "scram-sha-256", f"--pwfile={pwfile}",
             "--encoding=UTF8", "--no-locale", "--no-sync")
    finally:
        pwfile.unlink(missing_ok=True)

    def quoted(value: object) -> str:  # a postgresql.conf string literal
        return "'" + str(value).replace("'", "''") + "'"

    settings = {
        "listen_addresses": quoted("127.0.0.1"),
        "unix_socket_directories": quoted(server_dir),
        "max_connections": "200",
        # Durability is worthless for a throwaway test server; speed is not.
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
    }
    # Appending keeps the file's owner (the server user); later lines win.
    with open(data_dir / "postgresql.conf", "a") as conf:
        conf.write("\n# --- test server settings (tests/pg_server.py) ---\n")
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(bindir: Path, run_as: str | None, server_dir: Path, data_dir: Path) -> int:
    """Start the server on a free port; returns the port. Retries with another
    port if someone else grabbed ours between probing and binding."""
    log = server_dir / "server.log"
    for _attempt in range(3):
        port = _free_port()
        result = _run(run_as, server_dir, bindir / "pg_ctl", "-D", data_dir, "-l", log,
                      "-o", f"-p {port}", "-w", "-t", str(int(START_TIMEOUT_S)), "start",
                      check=False)
        if result.returncode == 0:
            return port
        if "could not bind" not in _tail(log):
            break
    raise RuntimeError(
        f"PostgreSQL did not start (pg_ctl exit {result.returncode}):\n"
        f"{result.stdout}{result.stderr}\n--- {log} (last lines) ---\n{_tail(log)}"
    )


def _wait_until_accepting(server: PgServer) -> None:
    """pg_ctl -w already waited; make sure a password login over TCP works too."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with psycopg.connect(server.url, connect_timeout=5) as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"PostgreSQL at 127.0.0.1:{server.port} not accepting connections "
                    f"after {START_TIMEOUT_S:.0f}s: {exc}\n--- server log (last lines) ---\n"
                    f"{_tail(server.server_dir / 'server.log')}"
                ) from exc
            time.sleep(0.2)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _make_url(user: str, password: str, host: str, port: int, dbname: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_]+", dbname):
        # Keep urls plain; every database name we create is an identifier anyway.
        raise ValueError(f"database name {dbname!r}: use letters, digits and _ only")
    return f"postgresql://{user}:{password}@{host}:{port}/{dbname}"


# --- stopping and starting the same server (reliability tests) -------------------

def halt(server: PgServer, mode: str = "fast") -> None:
    """Stop the server but keep its cluster, to start it again with :func:`resume`.
    ``fast`` disconnects every client; ``immediate`` is a crash (recovery on restart)."""
    _run(server.run_as, server.server_dir, server.bindir / "pg_ctl", "-D", server.data_dir,
         "stop", "-m", mode, "-w", "-t", "30")


def resume(server: PgServer) -> None:
    """Start a server stopped with :func:`halt` again, on the same port and cluster."""
    log = server.server_dir / "server.log"
    _run(server.run_as, server.server_dir, server.bindir / "pg_ctl", "-D", server.data_dir, "-l", log,
         "-o", f"-p {server.port}", "-w", "-t", str(int(START_TIMEOUT_S)), "start")
    _wait_until_accepting(server)
