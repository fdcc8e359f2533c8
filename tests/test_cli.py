"""End-to-end tests of the `tarn` client commands against a live `tarn serve --quickstart`:
the tour of the README (create a repository, upload a directory, commit, branch, change, diff,
merge, tag, download, compare bytes) and the documented errors and exit codes."""
import json
import os

import pytest

from conftest import run_tarn

ACCESS_KEY = "AKIAIOSFOLQUICKSTART"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3


@pytest.fixture(scope="module")
def server(quickstart_server):
    return quickstart_server


@pytest.fixture
def cli(server, tmp_path):
    """Runs tarn with the server and quickstart keys in the environment and an empty HOME."""
    env = {"TARN_ENDPOINT": server.url, "TARN_ACCESS_KEY_ID": ACCESS_KEY,
           "TARN_SECRET_ACCESS_KEY": SECRET_KEY, "HOME": str(tmp_path / "home")}
    os.makedirs(env["HOME"], exist_ok=True)

    def run(*args, check=True, extra_env=None, input=None):
        merged = dict(env)
        merged.update(extra_env or {})
        return run_tarn(*args, env=merged, check=check, input=input)

    return run


def make_tree(root):
    files = {
        "a.txt": b"alpha\n",
        "empty.txt": b"",
        "nested/b.bin": bytes(range(256)) * 64,
        "nested/deeper/c.csv": b"x,y\n1,2\n",
        "big.dat": os.urandom(3 * 1024 * 1024 + 17),
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


def test_tour(cli, tmp_path):
    repo = "tour-repo"
    cli("repo", "create", f"tarn://{repo}")
    listed = json.loads(cli("repo", "list", "--json").stdout)
    assert repo in [r["id"] for r in listed]

    src = tmp_path / "src"
    files = make_tree(src)
    out = cli("fs", "upload", "-r", "--no-progress", str(src), f"tarn://{repo}/main/data/").stdout
    assert f"Uploaded {len(files)} file(s)" in out
    assert "data/a.txt" in cli("diff", f"tarn://{repo}/main").stdout

    cli("commit", f"tarn://{repo}/main", "-m", "initial data", "--meta", "source=tour")
    log = json.loads(cli("log", f"tarn://{repo}/main", "--json", "--amount", "1").stdout)
    assert log[0]["message"] == "initial data"
    assert log[0]["metadata"]["source"] == "tour"

    cli("branch", "create", f"tarn://{repo}/feature", "--source", f"tarn://{repo}/main")
    assert "feature" in cli("branch", "list", f"tarn://{repo}").stdout
    changed = tmp_path / "a.txt"
    changed.write_bytes(b"alpha, changed\n")
    cli("fs", "upload", str(changed), f"tarn://{repo}/feature/data/a.txt")
    cli("fs", "rm", f"tarn://{repo}/feature/data/nested/deeper/c.csv")
    cli("commit", f"tarn://{repo}/feature", "-m", "change a, drop c")

    diff = cli("diff", f"tarn://{repo}/main", f"tarn://{repo}/feature").stdout
    assert "~ data/a.txt" in diff
    assert "- data/nested/deeper/c.csv" in diff

    cli("merge", f"tarn://{repo}/feature", f"tarn://{repo}/main")
    cli("tag", "create", f"tarn://{repo}/v1", f"tarn://{repo}/main")
    tags = json.loads(cli("tag", "list", f"tarn://{repo}", "--json").stdout)
    assert [t["id"] for t in tags] == ["v1"]

    dst = tmp_path / "dst"
    cli("fs", "download", "-r", "--no-progress", "--parallelism", "3",
        f"tarn://{repo}/v1/data/", str(dst))
    files["a.txt"] = b"alpha, changed\n"
    del files["nested/deeper/c.csv"]
    got = {str(p.relative_to(dst)): p.read_bytes() for p in dst.rglob("*") if p.is_file()}
    assert got == files

    assert cli("fs", "cat", f"tarn://{repo}/v1/data/a.txt").stdout == "alpha, changed\n"
    stat = json.loads(cli("fs", "stat", "--json", f"tarn://{repo}/v1/data/big.dat").stdout)
    assert stat["size_bytes"] == len(files["big.dat"])


def test_listings_honour_amount(cli):
    repo = "amount-repo"
    cli("repo", "create", f"tarn://{repo}")
    for i in range(5):
        cli("branch", "create", f"tarn://{repo}/b{i}", "--source", f"tarn://{repo}/main")
    branches = json.loads(cli("branch", "list", f"tarn://{repo}", "--json", "--amount", "3")
                          .stdout)
    assert len(branches) == 3
    everything = json.loads(cli("branch", "list", f"tarn://{repo}", "--json").stdout)
    assert len(everything) == 6


def test_branch_reset_discards_uncommitted_changes(cli, tmp_path):
    repo = "reset-repo"
    cli("repo", "create", f"tarn://{repo}")
    f = tmp_path / "f.txt"
    f.write_text("x")
    cli("fs", "upload", str(f), f"tarn://{repo}/main/f.txt")
    cli("branch", "reset", f"tarn://{repo}/main")
    assert "No changes" in cli("diff", f"tarn://{repo}/main").stdout


def test_wrong_secret_prints_the_servers_message(cli):
    proc = cli("repo", "list", check=False, extra_env={"TARN_SECRET_ACCESS_KEY": "wrong"})
    assert proc.returncode == EXIT_FAILURE
    assert "(HTTP 401)" in proc.stderr
    assert proc.stderr.startswith("error: ")


def test_unknown_repository_exits_not_found(cli):
    proc = cli("branch", "list", "tarn://no-such-repo", check=False)
    assert proc.returncode == EXIT_NOT_FOUND
    assert "(HTTP 404)" in proc.stderr


def test_bad_address_is_a_usage_error(cli):
    proc = cli("branch", "list", "s3://bucket", check=False)
    assert proc.returncode == EXIT_USAGE
    assert "tarn://<repository>/<ref>/<path>" in proc.stderr


def test_lakefs_addresses_are_accepted(cli):
    cli("repo", "create", "lakefs://lakefs-scheme")
    assert "main" in cli("branch", "list", "lakefs://lakefs-scheme").stdout


def test_flags_override_the_environment(cli):
    proc = cli("repo", "list", "--endpoint", "http://127.0.0.1:1", check=False)
    assert proc.returncode == EXIT_FAILURE
    assert "127.0.0.1:1" in proc.stderr


def test_config_writes_the_file_from_piped_answers(cli, server, tmp_path):
    path = tmp_path / "cfg.yaml"
    cli("config", "--config", str(path), input=f"{ACCESS_KEY}\n{SECRET_KEY}\n{server.url}\n")
    text = path.read_text()
    assert "endpoint_url" in text and ACCESS_KEY in text
    proc = run_tarn("repo", "list", "--config", str(path),
                    env={"HOME": str(tmp_path), "TARN_ENDPOINT": "", "TARN_ACCESS_KEY_ID": "",
                         "TARN_SECRET_ACCESS_KEY": ""})
    assert proc.returncode == 0, proc.stderr


def test_doctor_passes_against_a_healthy_server(cli):
    out = cli("doctor").stdout
    assert "ok    endpoint" in out
    assert "ok    credentials: authenticated as" in out
    assert "ok    clock" in out  # compared with the server's Date, or skipped without one


def test_auth_users_groups_policies_and_credentials(cli, tmp_path):
    cli("auth", "users", "create", "--id", "alice")
    assert "alice" in cli("auth", "users", "list").stdout
    cli("auth", "groups", "create", "--id", "readers")
    cli("auth", "groups", "members", "add", "--id", "readers", "--user", "alice")
    members = json.loads(cli("auth", "groups", "members", "list", "--id", "readers", "--json")
                         .stdout)
    assert [m["id"] for m in members] == ["alice"]
    doc = tmp_path / "policy.json"
    doc.write_text(json.dumps({"statement": [
        {"effect": "allow", "action": ["fs:ReadObject"], "resource": "*"}]}))
    cli("auth", "policies", "create", "--id", "read-all", "--statement-document", str(doc))
    assert json.loads(cli("auth", "policies", "show", "--id", "read-all").stdout)["id"] == \
        "read-all"
    cli("auth", "policies", "attach", "--id", "read-all", "--group", "readers")
    attached = json.loads(cli("auth", "policies", "list", "--group", "readers", "--json").stdout)
    assert "read-all" in [p["id"] for p in attached]
    created = json.loads(cli("auth", "credentials", "create", "--id", "alice", "--json").stdout)
    keys = json.loads(cli("auth", "credentials", "list", "--id", "alice", "--json").stdout)
    assert created["access_key_id"] in [k["access_key_id"] for k in keys]
    cli("auth", "policies", "detach", "--id", "read-all", "--group", "readers")
    cli("auth", "groups", "members", "remove", "--id", "readers", "--user", "alice")
    cli("auth", "users", "delete", "--id", "alice")
    proc = cli("auth", "users", "delete", "--id", "alice", check=False)
    assert proc.returncode == EXIT_NOT_FOUND
