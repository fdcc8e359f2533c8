"""End-to-end tests of `tarn export` against a live `tarn serve --quickstart`: full, diff and
continued exports to a local directory, to a real S3 server (s3rver) and to a recording S3
endpoint; markers and manifest; copy and mirror modes; failure, interruption and resume; checks
with an independent tool (rclone check) and byte comparison."""
import base64
import concurrent.futures
import hashlib
import http.server
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import s3util
from conftest import Server, run_tarn, tarn_binary

MARKER = re.compile(r"^EXPORT_([0-9a-f]{64})_(\d{8}T\d{6}Z)_(SUCCESS|FAILURE)$")


@pytest.fixture(scope="module")
def server(quickstart_server):
    return quickstart_server


@pytest.fixture(scope="module")
def gw(server):
    return s3util.client(server.url)


def env_for(server, extra=None):
    env = {"TARN_ENDPOINT": server.url, "TARN_ACCESS_KEY_ID": s3util.ACCESS_KEY,
           "TARN_SECRET_ACCESS_KEY": s3util.SECRET_KEY}
    env.update(extra or {})
    return env


def export(server, *args, extra_env=None, check=None):
    """Runs `tarn export ARGS --json --no-progress`; returns (process, parsed JSON or None)."""
    proc = run_tarn("export", *args, "--json", "--no-progress", env=env_for(server, extra_env),
                    timeout=300)
    report = json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else None
    if check is not None:
        assert proc.returncode == check, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc, report


def api(server, method, path, body=None):
    token = base64.b64encode(f"{s3util.ACCESS_KEY}:{s3util.SECRET_KEY}".encode()).decode()
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(server.url + "/api/v1" + path, data=data, method=method,
                                 headers={"Authorization": "Basic " + token,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        raw = resp.read()
        return json.loads(raw) if raw else None


def new_repo(gw):
    name = s3util.unique_name("exp")
    gw.create_bucket(Bucket=name)
    return name


def put_all(gw, repo, files, branch="main"):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda kv: gw.put_object(Bucket=repo, Key=f"{branch}/{kv[0]}", Body=kv[1]),
                      files.items()))


def commit(server, repo, message, branch="main"):
    return api(server, "POST", f"/repositories/{repo}/branches/{branch}/commits",
               {"message": message})["id"]


def local_tree(root):
    """path -> bytes of every file under root, without the export's own files."""
    out = {}
    for p in Path(root).rglob("*"):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and not MARKER.match(rel) and rel != "_tarn_export.json":
            out[rel] = p.read_bytes()
    return out


def markers(root):
    return sorted(p.name for p in Path(root).iterdir() if MARKER.match(p.name))


def rclone_env(server):
    env = dict(os.environ)
    env.pop("AWS_CA_BUNDLE", None)  # Debian's rclone refuses S3 remotes with it set
    env.update({"RCLONE_CONFIG_TARN_TYPE": "s3", "RCLONE_CONFIG_TARN_PROVIDER": "Other",
                "RCLONE_CONFIG_TARN_ENDPOINT": server.url,
                "RCLONE_CONFIG_TARN_ACCESS_KEY_ID": s3util.ACCESS_KEY,
                "RCLONE_CONFIG_TARN_SECRET_ACCESS_KEY": s3util.SECRET_KEY,
                "RCLONE_CONFIG_TARN_FORCE_PATH_STYLE": "true", "RCLONE_CONFIG_TARN_REGION":
                "us-east-1"})
    if os.environ.get("TARN_TEST_S3_ENDPOINT"):
        env.update({"RCLONE_CONFIG_DEST_TYPE": "s3", "RCLONE_CONFIG_DEST_PROVIDER": "Other",
                    "RCLONE_CONFIG_DEST_ENDPOINT": os.environ["TARN_TEST_S3_ENDPOINT"],
                    "RCLONE_CONFIG_DEST_ACCESS_KEY_ID": os.environ["TARN_TEST_S3_ACCESS_KEY_ID"],
                    "RCLONE_CONFIG_DEST_SECRET_ACCESS_KEY":
                        os.environ["TARN_TEST_S3_SECRET_ACCESS_KEY"],
                    "RCLONE_CONFIG_DEST_FORCE_PATH_STYLE": "true",
                    "RCLONE_CONFIG_DEST_REGION": "us-east-1"})
    return env


def rclone_check(server, source, dest):
    """`rclone check` between a ref on tarn's S3 gateway and a destination; returns the process."""
    # --fast-list: one recursive listing per side (s3rver answers some delimiter listings
    # incompletely, which would make rclone walk less than is there).
    return subprocess.run(["rclone", "check", source, dest, "--fast-list", "--exclude", "EXPORT_*",
                           "--exclude", "_tarn_export.json"],
                          capture_output=True, text=True, env=rclone_env(server), timeout=120)


DATA = {
    "a.csv": b"alpha\n",
    "empty": b"",
    "dir one/spaced name.txt": b"space",
    "unicode/\u00fc\u00df\u00e9.txt": "caf\u00e9".encode(),
    "pct/100%.txt": b"percent",
    "tables/t1/part-0.parquet": os.urandom(70000),
    "tables/t1/part-1.parquet": os.urandom(1000),
    "tables/t1/_SUCCESS": b"",
}


def s3_dest_env():
    endpoint = os.environ.get("TARN_TEST_S3_ENDPOINT")
    if not endpoint:
        pytest.fail("TARN_TEST_S3_ENDPOINT is not set: start s3rver with "
                    "`eval \"$(scripts/s3rver-start.sh)\"` (make test does)")
    return endpoint, {"AWS_ACCESS_KEY_ID": os.environ["TARN_TEST_S3_ACCESS_KEY_ID"],
                      "AWS_SECRET_ACCESS_KEY": os.environ["TARN_TEST_S3_SECRET_ACCESS_KEY"],
                      "AWS_REGION": os.environ.get("TARN_TEST_S3_REGION", "us-east-1")}


def s3rver_client():
    endpoint, env = s3_dest_env()
    return s3util.client(endpoint, access_key=env["AWS_ACCESS_KEY_ID"],
                         secret_key=env["AWS_SECRET_ACCESS_KEY"])


def test_full_export_to_a_directory_equals_the_ref(server, gw, tmp_path):
    repo = new_repo(gw)
    put_all(gw, repo, DATA)
    c1 = commit(server, repo, "data")
    put_all(gw, repo, {"uncommitted.txt": b"staged only"})
    dest = tmp_path / "out"
    _, r = export(server, repo, str(dest), "--branch", "main", check=0)
    assert r["status"] == "success" and r["commit"] == c1 and r["written"] == len(DATA)
    assert local_tree(dest) == DATA, "committed data only, byte for byte"
    [marker] = markers(dest)
    assert MARKER.match(marker).group(1) == c1 and marker.endswith("_SUCCESS")
    assert marker == r["marker"]
    manifest = json.loads((dest / "_tarn_export.json").read_text())
    assert manifest["repository"] == repo and manifest["commit"] == c1
    check = rclone_check(server, f"tarn:{repo}/{c1}", str(dest))
    assert check.returncode == 0, check.stderr


def test_full_export_to_s3_equals_the_ref(server, gw):
    endpoint, env = s3_dest_env()
    repo = new_repo(gw)
    files = dict(DATA)
    files["big/blob.bin"] = os.urandom(20 * 1024 * 1024 + 5)  # multipart towards S3
    put_all(gw, repo, files)
    c1 = commit(server, repo, "data")
    bucket = s3util.unique_name("dest")
    dst = s3rver_client()
    dst.create_bucket(Bucket=bucket)
    _, r = export(server, repo, f"s3://{bucket}/published", "--commit", c1[:12],
                  "--dest-endpoint", endpoint, "--verify", "full", extra_env=env, check=0)
    assert r["written"] == len(files) and r["verify"]["same"] == len(files)
    got = {}
    for page in dst.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                               Prefix="published/"):
        for o in page.get("Contents", []):
            got[o["Key"][len("published/"):]] = o["Key"]
    assert any(MARKER.match(k) for k in got), got.keys()
    for path, data in files.items():
        body = dst.get_object(Bucket=bucket, Key=got[path])["Body"].read()
        assert body == data, path
    check = rclone_check(server, f"tarn:{repo}/{c1}", f"dest:{bucket}/published")
    assert check.returncode == 0, check.stderr


def test_diff_export_writes_changes_and_propagates_deletes(server, gw, tmp_path):
    repo = new_repo(gw)
    put_all(gw, repo, DATA)
    c1 = commit(server, repo, "v1")
    dest = tmp_path / "out"
    export(server, repo, str(dest), "--commit", c1, check=0)
    untouched = dest / "tables/t1/part-1.parquet"
    before = untouched.stat()
    gw.put_object(Bucket=repo, Key="main/a.csv", Body=b"ALPHA\n")
    gw.put_object(Bucket=repo, Key="main/new/file.txt", Body=b"new")
    gw.delete_object(Bucket=repo, Key="main/empty")
    c2 = commit(server, repo, "v2")
    _, r = export(server, repo, str(dest), "--commit_id", c2, "--prev_commit_id", c1, check=0)
    assert (r["written"], r["removed"], r["previous_commit"]) == (2, 1, c1)
    expected = dict(DATA, **{"a.csv": b"ALPHA\n", "new/file.txt": b"new"})
    del expected["empty"]
    assert local_tree(dest) == expected
    after = untouched.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), \
        "an unchanged object is not rewritten"
    assert len(markers(dest)) == 2


def test_continue_follows_successive_commits(server, gw, tmp_path):
    repo = new_repo(gw)
    dest = tmp_path / "out"
    put_all(gw, repo, {"one.txt": b"1", "two.txt": b"2"})
    commits = [commit(server, repo, "c1")]
    _, r = export(server, repo, str(dest), "--branch", "main", "--continue", check=0)
    assert r["previous_commit"] == "" and r["written"] == 2
    put_all(gw, repo, {"three.txt": b"3"})
    gw.delete_object(Bucket=repo, Key="main/one.txt")
    commits.append(commit(server, repo, "c2"))
    _, r = export(server, repo, str(dest), "--branch", "main", "--continue", check=0)
    assert (r["previous_commit"], r["written"], r["removed"]) == (commits[0], 1, 1)
    put_all(gw, repo, {"two.txt": b"22"})
    commits.append(commit(server, repo, "c3"))
    _, r = export(server, repo, str(dest), "--branch", "main", "--continue", check=0)
    assert (r["previous_commit"], r["written"], r["removed"]) == (commits[1], 1, 0)
    assert local_tree(dest) == {"two.txt": b"22", "three.txt": b"3"}
    assert json.loads((dest / "_tarn_export.json").read_text())["commit"] == commits[2]
    # Nothing new: nothing to do, no new marker.
    proc, r = export(server, repo, str(dest), "--branch", "main", "--continue", check=0)
    assert r["written"] == 0 and r["marker"] == ""
    # Another repository's export cannot be continued here.
    other = new_repo(gw)
    put_all(gw, other, {"x": b"x"})
    commit(server, other, "x")
    proc, _ = export(server, other, str(dest), "--branch", "main", "--continue", check=2)
    assert repo in proc.stderr


def test_copy_keeps_foreign_files_and_mirror_removes_them(server, gw, tmp_path):
    repo = new_repo(gw)
    put_all(gw, repo, {"data/a": b"a", "data/b": b"b"})
    c1 = commit(server, repo, "c1")
    dest = tmp_path / "out"
    (dest / "data").mkdir(parents=True)
    (dest / "data/foreign").write_bytes(b"theirs")
    (dest / "other.txt").write_bytes(b"theirs too")
    _, r = export(server, repo, str(dest), "--commit", c1, check=0)
    assert (dest / "data/foreign").exists() and (dest / "other.txt").exists()
    _, r = export(server, repo, str(dest), "--commit", c1, "--mode", "mirror", check=0)
    assert r["removed"] == 2 and r["skipped"] == 2
    assert local_tree(dest) == {"data/a": b"a", "data/b": b"b"}
    assert len(markers(dest)) >= 1 and (dest / "_tarn_export.json").exists()


def test_verify_full_reports_and_rewrites_tampered_files(server, gw, tmp_path):
    repo = new_repo(gw)
    put_all(gw, repo, {"x.bin": b"0123456789", "y.bin": b"y"})
    c1 = commit(server, repo, "c1")
    dest = tmp_path / "out"
    export(server, repo, str(dest), "--commit", c1, check=0)
    (dest / "x.bin").write_bytes(b"0123456780")  # same size, other bytes
    (dest / "foreign").write_bytes(b"f")
    _, r = export(server, repo, str(dest), "--commit", c1, "--verify", "full", check=0)
    assert r["written"] == 1 and r["skipped"] == 1, "the checksum, not the size, decides"
    assert (dest / "x.bin").read_bytes() == b"0123456789"
    assert r["verify"]["same"] == 2 and r["verify"]["extra"] == 1
    assert r["verify"]["lines"] == [{"symbol": "-", "path": "foreign",
                                     "detail": "only at the destination"}]
    proc = run_tarn("export", repo, str(dest), "--commit", c1, "--verify", "full",
                    "--no-progress", env=env_for(server))
    assert proc.returncode == 0 and "- foreign" in proc.stdout


def test_dry_run_writes_nothing(server, gw, tmp_path):
    repo = new_repo(gw)
    put_all(gw, repo, {"a": b"1", "b": b"22"})
    commit(server, repo, "c1")
    dest = tmp_path / "out"
    proc = run_tarn("export", repo, str(dest), "--branch", "main", "--dry-run",
                    env=env_for(server))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:2] == ["write a 1", "write b 2"]
    assert list(dest.iterdir()) == []


def test_usage_errors_and_missing_things(server, gw, tmp_path):
    repo = new_repo(gw)
    put_all(gw, repo, {"a": b"1"})
    c1 = commit(server, repo, "c1")
    dest = str(tmp_path / "out")
    for args in (["--branch", "main", "--commit", c1], [],
                 ["--branch", "main", "--continue", "--prev-commit", c1],
                 ["--branch", "main", "--mode", "sideways"], ["--branch", "main", "--bogus"]):
        proc = run_tarn("export", repo, dest, *args, env=env_for(server))
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.strip(), "the error says what was wrong"
    assert run_tarn("export", "no-such-repo", dest, "--branch", "main",
                    env=env_for(server)).returncode == 3
    proc = run_tarn("export", repo, dest, "--branch", "no-such-branch", env=env_for(server))
    assert proc.returncode == 3 and "no-such-branch" in proc.stderr
    proc = run_tarn("export", repo, "gs://bucket/x", "--branch", "main", env=env_for(server))
    assert proc.returncode == 2 and "s3://bucket" in proc.stderr
    help_text = run_tarn("export", "--help").stdout
    for flag in ("--prev-commit", "--continue", "--mode", "--verify", "--dest-endpoint"):
        assert flag in help_text


def test_a_refused_key_fails_the_export_and_a_rerun_finishes_it(server, gw, tmp_path):
    repo = new_repo(gw)
    files = {"t/part-0": b"0", "t/part-1": b"1", "t/part-2": b"2", "t/_SUCCESS": b""}
    put_all(gw, repo, files)
    c1 = commit(server, repo, "c1")
    dest = tmp_path / "out"
    (dest / "t/part-1").mkdir(parents=True)  # a directory where a file must go
    proc, r = export(server, repo, str(dest), "--commit", c1, check=1)
    assert r["status"] == "failure"
    [marker] = markers(dest)
    assert marker.endswith("_FAILURE") and marker == r["marker"]
    body = (dest / marker).read_text()
    assert "write\tt/part-1\t" in body
    assert not (dest / "t/_SUCCESS").exists(), "no success file announces incomplete data"
    assert not (dest / "_tarn_export.json").exists()
    assert marker in proc.stderr
    (dest / "t/part-1").rmdir()
    _, r = export(server, repo, str(dest), "--commit", c1, check=0)
    assert (r["written"], r["skipped"]) == (2, 2)
    assert local_tree(dest) == files


class RecordingS3(http.server.BaseHTTPRequestHandler):
    """A minimal path-style S3 endpoint for one process: keeps objects in memory, records the
    order of PUTs, and refuses keys listed in `refuse` with 403 AccessDenied."""
    protocol_version = "HTTP/1.1"
    objects = {}
    order = []
    refuse = set()
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def _key(self):
        path = urllib.parse.urlsplit(self.path).path
        _, _, rest = urllib.parse.unquote(path).lstrip("/").partition("/")
        return rest

    def _send(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_PUT(self):
        key = self._key()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if key in self.refuse:
            self._send(403, b"<Error><Code>AccessDenied</Code><Message>refused by test"
                            b"</Message></Error>", {"Content-Type": "application/xml"})
            return
        with self.lock:
            self.objects[key] = body
            self.order.append(key)
        self._send(200, headers={"ETag": '"%s"' % hashlib.md5(body).hexdigest()})

    def do_HEAD(self):
        key = self._key()
        with self.lock:
            body = self.objects.get(key)
        if body is None:
            self._send(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", '"%s"' % hashlib.md5(body).hexdigest())
        self.send_header("Last-Modified", "Mon, 23 Nov 2026 00:00:00 GMT")
        self.end_headers()

    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if "list-type" in query:
            prefix = query.get("prefix", [""])[0]
            with self.lock:
                keys = sorted(k for k in self.objects if k.startswith(prefix))
                items = "".join(
                    f"<Contents><Key>{k}</Key><Size>{len(self.objects[k])}</Size>"
                    f"<ETag>\"{hashlib.md5(self.objects[k]).hexdigest()}\"</ETag>"
                    f"<LastModified>2026-11-23T00:00:00.000Z</LastModified></Contents>"
                    for k in keys)
            xml = (f"<ListBucketResult><IsTruncated>false</IsTruncated>{items}"
                   f"</ListBucketResult>").encode()
            self._send(200, xml, {"Content-Type": "application/xml"})
            return
        with self.lock:
            body = self.objects.get(self._key())
        if body is None:
            self._send(404, b"<Error><Code>NoSuchKey</Code></Error>")
            return
        self._send(200, body, {"ETag": '"%s"' % hashlib.md5(body).hexdigest(),
                               "Last-Modified": "Mon, 23 Nov 2026 00:00:00 GMT"})

    def do_DELETE(self):
        with self.lock:
            self.objects.pop(self._key(), None)
        self._send(204)


@pytest.fixture
def recording_s3():
    RecordingS3.objects, RecordingS3.order, RecordingS3.refuse = {}, [], set()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingS3)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", RecordingS3
    httpd.shutdown()


S3_ENV = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}


def test_success_files_are_written_after_all_data(server, gw, recording_s3):
    endpoint, rec = recording_s3
    repo = new_repo(gw)
    files = {f"t{t}/part-{i:03d}": os.urandom(100) for t in range(3) for i in range(40)}
    files.update({"t0/_SUCCESS": b"", "t1/_SUCCESS": b"", "_SUCCESS": b""})
    put_all(gw, repo, files)
    commit(server, repo, "c1")
    export(server, repo, "s3://bucket/p", "--branch", "main", "--dest-endpoint", endpoint,
           "--parallelism", "16", extra_env=S3_ENV, check=0)
    order = [k[len("p/"):] for k in rec.order]
    data = [i for i, k in enumerate(order) if "part-" in k]
    success = [i for i, k in enumerate(order) if k.endswith("_SUCCESS") and "/" in k or
               k == "_SUCCESS"]
    marker = [i for i, k in enumerate(order) if MARKER.match(k)]
    assert len(data) == 120 and len(success) == 3 and len(marker) == 1
    assert max(data) < min(success) < max(success) < marker[0]
    assert order[-1] == "_tarn_export.json"


def test_an_s3_destination_that_refuses_a_key(server, gw, recording_s3):
    endpoint, rec = recording_s3
    repo = new_repo(gw)
    put_all(gw, repo, {"ok-1": b"1", "denied": b"2", "ok-2": b"3"})
    c1 = commit(server, repo, "c1")
    rec.refuse.add("p/denied")
    proc, r = export(server, repo, "s3://bucket/p", "--commit", c1, "--dest-endpoint", endpoint,
                     extra_env=S3_ENV, check=1)
    assert [f["path"] for f in r["failures"]] == ["denied"]
    failure = [k for k in rec.objects if k.endswith("_FAILURE")]
    assert len(failure) == 1 and b"denied" in rec.objects[failure[0]]
    rec.refuse.clear()
    rec.order.clear()
    _, r = export(server, repo, "s3://bucket/p", "--commit", c1, "--dest-endpoint", endpoint,
                  extra_env=S3_ENV, check=0)
    assert (r["written"], r["skipped"]) == (1, 2)
    assert rec.order[0] == "p/denied"


def make_many(gw, server, n):
    repo = new_repo(gw)
    put_all(gw, repo, {f"d{i % 10}/obj-{i:05d}": b"x" * 512 for i in range(n)})
    return repo, commit(server, repo, "many")


def wait_for_files(root, at_least, proc, deadline_s=60):
    """Waits until `root` holds at least `at_least` files (or the process ended)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end and proc.poll() is None:
        if sum(1 for p in Path(root).rglob("obj-*") if p.is_file()) >= at_least:
            return True
        time.sleep(0.01)
    return False


def start_export(server, *args):
    return subprocess.Popen([tarn_binary(), "export", *args, "--json", "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, **env_for(server)))


def test_ctrl_c_writes_an_interrupted_failure_marker_and_a_rerun_completes(server, gw,
                                                                            tmp_path):
    repo, c1 = make_many(gw, server, 3000)
    dest = tmp_path / "out"
    proc = start_export(server, repo, str(dest), "--commit", c1, "--parallelism", "1",
                        "--read-from", "server")
    assert wait_for_files(dest, 20, proc), "the export started writing"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    r = json.loads(out)
    assert r["interrupted"] is True and r["status"] == "failure"
    assert 0 < r["written"] < 3000
    [marker] = markers(dest)
    assert marker.endswith("_FAILURE") and "interrupted" in (dest / marker).read_text()
    _, again = export(server, repo, str(dest), "--commit", c1, check=0)
    assert again["skipped"] >= r["written"] and again["written"] + again["skipped"] == 3000
    assert len(local_tree(dest)) == 3000


def test_a_killed_export_resumes(server, gw, tmp_path):
    repo, c1 = make_many(gw, server, 3000)
    dest = tmp_path / "out"
    proc = start_export(server, repo, str(dest), "--commit", c1, "--parallelism", "1",
                        "--read-from", "server")
    assert wait_for_files(dest, 20, proc), "the export started writing"
    proc.kill()
    proc.wait(timeout=30)
    assert markers(dest) == [], "a killed export leaves no marker"
    _, r = export(server, repo, str(dest), "--commit", c1, check=0)
    assert r["skipped"] > 0 and r["written"] + r["skipped"] == 3000
    assert len(local_tree(dest)) == 3000
    assert not list(dest.rglob(".tarn-export-*")), "the killed run's temporary file is gone"
    check = rclone_check(server, f"tarn:{repo}/{c1}", str(dest))
    assert check.returncode == 0, check.stderr


def test_export_to_another_tarn_gateway(server, gw, tmp_path):
    """A tarn server's S3 gateway is a destination like any other: bucket = repository, the
    prefix starts with the branch."""
    other = Server(["--quickstart", "--data-dir", str(tmp_path / "other"),
                    "--listen", "127.0.0.1:0"])
    try:
        repo = new_repo(gw)
        put_all(gw, repo, {"x/1.csv": b"1", "x/2.csv": b"22"})
        c1 = commit(server, repo, "c1")
        target = s3util.client(other.url)
        target.create_bucket(Bucket="mirror-repo")
        _, r = export(server, repo, "s3://mirror-repo/main/imported", "--commit", c1,
                      "--dest-endpoint", other.url,
                      extra_env={"AWS_ACCESS_KEY_ID": s3util.ACCESS_KEY,
                                 "AWS_SECRET_ACCESS_KEY": s3util.SECRET_KEY}, check=0)
        assert r["written"] == 2
        body = target.get_object(Bucket="mirror-repo", Key="main/imported/x/2.csv")["Body"]
        assert body.read() == b"22"
    finally:
        other.stop()


def test_server_side_copy_when_source_and_destination_share_an_s3_endpoint(tmp_path):
    """A repository stored in s3rver, exported to another bucket of the same s3rver: the
    destination copies the objects itself, no byte passes through the exporter."""
    endpoint, env = s3_dest_env()
    dst = s3rver_client()
    storage, dest_bucket = s3util.unique_name("store"), s3util.unique_name("dest")
    dst.create_bucket(Bucket=storage)
    dst.create_bucket(Bucket=dest_bucket)
    srv = Server(["--quickstart", "--data-dir", str(tmp_path / "data"), "--listen",
                  "127.0.0.1:0"],
                 env={"TARN_BLOCKSTORE_S3_ENDPOINT": endpoint,
                      "TARN_BLOCKSTORE_S3_ACCESS_KEY_ID": env["AWS_ACCESS_KEY_ID"],
                      "TARN_BLOCKSTORE_S3_SECRET_ACCESS_KEY": env["AWS_SECRET_ACCESS_KEY"],
                      "TARN_BLOCKSTORE_S3_REGION": env["AWS_REGION"],
                      "TARN_BLOCKSTORE_S3_FORCE_PATH_STYLE": "true"})
    try:
        api(srv, "POST", "/repositories", {"name": "on-s3",
                                           "storage_namespace": f"s3://{storage}/on-s3"})
        files = {f"f{i}.bin": os.urandom(1000 + i) for i in range(6)}
        put_all(s3util.client(srv.url), "on-s3", files)
        c1 = commit(srv, "on-s3", "c1")
        _, r = export(srv, "on-s3", f"s3://{dest_bucket}/copy", "--commit", c1,
                      "--dest-endpoint", endpoint, extra_env=env, check=0)
        assert r["copied_server_side"] == 6 and r["written"] == 6
        for name, data in files.items():
            assert dst.get_object(Bucket=dest_bucket, Key=f"copy/{name}")["Body"].read() == data
        # Without it, the same export streams.
        _, r = export(srv, "on-s3", f"s3://{dest_bucket}/streamed", "--commit", c1,
                      "--dest-endpoint", endpoint, "--no-server-side-copy", extra_env=env,
                      check=0)
        assert r["copied_server_side"] == 0 and r["written"] == 6
    finally:
        srv.stop()
