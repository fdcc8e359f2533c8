"""Presigned URLs on a repository stored in a real S3 server (s3rver): clients read and write
the bytes straight from and to the object store, as lakeFS clients do with presign=true."""
import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request

import boto3
import pytest

import s3util
from conftest import Server

ADMIN = (s3util.ACCESS_KEY, s3util.SECRET_KEY)


def s3_settings():
    endpoint = os.environ.get("TARN_TEST_S3_ENDPOINT")
    if not endpoint:
        pytest.fail("TARN_TEST_S3_ENDPOINT is not set: start s3rver with scripts/s3rver-start.sh "
                    "(make test does)")
    return {
        "endpoint": endpoint,
        "key": os.environ.get("TARN_TEST_S3_ACCESS_KEY_ID", "S3RVER"),
        "secret": os.environ.get("TARN_TEST_S3_SECRET_ACCESS_KEY", "S3RVER"),
        "region": os.environ.get("TARN_TEST_S3_REGION", "us-east-1"),
    }


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def call(url, method, path, body=None, query=None, raw=None, follow=True):
    """One API request as the quickstart admin; returns (status, headers, body bytes)."""
    target = url + "/api/v1" + path
    if query:
        target += "?" + urllib.parse.urlencode(query)
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(target, data=data, method=method)
    token = base64.b64encode(f"{ADMIN[0]}:{ADMIN[1]}".encode()).decode()
    req.add_header("Authorization", "Basic " + token)
    if raw is not None:
        req.add_header("Content-Type", "application/octet-stream")
    elif data is not None:
        req.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def fetch(url, method="GET", data=None):
    req = urllib.request.Request(url, data=data, method=method)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.read()


@pytest.fixture(scope="module")
def s3_repo(tmp_path_factory):
    cfg = s3_settings()
    bucket = s3util.unique_name("presign")
    boto3.client("s3", endpoint_url=cfg["endpoint"], aws_access_key_id=cfg["key"],
                 aws_secret_access_key=cfg["secret"],
                 region_name=cfg["region"]).create_bucket(Bucket=bucket)
    env = {
        "TARN_BLOCKSTORE_S3_ENDPOINT": cfg["endpoint"],
        "TARN_BLOCKSTORE_S3_ACCESS_KEY_ID": cfg["key"],
        "TARN_BLOCKSTORE_S3_SECRET_ACCESS_KEY": cfg["secret"],
        "TARN_BLOCKSTORE_S3_REGION": cfg["region"],
        "TARN_BLOCKSTORE_S3_FORCE_PATH_STYLE": "true",
    }
    server = Server(["--quickstart", "--data-dir", str(tmp_path_factory.mktemp("presign")),
                     "--listen", "127.0.0.1:0"], env=env)
    status, _, body = call(server.url, "POST", "/repositories",
                           {"name": "on-s3", "storage_namespace": f"s3://{bucket}/on-s3"})
    assert status == 201, body
    status, _, body = call(server.url, "POST", "/repositories/on-s3/branches/main/objects",
                           query={"path": "data/hello.txt"}, raw=b"hello from s3")
    assert status == 201, body
    yield server, cfg
    server.stop()


def test_stat_with_presign_gives_a_url_that_reads_the_bytes(s3_repo):
    server, cfg = s3_repo
    status, _, body = call(server.url, "GET", "/repositories/on-s3/refs/main/objects/stat",
                           query={"path": "data/hello.txt", "presign": "true"})
    assert status == 200, body
    stats = json.loads(body)
    assert stats["physical_address"].startswith(cfg["endpoint"] + "/")
    assert "X-Amz-Signature=" in stats["physical_address"]
    assert isinstance(stats["physical_address_expiry"], int)
    assert fetch(stats["physical_address"]) == (200, b"hello from s3")


def test_list_with_presign_gives_urls(s3_repo):
    server, _ = s3_repo
    status, _, body = call(server.url, "GET", "/repositories/on-s3/refs/main/objects/ls",
                           query={"prefix": "data/", "presign": "true"})
    assert status == 200, body
    results = json.loads(body)["results"]
    assert [r["path"] for r in results] == ["data/hello.txt"]
    assert fetch(results[0]["physical_address"])[1] == b"hello from s3"


def test_get_with_presign_redirects_to_the_object_store(s3_repo):
    server, cfg = s3_repo
    status, headers, _ = call(server.url, "GET", "/repositories/on-s3/refs/main/objects",
                              query={"path": "data/hello.txt", "presign": "true"}, follow=False)
    assert status == 302
    assert headers["Location"].startswith(cfg["endpoint"] + "/")
    assert fetch(headers["Location"])[1] == b"hello from s3"


def test_direct_upload_through_a_presigned_put_then_link(s3_repo):
    server, _ = s3_repo
    status, _, body = call(server.url, "GET",
                           "/repositories/on-s3/branches/main/staging/backing",
                           query={"path": "direct/up.bin", "presign": "true"})
    assert status == 200, body
    location = json.loads(body)
    assert location["presigned_url"] and isinstance(location["presigned_url_expiry"], int)
    payload = os.urandom(4096)
    assert fetch(location["presigned_url"], "PUT", payload)[0] == 200
    status, _, body = call(server.url, "PUT",
                           "/repositories/on-s3/branches/main/staging/backing",
                           {"staging": {"physical_address": location["physical_address"]},
                            "checksum": "", "size_bytes": len(payload)},
                           query={"path": "direct/up.bin"})
    assert status == 200, body
    status, _, got = call(server.url, "GET", "/repositories/on-s3/refs/main/objects",
                          query={"path": "direct/up.bin"})
    assert status == 200 and got == payload
