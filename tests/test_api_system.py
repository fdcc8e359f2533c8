"""System tests of the REST API: a real `tarn serve --quickstart` driven over HTTP with urllib,
with every JSON answer checked field by field against lakeFS's API v1 shapes (types and
required fields), and the served OpenAPI document checked against docs/api_compatibility.md."""
import base64
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from conftest import ROOT

ACCESS_KEY = "AKIAIOSFOLQUICKSTART"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

# lakeFS's schemas, as facts: field -> (type, required). A type is a Python type, the name of
# another schema, or a one-element list for an array of that type.
SCHEMAS = {
    "Error": {"message": (str, True)},
    "Pagination": {"has_more": (bool, True), "next_offset": (str, True),
                   "results": (int, True), "max_per_page": (int, True)},
    "Repository": {"id": (str, True), "creation_date": (int, True),
                   "default_branch": (str, True), "storage_namespace": (str, True),
                   "storage_id": (str, False), "read_only": (bool, False)},
    "RepositoryList": {"pagination": ("Pagination", True), "results": (["Repository"], True)},
    "Ref": {"id": (str, True), "commit_id": (str, True)},
    "RefList": {"pagination": ("Pagination", True), "results": (["Ref"], True)},
    "Commit": {"id": (str, True), "parents": ([str], True), "committer": (str, True),
               "message": (str, True), "creation_date": (int, True),
               "meta_range_id": (str, True), "metadata": (dict, False),
               "generation": (int, False), "version": (int, False)},
    "CommitList": {"pagination": ("Pagination", True), "results": (["Commit"], True)},
    "ObjectStats": {"path": (str, True), "path_type": (str, True),
                    "physical_address": (str, True), "physical_address_expiry": (int, False),
                    "checksum": (str, True), "size_bytes": (int, False), "mtime": (int, True),
                    "metadata": (dict, False), "content_type": (str, False)},
    "ObjectStatsList": {"pagination": ("Pagination", True), "results": (["ObjectStats"], True)},
    "Diff": {"type": (str, True), "path": (str, True), "path_type": (str, True),
             "size_bytes": (int, False)},
    "DiffList": {"pagination": ("Pagination", True), "results": (["Diff"], True)},
    "MergeResult": {"reference": (str, True)},
    "FindMergeBaseResult": {"source_commit_id": (str, True), "destination_commit_id": (str, True),
                            "base_commit_id": (str, True)},
    "ObjectErrorList": {"errors": ([dict], True)},
    "StorageConfig": {"blockstore_type": (str, True), "blockstore_namespace_example": (str, True),
                      "blockstore_namespace_ValidityRegex": (str, True),
                      "pre_sign_support": (bool, True), "pre_sign_support_ui": (bool, True),
                      "import_support": (bool, True), "import_validity_regex": (str, True)},
    "User": {"id": (str, True), "creation_date": (int, True), "friendly_name": (str, False),
             "email": (str, False)},
    "CurrentUser": {"user": ("User", True)},
    "AuthenticationToken": {"token": (str, True), "token_expiration": (int, False)},
}
ENUMS = {
    ("Diff", "type"): {"added", "removed", "changed", "conflict", "prefix_changed"},
    ("Diff", "path_type"): {"common_prefix", "object"},
    ("ObjectStats", "path_type"): {"common_prefix", "object"},
}


def check_shape(value, schema, where=None):
    """Asserts that `value` has lakeFS's shape `schema`: every required field present, every
    field present of the documented type, enumerations within their values."""
    where = where or schema
    assert isinstance(value, dict), f"{where}: expected an object, got {value!r}"
    for field, (typ, required) in SCHEMAS[schema].items():
        if field not in value:
            assert not required, f"{where}: required field {field!r} is missing: {value!r}"
            continue
        check_type(value[field], typ, f"{where}.{field}")
        if (schema, field) in ENUMS:
            assert value[field] in ENUMS[(schema, field)], f"{where}.{field}: {value[field]!r}"


def check_type(value, typ, where):
    if isinstance(typ, list):
        assert isinstance(value, list), f"{where}: expected an array, got {value!r}"
        for i, item in enumerate(value):
            check_type(item, typ[0], f"{where}[{i}]")
    elif isinstance(typ, str):
        check_shape(value, typ, where)
    elif typ is int:
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r}"
    else:
        assert isinstance(value, typ), f"{where}: expected {typ.__name__}, got {value!r}"


class Api:
    """HTTP calls to /api/v1 with Basic authentication."""

    def __init__(self, url, key=ACCESS_KEY, secret=SECRET_KEY):
        self.url = url + "/api/v1"
        self.auth = None
        if key is not None:
            self.auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()

    def call(self, method, route, body=None, headers=None, **query):
        """Returns (status, headers, body bytes). `body` may be bytes or a JSON-able value."""
        url = self.url + route
        if query:
            url += "?" + urllib.parse.urlencode(query, doseq=True)
        hdrs = dict(headers or {})
        if self.auth:
            hdrs.setdefault("Authorization", self.auth)
        data = body
        if body is not None and not isinstance(body, bytes):
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def json(self, method, route, body=None, expect=200, schema=None, headers=None, **query):
        """Calls and asserts the status; returns the parsed JSON, checked against `schema`."""
        status, hdrs, raw = self.call(method, route, body, headers, **query)
        assert status == expect, f"{method} {route}: {status} {raw[:500]!r}"
        assert hdrs.get("Content-Type", "").startswith("application/json"), hdrs
        value = json.loads(raw)
        if schema:
            check_shape(value, schema)
        return value

    def error(self, method, route, body=None, expect=400, headers=None, **query):
        """Asserts an error answer: the status and lakeFS's {"message"} body."""
        value = self.json(method, route, body, expect, "Error", headers, **query)
        assert value["message"], "the error message should say what went wrong"
        return value["message"]


@pytest.fixture(scope="module")
def server(quickstart_server):
    return quickstart_server


@pytest.fixture
def api(server):
    return Api(server.url)


def namespace_for(api, name):
    example = api.json("GET", "/config/storage", schema="StorageConfig")
    base = example["blockstore_namespace_example"]
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def repo(api):
    """A new repository with default branch main; returns its id."""
    name = "repo-" + uuid.uuid4().hex[:10]
    body = {"name": name, "storage_namespace": namespace_for(api, name), "default_branch": "main"}
    created = api.json("POST", "/repositories", body, expect=201, schema="Repository")
    assert created["id"] == name and created["default_branch"] == "main"
    return name


def upload(api, repo, branch, path, data, content_type="application/octet-stream"):
    status, _, raw = api.call("POST", f"/repositories/{repo}/branches/{branch}/objects", data,
                              {"Content-Type": content_type}, path=path)
    assert status == 201, raw
    stats = json.loads(raw)
    check_shape(stats, "ObjectStats")
    return stats


def commit(api, repo, branch, message, **fields):
    return api.json("POST", f"/repositories/{repo}/branches/{branch}/commits",
                    {"message": message, **fields}, expect=201, schema="Commit")


def create_branch(api, repo, name, source="main"):
    status, _, raw = api.call("POST", f"/repositories/{repo}/branches",
                              {"name": name, "source": source})
    assert status == 201, raw


def multipart_form(field, filename, data):
    boundary = "tarnboundary" + uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
            f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


# --- repositories -------------------------------------------------------------------------


def test_created_repository_is_listed_and_read(api, repo):
    got = api.json("GET", f"/repositories/{repo}", schema="Repository")
    assert got["id"] == repo
    listing = api.json("GET", "/repositories", schema="RepositoryList", amount=1000)
    assert repo in [r["id"] for r in listing["results"]]
    assert listing["pagination"]["max_per_page"] == 1000


def test_repository_listing_pages_with_after(api):
    names = sorted("page-" + uuid.uuid4().hex[:8] for _ in range(3))
    for n in names:
        api.json("POST", "/repositories", {"name": n, "storage_namespace": namespace_for(api, n)},
                 expect=201)
    first = api.json("GET", "/repositories", schema="RepositoryList", prefix="page-", amount=2)
    assert first["pagination"]["has_more"] is True
    assert first["pagination"]["results"] == 2
    rest = api.json("GET", "/repositories", schema="RepositoryList", prefix="page-",
                    after=first["pagination"]["next_offset"])
    seen = [r["id"] for r in first["results"] + rest["results"]]
    assert [n for n in seen if n in names] == names


def test_deleted_repository_answers_404(api, repo):
    status, _, _ = api.call("DELETE", f"/repositories/{repo}")
    assert status == 204
    api.error("GET", f"/repositories/{repo}", expect=404)


def test_duplicate_repository_is_409(api, repo):
    api.error("POST", "/repositories",
              {"name": repo, "storage_namespace": namespace_for(api, repo + "-b")}, expect=409)


# --- branches, commits, log ---------------------------------------------------------------


def test_branch_create_get_list_delete(api, repo):
    create_branch(api, repo, "feature")
    main = api.json("GET", f"/repositories/{repo}/branches/main", schema="Ref")
    feature = api.json("GET", f"/repositories/{repo}/branches/feature", schema="Ref")
    assert feature["commit_id"] == main["commit_id"]
    listing = api.json("GET", f"/repositories/{repo}/branches", schema="RefList")
    assert [b["id"] for b in listing["results"]] == ["feature", "main"]
    status, _, _ = api.call("DELETE", f"/repositories/{repo}/branches/feature")
    assert status == 204
    api.error("GET", f"/repositories/{repo}/branches/feature", expect=404)


def test_commit_then_log_and_get_commit(api, repo):
    upload(api, repo, "main", "a.txt", b"alpha")
    c = commit(api, repo, "main", "add a", metadata={"k": "v"})
    assert c["message"] == "add a" and c["metadata"] == {"k": "v"}
    assert len(c["parents"]) == 1
    got = api.json("GET", f"/repositories/{repo}/commits/{c['id']}", schema="Commit")
    assert got["id"] == c["id"]
    log = api.json("GET", f"/repositories/{repo}/refs/main/commits", schema="CommitList")
    assert log["results"][0]["id"] == c["id"]
    assert log["results"][0]["parents"] == c["parents"]
    assert log["pagination"]["has_more"] is False


def test_log_pages_with_amount(api, repo):
    for i in range(3):
        upload(api, repo, "main", f"f{i}", b"x")
        commit(api, repo, "main", f"c{i}")
    page = api.json("GET", f"/repositories/{repo}/refs/main/commits", schema="CommitList",
                    amount=2)
    assert page["pagination"]["has_more"] is True
    assert [c["message"] for c in page["results"]] == ["c2", "c1"]
    rest = api.json("GET", f"/repositories/{repo}/refs/main/commits", schema="CommitList",
                    after=page["pagination"]["next_offset"])
    assert rest["results"][0]["message"] == "c0"


def test_commit_with_nothing_staged_is_400(api, repo):
    api.error("POST", f"/repositories/{repo}/branches/main/commits", {"message": "empty"})


# --- objects ------------------------------------------------------------------------------


def test_octet_stream_upload_reads_back(api, repo):
    stats = upload(api, repo, "main", "dir/hello.txt", b"hello world", "text/plain")
    assert stats["path"] == "dir/hello.txt" and stats["size_bytes"] == 11
    status, headers, body = api.call("GET", f"/repositories/{repo}/refs/main/objects",
                                     path="dir/hello.txt")
    assert status == 200 and body == b"hello world"
    assert headers.get("ETag")
    stat = api.json("GET", f"/repositories/{repo}/refs/main/objects/stat", schema="ObjectStats",
                    path="dir/hello.txt")
    assert stat["checksum"] == stats["checksum"]
    assert stat["path_type"] == "object"


def test_multipart_form_upload_stores_the_content_part(api, repo):
    data = b"--not-a-boundary\r\n" + bytes(range(256))
    body, content_type = multipart_form("content", "blob.bin", data)
    stats = upload(api, repo, "main", "blob.bin", body, content_type)
    assert stats["size_bytes"] == len(data)
    _, _, got = api.call("GET", f"/repositories/{repo}/refs/main/objects", path="blob.bin")
    assert got == data


def test_range_read_answers_206(api, repo):
    upload(api, repo, "main", "r", b"0123456789")
    status, headers, body = api.call("GET", f"/repositories/{repo}/refs/main/objects",
                                     headers={"Range": "bytes=2-4"}, path="r")
    assert status == 206 and body == b"234"
    assert headers.get("Content-Range") == "bytes 2-4/10"


def test_object_listing_pages_and_groups_by_delimiter(api, repo):
    for p in ["a/1", "a/2", "b", "c", "d"]:
        upload(api, repo, "main", p, b"x")
    page = api.json("GET", f"/repositories/{repo}/refs/main/objects/ls", delimiter="/", amount=2)
    check_shape(page["pagination"], "Pagination")
    check_shape(page["results"][1], "ObjectStats")
    assert [(o["path"], o["path_type"]) for o in page["results"]] == [
        ("a/", "common_prefix"), ("b", "object")]
    assert page["pagination"] == {"has_more": True, "next_offset": "b", "results": 2,
                                  "max_per_page": 1000}
    rest = api.json("GET", f"/repositories/{repo}/refs/main/objects/ls",
                    schema="ObjectStatsList", delimiter="/", after="b")
    assert [o["path"] for o in rest["results"]] == ["c", "d"]
    assert rest["pagination"]["has_more"] is False
    assert rest["pagination"]["next_offset"] == ""


def test_common_prefixes_carry_the_required_object_fields(api, repo):
    upload(api, repo, "main", "dir/file", b"x")
    listing = api.json("GET", f"/repositories/{repo}/refs/main/objects/ls", delimiter="/")
    assert listing["results"][0]["path_type"] == "common_prefix"
    check_shape(listing["results"][0], "ObjectStats")


def test_deleted_objects_are_gone(api, repo):
    for p in ["x", "y", "z"]:
        upload(api, repo, "main", p, b"1")
    status, _, _ = api.call("DELETE", f"/repositories/{repo}/branches/main/objects", path="x")
    assert status == 204
    result = api.json("POST", f"/repositories/{repo}/branches/main/objects/delete",
                      {"paths": ["y", "z"]}, schema="ObjectErrorList")
    assert result["errors"] == []
    listing = api.json("GET", f"/repositories/{repo}/refs/main/objects/ls",
                       schema="ObjectStatsList")
    assert listing["results"] == []
    api.error("GET", f"/repositories/{repo}/refs/main/objects/stat", expect=404, path="x")


def test_copy_object_duplicates_content(api, repo):
    upload(api, repo, "main", "src", b"copied")
    stats = api.json("POST", f"/repositories/{repo}/branches/main/objects/copy",
                     {"src_path": "src"}, expect=201, schema="ObjectStats", dest_path="dst")
    assert stats["path"] == "dst"
    _, _, body = api.call("GET", f"/repositories/{repo}/refs/main/objects", path="dst")
    assert body == b"copied"


def test_upload_with_if_none_match_on_existing_object_is_412(api, repo):
    upload(api, repo, "main", "once", b"1")
    status, _, raw = api.call("POST", f"/repositories/{repo}/branches/main/objects", b"2",
                              {"Content-Type": "application/octet-stream",
                               "If-None-Match": "*"}, path="once")
    assert status == 412
    check_shape(json.loads(raw), "Error")


# --- diff and merge -----------------------------------------------------------------------


def test_diff_branch_shows_uncommitted_changes(api, repo):
    upload(api, repo, "main", "new", b"n")
    diff = api.json("GET", f"/repositories/{repo}/branches/main/diff", schema="DiffList")
    assert [(d["type"], d["path"], d["path_type"]) for d in diff["results"]] == [
        ("added", "new", "object")]


def test_diff_refs_between_branches(api, repo):
    upload(api, repo, "main", "base", b"b")
    commit(api, repo, "main", "base")
    create_branch(api, repo, "feature")
    upload(api, repo, "feature", "base", b"changed")
    upload(api, repo, "feature", "added", b"a")
    commit(api, repo, "feature", "work")
    diff = api.json("GET", f"/repositories/{repo}/refs/main/diff/feature", schema="DiffList")
    assert sorted((d["type"], d["path"]) for d in diff["results"]) == [
        ("added", "added"), ("changed", "base")]
    two_dot = api.json("GET", f"/repositories/{repo}/refs/feature/diff/main", schema="DiffList",
                       type="two_dot")
    assert sorted((d["type"], d["path"]) for d in two_dot["results"]) == [
        ("changed", "base"), ("removed", "added")]


def test_merge_without_conflict_creates_a_merge_commit(api, repo):
    upload(api, repo, "main", "base", b"b")
    commit(api, repo, "main", "base")
    create_branch(api, repo, "feature")
    upload(api, repo, "feature", "f", b"f")
    feature = commit(api, repo, "feature", "feature work")
    upload(api, repo, "main", "m", b"m")
    main = commit(api, repo, "main", "main work")
    base = api.json("GET", f"/repositories/{repo}/refs/feature/merge/main",
                    schema="FindMergeBaseResult")
    assert base["source_commit_id"] == feature["id"]
    assert base["destination_commit_id"] == main["id"]
    assert base["base_commit_id"] == feature["parents"][0]
    result = api.json("POST", f"/repositories/{repo}/refs/feature/merge/main",
                      {"message": "merge feature"}, schema="MergeResult")
    head = api.json("GET", f"/repositories/{repo}/branches/main", schema="Ref")
    assert head["commit_id"] == result["reference"]
    merged = api.json("GET", f"/repositories/{repo}/commits/{result['reference']}",
                      schema="Commit")
    assert sorted(merged["parents"]) == sorted([main["id"], feature["id"]])
    _, _, body = api.call("GET", f"/repositories/{repo}/refs/main/objects", path="f")
    assert body == b"f"


def test_merge_with_conflict_is_409_with_a_message(api, repo):
    upload(api, repo, "main", "same", b"base")
    commit(api, repo, "main", "base")
    create_branch(api, repo, "feature")
    upload(api, repo, "feature", "same", b"theirs")
    commit(api, repo, "feature", "theirs")
    upload(api, repo, "main", "same", b"ours")
    commit(api, repo, "main", "ours")
    message = api.error("POST", f"/repositories/{repo}/refs/feature/merge/main", {}, expect=409)
    assert "same" in message
    resolved = api.json("POST", f"/repositories/{repo}/refs/feature/merge/main",
                        {"strategy": "source-wins"}, schema="MergeResult")
    assert resolved["reference"]
    _, _, body = api.call("GET", f"/repositories/{repo}/refs/main/objects", path="same")
    assert body == b"theirs"


# --- tags ---------------------------------------------------------------------------------


def test_tags_create_get_list_delete(api, repo):
    head = api.json("GET", f"/repositories/{repo}/branches/main", schema="Ref")
    tag = api.json("POST", f"/repositories/{repo}/tags", {"id": "v1", "ref": "main"},
                   expect=201, schema="Ref")
    assert tag == {"id": "v1", "commit_id": head["commit_id"]}
    assert api.json("GET", f"/repositories/{repo}/tags/v1", schema="Ref") == tag
    listing = api.json("GET", f"/repositories/{repo}/tags", schema="RefList")
    assert listing["results"] == [tag]
    api.error("POST", f"/repositories/{repo}/tags", {"id": "v1", "ref": "main"}, expect=409)
    status, _, _ = api.call("DELETE", f"/repositories/{repo}/tags/v1")
    assert status == 204
    api.error("GET", f"/repositories/{repo}/tags/v1", expect=404)


def test_objects_read_through_a_tag(api, repo):
    upload(api, repo, "main", "t", b"tagged")
    commit(api, repo, "main", "c")
    api.json("POST", f"/repositories/{repo}/tags", {"id": "rel", "ref": "main"}, expect=201)
    upload(api, repo, "main", "t", b"later")
    _, _, body = api.call("GET", f"/repositories/{repo}/refs/rel/objects", path="t")
    assert body == b"tagged"


# --- errors and authentication ------------------------------------------------------------


def test_wrong_secret_is_401(server):
    Api(server.url, secret="not-the-secret").error("GET", "/repositories", expect=401)


def test_missing_credentials_is_401(server):
    Api(server.url, key=None).error("GET", "/repositories", expect=401)


def test_unknown_repository_is_404(api):
    api.error("GET", "/repositories/no-such-repo-here", expect=404)


def test_malformed_json_body_is_400(api, repo):
    status, _, raw = api.call("POST", f"/repositories/{repo}/branches", b"{not json",
                              {"Content-Type": "application/json"})
    assert status == 400
    check_shape(json.loads(raw), "Error")


def test_missing_required_field_is_400(api, repo):
    message = api.error("POST", f"/repositories/{repo}/tags", {"ref": "main"})
    assert "id" in message


def test_login_returns_a_token_that_authenticates(server, api):
    token = api.json("POST", "/auth/login",
                     {"access_key_id": ACCESS_KEY, "secret_access_key": SECRET_KEY},
                     schema="AuthenticationToken")
    bearer = Api(server.url, key=None)
    me = bearer.json("GET", "/user", schema="CurrentUser",
                     headers={"Authorization": "Bearer " + token["token"]})
    assert me["user"]["id"]


def test_health_check_needs_no_credentials(server):
    status, _, body = Api(server.url, key=None).call("GET", "/healthcheck")
    assert status == 204 and body == b""


# --- the OpenAPI document -----------------------------------------------------------------


def supported_in_compatibility_table():
    text = (ROOT / "docs" / "api_compatibility.md").read_text()
    rows = re.findall(r"^\| `(\w[\w-]*)` \|[^|]*\| ([^|]*)\|", text, re.MULTILINE)
    return {op for op, status in rows if status.strip().startswith("supported")}


def test_openapi_document_is_public_json(server):
    status, headers, raw = Api(server.url, key=None).call("GET", "/openapi.json")
    assert status == 200
    assert headers.get("Content-Type", "").startswith("application/json")
    doc = json.loads(raw)
    assert doc["openapi"].startswith("3.0")
    assert doc["servers"] == [{"url": "/api/v1"}]


def test_openapi_operations_are_the_supported_ones(server):
    doc = json.loads(Api(server.url, key=None).call("GET", "/openapi.json")[2])
    ops = {op["operationId"] for item in doc["paths"].values() for method, op in item.items()
           if method in ("get", "put", "post", "delete", "head", "patch")}
    assert ops == supported_in_compatibility_table()


def test_every_documented_operation_is_served(server, api):
    """No documented path answers "no API endpoint" (the route table's 404). Path parameters
    name things that do not exist, so no call changes anything."""
    doc = json.loads(Api(server.url, key=None).call("GET", "/openapi.json")[2])
    for path, item in doc["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "no-such-thing", path)
        for method in item:
            if method not in ("get", "put", "post", "delete", "head", "patch"):
                continue
            status, _, raw = api.call(method.upper(), concrete)
            assert b"no API endpoint" not in raw, f"{method.upper()} {path} is not served"
