"""botwo without servers: the mapping rules (including the routing cases shared with the
router), their validation, CopySource parsing, and the generated client surface."""
import json
import sys
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "clients" / "python" / "botwo"))
import botwo  # noqa: E402


def s3_client(endpoint="http://127.0.0.1:1"):
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="k",
                        aws_secret_access_key="s", region_name="us-east-1")


CASES = json.loads((ROOT / "tests" / "routing_cases.json").read_text())


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: f"{c['bucket']}/{c['key']}")
def test_shared_routing_cases(case):
    router = botwo.Router(CASES["rules"], {"s3", "tarn"})
    route = router.route(case["bucket"])
    assert (route.client, route.bucket, route.key(case["key"])) == \
        (case["expect"]["client"], case["expect"]["bucket"], case["expect"]["key"])
    assert route.unkey(route.key(case["key"])) == case["key"]


def test_a_default_rule_is_required():
    with pytest.raises(ValueError, match=r"'\*'"):
        botwo.client({"s3": s3_client()}, [{"bucket_name": "a", "client": "s3"}])


def test_unknown_client_names_are_rejected_at_construction():
    with pytest.raises(ValueError, match=r"'tarn'.*\['s3'\]"):
        botwo.client({"s3": s3_client()}, [{"bucket_name": "*", "client": "tarn"}])


@pytest.mark.parametrize("rules,message", [
    ([], "non-empty"),
    ([{"bucket_name": "*"}], "'client'"),
    ([{"bucket_name": "*", "client": "s3", "prefix": "x/"}], "unknown fields"),
    ([{"bucket_name": "*", "client": "s3", "key_prefix": "/main/"}], "must not start"),
    (["*"], "not a dict"),
])
def test_malformed_rules_are_explained(rules, message):
    with pytest.raises(ValueError, match=message):
        botwo.client({"s3": s3_client()}, rules)


def test_clients_must_be_s3_clients():
    with pytest.raises(ValueError, match="not a boto3 S3 client"):
        botwo.client({"s3": object()}, [{"bucket_name": "*", "client": "s3"}])


def test_first_matching_rule_wins():
    router = botwo.Router([{"bucket_name": "a*", "client": "x", "key_prefix": "p/"},
                           {"bucket_name": "ab", "client": "y"},
                           {"bucket_name": "*", "client": "y"}], {"x", "y"})
    assert router.route("ab").client == "x"


@pytest.mark.parametrize("source,expected", [
    ("bucket/key.txt", ("bucket", "key.txt", None)),
    ("/bucket/dir/a%20b.txt", ("bucket", "dir/a b.txt", None)),
    ("bucket/k?versionId=v1", ("bucket", "k", "v1")),
    ({"Bucket": "b", "Key": "k", "VersionId": "v"}, ("b", "k", "v")),
])
def test_copy_source_forms(source, expected):
    assert botwo.parse_copy_source(source) == expected


@pytest.mark.parametrize("bad", ["nokey", "bucket/", {"Bucket": "b"}, 42])
def test_malformed_copy_sources(bad):
    with pytest.raises(ValueError):
        botwo.parse_copy_source(bad)


def test_every_operation_of_the_service_model_is_a_method():
    default = s3_client()
    c = botwo.client({"s3": default}, [{"bucket_name": "*", "client": "s3"}])
    from botocore import xform_name
    names = [xform_name(op) for op in default.meta.service_model.operation_names]
    assert len(names) > 90
    for name in names:
        assert callable(getattr(c, name)), name
    assert c.get_object.__doc__ == default.get_object.__doc__
    for extra in ("copy", "upload_file", "download_file", "upload_fileobj", "download_fileobj",
                  "generate_presigned_url", "generate_presigned_post", "get_paginator",
                  "get_waiter", "can_paginate"):
        assert callable(getattr(c, extra)), extra


def test_meta_exceptions_and_events_are_the_default_clients():
    default, other = s3_client(), s3_client("http://127.0.0.1:2")
    c = botwo.client({"a": other, "d": default},
                     [{"bucket_name": "x", "client": "a"}, {"bucket_name": "*", "client": "d"}])
    assert c.meta.service_model is default.meta.service_model
    assert c.meta.region_name == default.meta.region_name
    assert c.exceptions is default.exceptions
    assert c.can_paginate("list_objects_v2")


def test_presigned_urls_are_signed_for_the_routed_endpoint():
    s3, tarn = s3_client("http://s3.example:9000"), s3_client("http://tarn.example:8000")
    c = botwo.client({"s3": s3, "tarn": tarn}, CASES["rules"])
    url = c.generate_presigned_url("get_object", Params={"Bucket": "example-old-bucket",
                                                         "Key": "test/object.txt"})
    assert url.startswith("http://tarn.example:8000/example-repo/main/test/object.txt?")
    url = c.generate_presigned_url("get_object", Params={"Bucket": "plain", "Key": "k"})
    assert url.startswith("http://s3.example:9000/plain/k?")
