"""Shared helpers for the S3 gateway system tests: a quickstart server, boto3 clients against it,
and raw signed requests (signed with botocore, sent with http.client) that a test may break on
purpose before sending."""
import datetime
import http.client
import itertools
import os
import re
import urllib.parse
from contextlib import contextmanager
from types import SimpleNamespace
from unittest import mock

import botocore.auth
import botocore.awsrequest
import botocore.credentials

from conftest import Server

ACCESS_KEY = "AKIAIOSFOLQUICKSTART"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
S3_DOMAIN = "s3.local.tarn.io"

_names = itertools.count()


def unique_name(prefix="repo"):
    """A repository (bucket) name no other test of this process uses: lowercase, DNS-safe."""
    return f"{prefix}-{os.getpid()}-{next(_names)}"


def start_quickstart(data_dir):
    """Starts `tarn serve --quickstart` on a free loopback port; the caller stops it."""
    return Server(["--quickstart", "--data-dir", str(data_dir), "--listen", "127.0.0.1:0"])


def host_port(url):
    u = urllib.parse.urlsplit(url)
    return u.hostname, u.port


def client(url, access_key=ACCESS_KEY, secret_key=SECRET_KEY, addressing="path", **config):
    """A boto3 S3 client for the server at `url`. No retries, so errors surface at once."""
    import boto3
    from botocore.config import Config
    cfg = Config(s3={"addressing_style": addressing}, retries={"max_attempts": 1},
                 connect_timeout=10, read_timeout=60, signature_version="s3v4", **config)
    return boto3.client("s3", endpoint_url=url, aws_access_key_id=access_key,
                        aws_secret_access_key=secret_key, region_name=REGION, config=cfg)


def error_code(body):
    """The <Code> of an S3 error document (bytes or str), or None."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    m = re.search(r"<Code>([^<]*)</Code>", body)
    return m.group(1) if m else None


def error_message(body):
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    m = re.search(r"<Message>([^<]*)</Message>", body)
    return m.group(1) if m else ""


@contextmanager
def clock_offset(delta):
    """Makes botocore's signers believe the time is now + delta."""
    real = datetime.datetime

    class Shifted(real):
        @classmethod
        def utcnow(cls):
            return real.utcnow() + delta

        @classmethod
        def now(cls, tz=None):
            return real.now(tz) + delta

    fake = SimpleNamespace(datetime=Shifted, timezone=datetime.timezone,
                           timedelta=datetime.timedelta)
    with mock.patch.object(botocore.auth, "datetime", fake):
        yield


class _S3Signer(botocore.auth.S3SigV4Auth):
    """botocore's S3 signer with a caller-chosen x-amz-content-sha256 (e.g. a streaming marker)."""

    def __init__(self, creds, region, content_sha256):
        super().__init__(creds, "s3", region)
        self._content_sha256 = content_sha256

    def payload(self, request):
        return self._content_sha256 or super().payload(request)


def sign_v4(method, url, headers=None, body=b"", access_key=ACCESS_KEY, secret_key=SECRET_KEY,
            region=REGION, skew=None, unsigned_payload=False, content_sha256=None):
    """Signs a request with SigV4 (S3 flavour); returns the headers to send, Host included.
    `url` is the full URL (its host is the signed Host). `skew` shifts the signing time;
    `unsigned_payload` signs UNSIGNED-PAYLOAD; `content_sha256` signs that value instead of the
    body's hash."""
    req = botocore.awsrequest.AWSRequest(method=method, url=url, data=body,
                                         headers=dict(headers or {}))
    if unsigned_payload:
        content_sha256 = "UNSIGNED-PAYLOAD"
    creds = botocore.credentials.Credentials(access_key, secret_key)
    signer = _S3Signer(creds, region, content_sha256)
    if skew is not None:
        with clock_offset(skew):
            signer.add_auth(req)
    else:
        signer.add_auth(req)
    out = dict(req.headers.items())
    out["Host"] = urllib.parse.urlsplit(url).netloc
    return out


def presign_v4(url, method="GET", expires=3600, skew=None, access_key=ACCESS_KEY,
               secret_key=SECRET_KEY):
    """A SigV4 presigned URL for `url` (query-string auth)."""
    req = botocore.awsrequest.AWSRequest(method=method, url=url)
    creds = botocore.credentials.Credentials(access_key, secret_key)
    signer = botocore.auth.S3SigV4QueryAuth(creds, "s3", REGION, expires=expires)
    if skew is not None:
        with clock_offset(skew):
            signer.add_auth(req)
    else:
        signer.add_auth(req)
    return req.prepare().url


class Response(SimpleNamespace):
    """status, reason, headers (lower-case keys), body (bytes)."""

    @property
    def code(self):
        return error_code(self.body)

    @property
    def message(self):
        return error_message(self.body)


def send(base_url, method, path, headers=None, body=b"", timeout=30):
    """Sends one request with http.client exactly as given (no headers added but
    Content-Length when there is a body); returns a Response."""
    host, port = host_port(base_url)
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        hdrs = dict(headers or {})
        if body and not any(k.lower() == "content-length" for k in hdrs):
            hdrs["Content-Length"] = str(len(body))
        for k, v in hdrs.items():
            conn.putheader(k, v)
        conn.endheaders(body if body else None)
        r = conn.getresponse()
        data = r.read()
        return Response(status=r.status, reason=r.reason,
                        headers={k.lower(): v for k, v in r.getheaders()}, body=data)
    finally:
        conn.close()


def signed(base_url, method, path, headers=None, body=b"", host=None, **sign_args):
    """Signs and sends `method path` to the server at base_url. `host` overrides the Host that is
    signed and sent (virtual-host addressing), the connection still goes to base_url."""
    _, port = host_port(base_url)
    netloc = f"{host}:{port}" if host else urllib.parse.urlsplit(base_url).netloc
    hdrs = sign_v4(method, f"http://{netloc}{path}", headers, body, **sign_args)
    return send(base_url, method, path, hdrs, body)


@contextmanager
def resolve_s3_domain_to_loopback():
    """Makes names under S3_DOMAIN resolve to 127.0.0.1 in this process, so clients that build
    virtual-host URLs reach the test server."""
    import socket
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode()
        if host == S3_DOMAIN or (host or "").endswith("." + S3_DOMAIN):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    with mock.patch.object(socket, "getaddrinfo", fake):
        yield


def presign_v2(base_url, path, expires_at, method="GET", secret_key=SECRET_KEY,
               access_key=ACCESS_KEY, content_type=""):
    """A SigV2 query-string-authenticated URL (AWSAccessKeyId, Expires, Signature). `path` is
    /bucket/key, already URL-encoded."""
    import base64
    import hashlib
    import hmac
    to_sign = f"{method}\n\n{content_type}\n{expires_at}\n{path}"
    sig = base64.b64encode(hmac.new(secret_key.encode(), to_sign.encode(),
                                    hashlib.sha1).digest()).decode()
    q = urllib.parse.urlencode({"AWSAccessKeyId": access_key, "Expires": str(expires_at),
                                "Signature": sig})
    return f"{base_url}{path}?{q}"


def api(base_url, method, path, body=None, access_key=ACCESS_KEY, secret_key=SECRET_KEY):
    """Calls the REST API (/api/v1...) with basic auth; returns (status, parsed JSON or text)."""
    import base64
    import json
    data = json.dumps(body).encode() if body is not None else b""
    token = base64.b64encode(f"{access_key}:{secret_key}".encode()).decode()
    headers = {"Host": urllib.parse.urlsplit(base_url).netloc, "Authorization": f"Basic {token}",
               "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    r = send(base_url, method, "/api/v1" + path, headers, data)
    try:
        return r.status, json.loads(r.body or b"null")
    except ValueError:
        return r.status, r.body.decode("utf-8", "replace")


def commit(base_url, repo, branch="main", message="test commit"):
    """Commits a branch through the REST API; returns the commit id."""
    status, out = api(base_url, "POST", f"/repositories/{repo}/branches/{branch}/commits",
                      {"message": message})
    assert status == 201, f"commit {repo}/{branch}: {status} {out}"
    return out["id"]


def create_tag(base_url, repo, tag, ref):
    status, out = api(base_url, "POST", f"/repositories/{repo}/tags", {"id": tag, "ref": ref})
    assert status == 201, f"tag {tag} on {repo}/{ref}: {status} {out}"


def create_branch(base_url, repo, branch, source="main"):
    status, out = api(base_url, "POST", f"/repositories/{repo}/branches",
                      {"name": branch, "source": source})
    assert status == 201, f"branch {branch} from {repo}/{source}: {status} {out}"


def tool_env(tmp_dir, extra=None):
    """An environment for command-line S3 tools: the quickstart keys, no user configuration,
    no CA bundle override, nothing else from AWS_* or RCLONE_*."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "RCLONE_", "S3CMD"))}
    cfg = os.path.join(str(tmp_dir), "aws-empty-config")
    open(cfg, "a").close()
    env.update({"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": cfg,
                "AWS_SHARED_CREDENTIALS_FILE": cfg, "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_MAX_ATTEMPTS": "1", "AWS_PAGER": ""})
    if extra:
        env.update(extra)
    return env
