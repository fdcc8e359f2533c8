"""The S3 gateway through boto3: buckets are repositories, keys are `<ref>/<path>`."""
import datetime
import hashlib
import os
import shutil
import subprocess
import textwrap
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

import s3util
from s3util import ACCESS_KEY, REGION, SECRET_KEY


@pytest.fixture(scope="module")
def s3(s3_server):
    return s3util.client(s3_server.url)


@pytest.fixture
def repo(s3):
    name = s3util.unique_name()
    s3.create_bucket(Bucket=name)
    return name


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def status_of(excinfo):
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def md5_etag(data):
    return '"' + hashlib.md5(data).hexdigest() + '"'


def put(s3, repo, key, data=b"hello", **kw):
    return s3.put_object(Bucket=repo, Key=key, Body=data, **kw)


def read(s3, repo, key, **kw):
    return s3.get_object(Bucket=repo, Key=key, **kw)["Body"].read()


# --- buckets ---------------------------------------------------------------------------------


def test_create_bucket_is_listed_by_list_buckets(s3, repo):
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert repo in names


def test_head_bucket_finds_a_repository_and_404s_an_unknown_one(s3, repo):
    assert s3.head_bucket(Bucket=repo)["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket="no-such-repo-here")
    assert status_of(e) == 404


def test_create_bucket_twice_is_refused(s3, repo):
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=repo)
    assert code_of(e) in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists")


def test_new_bucket_has_a_main_branch(s3, repo):
    put(s3, repo, "main/x.txt", b"on main")
    assert read(s3, repo, "main/x.txt") == b"on main"


def test_get_bucket_location_and_versioning(s3, repo):
    loc = s3.get_bucket_location(Bucket=repo)
    assert loc.get("LocationConstraint") in (None, "", REGION)
    ver = s3.get_bucket_versioning(Bucket=repo)
    assert ver["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert ver.get("Status") in (None, "Enabled", "Suspended")


def test_delete_empty_bucket_removes_the_repository(s3):
    name = s3util.unique_name()
    s3.create_bucket(Bucket=name)
    s3.delete_bucket(Bucket=name)
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket=name)
    assert status_of(e) == 404


def test_delete_bucket_with_objects_is_bucket_not_empty(s3, repo):
    put(s3, repo, "main/keep.txt")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=repo)
    assert code_of(e) == "BucketNotEmpty"
    assert read(s3, repo, "main/keep.txt") == b"hello"


def test_unknown_bucket_is_no_such_bucket(s3):
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="no-such-repo-here", Key="main/a")
    assert code_of(e) == "NoSuchBucket"
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket="no-such-repo-here")
    assert code_of(e) == "NoSuchBucket"


# --- objects ---------------------------------------------------------------------------------


def test_put_then_get_returns_bytes_metadata_type_and_md5_etag(s3, repo):
    data = os.urandom(1000)
    out = put(s3, repo, "main/dir/blob.bin", data, ContentType="application/x-test",
              Metadata={"owner": "ana", "purpose": "test"})
    assert out["ETag"] == md5_etag(data)
    got = s3.get_object(Bucket=repo, Key="main/dir/blob.bin")
    assert got["Body"].read() == data
    assert got["ETag"] == md5_etag(data)
    assert got["ContentType"] == "application/x-test"
    assert got["ContentLength"] == 1000
    assert got["Metadata"] == {"owner": "ana", "purpose": "test"}


def test_head_object_reports_size_etag_and_mtime(s3, repo):
    put(s3, repo, "main/h.txt", b"12345", Metadata={"k": "v"})
    h = s3.head_object(Bucket=repo, Key="main/h.txt")
    assert h["ContentLength"] == 5
    assert h["ETag"] == md5_etag(b"12345")
    assert h["Metadata"] == {"k": "v"}
    age = datetime.datetime.now(datetime.timezone.utc) - h["LastModified"]
    assert abs(age.total_seconds()) < 3600


def test_head_missing_object_is_404(s3, repo):
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=repo, Key="main/missing")
    assert status_of(e) == 404


def test_get_missing_key_is_no_such_key(s3, repo):
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=repo, Key="main/missing")
    assert code_of(e) == "NoSuchKey"


def test_get_on_unknown_branch_is_no_such_key(s3, repo):
    put(s3, repo, "main/a.txt")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=repo, Key="nobranch/a.txt")
    assert code_of(e) == "NoSuchKey"


def test_put_on_unknown_branch_fails_naming_the_branch(s3, repo):
    with pytest.raises(ClientError) as e:
        put(s3, repo, "nobranch/a.txt")
    assert 400 <= status_of(e) < 500
    assert "nobranch" in e.value.response["Error"].get("Message", "")


def test_range_get_returns_partial_content(s3, repo):
    put(s3, repo, "main/r.txt", b"0123456789")
    got = s3.get_object(Bucket=repo, Key="main/r.txt", Range="bytes=2-5")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["Body"].read() == b"2345"
    assert got["ContentRange"] == "bytes 2-5/10"
    assert read(s3, repo, "main/r.txt", Range="bytes=-3") == b"789"
    assert read(s3, repo, "main/r.txt", Range="bytes=7-") == b"789"
    assert read(s3, repo, "main/r.txt", Range="bytes=8-100") == b"89"


def test_range_beyond_the_object_is_invalid_range(s3, repo):
    put(s3, repo, "main/r.txt", b"0123456789")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=repo, Key="main/r.txt", Range="bytes=10-20")
    assert code_of(e) == "InvalidRange"
    assert status_of(e) == 416


def test_get_if_match_and_if_none_match(s3, repo):
    etag = put(s3, repo, "main/c.txt", b"cond")["ETag"]
    assert read(s3, repo, "main/c.txt", IfMatch=etag) == b"cond"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=repo, Key="main/c.txt", IfMatch='"0000"')
    assert status_of(e) == 412
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=repo, Key="main/c.txt", IfNoneMatch=etag)
    assert status_of(e) == 304
    assert read(s3, repo, "main/c.txt", IfNoneMatch='"0000"') == b"cond"


def test_get_if_modified_and_unmodified_since(s3, repo):
    put(s3, repo, "main/t.txt", b"time")
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    past = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=repo, Key="main/t.txt", IfModifiedSince=future)
    assert status_of(e) == 304
    assert read(s3, repo, "main/t.txt", IfModifiedSince=past) == b"time"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=repo, Key="main/t.txt", IfUnmodifiedSince=past)
    assert status_of(e) == 412
    assert read(s3, repo, "main/t.txt", IfUnmodifiedSince=future) == b"time"


def test_response_overrides_set_the_returned_headers(s3, repo):
    put(s3, repo, "main/o.txt", b"x", ContentType="text/plain")
    got = s3.get_object(Bucket=repo, Key="main/o.txt", ResponseContentType="application/json",
                        ResponseContentDisposition='attachment; filename="f.json"',
                        ResponseCacheControl="no-cache")
    assert got["ContentType"] == "application/json"
    assert got["ContentDisposition"] == 'attachment; filename="f.json"'
    assert got["CacheControl"] == "no-cache"


def test_overwrite_replaces_content(s3, repo):
    put(s3, repo, "main/w.txt", b"one")
    put(s3, repo, "main/w.txt", b"two")
    assert read(s3, repo, "main/w.txt") == b"two"


def test_empty_object_round_trips(s3, repo):
    out = put(s3, repo, "main/empty", b"")
    assert out["ETag"] == md5_etag(b"")
    assert read(s3, repo, "main/empty") == b""


def test_keys_with_special_characters_round_trip(s3, repo):
    key = "main/dir with space/ünï+cödé&=?#%.txt"
    put(s3, repo, key, b"special")
    assert read(s3, repo, key) == b"special"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=repo, Prefix="main/dir")["Contents"]]
    assert keys == [key]


def test_wrong_content_md5_is_bad_digest_and_stores_nothing(s3, repo):
    import base64
    bad = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as e:
        put(s3, repo, "main/md5.txt", b"payload", ContentMD5=bad)
    assert code_of(e) == "BadDigest"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=repo, Key="main/md5.txt")


def test_right_content_md5_is_accepted(s3, repo):
    import base64
    good = base64.b64encode(hashlib.md5(b"payload").digest()).decode()
    put(s3, repo, "main/md5.txt", b"payload", ContentMD5=good)
    assert read(s3, repo, "main/md5.txt") == b"payload"


def test_put_if_none_match_star_refuses_an_existing_key(s3_server, repo):
    path = f"/{repo}/main/once.txt"
    r = s3util.signed(s3_server.url, "PUT", path, {"If-None-Match": "*"}, b"first")
    assert r.status == 200, r.body
    r = s3util.signed(s3_server.url, "PUT", path, {"If-None-Match": "*"}, b"second")
    assert r.status == 412 and r.code == "PreconditionFailed", r.body
    assert s3util.signed(s3_server.url, "GET", path).body == b"first"


def test_put_if_match_replaces_only_the_expected_version(s3_server, repo):
    path = f"/{repo}/main/cas.txt"
    r = s3util.signed(s3_server.url, "PUT", path, {}, b"v1")
    etag = r.headers["etag"]
    r = s3util.signed(s3_server.url, "PUT", path, {"If-Match": '"ffff"'}, b"v2")
    assert r.status == 412 and r.code == "PreconditionFailed", r.body
    r = s3util.signed(s3_server.url, "PUT", path, {"If-Match": etag}, b"v3")
    assert r.status == 200, r.body
    assert s3util.signed(s3_server.url, "GET", path).body == b"v3"


def test_put_if_match_on_a_missing_key_fails(s3_server, repo):
    r = s3util.signed(s3_server.url, "PUT", f"/{repo}/main/nothing", {"If-Match": '"abc"'}, b"x")
    assert r.status in (404, 412), r.body
    assert s3util.signed(s3_server.url, "GET", f"/{repo}/main/nothing").status == 404


def test_delete_object_removes_it(s3, repo):
    put(s3, repo, "main/d.txt")
    s3.delete_object(Bucket=repo, Key="main/d.txt")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=repo, Key="main/d.txt")
    assert code_of(e) == "NoSuchKey"


def test_delete_missing_object_succeeds(s3, repo):
    r = s3.delete_object(Bucket=repo, Key="main/never-was")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_objects_removes_each_and_reports_them(s3, repo):
    for k in ("a", "b", "c"):
        put(s3, repo, f"main/{k}")
    out = s3.delete_objects(Bucket=repo, Delete={"Objects": [{"Key": "main/a"},
                                                             {"Key": "main/b"}]})
    assert sorted(d["Key"] for d in out["Deleted"]) == ["main/a", "main/b"]
    left = [o["Key"] for o in s3.list_objects_v2(Bucket=repo, Prefix="main/")["Contents"]]
    assert left == ["main/c"]


def test_delete_objects_quiet_reports_only_errors(s3, repo):
    put(s3, repo, "main/q")
    out = s3.delete_objects(Bucket=repo, Delete={
        "Objects": [{"Key": "main/q"}, {"Key": "nobranch/q"}], "Quiet": True})
    assert not out.get("Deleted")
    errs = out.get("Errors", [])
    assert [e["Key"] for e in errs] == ["nobranch/q"]
    assert errs[0]["Code"]
    with pytest.raises(ClientError):
        s3.head_object(Bucket=repo, Key="main/q")


def test_malformed_delete_objects_body_is_malformed_xml(s3_server, repo):
    import base64
    body = b"<Delete><Object><Key>main/a</Key></Object"
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    r = s3util.signed(s3_server.url, "POST", f"/{repo}?delete=", {"Content-MD5": md5}, body)
    assert r.status == 400 and r.code == "MalformedXML", r.body


# --- listings --------------------------------------------------------------------------------


def fill(s3, repo, keys):
    for k in keys:
        put(s3, repo, k, k.encode())


def test_list_v2_with_prefix_and_delimiter(s3, repo):
    fill(s3, repo, ["main/a.txt", "main/d1/x", "main/d1/y", "main/d2/z", "main/e.txt"])
    out = s3.list_objects_v2(Bucket=repo, Prefix="main/", Delimiter="/")
    assert [o["Key"] for o in out["Contents"]] == ["main/a.txt", "main/e.txt"]
    assert [p["Prefix"] for p in out["CommonPrefixes"]] == ["main/d1/", "main/d2/"]
    assert out["KeyCount"] == 4
    out = s3.list_objects_v2(Bucket=repo, Prefix="main/d1/")
    assert [o["Key"] for o in out["Contents"]] == ["main/d1/x", "main/d1/y"]
    assert out["Contents"][0]["Size"] == len(b"main/d1/x")
    assert out["Contents"][0]["ETag"] == md5_etag(b"main/d1/x")


def test_list_v2_paginator_walks_every_page(s3, repo):
    keys = [f"main/k{i:02d}" for i in range(7)]
    fill(s3, repo, keys)
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=repo, Prefix="main/", PaginationConfig={"PageSize": 2}))
    assert len(pages) == 4
    assert all(len(p["Contents"]) <= 2 for p in pages)
    assert [o["Key"] for p in pages for o in p["Contents"]] == keys
    assert pages[0]["IsTruncated"] and not pages[-1]["IsTruncated"]


def test_list_v2_max_keys_and_continuation_token(s3, repo):
    fill(s3, repo, ["main/1", "main/2", "main/3"])
    first = s3.list_objects_v2(Bucket=repo, Prefix="main/", MaxKeys=2)
    assert first["IsTruncated"] and first["KeyCount"] == 2
    rest = s3.list_objects_v2(Bucket=repo, Prefix="main/", MaxKeys=2,
                              ContinuationToken=first["NextContinuationToken"])
    assert [o["Key"] for o in rest["Contents"]] == ["main/3"]
    assert not rest["IsTruncated"]


def test_list_v2_paginates_common_prefixes(s3, repo):
    fill(s3, repo, [f"main/d{i}/f" for i in range(5)] + ["main/z"])
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=repo, Prefix="main/", Delimiter="/", PaginationConfig={"PageSize": 2}))
    prefixes = [p["Prefix"] for page in pages for p in page.get("CommonPrefixes", [])]
    keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
    assert prefixes == [f"main/d{i}/" for i in range(5)]
    assert keys == ["main/z"]


def test_list_v2_start_after(s3, repo):
    fill(s3, repo, ["main/a", "main/b", "main/c"])
    out = s3.list_objects_v2(Bucket=repo, Prefix="main/", StartAfter="main/a")
    assert [o["Key"] for o in out["Contents"]] == ["main/b", "main/c"]


def test_list_v2_fetch_owner_includes_owner(s3, repo):
    put(s3, repo, "main/o")
    out = s3.list_objects_v2(Bucket=repo, Prefix="main/", FetchOwner=True)
    assert "Owner" in out["Contents"][0]


def test_list_encoding_type_url_escapes_keys(s3_server, s3, repo):
    put(s3, repo, "main/a b+c")
    r = s3util.signed(s3_server.url, "GET", f"/{repo}?list-type=2&prefix=main%2F&encoding-type=url")
    assert r.status == 200, r.body
    assert b"<EncodingType>url</EncodingType>" in r.body
    assert b"<Key>main/a%20b%2Bc</Key>" in r.body
    # boto3 asks for url encoding on its own and decodes the keys back.
    out = s3.list_objects_v2(Bucket=repo, Prefix="main/")
    assert [o["Key"] for o in out["Contents"]] == ["main/a b+c"]


def test_list_v1_with_marker_and_next_marker(s3, repo):
    fill(s3, repo, ["main/a", "main/b", "main/c", "main/d/x"])
    out = s3.list_objects(Bucket=repo, Prefix="main/", Marker="main/a", MaxKeys=2,
                          Delimiter="/")
    assert [o["Key"] for o in out["Contents"]] == ["main/b", "main/c"]
    assert out["IsTruncated"]
    assert out["NextMarker"] == "main/c"
    out = s3.list_objects(Bucket=repo, Prefix="main/", Marker="main/c", Delimiter="/")
    assert [p["Prefix"] for p in out["CommonPrefixes"]] == ["main/d/"]
    assert not out["IsTruncated"]


def test_list_v1_paginator(s3, repo):
    keys = [f"main/p{i}" for i in range(5)]
    fill(s3, repo, keys)
    pages = list(s3.get_paginator("list_objects").paginate(
        Bucket=repo, Prefix="main/", PaginationConfig={"PageSize": 2}))
    assert [o["Key"] for p in pages for o in p["Contents"]] == keys
    assert len(pages) == 3


def test_root_listing_with_delimiter_lists_refs(s3_server, s3, repo):
    put(s3, repo, "main/a")
    s3util.create_branch(s3_server.url, repo, "dev")
    out = s3.list_objects_v2(Bucket=repo, Delimiter="/")
    prefixes = [p["Prefix"] for p in out["CommonPrefixes"]]
    assert "main/" in prefixes and "dev/" in prefixes
    assert not out.get("Contents")


def test_root_listing_with_ref_prefix_and_no_slash(s3, repo):
    put(s3, repo, "main/a")
    out = s3.list_objects_v2(Bucket=repo, Prefix="ma", Delimiter="/")
    assert [p["Prefix"] for p in out["CommonPrefixes"]] == ["main/"]


def test_list_of_unknown_branch_is_empty_or_no_such_key(s3, repo):
    try:
        out = s3.list_objects_v2(Bucket=repo, Prefix="nobranch/")
        assert not out.get("Contents")
    except ClientError as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404


# --- refs: branches, tags, commits -----------------------------------------------------------


def test_copy_within_branch_keeps_metadata_by_default(s3, repo):
    put(s3, repo, "main/src", b"copy me", Metadata={"m": "1"}, ContentType="text/x-src")
    out = s3.copy_object(Bucket=repo, Key="main/dst", CopySource={"Bucket": repo,
                                                                  "Key": "main/src"})
    assert out["CopyObjectResult"]["ETag"] == md5_etag(b"copy me")
    got = s3.get_object(Bucket=repo, Key="main/dst")
    assert got["Body"].read() == b"copy me"
    assert got["Metadata"] == {"m": "1"}
    assert got["ContentType"] == "text/x-src"


def test_copy_with_replace_directive_sets_new_metadata(s3, repo):
    put(s3, repo, "main/src", b"copy me", Metadata={"m": "1"})
    s3.copy_object(Bucket=repo, Key="main/dst", CopySource=f"{repo}/main/src",
                   MetadataDirective="REPLACE", Metadata={"n": "2"}, ContentType="text/new")
    got = s3.head_object(Bucket=repo, Key="main/dst")
    assert got["Metadata"] == {"n": "2"}
    assert got["ContentType"] == "text/new"


def test_copy_across_branches(s3_server, s3, repo):
    s3util.create_branch(s3_server.url, repo, "feature")
    put(s3, repo, "main/src", b"from main")
    s3.copy_object(Bucket=repo, Key="feature/dst", CopySource=f"{repo}/main/src")
    assert read(s3, repo, "feature/dst") == b"from main"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=repo, Key="main/dst")


def test_copy_across_repositories(s3, repo):
    other = s3util.unique_name()
    s3.create_bucket(Bucket=other)
    put(s3, repo, "main/src", b"travels")
    s3.copy_object(Bucket=other, Key="main/dst", CopySource=f"{repo}/main/src")
    assert read(s3, other, "main/dst") == b"travels"
    # The copy is independent of its source.
    s3.delete_object(Bucket=repo, Key="main/src")
    assert read(s3, other, "main/dst") == b"travels"


def test_copy_of_missing_source_is_no_such_key(s3, repo):
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=repo, Key="main/dst", CopySource=f"{repo}/main/none")
    assert code_of(e) == "NoSuchKey"


def test_tag_and_commit_refs_read_committed_content(s3_server, s3, repo):
    put(s3, repo, "main/f.txt", b"v1")
    cid = s3util.commit(s3_server.url, repo)
    s3util.create_tag(s3_server.url, repo, "v1", cid)
    put(s3, repo, "main/f.txt", b"v2")
    assert read(s3, repo, "main/f.txt") == b"v2"
    assert read(s3, repo, "v1/f.txt") == b"v1"
    assert read(s3, repo, f"{cid}/f.txt") == b"v1"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=repo, Prefix="v1/")["Contents"]]
    assert keys == ["v1/f.txt"]


def test_writes_under_a_tag_or_commit_are_access_denied(s3_server, s3, repo):
    put(s3, repo, "main/f.txt", b"v1")
    cid = s3util.commit(s3_server.url, repo)
    s3util.create_tag(s3_server.url, repo, "rel", cid)
    for ref in ("rel", cid):
        with pytest.raises(ClientError) as e:
            put(s3, repo, f"{ref}/new.txt")
        assert code_of(e) == "AccessDenied" and status_of(e) == 403
        assert "read-only" in e.value.response["Error"]["Message"]
        with pytest.raises(ClientError) as e:
            s3.delete_object(Bucket=repo, Key=f"{ref}/f.txt")
        assert code_of(e) == "AccessDenied"
    assert read(s3, repo, "rel/f.txt") == b"v1"


def test_root_listing_includes_tags(s3_server, s3, repo):
    put(s3, repo, "main/f.txt")
    s3util.create_tag(s3_server.url, repo, "t1", s3util.commit(s3_server.url, repo))
    prefixes = [p["Prefix"] for p in
                s3.list_objects_v2(Bucket=repo, Delimiter="/")["CommonPrefixes"]]
    assert "t1/" in prefixes and "main/" in prefixes


# --- multipart -------------------------------------------------------------------------------

MIB = 1024 * 1024


def test_multipart_upload_with_part_copy_range(s3, repo):
    src = os.urandom(6 * MIB)
    put(s3, repo, "main/source.bin", src)
    up = s3.create_multipart_upload(Bucket=repo, Key="main/big.bin", ContentType="app/x",
                                    Metadata={"mp": "yes"})
    uid = up["UploadId"]
    part1 = os.urandom(5 * MIB)
    e1 = s3.upload_part(Bucket=repo, Key="main/big.bin", UploadId=uid, PartNumber=1,
                        Body=part1)["ETag"]
    assert e1 == md5_etag(part1)
    # A 5 MiB range of another object becomes part 2 (parts but the last are >= 5 MiB).
    lo, hi = MIB // 2, MIB // 2 + 5 * MIB
    cp = s3.upload_part_copy(Bucket=repo, Key="main/big.bin", UploadId=uid, PartNumber=2,
                             CopySource=f"{repo}/main/source.bin",
                             CopySourceRange=f"bytes={lo}-{hi - 1}")
    e2 = cp["CopyPartResult"]["ETag"]
    assert e2 == md5_etag(src[lo:hi])
    part3 = b"tail"
    e3 = s3.upload_part(Bucket=repo, Key="main/big.bin", UploadId=uid, PartNumber=3,
                        Body=part3)["ETag"]
    parts = s3.list_parts(Bucket=repo, Key="main/big.bin", UploadId=uid)["Parts"]
    assert [(p["PartNumber"], p["Size"]) for p in parts] == [(1, 5 * MIB), (2, hi - lo),
                                                             (3, 4)]
    done = s3.complete_multipart_upload(
        Bucket=repo, Key="main/big.bin", UploadId=uid,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2},
                                   {"PartNumber": 3, "ETag": e3}]})
    assert done["ETag"].strip('"').endswith("-3")
    got = s3.get_object(Bucket=repo, Key="main/big.bin")
    body = got["Body"].read()
    assert hashlib.sha256(body).digest() == hashlib.sha256(part1 + src[lo:hi] + part3).digest()
    assert got["Metadata"] == {"mp": "yes"}
    assert got["ContentType"] == "app/x"


def test_list_multipart_uploads_with_prefix_and_abort(s3, repo):
    a = s3.create_multipart_upload(Bucket=repo, Key="main/x/one")["UploadId"]
    b = s3.create_multipart_upload(Bucket=repo, Key="main/y/two")["UploadId"]
    ups = s3.list_multipart_uploads(Bucket=repo, Prefix="main/x/").get("Uploads", [])
    assert [(u["Key"], u["UploadId"]) for u in ups] == [("main/x/one", a)]
    s3.abort_multipart_upload(Bucket=repo, Key="main/x/one", UploadId=a)
    keys = [u["Key"] for u in s3.list_multipart_uploads(Bucket=repo).get("Uploads", [])]
    assert keys == ["main/y/two"]
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=repo, Key="main/x/one", UploadId=a, PartNumber=1, Body=b"x")
    assert code_of(e) == "NoSuchUpload"
    s3.abort_multipart_upload(Bucket=repo, Key="main/y/two", UploadId=b)


def test_complete_with_wrong_part_etag_is_invalid_part(s3, repo):
    uid = s3.create_multipart_upload(Bucket=repo, Key="main/m")["UploadId"]
    s3.upload_part(Bucket=repo, Key="main/m", UploadId=uid, PartNumber=1, Body=b"abc")
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=repo, Key="main/m", UploadId=uid, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": '"00000000000000000000000000000000"'}]})
    assert code_of(e) == "InvalidPart"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=repo, Key="main/m")


def test_upload_file_uses_multipart_and_round_trips(s3, repo, tmp_path):
    from boto3.s3.transfer import TransferConfig
    data = os.urandom(12 * MIB)
    src = tmp_path / "in.bin"
    src.write_bytes(data)
    cfg = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB,
                         max_concurrency=2)
    s3.upload_file(str(src), repo, "main/upload.bin", Config=cfg)
    h = s3.head_object(Bucket=repo, Key="main/upload.bin")
    assert h["ContentLength"] == len(data)
    assert h["ETag"].strip('"').endswith("-3")
    dst = tmp_path / "out.bin"
    s3.download_file(repo, "main/upload.bin", str(dst), Config=cfg)
    assert dst.read_bytes() == data


# --- tagging ---------------------------------------------------------------------------------


def test_object_tagging_put_get_delete(s3, repo):
    put(s3, repo, "main/tagged")
    s3.put_object_tagging(Bucket=repo, Key="main/tagged", Tagging={
        "TagSet": [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "data"}]})
    tags = s3.get_object_tagging(Bucket=repo, Key="main/tagged")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "prod"), ("team", "data")]
    s3.delete_object_tagging(Bucket=repo, Key="main/tagged")
    assert s3.get_object_tagging(Bucket=repo, Key="main/tagged")["TagSet"] == []
    assert read(s3, repo, "main/tagged") == b"hello"


def test_tagging_a_missing_object_is_no_such_key(s3, repo):
    with pytest.raises(ClientError) as e:
        s3.put_object_tagging(Bucket=repo, Key="main/none",
                              Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    assert code_of(e) == "NoSuchKey"


# --- unsupported -----------------------------------------------------------------------------


def test_put_object_acl_is_not_implemented_and_leaves_the_object(s3, repo):
    put(s3, repo, "main/acl.txt", b"untouched")
    with pytest.raises(ClientError) as e:
        s3.put_object_acl(Bucket=repo, Key="main/acl.txt", ACL="private")
    assert code_of(e) == "NotImplemented" and status_of(e) == 501
    assert read(s3, repo, "main/acl.txt") == b"untouched"


def test_bucket_subresources_are_not_implemented(s3, repo):
    put(s3, repo, "main/keep")
    calls = [lambda: s3.put_bucket_acl(Bucket=repo, ACL="private"),
             lambda: s3.get_bucket_lifecycle_configuration(Bucket=repo),
             lambda: s3.get_bucket_policy(Bucket=repo),
             lambda: s3.delete_bucket_policy(Bucket=repo),
             lambda: s3.put_bucket_policy(Bucket=repo, Policy="{}")]
    for call in calls:
        with pytest.raises(ClientError) as e:
            call()
        assert code_of(e) == "NotImplemented", e.value.response
        assert status_of(e) == 501
    # None of them acted as another operation on the bucket.
    assert read(s3, repo, "main/keep") == b"hello"


# --- presigned URLs --------------------------------------------------------------------------


def urlopen(url, method="GET", data=None, headers=None):
    req = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_presigned_get_and_put_work_over_plain_http(s3, repo):
    url = s3.generate_presigned_url("put_object", Params={"Bucket": repo, "Key": "main/p.txt"},
                                    ExpiresIn=300)
    status, _ = urlopen(url, "PUT", b"presigned body")
    assert status == 200
    url = s3.generate_presigned_url("get_object", Params={"Bucket": repo, "Key": "main/p.txt"},
                                    ExpiresIn=300)
    assert urlopen(url) == (200, b"presigned body")


def test_presigned_url_with_changed_key_is_refused(s3, repo):
    put(s3, repo, "main/a.txt")
    put(s3, repo, "main/b.txt")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": repo, "Key": "main/a.txt"})
    status, body = urlopen(url.replace("main/a.txt", "main/b.txt"))
    assert status == 403 and s3util.error_code(body) == "SignatureDoesNotMatch"


def test_expired_presigned_v4_url_is_access_denied(s3_server, s3, repo):
    put(s3, repo, "main/e.txt")
    url = s3util.presign_v4(f"{s3_server.url}/{repo}/main/e.txt", expires=60,
                            skew=datetime.timedelta(minutes=-10))
    status, body = urlopen(url)
    assert status == 403 and s3util.error_code(body) == "AccessDenied"
    assert "expire" in s3util.error_message(body).lower()


def test_presigned_v2_get_works_and_expires(s3_server, s3, repo):
    put(s3, repo, "main/v2.txt", b"sigv2")
    url = s3util.presign_v2(s3_server.url, f"/{repo}/main/v2.txt", int(time.time()) + 300)
    assert urlopen(url) == (200, b"sigv2")
    url = s3util.presign_v2(s3_server.url, f"/{repo}/main/v2.txt", int(time.time()) - 300)
    status, body = urlopen(url)
    assert status == 403 and s3util.error_code(body) == "AccessDenied"
    assert "expire" in s3util.error_message(body).lower()


def test_presigned_v2_put(s3_server, s3, repo):
    url = s3util.presign_v2(s3_server.url, f"/{repo}/main/v2put.txt", int(time.time()) + 300,
                            method="PUT", content_type="text/plain")
    status, body = urlopen(url, "PUT", b"v2 put", {"Content-Type": "text/plain"})
    assert status == 200, body
    assert read(s3, repo, "main/v2put.txt") == b"v2 put"


# --- virtual-host addressing -----------------------------------------------------------------


def test_virtual_host_addressing_with_boto3(s3_server, repo):
    _, port = s3util.host_port(s3_server.url)
    with s3util.resolve_s3_domain_to_loopback():
        vs3 = s3util.client(f"http://{s3util.S3_DOMAIN}:{port}", addressing="virtual")
        vs3.put_object(Bucket=repo, Key="main/vh.txt", Body=b"virtual")
        assert vs3.get_object(Bucket=repo, Key="main/vh.txt")["Body"].read() == b"virtual"
        keys = [o["Key"] for o in vs3.list_objects_v2(Bucket=repo, Prefix="main/")["Contents"]]
        assert keys == ["main/vh.txt"]


def test_virtual_host_addressing_with_raw_requests(s3_server, repo):
    host = f"{repo}.{s3util.S3_DOMAIN}"
    r = s3util.signed(s3_server.url, "PUT", "/main/raw.txt", {}, b"raw vhost", host=host)
    assert r.status == 200, r.body
    r = s3util.signed(s3_server.url, "GET", "/main/raw.txt", host=host)
    assert r.status == 200 and r.body == b"raw vhost"
    # The same object by path style.
    assert s3util.signed(s3_server.url, "GET", f"/{repo}/main/raw.txt").body == b"raw vhost"


def test_virtual_host_of_unknown_bucket_is_no_such_bucket(s3_server):
    host = f"no-such-repo-here.{s3util.S3_DOMAIN}"
    r = s3util.signed(s3_server.url, "GET", "/main/x", host=host)
    assert r.status == 404 and r.code == "NoSuchBucket", r.body


# --- the newest SDK on the machine -----------------------------------------------------------

NEW_SDK_SCRIPT = textwrap.dedent("""
    import hashlib, os, sys, tempfile
    import boto3
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config
    url, bucket = sys.argv[1], sys.argv[2]
    s3 = boto3.client("s3", endpoint_url=url, aws_access_key_id=%r, aws_secret_access_key=%r,
                      region_name=%r, config=Config(s3={"addressing_style": "path"},
                                                   retries={"max_attempts": 1}))
    algos = ["CRC32"]
    try:
        import awscrt  # CRC32C needs the CRT in botocore
        algos.append("CRC32C")
    except ImportError:
        pass
    for algo in algos:
        data = os.urandom(100000)
        # Default checksum behaviour of new SDKs (aws-chunked with a trailer for streams).
        s3.put_object(Bucket=bucket, Key="main/new-sdk-%%s" %% algo, Body=data,
                      ChecksumAlgorithm=algo)
        got = s3.get_object(Bucket=bucket, Key="main/new-sdk-%%s" %% algo, ChecksumMode="ENABLED")
        assert got["Body"].read() == data, algo
    data = os.urandom(100000)
    s3.put_object(Bucket=bucket, Key="main/default", Body=data)
    assert s3.get_object(Bucket=bucket, Key="main/default")["Body"].read() == data
    with tempfile.TemporaryDirectory() as d:
        big = os.path.join(d, "big")
        data = os.urandom(11 * 1024 * 1024)
        with open(big, "wb") as f:
            f.write(data)
        cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024,
                             multipart_chunksize=5 * 1024 * 1024)
        s3.upload_file(big, bucket, "main/big", Config=cfg)
        got = s3.get_object(Bucket=bucket, Key="main/big", ChecksumMode="ENABLED")
        assert hashlib.sha256(got["Body"].read()).digest() == hashlib.sha256(data).digest()
    print("ok", " ".join(algos))
""") % (ACCESS_KEY, SECRET_KEY, REGION)


def boto3_version(python):
    r = subprocess.run([python, "-c", "import boto3; print(boto3.__version__)"],
                       capture_output=True, text=True, timeout=60)
    return r.stdout.strip() if r.returncode == 0 else None


def test_newest_boto3_on_the_machine_uploads_with_checksums(s3_server, repo):
    other = shutil.which("python3")
    if not other or os.path.realpath(other) == os.path.realpath("/usr/bin/python3"):
        pytest.skip("no second python3 on PATH besides /usr/bin/python3")
    theirs, ours = boto3_version(other), boto3_version("/usr/bin/python3")
    if not theirs:
        pytest.skip(f"{other} has no boto3")
    if theirs == ours:
        pytest.skip(f"{other} has the same boto3 ({theirs}) as /usr/bin/python3")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    r = subprocess.run([other, "-c", NEW_SDK_SCRIPT, s3_server.url, repo], capture_output=True,
                       text=True, timeout=180, env=env)
    assert r.returncode == 0, f"boto3 {theirs}:\n{r.stdout}\n{r.stderr}"
    assert r.stdout.startswith("ok")
