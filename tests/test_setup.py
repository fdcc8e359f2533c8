"""`tarn setup` creates the first admin of a non-quickstart installation; its keys sign S3."""
import re

import boto3
import botocore.exceptions
import pytest

from conftest import Server, run_tarn


def s3_client(url, key, secret):
    return boto3.client("s3", endpoint_url=url, aws_access_key_id=key,
                        aws_secret_access_key=secret, region_name="us-east-1")


def test_setup_prints_keys_that_the_gateway_accepts(tmp_path):
    data = str(tmp_path / "data")
    r = run_tarn("setup", "--data-dir", data, "--user-name", "alice", check=True)
    key = re.search(r"access_key_id: (\S+)", r.stdout).group(1)
    secret = re.search(r"secret_access_key: (\S+)", r.stdout).group(1)
    assert key.startswith("AKIA") and len(secret) == 40
    # The secret is encrypted at rest: it appears nowhere in the data directory.
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path

    server = Server(["--data-dir", data, "--listen", "127.0.0.1:0"])
    try:
        s3 = s3_client(server.url, key, secret)
        s3.create_bucket(Bucket="repo")
        s3.put_object(Bucket="repo", Key="main/a.txt", Body=b"from alice")
        assert s3.get_object(Bucket="repo", Key="main/a.txt")["Body"].read() == b"from alice"
        # The quickstart pair is not an admin of this installation.
        quick = s3_client(server.url, "AKIAIOSFOLQUICKSTART",
                          "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        with pytest.raises(botocore.exceptions.ClientError) as e:
            quick.list_buckets()
        assert e.value.response["Error"]["Code"] == "InvalidAccessKeyId"
    finally:
        assert server.stop()[0] == 0


def test_setup_twice_is_refused_and_keeps_the_first_admin(tmp_path):
    data = str(tmp_path / "data")
    run_tarn("setup", "--data-dir", data, "--user-name", "alice", check=True)
    again = run_tarn("setup", "--data-dir", data, "--user-name", "bob")
    assert again.returncode == 1
    assert "already" in again.stderr


def test_server_without_users_says_how_to_create_one(tmp_path):
    server = Server(["--data-dir", str(tmp_path / "data"), "--listen", "127.0.0.1:0"])
    try:
        assert any("tarn setup --user-name" in line for line in server.banner)
    finally:
        server.stop()
