"""Mapping rules: which client serves a bucket, under which bucket name and key prefix.

A rule is a dict with
  bucket_name         the caller's bucket: an exact name or a glob ("logs-*", "*")
  client              the name of the client that serves it
  mapped_bucket_name  the bucket (or tarn repository) on that client; default: the same name
  key_prefix          prepended to every key on that client, e.g. "main/" for a tarn branch
Rules are checked in order and the first match wins; a rule for "*" is required, so every
bucket has a home.
"""
import fnmatch
from dataclasses import dataclass

_FIELDS = {"bucket_name", "client", "mapped_bucket_name", "key_prefix"}


@dataclass(frozen=True)
class Rule:
    bucket_name: str
    client: str
    mapped_bucket_name: str | None = None
    key_prefix: str = ""

    @property
    def is_glob(self):
        return any(c in self.bucket_name for c in "*?[")

    def matches(self, bucket):
        if self.is_glob:
            return fnmatch.fnmatchcase(bucket, self.bucket_name)
        return bucket == self.bucket_name


@dataclass(frozen=True)
class Route:
    """Where one (bucket, key) goes."""
    rule: Rule
    client: str
    bucket: str
    key_prefix: str

    def key(self, key):
        return self.key_prefix + key

    def unkey(self, key):
        """The caller's key for a key on the target; None when it is outside the prefix."""
        if not key.startswith(self.key_prefix):
            return None
        return key[len(self.key_prefix):]


class Router:
    def __init__(self, rules, client_names):
        if not isinstance(rules, (list, tuple)) or not rules:
            raise ValueError("botwo needs a non-empty list of mapping rules, the last one "
                             "usually {'bucket_name': '*', 'client': '<default client>'}")
        names = sorted(client_names)
        parsed = []
        for i, raw in enumerate(rules):
            if not isinstance(raw, dict):
                raise ValueError(f"mapping rule {i} is not a dict: {raw!r}")
            unknown = set(raw) - _FIELDS
            if unknown:
                raise ValueError(f"mapping rule {i} has unknown fields {sorted(unknown)}; "
                                 f"known: {sorted(_FIELDS)}")
            for field in ("bucket_name", "client"):
                if not isinstance(raw.get(field), str) or not raw[field]:
                    raise ValueError(f"mapping rule {i} needs '{field}' (a non-empty string)")
            if raw["client"] not in client_names:
                raise ValueError(f"mapping rule {i} names client '{raw['client']}', but the "
                                 f"clients are {names}")
            prefix = raw.get("key_prefix") or ""
            if prefix.startswith("/"):
                raise ValueError(f"mapping rule {i}: key_prefix '{prefix}' must not start "
                                 f"with '/'")
            parsed.append(Rule(raw["bucket_name"], raw["client"],
                               raw.get("mapped_bucket_name") or None, prefix))
        defaults = [r for r in parsed if r.bucket_name == "*"]
        if not defaults:
            raise ValueError("botwo needs a default mapping rule {'bucket_name': '*', "
                             "'client': ...} so that every bucket is routed somewhere; add it "
                             "as the last rule")
        self.rules = tuple(parsed)
        self.default = defaults[0]

    def route(self, bucket):
        for rule in self.rules:
            if rule.matches(bucket):
                return Route(rule, rule.client, rule.mapped_bucket_name or bucket,
                             rule.key_prefix)
        raise AssertionError("unreachable: the '*' rule matches every bucket")
