"""The S3 gateway through the `aws` command line: the high-level `aws s3` commands and `s3api`."""
import hashlib
import json
import os
import shutil
import subprocess

import pytest

import s3util

pytestmark = pytest.mark.skipif(shutil.which("aws") is None, reason="aws (awscli) is not on PATH")


@pytest.fixture(scope="module")
def aws(s3_server, tmp_path_factory):
    env = s3util.tool_env(tmp_path_factory.mktemp("awshome"))

    def run(*args, check=True, timeout=300):
        cmd = ["aws", "--endpoint-url", s3_server.url, *args]
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-2000:]}\n"
                                 f"{r.stderr}")
        return r

    return run


@pytest.fixture
def bucket(aws):
    name = s3util.unique_name("cli")
    r = aws("s3", "mb", f"s3://{name}")
    assert f"make_bucket: {name}" in r.stdout
    return name


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def test_mb_then_ls_lists_the_bucket(aws, bucket):
    assert bucket in aws("s3", "ls").stdout


def test_ls_of_the_bucket_root_lists_branches(aws, bucket):
    assert "PRE main/" in aws("s3", "ls", f"s3://{bucket}").stdout


def test_cp_up_and_down_round_trips(aws, bucket, tmp_path):
    src = tmp_path / "a.txt"
    src.write_bytes(b"through the aws cli\n")
    aws("s3", "cp", str(src), f"s3://{bucket}/main/docs/a.txt")
    out = aws("s3", "ls", f"s3://{bucket}/main/docs/").stdout
    assert "a.txt" in out and str(len(src.read_bytes())) in out
    dst = tmp_path / "b.txt"
    aws("s3", "cp", f"s3://{bucket}/main/docs/a.txt", str(dst))
    assert dst.read_bytes() == src.read_bytes()


def test_cp_to_stdout(aws, bucket, tmp_path):
    src = tmp_path / "s.txt"
    src.write_text("stream me")
    aws("s3", "cp", str(src), f"s3://{bucket}/main/s.txt")
    assert aws("s3", "cp", f"s3://{bucket}/main/s.txt", "-").stdout == "stream me"


def test_sync_uploads_and_deletes_extras(aws, bucket, tmp_path):
    d = tmp_path / "tree"
    (d / "sub").mkdir(parents=True)
    for name in ("one.txt", "two.txt", "sub/three.txt"):
        (d / name).write_text(name)
    aws("s3", "sync", str(d), f"s3://{bucket}/main/tree/")
    listing = aws("s3", "ls", "--recursive", f"s3://{bucket}/main/tree/").stdout
    for name in ("one.txt", "two.txt", "sub/three.txt"):
        assert f"main/tree/{name}" in listing
    (d / "two.txt").unlink()
    aws("s3", "sync", "--delete", str(d), f"s3://{bucket}/main/tree/")
    listing = aws("s3", "ls", "--recursive", f"s3://{bucket}/main/tree/").stdout
    assert "two.txt" not in listing and "one.txt" in listing
    # A second sync has nothing to do.
    assert aws("s3", "sync", str(d), f"s3://{bucket}/main/tree/").stdout.strip() == ""
    back = tmp_path / "back"
    aws("s3", "sync", f"s3://{bucket}/main/tree/", str(back))
    assert sorted(str(p.relative_to(back)) for p in back.rglob("*.txt")) == [
        "one.txt", "sub/three.txt"]


def test_rm_recursive(aws, bucket, tmp_path):
    f = tmp_path / "x"
    f.write_text("x")
    for k in ("r/1", "r/2", "keep"):
        aws("s3", "cp", str(f), f"s3://{bucket}/main/{k}")
    aws("s3", "rm", "--recursive", f"s3://{bucket}/main/r/")
    listing = aws("s3", "ls", "--recursive", f"s3://{bucket}/main/").stdout
    assert "main/keep" in listing and "main/r/" not in listing


def test_rm_single_object(aws, bucket, tmp_path):
    f = tmp_path / "x"
    f.write_text("x")
    aws("s3", "cp", str(f), f"s3://{bucket}/main/gone")
    aws("s3", "rm", f"s3://{bucket}/main/gone")
    r = aws("s3api", "head-object", "--bucket", bucket, "--key", "main/gone", check=False)
    assert r.returncode != 0 and "404" in r.stderr


def test_s3api_head_object_and_list_objects_v2(aws, bucket, tmp_path):
    f = tmp_path / "meta.json"
    f.write_text('{"a": 1}')
    aws("s3api", "put-object", "--bucket", bucket, "--key", "main/meta.json", "--body", str(f),
        "--content-type", "application/json", "--metadata", "color=blue")
    head = json.loads(aws("s3api", "head-object", "--bucket", bucket, "--key",
                          "main/meta.json").stdout)
    assert head["ContentLength"] == 8
    assert head["ContentType"] == "application/json"
    assert head["Metadata"] == {"color": "blue"}
    assert head["ETag"] == '"' + hashlib.md5(b'{"a": 1}').hexdigest() + '"'
    listing = json.loads(aws("s3api", "list-objects-v2", "--bucket", bucket, "--prefix",
                             "main/").stdout)
    assert [o["Key"] for o in listing["Contents"]] == ["main/meta.json"]


def test_s3api_list_objects_v2_paginates(aws, bucket, tmp_path):
    f = tmp_path / "p"
    f.write_text("p")
    for i in range(5):
        aws("s3api", "put-object", "--bucket", bucket, "--key", f"main/p/{i}", "--body", str(f))
    # The CLI follows continuation tokens itself with a small page size.
    out = json.loads(aws("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "main/p/",
                         "--page-size", "2").stdout)
    assert [o["Key"] for o in out["Contents"]] == [f"main/p/{i}" for i in range(5)]


def test_s3api_object_tagging(aws, bucket, tmp_path):
    f = tmp_path / "t"
    f.write_text("t")
    aws("s3api", "put-object", "--bucket", bucket, "--key", "main/t", "--body", str(f))
    aws("s3api", "put-object-tagging", "--bucket", bucket, "--key", "main/t", "--tagging",
        "TagSet=[{Key=stage,Value=raw}]")
    tags = json.loads(aws("s3api", "get-object-tagging", "--bucket", bucket, "--key",
                          "main/t").stdout)["TagSet"]
    assert tags == [{"Key": "stage", "Value": "raw"}]


def test_s3api_get_object_of_missing_key_fails_with_no_such_key(aws, bucket, tmp_path):
    r = aws("s3api", "get-object", "--bucket", bucket, "--key", "main/none",
            str(tmp_path / "out"), check=False)
    assert r.returncode != 0 and "NoSuchKey" in r.stderr


def test_multipart_upload_of_50_mib_round_trips(aws, bucket, tmp_path):
    src = tmp_path / "big.bin"
    with open(src, "wb") as f:
        for _ in range(50):
            f.write(os.urandom(1 << 20))
    aws("s3", "cp", str(src), f"s3://{bucket}/main/big.bin")
    head = json.loads(aws("s3api", "head-object", "--bucket", bucket, "--key",
                          "main/big.bin").stdout)
    assert head["ContentLength"] == 50 << 20
    assert "-" in head["ETag"], "a 50 MiB cp is a multipart upload"
    dst = tmp_path / "big.out"
    aws("s3", "cp", f"s3://{bucket}/main/big.bin", str(dst))
    assert sha256(dst) == sha256(src)


def test_rb_removes_an_empty_bucket(aws):
    name = s3util.unique_name("cli")
    aws("s3", "mb", f"s3://{name}")
    aws("s3", "rb", f"s3://{name}")
    assert name not in aws("s3", "ls").stdout
