#!/usr/bin/env python3
"""`tarn export` against lakeFS's Docker exporter's method (`rclone sync` reading the ref from the
S3 gateway), to the same kind of destination (a fresh local directory), in the same run:

  a. full export of 10,000 x 4 KiB objects      target: tarn >= 3x faster than rclone
  b. full export of 20 x 64 MiB objects          target: tarn at least as fast
  c. diff export of 100 changes on a 100,000-object ref and on a 10,000-object ref
                                                 target: <= 2 s, within +-20% of each other;
                                                 rclone sync's time for the same change beside it

usage: bench/export_bench.py TARN_BINARY [--quick] [--cases abc]
  (--quick: 10x smaller datasets; --cases: a subset of the cases)
Needs rclone and Debian's python3-boto3. Prints a Markdown table."""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import boto3
from botocore.config import Config

ACCESS_KEY = "AKIAIOSFOLQUICKSTART"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


class Server:
    def __init__(self, binary, data_dir):
        self.proc = subprocess.Popen([binary, "serve", "--quickstart", "--data-dir", data_dir,
                                      "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        for line in self.proc.stdout:
            m = re.search(r"tarn is serving on (http://\S+)", line)
            if m:
                self.url = m.group(1)
                break
        else:
            raise SystemExit("tarn serve did not start")
        for line in self.proc.stdout:
            if "Ctrl-C" in line:
                break

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)


def run(cmd, env, **kw):
    start = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, **kw)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n"
                         f"{proc.stderr}")
    return elapsed, proc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tarn")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--cases", default="abc", help="which cases to run, e.g. 'a' or 'bc'")
    args = ap.parse_args()
    scale = 10 if args.quick else 1
    if shutil.which("rclone") is None:
        raise SystemExit("rclone is not installed (apt-get install rclone)")
    tarn = os.path.abspath(args.tarn)
    work = tempfile.mkdtemp(prefix="tarn-export-bench-")
    server = Server(tarn, os.path.join(work, "data"))
    env = dict(os.environ, TARN_ENDPOINT=server.url, TARN_ACCESS_KEY_ID=ACCESS_KEY,
               TARN_SECRET_ACCESS_KEY=SECRET_KEY)
    renv = dict(env, RCLONE_CONFIG_T_TYPE="s3", RCLONE_CONFIG_T_PROVIDER="Other",
                RCLONE_CONFIG_T_ENDPOINT=server.url, RCLONE_CONFIG_T_ACCESS_KEY_ID=ACCESS_KEY,
                RCLONE_CONFIG_T_SECRET_ACCESS_KEY=SECRET_KEY, RCLONE_CONFIG_T_REGION="us-east-1",
                RCLONE_CONFIG_T_FORCE_PATH_STYLE="true")
    renv.pop("AWS_CA_BUNDLE", None)  # Debian's rclone refuses S3 remotes with it set
    s3 = boto3.client("s3", endpoint_url=server.url, aws_access_key_id=ACCESS_KEY,
                      aws_secret_access_key=SECRET_KEY, region_name="us-east-1",
                      config=Config(s3={"addressing_style": "path"},
                                    max_pool_connections=32))
    rows = []
    counter = [0]

    def fresh(name):
        counter[0] += 1
        path = os.path.join(work, f"{name}-{counter[0]}")
        return path

    def dataset(repo, count, size, dirs=100):
        """A repository with `count` objects of `size` bytes, uploaded with tarn fs upload."""
        src = os.path.join(work, f"src-{repo}")
        block = os.urandom(size)
        for i in range(count):
            d = os.path.join(src, f"d{i % dirs:03d}")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, f"part-{i:06d}.bin"), "wb") as f:
                f.write(i.to_bytes(8, "little") + block[8:])
        run([tarn, "repo", "create", f"tarn://{repo}", f"local://{repo}"], env)
        t, _ = run([tarn, "fs", "upload", "--recursive", src, f"tarn://{repo}/main/",
                    "--parallelism", "16"], env, timeout=3600)
        run([tarn, "commit", f"tarn://{repo}/main", "-m", "data"], env)
        # The sources stay until the end: ext4 makes file creation slow for a while after many
        # deletions (it skips recently freed inodes), which would tax whatever runs next.
        print(f"  {repo}: {count} x {size} B uploaded in {t:.1f} s", file=sys.stderr, flush=True)

    def head(repo):
        _, p = run([tarn, "log", f"tarn://{repo}/main", "--amount", "1", "--json"], env)
        import json
        data = json.loads(p.stdout)
        first = data[0] if isinstance(data, list) else data["results"][0]
        return first["id"]

    # Every timed run starts with no dirty pages of earlier steps to write back (tarn syncs its
    # destination's file system before writing its marker; rclone does not sync at all).
    def tarn_export(repo, dest, *extra):
        os.sync()
        t, _ = run([tarn, "export", repo, dest, "--branch", "main", "--no-progress", *extra],
                   env, timeout=3600)
        return t

    def rclone_sync(repo, dest, transfers):
        os.sync()
        t, _ = run(["rclone", "sync", f"t:{repo}/main", dest, "--transfers", str(transfers)],
                   renv, timeout=3600)
        return t

    def full(label, repo, count, size, target):
        """Each tool twice, interleaved, into fresh directories; the better time counts."""
        total = count * size
        times = {"auto": [], "server": [], "r8": [], "r4": []}
        for _ in range(2):
            times["auto"].append(tarn_export(repo, fresh("tarn")))
            times["r8"].append(rclone_sync(repo, fresh("rclone8"), 8))
            times["server"].append(tarn_export(repo, fresh("tarn-server"), "--read-from",
                                               "server"))
            times["r4"].append(rclone_sync(repo, fresh("rclone4"), 4))
        t_auto, t_server, t_r8, t_r4 = (min(times[k]) for k in ("auto", "server", "r8", "r4"))
        for name, t in (("tarn export (reads local storage)", t_auto),
                        ("tarn export --read-from server", t_server),
                        ("rclone sync --transfers 8", t_r8), ("rclone sync (default 4)", t_r4)):
            rows.append((label, name, t, count / t, total / t / 1e6,
                         t_r8 / t if name.startswith("tarn") else None, target))

    print("machine:", os.cpu_count(), "cores,",
          os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**30, "GiB,",
          os.uname().release, file=sys.stderr)
    if "a" in args.cases:
        n_small = 10000 // scale
        dataset("small", n_small, 4096)
        full(f"a. {n_small} x 4 KiB", "small", n_small, 4096, ">= 3x rclone")
    if "b" in args.cases:
        n_big = 20 // (2 if args.quick else 1)
        big = (64 if not args.quick else 16) * 1024 * 1024
        dataset("big", n_big, big, dirs=1)
        full(f"b. {n_big} x {big // 2**20} MiB", "big", n_big, big, ">= 1x rclone")

    diff_rows = []
    for count in ((100000 // scale, 10000 // scale) if "c" in args.cases else ()):
        repo = f"ref{count}"
        dataset(repo, count, 64)
        d_tarn, d_rclone = fresh("diff-tarn"), fresh("diff-rclone")
        tarn_export(repo, d_tarn)
        rclone_sync(repo, d_rclone, 8)
        before = head(repo)
        keys = [f"main/d{i % 100:03d}/part-{i:06d}.bin" for i in range(0, count, count // 75)]
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda k: s3.put_object(Bucket=repo, Key=k, Body=b"changed"),
                          keys[:50]))
            list(pool.map(lambda i: s3.put_object(Bucket=repo, Key=f"main/new/n{i}.bin",
                                                  Body=b"new"), range(25)))
        s3.delete_objects(Bucket=repo, Delete={"Objects": [{"Key": k} for k in keys[50:75]]})
        run([tarn, "commit", f"tarn://{repo}/main", "-m", "100 changes"], env)
        t_diff = tarn_export(repo, d_tarn, "--prev-commit", before)
        t_rdiff = rclone_sync(repo, d_rclone, 8)
        diff_rows.append((count, t_diff, t_rdiff))

    print()
    print("| case | tool | seconds | objects/s | MB/s | tarn vs rclone --transfers 8 | "
          "target |")
    print("|---|---|---|---|---|---|---|")
    for label, name, t, ops, mbs, ratio, target in rows:
        r = f"{ratio:.2f}x" if ratio else ""
        print(f"| {label} | {name} | {t:.2f} | {ops:,.0f} | {mbs:.1f} | {r} | "
              f"{target if ratio else ''} |")
    print()
    print("| c. diff export of 100 changes | tarn export --prev-commit | rclone sync "
          "--transfers 8 | target |")
    print("|---|---|---|---|")
    for count, t_diff, t_rdiff in diff_rows:
        print(f"| ref of {count:,} objects | {t_diff:.2f} s | {t_rdiff:.2f} s | <= 2 s |")
    if len(diff_rows) == 2:
        ratio = diff_rows[0][1] / diff_rows[1][1]
        print(f"\ntarn diff export, {diff_rows[0][0]:,}-object ref vs {diff_rows[1][0]:,}: "
              f"{ratio:.2f}x (target 0.8-1.2x)")
    server.stop()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
