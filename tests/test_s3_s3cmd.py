"""The S3 gateway through s3cmd, with SigV4 and with SigV2 signatures."""
import os
import shutil
import subprocess

import pytest

import s3util

pytestmark = pytest.mark.skipif(shutil.which("s3cmd") is None, reason="s3cmd is not on PATH")


def make_s3cmd(server, home, signature_v2):
    _, port = s3util.host_port(server.url)
    cfg = home / ("s3cfg-v2" if signature_v2 else "s3cfg-v4")
    cfg.write_text(
        "[default]\n"
        f"access_key = {s3util.ACCESS_KEY}\n"
        f"secret_key = {s3util.SECRET_KEY}\n"
        f"bucket_location = {s3util.REGION}\n"
        f"host_base = 127.0.0.1:{port}\n"
        f"host_bucket = 127.0.0.1:{port}\n"
        "use_https = False\n"
        f"signature_v2 = {signature_v2}\n"
        "check_ssl_certificate = False\n"
        "guess_mime_type = False\n"
        "max_retries = 0\n"
        "multipart_chunk_size_mb = 5\n")
    env = s3util.tool_env(home)

    def run(*args, check=True):
        cmd = ["s3cmd", "-c", str(cfg), *args]
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        if check and r.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-2000:]}\n"
                                 f"{r.stderr}")
        return r

    return run


@pytest.fixture(scope="module", params=[False, True], ids=["sigv4", "sigv2"])
def s3cmd(request, s3_server, tmp_path_factory):
    return make_s3cmd(s3_server, tmp_path_factory.mktemp("s3cmd"), request.param)


@pytest.fixture
def bucket(s3cmd):
    name = s3util.unique_name("s3cmd")
    s3cmd("mb", f"s3://{name}")
    return name


def test_put_get_round_trips(s3cmd, bucket, tmp_path):
    src = tmp_path / "in.txt"
    src.write_bytes(b"via s3cmd\n")
    s3cmd("put", str(src), f"s3://{bucket}/main/in.txt")
    dst = tmp_path / "out.txt"
    s3cmd("get", f"s3://{bucket}/main/in.txt", str(dst))
    assert dst.read_bytes() == src.read_bytes()


def test_ls_lists_buckets_branches_and_objects(s3cmd, bucket, tmp_path):
    src = tmp_path / "f"
    src.write_bytes(b"f")
    s3cmd("put", str(src), f"s3://{bucket}/main/dir/f")
    assert f"s3://{bucket}" in s3cmd("ls").stdout
    assert f"s3://{bucket}/main/" in s3cmd("ls", f"s3://{bucket}").stdout
    assert f"s3://{bucket}/main/dir/f" in s3cmd("ls", "-r", f"s3://{bucket}/main/").stdout


def test_del_removes_the_object(s3cmd, bucket, tmp_path):
    src = tmp_path / "f"
    src.write_bytes(b"f")
    s3cmd("put", str(src), f"s3://{bucket}/main/d")
    s3cmd("del", f"s3://{bucket}/main/d")
    assert f"s3://{bucket}/main/d" not in s3cmd("ls", "-r", f"s3://{bucket}/main/").stdout
    r = s3cmd("get", f"s3://{bucket}/main/d", str(tmp_path / "x"), check=False)
    assert r.returncode != 0


def test_multipart_put_round_trips(s3cmd, bucket, tmp_path):
    data = os.urandom(12 * 1024 * 1024)
    src = tmp_path / "big"
    src.write_bytes(data)
    s3cmd("put", str(src), f"s3://{bucket}/main/big")
    dst = tmp_path / "big.out"
    s3cmd("get", f"s3://{bucket}/main/big", str(dst))
    assert dst.read_bytes() == data
