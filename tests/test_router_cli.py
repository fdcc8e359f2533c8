"""`tarn router check` and `tarn router resolve` on the three configuration formats, as a user
runs them: the native YAML, Hadoop RouterFileSystem properties (the mapping from the RouterFS
documentation, verbatim) and a botwo mapping; and the messages for invalid files."""
import json

from conftest import run_tarn

ROUTERFS = """\
routerfs.mapping.s3a.1.replace=s3a://bucket/prefix
routerfs.mapping.s3a.1.with=lakefs://example-repo/dev/prefix
routerfs.mapping.s3a.2.replace=s3a://
routerfs.mapping.s3a.2.with=s3a-default://
fs.lakefs.endpoint=http://localhost:8000
fs.lakefs.access.key=AKIAIOSFOLQUICKSTART
fs.lakefs.secret.key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
fs.s3a-default.endpoint=https://s3.amazonaws.com
"""

YAML = """\
listen: 127.0.0.1:8001
credentials:
  - {access_key_id: ROUTER, secret_access_key: router-secret}
backends:
  aws: {kind: s3, region: eu-west-1}
  tarn: {kind: tarn, endpoint: "http://localhost:8000", credentials: {env: TARN}}
routes:
  - {bucket: example-old-bucket, prefix: tables/, backend: tarn, repository: example-repo,
     target_prefix: main/tables/}
  - {bucket: "archive-*", backend: aws, read_only: true}
  - {bucket: "*", backend: aws}
"""


def test_routerfs_example_resolves_to_the_lakefs_address(tmp_path):
    f = tmp_path / "routes.properties"
    f.write_text(ROUTERFS)
    check = run_tarn("router", "check", str(f))
    assert check.returncode == 0, check.stderr
    assert "lakefs://example-repo/dev/prefix" in check.stdout and "[default]" in check.stdout
    r = run_tarn("router", "resolve", str(f), "s3a://bucket/prefix/foo.parquet")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "lakefs://example-repo/dev/prefix/foo.parquet"
    assert lines[1].startswith("backend: lakefs (tarn, http://localhost:8000)")
    other = run_tarn("router", "resolve", str(f), "s3a://other-bucket/x/y.csv")
    assert other.stdout.splitlines()[0] == "s3a-default://other-bucket/x/y.csv"


def test_native_yaml(tmp_path):
    f = tmp_path / "router.yaml"
    f.write_text(YAML)
    check = run_tarn("router", "check", str(f))
    assert check.returncode == 0, check.stderr
    assert "3 routes, 2 backends, 1 client credentials" in check.stdout
    assert "[read-only]" in check.stdout
    r = run_tarn("router", "resolve", str(f), "s3://example-old-bucket/tables/t/part-0.parquet")
    assert r.stdout.splitlines()[0] == "tarn://example-repo/main/tables/t/part-0.parquet"
    r = run_tarn("router", "resolve", str(f), "s3://archive-2020/k")
    assert "read-only" in r.stdout


def test_botwo_mapping(tmp_path):
    f = tmp_path / "routes.json"
    f.write_text(json.dumps({
        "backends": {"s3": {}, "tarn": {"kind": "tarn", "endpoint": "http://localhost:8000"}},
        "mapping": [{"bucket_name": "example-old-bucket", "mapped_bucket_name": "example-repo",
                     "client": "tarn", "key_prefix": "main/"},
                    {"bucket_name": "*", "client": "s3"}]}))
    r = run_tarn("router", "resolve", str(f), "s3://example-old-bucket/test/object.txt")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "tarn://example-repo/main/test/object.txt"


def test_invalid_configurations_are_explained(tmp_path):
    no_default = tmp_path / "r.yaml"
    no_default.write_text("backends: {aws: {}}\nroutes:\n  - {bucket: a, backend: aws}\n")
    r = run_tarn("router", "check", str(no_default))
    assert r.returncode == 1 and "no default route" in r.stderr and str(no_default) in r.stderr
    unknown = tmp_path / "r.toml"
    unknown.write_text("x")
    r = run_tarn("router", "check", str(unknown))
    assert r.returncode == 1 and ".properties" in r.stderr
    r = run_tarn("router", "resolve", str(no_default), "not-a-uri")
    assert r.returncode == 2
    assert run_tarn("router").returncode == 2
