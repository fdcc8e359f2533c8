"""botwo against two real endpoints: a running `tarn serve` (repositories with branch prefixes)
and an s3rver (plain buckets). Every routed operation is checked twice: through botwo with the
caller's names, and on the endpoint itself with the mapped names."""
import io
import os
import sys
import urllib.request
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

import s3util
from conftest import Server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "clients" / "python" / "botwo"))
import botwo  # noqa: E402

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    endpoint = os.environ.get("TARN_TEST_S3_ENDPOINT")
    if not endpoint:
        pytest.fail("TARN_TEST_S3_ENDPOINT is not set: start s3rver with "
                    "`eval \"$(scripts/s3rver-start.sh)\"` (make test does)")
    server = Server(["--quickstart", "--data-dir", str(tmp_path_factory.mktemp("botwo")),
                     "--listen", "127.0.0.1:0"])
    tarn = s3util.client(server.url)
    s3 = s3util.client(endpoint, access_key=os.environ["TARN_TEST_S3_ACCESS_KEY_ID"],
                       secret_key=os.environ["TARN_TEST_S3_SECRET_ACCESS_KEY"])
    repo, plain = s3util.unique_name("botwo"), s3util.unique_name("plain")
    tarn.create_bucket(Bucket=repo)
    s3.create_bucket(Bucket=plain)
    # A branch "dev" for the key-prefix rule.
    tarn.put_object(Bucket=repo, Key="main/.keep", Body=b"")
    import base64
    import json
    token = base64.b64encode(f"{s3util.ACCESS_KEY}:{s3util.SECRET_KEY}".encode()).decode()
    req = urllib.request.Request(
        f"{server.url}/api/v1/repositories/{repo}/branches", method="POST",
        data=json.dumps({"name": "dev", "source": "main"}).encode(),
        headers={"Authorization": "Basic " + token, "Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=30).read()
    rules = [
        {"bucket_name": "bucket-a", "mapped_bucket_name": repo, "client": "tarn",
         "key_prefix": "dev/"},
        {"bucket_name": "example-old-bucket", "mapped_bucket_name": repo, "client": "tarn",
         "key_prefix": "main/"},
        {"bucket_name": "plain-bucket", "mapped_bucket_name": plain, "client": "s3"},
        {"bucket_name": "*", "client": "s3"},
    ]
    c = botwo.client({"s3": s3, "tarn": tarn}, rules, part_size=5 * MiB,
                     multipart_threshold=6 * MiB)
    yield {"c": c, "tarn": tarn, "s3": s3, "repo": repo, "plain": plain, "server": server}
    server.stop()


def raw_get(client, bucket, key):
    return client.get_object(Bucket=bucket, Key=key)["Body"].read()


def test_object_calls_land_under_the_mapped_names(env):
    c, tarn, s3, repo = env["c"], env["tarn"], env["s3"], env["repo"]
    put = c.put_object(Bucket="example-old-bucket", Key="test/object.txt", Body=b"hello")
    assert put["ETag"]
    assert raw_get(tarn, repo, "main/test/object.txt") == b"hello"
    assert c.get_object(Bucket="example-old-bucket", Key="test/object.txt")["Body"].read() == \
        b"hello"
    assert c.head_object(Bucket="example-old-bucket", Key="test/object.txt")[
        "ContentLength"] == 5
    c.put_object(Bucket="bucket-a", Key="x.csv", Body=b"dev data")
    assert raw_get(tarn, repo, "dev/x.csv") == b"dev data"
    c.put_object(Bucket="plain-bucket", Key="p/q.txt", Body=b"plain")
    assert raw_get(s3, env["plain"], "p/q.txt") == b"plain"
    c.delete_object(Bucket="bucket-a", Key="x.csv")
    with pytest.raises(ClientError):
        tarn.head_object(Bucket=repo, Key="dev/x.csv")


def test_missing_keys_raise_the_default_clients_exceptions_with_caller_keys(env):
    c = env["c"]
    with pytest.raises(c.exceptions.NoSuchKey) as info:
        c.get_object(Bucket="example-old-bucket", Key="nope/missing.txt")
    key = info.value.response["Error"].get("Key")
    assert key in (None, "nope/missing.txt"), "never the mapped key main/nope/missing.txt"


def test_listings_speak_the_callers_bucket_and_keys(env):
    c = env["c"]
    for k in ("list/a.txt", "list/b.txt", "list/sub/c.txt", "list/sub/d.txt", "list/z.txt"):
        c.put_object(Bucket="example-old-bucket", Key=k, Body=b"x")
    r = c.list_objects_v2(Bucket="example-old-bucket", Prefix="list/", Delimiter="/")
    assert r["Name"] == "example-old-bucket" and r["Prefix"] == "list/"
    assert [o["Key"] for o in r["Contents"]] == ["list/a.txt", "list/b.txt", "list/z.txt"]
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["list/sub/"]
    page1 = c.list_objects_v2(Bucket="example-old-bucket", Prefix="list/", MaxKeys=2)
    assert [o["Key"] for o in page1["Contents"]] == ["list/a.txt", "list/b.txt"]
    page2 = c.list_objects_v2(Bucket="example-old-bucket", Prefix="list/", MaxKeys=2,
                              ContinuationToken=page1["NextContinuationToken"])
    assert [o["Key"] for o in page2["Contents"]] == ["list/sub/c.txt", "list/sub/d.txt"]
    after = c.list_objects_v2(Bucket="example-old-bucket", Prefix="list/",
                              StartAfter="list/sub/d.txt")
    assert [o["Key"] for o in after["Contents"]] == ["list/z.txt"]
    v1 = c.list_objects(Bucket="example-old-bucket", Prefix="list/", Marker="list/b.txt")
    assert [o["Key"] for o in v1["Contents"]][0] == "list/sub/c.txt"
    # Without a prefix, the branch prefix still bounds the listing: nothing of dev/ leaks in.
    c.put_object(Bucket="bucket-a", Key="only-dev.txt", Body=b"d")
    keys = [o["Key"] for o in c.list_objects_v2(Bucket="bucket-a")["Contents"]]
    assert "only-dev.txt" in keys and not any(k.startswith(("dev/", "main/")) for k in keys)


def test_paginators_route_and_unmap_every_page(env):
    c = env["c"]
    for i in range(7):
        c.put_object(Bucket="example-old-bucket", Key=f"pages/{i}", Body=b"p")
    pages = list(c.get_paginator("list_objects_v2").paginate(
        Bucket="example-old-bucket", Prefix="pages/", PaginationConfig={"PageSize": 3}))
    assert [len(p["Contents"]) for p in pages] == [3, 3, 1]
    assert [o["Key"] for p in pages for o in p["Contents"]] == [f"pages/{i}" for i in range(7)]
    full = c.get_paginator("list_objects_v2").paginate(
        Bucket="example-old-bucket", Prefix="pages/").build_full_result()
    assert len(full["Contents"]) == 7
    assert list(c.get_paginator("list_objects_v2").paginate(
        Bucket="example-old-bucket", Prefix="pages/").search("Contents[].Key"))[0] == "pages/0"


def test_copy_within_one_client_and_across_clients(env):
    c, tarn, s3, repo = env["c"], env["tarn"], env["s3"], env["repo"]
    c.put_object(Bucket="example-old-bucket", Key="src.txt", Body=b"copy me",
                 Metadata={"team": "data"}, ContentType="text/plain")
    r = c.copy_object(Bucket="bucket-a", Key="copied.txt",
                      CopySource={"Bucket": "example-old-bucket", "Key": "src.txt"})
    assert r["CopyObjectResult"]["ETag"]
    assert raw_get(tarn, repo, "dev/copied.txt") == b"copy me"
    # tarn -> s3rver and back: a streamed read and write.
    c.copy_object(Bucket="plain-bucket", Key="from-tarn.txt",
                  CopySource="example-old-bucket/src.txt")
    got = s3.get_object(Bucket=env["plain"], Key="from-tarn.txt")
    assert got["Body"].read() == b"copy me" and got["Metadata"] == {"team": "data"}
    assert got["ContentType"] == "text/plain"
    big = os.urandom(11 * MiB + 3)  # above the threshold: three parts
    c.put_object(Bucket="plain-bucket", Key="big.bin", Body=big)
    r = c.copy_object(Bucket="example-old-bucket", Key="big-copy.bin",
                      CopySource={"Bucket": "plain-bucket", "Key": "big.bin"})
    assert r["CopyObjectResult"]["ETag"].strip('"').endswith("-3")
    assert raw_get(tarn, repo, "main/big-copy.bin") == big


def test_managed_copy_across_clients(env):
    c, s3 = env["c"], env["s3"]
    c.put_object(Bucket="bucket-a", Key="managed.bin", Body=b"m" * 1000)
    seen = []
    c.copy({"Bucket": "bucket-a", "Key": "managed.bin"}, "plain-bucket", "managed-copy.bin",
           Callback=seen.append)
    assert raw_get(s3, env["plain"], "managed-copy.bin") == b"m" * 1000
    assert sum(seen) == 1000


def test_multipart_with_a_part_copied_from_another_client(env):
    c, tarn, repo = env["c"], env["tarn"], env["repo"]
    part1 = os.urandom(5 * MiB)
    c.put_object(Bucket="plain-bucket", Key="part-source.bin", Body=b"tail-bytes" * 100)
    up = c.create_multipart_upload(Bucket="example-old-bucket", Key="mp/object.bin")
    assert up["Bucket"] == "example-old-bucket" and up["Key"] == "mp/object.bin"
    e1 = c.upload_part(Bucket="example-old-bucket", Key="mp/object.bin",
                       UploadId=up["UploadId"], PartNumber=1, Body=part1)["ETag"]
    e2 = c.upload_part_copy(Bucket="example-old-bucket", Key="mp/object.bin",
                            UploadId=up["UploadId"], PartNumber=2,
                            CopySource={"Bucket": "plain-bucket", "Key": "part-source.bin"},
                            CopySourceRange="bytes=0-99")["CopyPartResult"]["ETag"]
    uploads = c.list_multipart_uploads(Bucket="example-old-bucket", Prefix="mp/")
    assert [u["Key"] for u in uploads["Uploads"]] == ["mp/object.bin"]
    parts = c.list_parts(Bucket="example-old-bucket", Key="mp/object.bin",
                         UploadId=up["UploadId"])
    assert parts["Key"] == "mp/object.bin" and len(parts["Parts"]) == 2
    done = c.complete_multipart_upload(
        Bucket="example-old-bucket", Key="mp/object.bin", UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1},
                                   {"PartNumber": 2, "ETag": e2}]})
    assert done["Bucket"] == "example-old-bucket" and done["Key"] == "mp/object.bin"
    assert raw_get(tarn, repo, "main/mp/object.bin") == part1 + (b"tail-bytes" * 10)


def test_delete_objects_maps_keys_both_ways(env):
    c, tarn, repo = env["c"], env["tarn"], env["repo"]
    for k in ("del/1", "del/2"):
        c.put_object(Bucket="bucket-a", Key=k, Body=b"d")
    r = c.delete_objects(Bucket="bucket-a", Delete={"Objects": [{"Key": "del/1"},
                                                                {"Key": "del/2"}]})
    assert sorted(d["Key"] for d in r["Deleted"]) == ["del/1", "del/2"]
    listed = tarn.list_objects_v2(Bucket=repo, Prefix="dev/del/")
    assert listed.get("KeyCount", 0) == 0


def test_presigned_urls_work_over_plain_http(env):
    c, tarn, repo = env["c"], env["tarn"], env["repo"]
    put_url = c.generate_presigned_url("put_object", Params={"Bucket": "example-old-bucket",
                                                             "Key": "presigned.txt"})
    req = urllib.request.Request(put_url, data=b"via url", method="PUT")
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200
    assert raw_get(tarn, repo, "main/presigned.txt") == b"via url"
    get_url = c.generate_presigned_url("get_object", Params={"Bucket": "example-old-bucket",
                                                             "Key": "presigned.txt"})
    with urllib.request.urlopen(get_url, timeout=30) as resp:
        assert resp.read() == b"via url"
    c.put_object(Bucket="plain-bucket", Key="pre.txt", Body=b"s3rver")
    url = c.generate_presigned_url("get_object", Params={"Bucket": "plain-bucket",
                                                         "Key": "pre.txt"})
    with urllib.request.urlopen(url, timeout=30) as resp:
        assert resp.read() == b"s3rver"


def test_file_transfers(env, tmp_path):
    c, tarn, repo = env["c"], env["tarn"], env["repo"]
    src = tmp_path / "up.bin"
    src.write_bytes(os.urandom(2 * MiB))
    c.upload_file(str(src), "bucket-a", "files/up.bin")
    assert raw_get(tarn, repo, "dev/files/up.bin") == src.read_bytes()
    out = tmp_path / "down.bin"
    c.download_file("bucket-a", "files/up.bin", str(out))
    assert out.read_bytes() == src.read_bytes()
    c.upload_fileobj(io.BytesIO(b"fileobj"), Bucket="plain-bucket", Key="fo.txt")
    buf = io.BytesIO()
    c.download_fileobj("plain-bucket", "fo.txt", buf)
    assert buf.getvalue() == b"fileobj"


def test_event_hooks_registered_on_botwo_see_calls_to_every_client(env):
    c = env["c"]
    seen = []

    def hook(params, model, **kwargs):
        seen.append((model.name, params["url_path"].split("?")[0]))

    c.meta.events.register("before-call.s3.PutObject", hook)
    try:
        c.put_object(Bucket="example-old-bucket", Key="hooked.txt", Body=b"h")
        c.put_object(Bucket="plain-bucket", Key="hooked.txt", Body=b"h")
    finally:
        c.meta.events.unregister("before-call.s3.PutObject", hook)
    assert [name for name, _ in seen] == ["PutObject", "PutObject"]
    assert seen[0][1].endswith("/main/hooked.txt") and seen[1][1].endswith("/hooked.txt")
    c.put_object(Bucket="plain-bucket", Key="after.txt", Body=b"h")
    assert len(seen) == 2, "unregistered everywhere"

