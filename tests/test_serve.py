"""`tarn serve`: startup, health, configuration errors and graceful shutdown."""
import os
import signal
import socket

from conftest import health, run_tarn


def test_version_and_help_teach_the_commands():
    v = run_tarn("--version", check=True)
    assert v.stdout.startswith("tarn ")
    h = run_tarn("--help", check=True)
    for cmd in ("serve", "kv"):
        assert cmd in h.stdout
    s = run_tarn("serve", "--help", check=True)
    for flag in ("--quickstart", "--data-dir", "--listen", "--config", "--log-format"):
        assert flag in s.stdout
    k = run_tarn("kv", "--help", check=True)
    for sub in ("dump", "load", "migrate", "stats"):
        assert sub in k.stdout


def test_no_command_is_an_error_that_points_to_help():
    r = run_tarn()
    assert r.returncode != 0
    assert "--help" in (r.stdout + r.stderr)


def test_quickstart_serves_health_from_rocksdb(tmp_path, start_server):
    server = start_server("--quickstart", "--data-dir", str(tmp_path / "data"),
                          "--listen", "127.0.0.1:0")
    banner = "".join(server.banner)
    assert "rocksdb store at" in banner
    assert "curl" in banner and "/_health" in banner
    status, body = health(server)
    assert status == 200
    assert body["status"] == "ok"
    assert body["kv"] == "rocksdb"
    assert body["schema_version"] >= 1
    assert (tmp_path / "data" / "kv").is_dir()
    code, err = server.stop(signal.SIGTERM)
    assert code == 0, err
    assert "shutting down" in err and "stopped" in err


def test_sigint_also_shuts_down_cleanly(tmp_path, start_server):
    server = start_server("--quickstart", "--data-dir", str(tmp_path), "--listen", "127.0.0.1:0")
    code, err = server.stop(signal.SIGINT)
    assert code == 0, err


def test_data_survives_a_restart(tmp_path, start_server):
    first = start_server("--quickstart", "--data-dir", str(tmp_path), "--listen", "127.0.0.1:0")
    first.stop()
    second = start_server("--quickstart", "--data-dir", str(tmp_path), "--listen", "127.0.0.1:0")
    status, body = health(second)
    assert status == 200 and body["status"] == "ok"
    # The store was found, not stamped again.
    assert "stamped" not in second.stop()[1]


def test_second_server_on_the_same_data_dir_is_refused(tmp_path, start_server):
    start_server("--quickstart", "--data-dir", str(tmp_path), "--listen", "127.0.0.1:0")
    r = run_tarn("serve", "--quickstart", "--data-dir", str(tmp_path), "--listen", "127.0.0.1:0")
    assert r.returncode == 1
    assert "in use" in r.stderr, r.stderr
    assert str(tmp_path) in r.stderr


def test_port_in_use_is_named(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = run_tarn("serve", "--quickstart", "--data-dir", str(tmp_path),
                     "--listen", f"127.0.0.1:{port}")
    assert r.returncode == 1
    assert f"127.0.0.1:{port}" in r.stderr
    assert "--listen" in r.stderr


def test_unknown_key_in_config_file_is_named_with_its_line(tmp_path):
    cfg = tmp_path / "tarn.yaml"
    cfg.write_text("data_dir: /tmp/x\nkv:\n  rocksdb:\n    synk: true\n")
    r = run_tarn("serve", "--config", str(cfg))
    assert r.returncode == 1
    assert "kv.rocksdb.synk" in r.stderr
    assert "line 4" in r.stderr


def test_bad_environment_value_names_the_variable(tmp_path):
    r = run_tarn("serve", "--data-dir", str(tmp_path), env={"TARN_KV_ROCKSDB_SYNC": "maybe"})
    assert r.returncode == 1
    assert "TARN_KV_ROCKSDB_SYNC" in r.stderr and "kv.rocksdb.sync" in r.stderr


def test_unknown_tarn_variables_are_ignored(tmp_path, start_server):
    server = start_server("--quickstart", "--data-dir", str(tmp_path), "--listen", "127.0.0.1:0",
                          env={"TARN_ENDPOINT": "http://elsewhere", "TARN_NOT_A_KEY": "1"})
    assert health(server)[0] == 200


def test_quickstart_refuses_public_interfaces(tmp_path):
    r = run_tarn("serve", "--quickstart", "--data-dir", str(tmp_path), "--listen", "0.0.0.0:0")
    assert r.returncode == 1
    assert "loopback" in r.stderr


def test_json_logs_are_one_object_per_line(tmp_path, start_server):
    import json
    server = start_server("--quickstart", "--data-dir", str(tmp_path), "--listen", "127.0.0.1:0",
                          "--log-format", "json")
    _, err = server.stop()
    lines = [l for l in err.splitlines() if l.strip()]
    assert lines, "no log lines"
    for line in lines:
        record = json.loads(line)
        assert {"time", "level", "msg"} <= record.keys()


def test_serves_from_postgres(fresh_postgres_db, tmp_path, start_server):
    server = start_server("--data-dir", str(tmp_path), "--listen", "127.0.0.1:0",
                          env={"TARN_KV_TYPE": "postgres",
                               "TARN_KV_POSTGRES_CONNECTION_STRING": fresh_postgres_db,
                               "TARN_AUTH_ENCRYPT_SECRET_KEY": "a shared secret"})
    status, body = health(server)
    assert status == 200 and body["kv"] == "postgres"
    # Several servers may share one PostgreSQL store.
    other = start_server("--data-dir", str(tmp_path / "2"), "--listen", "127.0.0.1:0",
                         env={"TARN_KV_TYPE": "postgres",
                              "TARN_KV_POSTGRES_CONNECTION_STRING": fresh_postgres_db,
                              "TARN_AUTH_ENCRYPT_SECRET_KEY": "a shared secret"})
    assert health(other)[0] == 200
    assert server.stop()[0] == 0 and other.stop()[0] == 0


def test_postgres_without_a_shared_encryption_secret_is_refused(fresh_postgres_db, tmp_path):
    r = run_tarn("serve", "--data-dir", str(tmp_path), "--listen", "127.0.0.1:0", timeout=60,
                 env={"TARN_KV_TYPE": "postgres",
                      "TARN_KV_POSTGRES_CONNECTION_STRING": fresh_postgres_db})
    assert r.returncode == 1
    assert "auth.encrypt.secret_key" in r.stderr
    assert "TARN_AUTH_ENCRYPT_SECRET_KEY" in r.stderr


def test_unreachable_postgres_fails_fast_with_a_clear_message(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound but not listening: connections are refused
        r = run_tarn("serve", "--data-dir", str(tmp_path), timeout=60,
                     env={"TARN_KV_TYPE": "postgres",
                          "TARN_KV_POSTGRES_CONNECTION_STRING":
                              f"postgres://tarn@127.0.0.1:{port}/tarn",
                          "TARN_KV_POSTGRES_CONNECT_TIMEOUT": "3s"})
    assert r.returncode == 1
    assert "Unavailable" in r.stderr
    assert str(port) in r.stderr
