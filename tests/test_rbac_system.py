"""Users, groups and policies on a running server: what the admin grants through the REST API is
what the S3 gateway and the API enforce, for boto3 and plain HTTP clients alike."""
import base64
import json
import urllib.error
import urllib.request

import botocore.exceptions
import pytest

import s3util

ADMIN = (s3util.ACCESS_KEY, s3util.SECRET_KEY)


def call(url, method, path, body=None, creds=ADMIN, headers=None):
    """Sends one API request; returns (status, parsed JSON or text or None)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + "/api/v1" + path, data=data, method=method)
    if creds is not None:
        token = base64.b64encode(f"{creds[0]}:{creds[1]}".encode()).decode()
        req.add_header("Authorization", "Basic " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    if not raw:
        return status, None
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = s3util.start_quickstart(tmp_path_factory.mktemp("rbac"))
    yield s
    s.stop()


def make_user(url, name, group=None):
    """Creates a user (in `group` when given) and returns its key pair."""
    status, body = call(url, "POST", "/auth/users", {"id": name})
    assert status == 201, body
    if group:
        status, body = call(url, "PUT", f"/auth/groups/{group}/members/{name}")
        assert status == 201, body
    status, key = call(url, "POST", f"/auth/users/{name}/credentials")
    assert status == 201, key
    return key["access_key_id"], key["secret_access_key"]


@pytest.fixture(scope="module")
def repo(server):
    name = s3util.unique_name("rbac")
    status, body = call(server.url, "POST", "/repositories",
                        {"name": name, "storage_namespace": f"local://{name}"})
    assert status == 201, body
    s3util.client(server.url).put_object(Bucket=name, Key="main/existing.txt", Body=b"seed")
    return name


def test_the_quickstart_admin_is_in_admins(server):
    status, body = call(server.url, "GET", "/auth/users/admin/groups")
    assert status == 200, body
    assert [g["id"] for g in body["results"]] == ["Admins"]


def test_viewer_reads_but_cannot_write_through_s3_or_the_api(server, repo):
    key = make_user(server.url, "vera", "Viewers")
    s3 = s3util.client(server.url, *key)
    assert s3.get_object(Bucket=repo, Key="main/existing.txt")["Body"].read() == b"seed"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=repo, Prefix="main/")["Contents"]]
    assert "main/existing.txt" in keys
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_object(Bucket=repo, Key="main/new.txt", Body=b"x")
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.create_bucket(Bucket=s3util.unique_name("nope"))
    assert e.value.response["Error"]["Code"] == "AccessDenied"

    status, body = call(server.url, "POST", f"/repositories/{repo}/branches",
                        {"name": "vera-branch", "source": "main"}, creds=key)
    assert status == 401
    assert "fs:CreateBranch" in body["message"]
    status, _ = call(server.url, "GET", f"/repositories/{repo}/branches", creds=key)
    assert status == 200


def test_developer_writes_but_cannot_administer(server, repo):
    key = make_user(server.url, "dev", "Developers")
    s3 = s3util.client(server.url, *key)
    s3.put_object(Bucket=repo, Key="main/dev.txt", Body=b"by dev")
    status, body = call(server.url, "POST", f"/repositories/{repo}/branches/main/commits",
                        {"message": "dev's change"}, creds=key)
    assert status == 201, body
    status, body = call(server.url, "GET", "/auth/users", creds=key)
    assert status == 401
    status, body = call(server.url, "DELETE", f"/repositories/{repo}", creds=key)
    assert status == 401
    # Developers manage their own credentials, and only their own.
    status, body = call(server.url, "GET", "/auth/users/dev/credentials", creds=key)
    assert status == 200, body
    status, body = call(server.url, "GET", "/auth/users/admin/credentials", creds=key)
    assert status == 401


def test_a_deny_policy_beats_the_group_allow_at_once(server, repo):
    key = make_user(server.url, "dora", "Developers")
    policy = {"id": "NoSecrets", "statement": [{
        "effect": "deny", "action": ["fs:WriteObject", "fs:ReadObject"],
        "resource": f"arn:lakefs:fs:::repository/{repo}/object/secret/*"}]}
    status, body = call(server.url, "POST", "/auth/policies", policy)
    assert status == 201, body
    status, body = call(server.url, "PUT", "/auth/users/dora/policies/NoSecrets")
    assert status == 201, body
    s3 = s3util.client(server.url, *key)
    # The change applies on this server at once (no waiting for the cache to expire).
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_object(Bucket=repo, Key="main/secret/plan.txt", Body=b"x")
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    s3.put_object(Bucket=repo, Key="main/public/plan.txt", Body=b"x")

    status, _ = call(server.url, "DELETE", "/auth/users/dora/policies/NoSecrets")
    assert status == 204
    s3.put_object(Bucket=repo, Key="main/secret/plan.txt", Body=b"now allowed")


def test_a_user_without_groups_can_do_nothing(server, repo):
    key = make_user(server.url, "nobody")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3util.client(server.url, *key).list_buckets()
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    status, body = call(server.url, "GET", f"/repositories/{repo}", creds=key)
    assert status == 401
    # Who they are is always readable.
    status, body = call(server.url, "GET", "/user", creds=key)
    assert status == 200 and body["user"]["id"] == "nobody"


def test_a_deleted_users_keys_stop_working(server, repo):
    key = make_user(server.url, "leaver", "Viewers")
    status, _ = call(server.url, "GET", f"/repositories/{repo}", creds=key)
    assert status == 200
    status, _ = call(server.url, "DELETE", "/auth/users/leaver")
    assert status == 204
    status, body = call(server.url, "GET", f"/repositories/{repo}", creds=key)
    # The key is gone at once from the store; the secret cache may serve it for a few seconds,
    # but the user has no policies left, so nothing is allowed either way.
    assert status == 401, body


def test_login_token_works_as_bearer(server):
    status, body = call(server.url, "POST", "/auth/login",
                        {"access_key_id": ADMIN[0], "secret_access_key": ADMIN[1]}, creds=None)
    assert status == 200, body
    status, me = call(server.url, "GET", "/user", creds=None,
                      headers={"Authorization": "Bearer " + body["token"]})
    assert status == 200 and me["user"]["id"] == "admin"
