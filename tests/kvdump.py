"""Writes and reads tarn KV dump files (docs/kv_dump_format.md) for the system tests."""
import base64
import hashlib
import json
import struct


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def write_dump(path, partitions):
    """partitions: {name bytes: {key bytes: value bytes}}; writes a valid dump file."""
    lines = [json.dumps({"format": "tarn-kv-dump", "version": 1,
                         "created": "2026-01-01T00:00:00Z", "driver": "test"},
                        separators=(",", ":"))]
    total = 0
    for name in sorted(partitions):
        entries = partitions[name]
        lines.append(json.dumps({"partition": b64(name)}, separators=(",", ":")))
        h = hashlib.sha256()
        for k in sorted(entries):
            v = entries[k]
            h.update(struct.pack(">Q", len(k)) + k + struct.pack(">Q", len(v)) + v)
            lines.append(json.dumps({"k": b64(k), "v": b64(v)}, separators=(",", ":")))
        lines.append(json.dumps({"end_partition": b64(name), "count": len(entries),
                                 "sha256": h.hexdigest()}, separators=(",", ":")))
        total += len(entries)
    lines.append(json.dumps({"end": "tarn-kv-dump", "partitions": len(partitions),
                             "entries": total}, separators=(",", ":")))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def read_dump(path):
    """Returns {partition bytes: {key bytes: value bytes}} from a dump file."""
    out = {}
    current = None
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            if "partition" in record:
                current = out.setdefault(base64.b64decode(record["partition"]), {})
            elif "k" in record:
                current[base64.b64decode(record["k"])] = base64.b64decode(record["v"])
    return out
