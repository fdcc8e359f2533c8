"""The S3 gateway through rclone (an S3 "Other" provider with path-style addressing)."""
import os
import shutil
import subprocess

import pytest

import s3util

pytestmark = pytest.mark.skipif(shutil.which("rclone") is None, reason="rclone is not on PATH")


@pytest.fixture(scope="module")
def rclone(s3_server, tmp_path_factory):
    home = tmp_path_factory.mktemp("rclone")
    conf = home / "rclone.conf"
    conf.write_text("")
    env = s3util.tool_env(home, {
        "RCLONE_CONFIG": str(conf),
        "RCLONE_CONFIG_TARN_TYPE": "s3",
        "RCLONE_CONFIG_TARN_PROVIDER": "Other",
        "RCLONE_CONFIG_TARN_ENDPOINT": s3_server.url,
        "RCLONE_CONFIG_TARN_ACCESS_KEY_ID": s3util.ACCESS_KEY,
        "RCLONE_CONFIG_TARN_SECRET_ACCESS_KEY": s3util.SECRET_KEY,
        "RCLONE_CONFIG_TARN_REGION": s3util.REGION,
        "RCLONE_CONFIG_TARN_FORCE_PATH_STYLE": "true",
        "RCLONE_LOW_LEVEL_RETRIES": "1",
        "RCLONE_RETRIES": "1",
    })

    def run(*args, check=True):
        cmd = ["rclone", *args]
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        if check and r.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-2000:]}\n"
                                 f"{r.stderr}")
        return r

    return run


@pytest.fixture
def bucket(rclone):
    name = s3util.unique_name("rc")
    rclone("mkdir", f"tarn:{name}")
    return name


def make_tree(root, files):
    for name, data in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)


def test_copy_uploads_a_tree_and_lsf_lists_it(rclone, bucket, tmp_path):
    make_tree(tmp_path / "src", {"a.txt": b"alpha", "d/b.txt": b"beta"})
    rclone("copy", str(tmp_path / "src"), f"tarn:{bucket}/main/data")
    out = rclone("lsf", "-R", "--files-only", f"tarn:{bucket}/main/data").stdout.split()
    assert sorted(out) == ["a.txt", "d/b.txt"]


def test_cat_prints_an_object(rclone, bucket, tmp_path):
    make_tree(tmp_path / "src", {"c.txt": b"catted"})
    rclone("copy", str(tmp_path / "src"), f"tarn:{bucket}/main/")
    assert rclone("cat", f"tarn:{bucket}/main/c.txt").stdout == "catted"


def test_lsf_of_the_bucket_root_lists_branches(rclone, bucket, tmp_path):
    make_tree(tmp_path / "src", {"x": b"x"})
    rclone("copy", str(tmp_path / "src"), f"tarn:{bucket}/main/")
    assert "main/" in rclone("lsf", f"tarn:{bucket}").stdout.split()


def test_sync_deletes_extras_under_the_branch(rclone, bucket, tmp_path):
    src = tmp_path / "src"
    make_tree(src, {"keep.txt": b"keep", "drop.txt": b"drop", "sub/k2": b"k2"})
    rclone("sync", str(src), f"tarn:{bucket}/main/s")
    (src / "drop.txt").unlink()
    (src / "new.txt").write_bytes(b"new")
    rclone("sync", str(src), f"tarn:{bucket}/main/s")
    out = sorted(rclone("lsf", "-R", "--files-only", f"tarn:{bucket}/main/s").stdout.split())
    assert out == ["keep.txt", "new.txt", "sub/k2"]


def test_check_passes_then_fails_after_a_change(rclone, bucket, tmp_path):
    src = tmp_path / "src"
    make_tree(src, {"one": os.urandom(3000), "two/three": os.urandom(100)})
    rclone("copy", str(src), f"tarn:{bucket}/main/chk")
    rclone("check", str(src), f"tarn:{bucket}/main/chk")
    (src / "one").write_bytes(os.urandom(3000))
    r = rclone("check", str(src), f"tarn:{bucket}/main/chk", check=False)
    assert r.returncode != 0
    assert "one" in r.stderr


def test_copy_back_round_trips_a_large_file(rclone, bucket, tmp_path):
    data = os.urandom(24 * 1024 * 1024)
    src = tmp_path / "src"
    make_tree(src, {"big.bin": data})
    # Above the upload cutoff, rclone uses a multipart upload.
    rclone("copy", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M", str(src),
           f"tarn:{bucket}/main/")
    rclone("copy", f"tarn:{bucket}/main/big.bin", str(tmp_path / "back"))
    assert (tmp_path / "back" / "big.bin").read_bytes() == data


def test_deletefile_removes_an_object(rclone, bucket, tmp_path):
    make_tree(tmp_path / "src", {"gone": b"g", "stay": b"s"})
    rclone("copy", str(tmp_path / "src"), f"tarn:{bucket}/main/")
    rclone("deletefile", f"tarn:{bucket}/main/gone")
    assert rclone("lsf", f"tarn:{bucket}/main/").stdout.split() == ["stay"]
