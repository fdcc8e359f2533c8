"""Fixtures for system tests: the real `tarn` binary, driven the way a person would."""
import json
import os
import re
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tarn_binary() -> str:
    path = os.environ.get("TARN_TEST_TARN_BINARY", str(ROOT / "build" / "src" / "tarn"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"tarn binary not found at {path}: build first (make test does)")
    return path


def run_tarn(*args, env=None, timeout=120, check=False, input=None):
    """Runs `tarn ARGS...` to completion; returns the CompletedProcess (text mode)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    proc = subprocess.run([tarn_binary(), *args], capture_output=True, text=True, env=full_env,
                          timeout=timeout, input=input)
    if check and proc.returncode != 0:
        raise AssertionError(f"tarn {' '.join(args)} failed ({proc.returncode}):\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


class Server:
    """A `tarn serve` process. Start waits for the banner line that names the URL."""

    BANNER = re.compile(r"tarn is serving on (http://\S+)")

    def __init__(self, args, env=None):
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        self.proc = subprocess.Popen([tarn_binary(), "serve", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=full_env)
        self.url = None
        self.banner = []
        for line in self.proc.stdout:
            self.banner.append(line)
            m = self.BANNER.search(line)
            if m:
                self.url = m.group(1)
                break
        if self.url is None:
            err = self.proc.stderr.read()
            self.proc.wait(timeout=30)
            raise AssertionError(f"tarn serve exited ({self.proc.returncode}) before serving:\n"
                                 f"{''.join(self.banner)}\n{err}")
        # Read the rest of the banner (it ends with the Ctrl-C hint).
        for line in self.proc.stdout:
            self.banner.append(line)
            if "Ctrl-C" in line:
                break

    def get(self, path):
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=60)
        return self.proc.returncode, err


@pytest.fixture
def start_server():
    servers = []

    def start(*args, env=None):
        s = Server(list(args), env=env)
        servers.append(s)
        return s

    yield start
    for s in servers:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def quickstart_server(tmp_path_factory):
    """One `tarn serve --quickstart` on a free port for a test module; stopped afterwards."""
    s = Server(["--quickstart", "--data-dir", str(tmp_path_factory.mktemp("data")),
                "--listen", "127.0.0.1:0"])
    yield s
    s.stop()


@pytest.fixture
def postgres_url():
    url = os.environ.get("TARN_TEST_POSTGRES_URL")
    if not url:
        pytest.fail("TARN_TEST_POSTGRES_URL is not set: start PostgreSQL with scripts/pg-start.sh "
                    "(make test does)")
    return url


@pytest.fixture
def fresh_postgres_db(postgres_url):
    """A new, empty database on the test server; returns its URL and drops it afterwards."""
    import uuid
    name = "t" + uuid.uuid4().hex[:12]
    base, _, _ = postgres_url.rpartition("/")
    subprocess.run(["psql", postgres_url, "-qc", f"CREATE DATABASE {name}"], check=True,
                   capture_output=True)
    yield f"{base}/{name}"
    subprocess.run(["psql", postgres_url, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                   capture_output=True)


def health(server):
    status, body = server.get("/_health")
    return status, json.loads(body)


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    """One quickstart `tarn serve` per test module for the S3 gateway tests; killed afterwards."""
    server = Server(["--quickstart", "--data-dir", str(tmp_path_factory.mktemp("s3data")),
                     "--listen", "127.0.0.1:0"])
    yield server
    if server.proc.poll() is None:
        server.proc.kill()
        server.proc.wait(timeout=30)
