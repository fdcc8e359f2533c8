"""`tarn kv dump|load|migrate|stats` on real stores: RocksDB files and a real PostgreSQL."""
import json
import os

from conftest import run_tarn
from kvdump import read_dump, write_dump

# Binary partitions, keys and values, an empty value, and a large value.
DATA = {
    b"graveler": {b"repos/alpha": b"\x00\x01\x02", b"repos/beta": b"", b"repos/\xff": b"\xff"},
    b"alpha-1:staging": {f"path/{i:05d}".encode(): os.urandom(40) for i in range(2500)},
    b"big": {b"blob": os.urandom(1 << 20)},
    b"\x00odd\xff": {b"\x00": b"zero", b"\xff\xff": b"ff"},
}


def without_meta(dump):
    """The test's own data: drops tarn's tarn-meta records (schema version, leases)."""
    return {p: e for p, e in dump.items() if p != b"tarn-meta"}


def test_load_then_dump_round_trips_through_rocksdb(tmp_path):
    src = tmp_path / "in.jsonl"
    write_dump(src, DATA)
    store = f"rocksdb://{tmp_path}/kv"
    r = run_tarn("kv", "load", "--in", str(src), "--store", store, check=True)
    assert "loaded 2,506 keys" in r.stderr
    out = tmp_path / "out.jsonl"
    run_tarn("kv", "dump", "--out", str(out), "--store", store, check=True)
    assert without_meta(read_dump(out)) == DATA
    assert not (tmp_path / "out.jsonl.partial").exists()


def test_configured_store_is_found_like_serve_does(tmp_path):
    src = tmp_path / "in.jsonl"
    write_dump(src, {b"p": {b"k": b"v"}})
    run_tarn("kv", "load", "--in", str(src), "--data-dir", str(tmp_path / "d"), check=True)
    assert (tmp_path / "d" / "kv").is_dir()
    r = run_tarn("kv", "stats", "--json", env={"TARN_DATA_DIR": str(tmp_path / "d")}, check=True)
    stats = json.loads(r.stdout)
    assert stats["driver"] == "rocksdb"
    assert "p" in json.dumps(stats)


def test_corrupt_dump_names_the_line_and_writes_nothing(tmp_path):
    src = tmp_path / "in.jsonl"
    write_dump(src, DATA)
    lines = src.read_text().splitlines(keepends=True)
    lines[-3] = lines[-3].replace('"v":"', '"v":"!!')  # bad base64 near the end of the file
    src.write_text("".join(lines))
    store = f"rocksdb://{tmp_path}/kv"
    r = run_tarn("kv", "load", "--in", str(src), "--store", store)
    assert r.returncode == 1
    assert f"line {len(lines) - 2}" in r.stderr, r.stderr
    assert "offset" in r.stderr
    out = tmp_path / "out.jsonl"
    run_tarn("kv", "dump", "--out", str(out), "--store", store, check=True)
    assert read_dump(out) == {}, "a rejected load must not write anything"


def test_truncated_dump_is_refused(tmp_path):
    src = tmp_path / "in.jsonl"
    write_dump(src, DATA)
    data = src.read_bytes()
    src.write_bytes(data[: len(data) // 2])
    r = run_tarn("kv", "load", "--in", str(src), "--store", f"rocksdb://{tmp_path}/kv")
    assert r.returncode == 1
    assert "line" in r.stderr


def test_skip_strategy_keeps_existing_keys(tmp_path):
    store = f"rocksdb://{tmp_path}/kv"
    first = tmp_path / "a.jsonl"
    write_dump(first, {b"p": {b"k1": b"old", b"k2": b"old"}})
    run_tarn("kv", "load", "--in", str(first), "--store", store, check=True)
    second = tmp_path / "b.jsonl"
    write_dump(second, {b"p": {b"k1": b"new", b"k3": b"new"}})
    r = run_tarn("kv", "load", "--in", str(second), "--store", store, "--strategy", "skip",
                 check=True)
    assert "1 existing keys kept" in r.stderr
    out = tmp_path / "out.jsonl"
    run_tarn("kv", "dump", "--out", str(out), "--store", store, check=True)
    assert read_dump(out)[b"p"] == {b"k1": b"old", b"k2": b"old", b"k3": b"new"}
    run_tarn("kv", "load", "--in", str(second), "--store", store, check=True)  # overwrite
    run_tarn("kv", "dump", "--out", str(out), "--store", store, check=True)
    assert read_dump(out)[b"p"][b"k1"] == b"new"


def test_migrate_rocksdb_to_postgres_and_back(tmp_path, fresh_postgres_db):
    src = tmp_path / "in.jsonl"
    write_dump(src, DATA)
    rocks = f"rocksdb://{tmp_path}/kv"
    run_tarn("kv", "load", "--in", str(src), "--store", rocks, check=True)
    r = run_tarn("kv", "migrate", "--from", rocks, "--to", fresh_postgres_db, check=True)
    assert "verified" in r.stderr and "not verified" not in r.stderr
    out = tmp_path / "pg.jsonl"
    run_tarn("kv", "dump", "--out", str(out), "--store", fresh_postgres_db, check=True)
    assert without_meta(read_dump(out)) == DATA
    stats = json.loads(run_tarn("kv", "stats", "--json", "--store", fresh_postgres_db,
                                check=True).stdout)
    assert stats["driver"] == "postgres"
    # A second migration into the now non-empty store is refused, not merged silently.
    again = run_tarn("kv", "migrate", "--from", rocks, "--to", fresh_postgres_db)
    assert again.returncode == 1
    assert "empty" in again.stderr
    # And back into a new RocksDB store.
    back = f"rocksdb://{tmp_path}/kv2"
    run_tarn("kv", "migrate", "--from", fresh_postgres_db, "--to", back, check=True)
    out2 = tmp_path / "back.jsonl"
    run_tarn("kv", "dump", "--out", str(out2), "--store", back, check=True)
    assert read_dump(out2) == read_dump(out)


def test_dump_and_stats_work_while_the_server_runs_but_load_is_refused(tmp_path, start_server):
    server = start_server("--quickstart", "--data-dir", str(tmp_path), "--listen", "127.0.0.1:0")
    out = tmp_path / "live.jsonl"
    run_tarn("kv", "dump", "--out", str(out), "--data-dir", str(tmp_path), check=True)
    dump = read_dump(out)
    assert b"schema/version" in dump[b"tarn-meta"]
    r = run_tarn("kv", "stats", "--data-dir", str(tmp_path), check=True)
    assert "rocksdb" in r.stdout and "tarn-meta" in r.stdout
    refused = run_tarn("kv", "load", "--in", str(out), "--data-dir", str(tmp_path))
    assert refused.returncode == 1
    assert "in use" in refused.stderr
    server.stop()


def test_load_into_postgres_in_use_by_a_server_is_refused(tmp_path, fresh_postgres_db,
                                                          start_server):
    env = {"TARN_KV_TYPE": "postgres", "TARN_KV_POSTGRES_CONNECTION_STRING": fresh_postgres_db,
           "TARN_AUTH_ENCRYPT_SECRET_KEY": "a shared secret"}
    server = start_server("--data-dir", str(tmp_path), "--listen", "127.0.0.1:0", env=env)
    src = tmp_path / "in.jsonl"
    write_dump(src, {b"p": {b"k": b"v"}})
    r = run_tarn("kv", "load", "--in", str(src), "--store", fresh_postgres_db)
    assert r.returncode == 1
    assert "in use by a running tarn server" in r.stderr
    assert f"pid {server.proc.pid}" in r.stderr
    server.stop()
    # Once the server has stopped (and removed its lease) the load goes through.
    run_tarn("kv", "load", "--in", str(src), "--store", fresh_postgres_db, check=True)


def test_bad_store_url_explains_the_accepted_forms():
    r = run_tarn("kv", "stats", "--store", "s3://bucket/kv")
    assert r.returncode == 1
    assert "rocksdb:///" in r.stderr and "postgres://" in r.stderr
