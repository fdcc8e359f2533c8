"""The routing client: every method of a boto3 S3 client, each call sent to the client that
serves its bucket, with bucket names and keys mapped on the way in and back on the way out."""
import functools
import urllib.parse

from botocore import xform_name
from botocore.exceptions import ClientError

from . import transfer
from .rules import Router

# Request parameters that hold keys (or key prefixes) of the request's bucket.
_KEY_PARAMS = ("Key", "StartAfter", "Marker", "KeyMarker")
# Response fields that hold one key of the bucket, and lists of items with a "Key".
_KEY_FIELDS = ("Key", "Prefix", "StartAfter", "Marker", "NextMarker", "KeyMarker",
               "NextKeyMarker")
_KEY_LISTS = ("Contents", "Versions", "DeleteMarkers", "Uploads", "Deleted", "Errors")
_BUCKET_FIELDS = ("Bucket", "Name")
# Methods that are not service operations but take a bucket (and key) of their own.
_TRANSFER_METHODS = {
    "upload_file": ("Filename", "Bucket", "Key"),
    "download_file": ("Bucket", "Key", "Filename"),
    "upload_fileobj": ("Fileobj", "Bucket", "Key"),
    "download_fileobj": ("Bucket", "Key", "Fileobj"),
}


def client(clients, rules, **options):
    """A client with the methods of boto3's S3 client that routes every call.

    clients: {name: boto3 S3 client}; rules: mapping rules (see botwo.rules), first match wins,
    a '*' rule required. Options: `part_size` (bytes, default 8 MiB) and `multipart_threshold`
    (default 8 MiB) for copies between two clients, which stream through this process."""
    return RoutingClient(clients, rules, **options)


def parse_copy_source(source):
    """(bucket, key, version_id) from CopySource as boto3 accepts it: a dict with Bucket, Key
    and optional VersionId, or a string 'bucket/key[?versionId=v]' with the key URL-encoded."""
    if isinstance(source, dict):
        if "Bucket" not in source or "Key" not in source:
            raise ValueError(f"CopySource {source!r} needs Bucket and Key")
        return source["Bucket"], source["Key"], source.get("VersionId")
    if not isinstance(source, str):
        raise ValueError(f"CopySource must be a dict or a string, not {type(source).__name__}")
    path, _, query = source.lstrip("/").partition("?")
    bucket, sep, key = path.partition("/")
    if not sep or not bucket or not key:
        raise ValueError(f"CopySource '{source}' is not 'bucket/key'")
    version = urllib.parse.parse_qs(query).get("versionId", [None])[0]
    return bucket, urllib.parse.unquote(key), version


class RoutingClient:
    def __init__(self, clients, rules, part_size=8 * 1024 * 1024,
                 multipart_threshold=8 * 1024 * 1024):
        if not isinstance(clients, dict) or not clients:
            raise ValueError("botwo needs a dict of named boto3 S3 clients, e.g. "
                             "{'s3': boto3.client('s3'), 'tarn': boto3.client('s3', "
                             "endpoint_url=...)}")
        for name, c in clients.items():
            if not hasattr(c, "meta") or getattr(c.meta, "service_model", None) is None or \
                    c.meta.service_model.service_name != "s3":
                raise ValueError(f"client '{name}' is not a boto3 S3 client")
        if part_size < 5 * 1024 * 1024:
            raise ValueError("part_size must be at least 5 MiB, S3's smallest part")
        self._clients = dict(clients)
        self._router = Router(rules, set(clients))
        self._default = self._clients[self._router.default.client]
        self._part_size = part_size
        self._threshold = multipart_threshold
        self._members = {}
        model = self._default.meta.service_model
        for op in model.operation_names:
            name = xform_name(op)
            shape = model.operation_model(op).input_shape
            self._members[name] = set(shape.members) if shape is not None else set()
            method = functools.partial(self._invoke, name)
            functools.update_wrapper(method, getattr(self._default, name))
            setattr(self, name, method)

    # -- what behaves as the default client's ------------------------------------------------

    @property
    def meta(self):
        """The default client's meta, except that handlers registered on `meta.events` are
        registered on every routed client, so a hook sees every call whichever client serves
        it."""
        return _Meta(self._default.meta, list(self._clients.values()))

    @property
    def exceptions(self):
        return self._default.exceptions

    def can_paginate(self, operation_name):
        return self._default.can_paginate(operation_name)

    def route(self, bucket):
        """The Route (client name, target bucket, key prefix) of a bucket."""
        return self._router.route(bucket)

    def client_for(self, bucket):
        return self._clients[self._router.route(bucket).client]

    def close(self):
        for c in self._clients.values():
            if hasattr(c, "close"):
                c.close()

    def __getattr__(self, name):
        # Anything else a boto3 client has (e.g. the waiter and paginator names): the default's.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._default, name)

    # -- mapping --------------------------------------------------------------------------------

    def _map_params(self, method, route, params):
        out = dict(params)
        out["Bucket"] = route.bucket
        for name in _KEY_PARAMS:
            if name in out and isinstance(out[name], str):
                out[name] = route.key(out[name])
        members = self._members.get(method, set())
        if "Prefix" in members and (route.key_prefix or "Prefix" in out):
            out["Prefix"] = route.key(out.get("Prefix", ""))
        if isinstance(out.get("Delete"), dict):
            delete = dict(out["Delete"])
            delete["Objects"] = [dict(o, Key=route.key(o["Key"])) for o in delete["Objects"]]
            out["Delete"] = delete
        return out

    def _unmap(self, response, bucket, route):
        if not isinstance(response, dict):
            return response
        out = dict(response)
        for name in _BUCKET_FIELDS:
            if out.get(name) == route.bucket:
                out[name] = bucket
        for name in _KEY_FIELDS:
            if isinstance(out.get(name), str):
                back = route.unkey(out[name])
                if back is not None:
                    out[name] = back
        for name in _KEY_LISTS:
            if isinstance(out.get(name), list):
                out[name] = [self._unkey_item(i, route) for i in out[name]]
        if isinstance(out.get("CommonPrefixes"), list):
            out["CommonPrefixes"] = [
                dict(p, Prefix=route.unkey(p["Prefix"]) or p["Prefix"]) if "Prefix" in p else p
                for p in out["CommonPrefixes"]]
        return out

    @staticmethod
    def _unkey_item(item, route):
        if isinstance(item, dict) and isinstance(item.get("Key"), str):
            back = route.unkey(item["Key"])
            if back is not None:
                return dict(item, Key=back)
        return item

    def _unmap_error(self, error, bucket, route):
        err = error.response.get("Error", {})
        if err.get("BucketName") == route.bucket:
            err["BucketName"] = bucket
        if isinstance(err.get("Key"), str):
            back = route.unkey(err["Key"])
            if back is not None:
                err["Key"] = back

    def _call(self, method, bucket, route, params):
        target = self._clients[route.client]
        try:
            response = getattr(target, method)(**self._map_params(method, route, params))
        except ClientError as e:
            self._unmap_error(e, bucket, route)
            raise
        return self._unmap(response, bucket, route)

    # -- calls ----------------------------------------------------------------------------------

    def _invoke(self, method, **params):
        bucket = params.get("Bucket")
        if not isinstance(bucket, str):
            return getattr(self._default, method)(**params)
        route = self._router.route(bucket)
        if "CopySource" in params and method in ("copy_object", "upload_part_copy"):
            return self._copy_call(method, bucket, route, params)
        return self._call(method, bucket, route, params)

    def _copy_call(self, method, bucket, route, params):
        src_bucket, src_key, version = parse_copy_source(params["CopySource"])
        src_route = self._router.route(src_bucket)
        if src_route.client == route.client:
            source = {"Bucket": src_route.bucket, "Key": src_route.key(src_key)}
            if version:
                source["VersionId"] = version
            return self._call(method, bucket, route, dict(params, CopySource=source))
        src = self._clients[src_route.client]
        dst = self._clients[route.client]
        src_args = {"Bucket": src_route.bucket, "Key": src_route.key(src_key)}
        if version:
            src_args["VersionId"] = version
        for cond in ("IfMatch", "IfNoneMatch", "IfModifiedSince", "IfUnmodifiedSince"):
            if "CopySource" + cond in params:
                src_args[cond] = params["CopySource" + cond]
        dst_params = self._map_params(method, route, params)
        dst_params.pop("CopySource")
        try:
            if method == "upload_part_copy":
                response = transfer.copy_part_across(src, src_args, dst, dst_params)
            else:
                response = transfer.copy_object_across(src, src_args, dst, dst_params,
                                                       self._part_size, self._threshold)
        except ClientError as e:
            self._unmap_error(e, bucket, route)
            raise
        return self._unmap(response, bucket, route)

    def copy(self, CopySource, Bucket, Key, ExtraArgs=None, Callback=None, SourceClient=None,
             Config=None):
        """The managed copy: inside one client as boto3 does it; between two clients as a
        streamed read and (multipart) write."""
        src_bucket, src_key, version = parse_copy_source(CopySource)
        src_route, route = self._router.route(src_bucket), self._router.route(Bucket)
        source = {"Bucket": src_route.bucket, "Key": src_route.key(src_key)}
        if version:
            source["VersionId"] = version
        dst = self._clients[route.client]
        if src_route.client == route.client:
            return dst.copy(source, route.bucket, route.key(Key), ExtraArgs=ExtraArgs,
                            Callback=Callback, SourceClient=SourceClient or dst, Config=Config)
        dst_params = dict(ExtraArgs or {}, Bucket=route.bucket, Key=route.key(Key))
        transfer.copy_object_across(self._clients[src_route.client], source, dst, dst_params,
                                    self._part_size, self._threshold, callback=Callback)
        return None

    def get_paginator(self, operation_name):
        return _Paginator(self, operation_name)

    def get_waiter(self, waiter_name):
        return _Waiter(self, waiter_name)

    def generate_presigned_url(self, ClientMethod, Params=None, ExpiresIn=3600,
                               HttpMethod=None):
        params = dict(Params or {})
        bucket = params.get("Bucket")
        if not isinstance(bucket, str):
            return self._default.generate_presigned_url(ClientMethod, Params=params,
                                                        ExpiresIn=ExpiresIn,
                                                        HttpMethod=HttpMethod)
        route = self._router.route(bucket)
        return self._clients[route.client].generate_presigned_url(
            ClientMethod, Params=self._map_params(ClientMethod, route, params),
            ExpiresIn=ExpiresIn, HttpMethod=HttpMethod)

    def generate_presigned_post(self, Bucket, Key, Fields=None, Conditions=None,
                                ExpiresIn=3600):
        route = self._router.route(Bucket)
        return self._clients[route.client].generate_presigned_post(
            route.bucket, route.key(Key), Fields=Fields, Conditions=Conditions,
            ExpiresIn=ExpiresIn)

    def _transfer(self, method, *args, **kwargs):
        names = _TRANSFER_METHODS[method]
        bound = dict(zip(names, args))
        bound.update({k: kwargs.pop(k) for k in names if k in kwargs})
        route = self._router.route(bound["Bucket"])
        bound["Bucket"], bound["Key"] = route.bucket, route.key(bound["Key"])
        target = getattr(self._clients[route.client], method)
        return target(*(bound[n] for n in names), **kwargs)

    def upload_file(self, *args, **kwargs):
        return self._transfer("upload_file", *args, **kwargs)

    def download_file(self, *args, **kwargs):
        return self._transfer("download_file", *args, **kwargs)

    def upload_fileobj(self, *args, **kwargs):
        return self._transfer("upload_fileobj", *args, **kwargs)

    def download_fileobj(self, *args, **kwargs):
        return self._transfer("download_fileobj", *args, **kwargs)


class _Paginator:
    """A paginator of the routed client whose pages speak the caller's bucket and keys."""

    def __init__(self, owner, operation_name):
        self._owner = owner
        self._name = operation_name
        owner._default.get_paginator(operation_name)  # unknown names fail here, as boto3's

    def paginate(self, **params):
        return _PageIterator(self._owner, self._name, params)


class _PageIterator:
    def __init__(self, owner, name, params):
        self._owner, self._name, self._params = owner, name, params

    def _pages(self):
        bucket = self._params.get("Bucket")
        if not isinstance(bucket, str):
            yield from self._owner._default.get_paginator(self._name).paginate(**self._params)
            return
        route = self._owner._router.route(bucket)
        target = self._owner._clients[route.client]
        mapped = self._owner._map_params(self._name, route, self._params)
        try:
            for page in target.get_paginator(self._name).paginate(**mapped):
                yield self._owner._unmap(page, bucket, route)
        except ClientError as e:
            self._owner._unmap_error(e, bucket, route)
            raise

    def __iter__(self):
        return self._pages()

    def search(self, expression):
        import jmespath
        compiled = jmespath.compile(expression)
        for page in self._pages():
            result = compiled.search(page)
            if isinstance(result, list):
                yield from result
            else:
                yield result

    def build_full_result(self):
        full = {}
        for page in self._pages():
            for k, v in page.items():
                if k == "ResponseMetadata":
                    continue
                if isinstance(v, list):
                    full.setdefault(k, []).extend(v)
                elif k not in full:
                    full[k] = v
        return full


class _Waiter:
    def __init__(self, owner, name):
        self._owner, self._name = owner, name

    def wait(self, **params):
        bucket = params.get("Bucket")
        if not isinstance(bucket, str):
            return self._owner._default.get_waiter(self._name).wait(**params)
        route = self._owner._router.route(bucket)
        mapped = dict(params, Bucket=route.bucket)
        if "Key" in mapped:
            mapped["Key"] = route.key(mapped["Key"])
        return self._owner._clients[route.client].get_waiter(self._name).wait(**mapped)


class _Meta:
    """A client's meta whose `events` registers handlers on every routed client."""

    def __init__(self, meta, clients):
        self._meta = meta
        self.events = _Events(meta.events, [c.meta.events for c in clients])

    def __getattr__(self, name):
        return getattr(self._meta, name)


class _Events:
    _FAN_OUT = ("register", "register_first", "register_last", "unregister")

    def __init__(self, default, all_emitters):
        self._default = default
        self._all = []
        for e in all_emitters:  # clients may share an emitter; register once on each
            if not any(e is seen for seen in self._all):
                self._all.append(e)

    def __getattr__(self, name):
        if name in self._FAN_OUT:
            def fan_out(*args, **kwargs):
                for emitter in self._all:
                    getattr(emitter, name)(*args, **kwargs)
            return fan_out
        return getattr(self._default, name)

