#!/usr/bin/python3
"""Generates S3 signing cases with botocore as the reference implementation.

tarn's SigV4 and SigV2 code (src/s3/) is checked against botocore, the signer behind boto3 and
the aws cli: this script builds thousands of random requests, lets botocore sign them, and
writes the requests and botocore's signatures to a JSON file that src/s3/oracle_test.cc
replays. The requests are deliberately awkward: keys with spaces, unicode, '%', '+' and '~',
repeated and empty query parameters, header values with odd spacing, every payload mode,
session tokens, regions, presigned URLs of many expiries, path-style and virtual-host SigV2.

Only botocore's public signers are used (S3SigV4Auth, S3SigV4QueryAuth, HmacV1Auth,
HmacV1QueryAuth, AwsChunkedWrapper); the clock they read is pinned per case so results are
reproducible. The aws-chunked bodies with chunk signatures, which botocore cannot produce, are
built here with hashlib/hmac from the published algorithm, independently of tarn's code.

Usage: s3_signing_oracle.py --out cases.json [--seed N] [--scale F]
"""

import argparse
import base64
import calendar
import datetime
import email.utils
import hashlib
import hmac
import io
import json
import random
import sys
import types
import zlib
from urllib.parse import quote

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore import httpchecksum

# ---------------------------------------------------------------------------------------------
# Pinning botocore's clock.

_NOW = [datetime.datetime(2020, 1, 1)]


class _PinnedDatetime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return _NOW[0]

    @classmethod
    def now(cls, tz=None):
        return _NOW[0] if tz is None else _NOW[0].replace(tzinfo=tz)


botocore.auth.datetime = types.SimpleNamespace(datetime=_PinnedDatetime,
                                               timezone=datetime.timezone)
if hasattr(botocore.auth, 'get_current_datetime'):
    botocore.auth.get_current_datetime = lambda *args, **kwargs: _NOW[0]


def pin_time(epoch_seconds):
    _NOW[0] = datetime.datetime.utcfromtimestamp(epoch_seconds)


# ---------------------------------------------------------------------------------------------
# Random material.

KEY_ALPHABET = (
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
    '     ---___...~~~///%%%+++!*\'()=&$,:@;#?[]{}<>|^`"\\'
    '\u00e9\u00fc\u00df\u20ac\u4e2d\u6587\u0416\u05d0\U0001f600\u00a0')
VALUE_ALPHABET = KEY_ALPHABET.replace('#', '')
HEADER_VALUE_ALPHABET = (
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
    '-_.~!*\'()=&$,:@;/?+%"<>{}[]|^`')
QUERY_NAMES = ['prefix', 'delimiter', 'marker', 'max-keys', 'list-type', 'start-after',
               'continuation-token', 'uploads', 'uploadId', 'partNumber', 'versionId',
               'response-content-type', 'response-content-disposition', 'acl', 'tagging',
               'x-id', 'encoding-type', 'fetch-owner', 'delete', 'location', 'versioning',
               'a b', 'caf\u00e9', 'k+plus', 'q~t', 'Z', 'a', 'a-b', 'aa', 'B']
REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2',
           'sa-east-1', 'us-gov-west-1', 'cn-north-1', 'tarn-local', 'auto']
METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD']
HOSTS = ['s3.amazonaws.com', 'localhost:8000', '127.0.0.1:9000', 's3.local.tarn.io',
         's3.eu-west-1.amazonaws.com', '[::1]:8000', 'minio.internal:443']
SIGV2_SUBRESOURCES = ['acl', 'uploads', 'uploadId', 'partNumber', 'versionId', 'versioning',
                      'location', 'tagging', 'delete', 'lifecycle', 'cors', 'policy',
                      'response-content-type', 'response-cache-control', 'torrent']
SIGV2_OTHER = ['prefix', 'max-keys', 'marker', 'delimiter', 'list-type', 'x-id']


def rand_text(rng, alphabet, lo, hi):
    return ''.join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def rand_credentials(rng, with_token):
    akid = 'AKIA' + ''.join(rng.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') for _ in range(16))
    secret = ''.join(rng.choice(
        'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') for _ in range(40))
    token = None
    if with_token:
        token = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(rng.randint(20, 300))))
        token = token.decode()
    return Credentials(akid, secret, token)


def rand_epoch(rng):
    # 2015-01-01 .. 2035-12-31, any second.
    return rng.randint(1420070400, 2082758399)


def s3_quote_path(path):
    # How botocore's serializer puts a key in the URL path: '/' and '~' kept.
    return quote(path.encode('utf-8'), safe='/~')


def quote_param(text):
    return quote(text.encode('utf-8'), safe='-_.~')


def oddly_quoted(rng, text, safe):
    """An alternative wire encoding of `text` that a less careful client might send."""
    out = []
    for ch in text:
        b = ch.encode('utf-8')
        if ch.isascii() and (ch.isalnum() or ch in safe):
            if ch != '/' and rng.random() < 0.2:
                out.append(''.join('%%%02x' % c for c in b))  # needlessly escaped, lower-case
            else:
                out.append(ch)
        elif ch in "!*'()$,;:@=" and rng.random() < 0.7:
            out.append(ch)  # sub-delimiters some clients leave alone
        else:
            escaped = ''.join('%%%02X' % c for c in b)
            out.append(escaped.lower() if rng.random() < 0.5 else escaped)
    return ''.join(out)


def rand_key(rng):
    key = rand_text(rng, KEY_ALPHABET, 0, 40)
    if rng.random() < 0.1:
        key = key.replace('/', '//')
    return key


def rand_query(rng, allow_repeats=True, allow_plus=True, odd=False):
    """Returns the raw query string (without '?') and the decoded (name, value|None) pairs."""
    pairs = []
    for _ in range(rng.choice([0, 0, 1, 2, 3, 5, 8])):
        name = rng.choice(QUERY_NAMES)
        if rng.random() < 0.15:
            value = None  # a bare name: "?uploads"
        elif rng.random() < 0.15:
            value = ''
        else:
            value = rand_text(rng, VALUE_ALPHABET, 0, 16)
        if not allow_plus and value:
            value = value.replace('+', '-')
        pairs.append((name, value))
        if allow_repeats and rng.random() < 0.15:
            pairs.append((name, rand_text(rng, VALUE_ALPHABET, 0, 6)))
    parts = []
    for name, value in pairs:
        enc_name = oddly_quoted(rng, name, '-_.~') if odd else quote_param(name)
        if value is None:
            parts.append(enc_name)
        else:
            enc_value = oddly_quoted(rng, value, '-_.~') if odd else quote_param(value)
            parts.append(enc_name + '=' + enc_value)
    return '&'.join(parts), pairs


def rand_header_value(rng):
    core = rand_text(rng, HEADER_VALUE_ALPHABET, 1, 20)
    # Odd spacing: leading/trailing blanks, runs of spaces and tabs inside.
    if rng.random() < 0.5:
        words = [rand_text(rng, HEADER_VALUE_ALPHABET, 1, 6) for _ in range(rng.randint(1, 4))]
        seps = [rng.choice([' ', '  ', '\t', ' \t ', '   ']) for _ in words]
        core = ''.join(w + s for w, s in zip(words, seps)).rstrip(' \t')
    return rng.choice(['', ' ', '  ', '\t']) + core + rng.choice(['', ' ', '   ', '\t'])


def rand_extra_headers(rng):
    headers = []
    for _ in range(rng.randint(0, 5)):
        kind = rng.random()
        if kind < 0.4:
            name = 'x-amz-meta-' + rand_text(rng, 'abcdefghijklmnopqrstuvwxyz0123456789-', 1, 10)
            name = ''.join(c.upper() if rng.random() < 0.3 else c for c in name)
        elif kind < 0.55:
            name = rng.choice(['Content-Type', 'content-type'])
        elif kind < 0.65:
            name = 'Content-MD5'
        elif kind < 0.75:
            name = rng.choice(['Range', 'If-None-Match', 'If-Match', 'Cache-Control'])
        elif kind < 0.85:
            name = rng.choice(['x-amz-storage-class', 'X-Amz-Acl', 'x-amz-tagging',
                               'x-amz-checksum-crc32', 'x-amz-copy-source'])
        else:
            name = 'X-Custom-' + rand_text(rng, 'ABCDEFGHIJ', 1, 4)
        headers.append((name, rand_header_value(rng)))
        if rng.random() < 0.1:
            headers.append((name, rand_header_value(rng)))  # the same header twice
    return headers


def request_for(method, host, path, query, headers, body=b'', scheme='http'):
    url = '%s://%s%s' % (scheme, host, path)
    if query:
        url += '?' + query
    request = AWSRequest(method=method, url=url, data=body)
    request.headers['Host'] = host
    for name, value in headers:
        request.headers[name] = value  # HTTPHeaders appends, so repeats are kept
    return request


def header_list(request):
    return [[name, value] for name, value in request.headers.items()]


def split_url(url):
    rest = url.split('://', 1)[1]
    slash = rest.find('/')
    target = rest[slash:] if slash >= 0 else '/'
    path, _, query = target.partition('?')
    return path, query


# ---------------------------------------------------------------------------------------------
# SigV4, Authorization header.

class _CapturingS3SigV4Auth(botocore.auth.S3SigV4Auth):
    """S3SigV4Auth that remembers its canonical request and can force a payload hash."""

    forced_payload = None
    captured = None

    def payload(self, request):
        if self.forced_payload is not None:
            return self.forced_payload
        return super().payload(request)

    def canonical_request(self, request):
        result = super().canonical_request(request)
        self.captured = result
        return result


STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'


def sign_v4_header(request, credentials, region, payload_mode, epoch):
    """Signs `request` with botocore; payload_mode: 'sha256', 'unsigned', or a STREAMING-*."""
    pin_time(epoch)
    auth = _CapturingS3SigV4Auth(credentials, 's3', region)
    if payload_mode == 'unsigned':
        # botocore drops payload signing over https when the client config says so.
        request.url = 'https' + request.url[request.url.index('://'):]
        request.context['client_config'] = types.SimpleNamespace(
            s3={'payload_signing_enabled': False})
    elif payload_mode == STREAMING_UNSIGNED_TRAILER:
        request.context['checksum'] = {
            'request_algorithm': {'in': 'trailer', 'algorithm': 'crc32',
                                  'name': 'x-amz-checksum-crc32'}}
    elif payload_mode in (STREAMING_SIGNED, STREAMING_SIGNED_TRAILER):
        auth.forced_payload = payload_mode
    input_headers = header_list(request)
    auth.add_auth(request)
    authorization = request.headers['Authorization']
    signature = authorization.rsplit('Signature=', 1)[1]
    signed_headers = authorization.split('SignedHeaders=', 1)[1].split(',', 1)[0]
    return auth, input_headers, signature, signed_headers


def v4_header_case(rng, index):
    credentials = rand_credentials(rng, rng.random() < 0.3)
    region = rng.choice(REGIONS)
    epoch = rand_epoch(rng)
    method = rng.choice(METHODS)
    host = rng.choice(HOSTS)
    odd = rng.random() < 0.15
    key = rand_key(rng)
    bucket = rng.choice(['bucket', 'my.bucket', 'repo-1', ''])
    path_text = ('/' + bucket + '/' + key) if bucket else ('/' + key)
    path = oddly_quoted(rng, path_text, '/~') if odd else s3_quote_path(path_text)
    query, _ = rand_query(rng, odd=odd)
    headers = rand_extra_headers(rng)
    if rng.random() < 0.05:
        headers.append(('User-Agent', 'tarn-oracle/1.0 botocore/' + botocore.__version__))
    if rng.random() < 0.05:
        headers.append(('Expect', '100-continue'))
    date_mode = rng.random() < 0.08
    if date_mode:
        headers.append(('Date', 'placeholder'))  # botocore rewrites it from its clock
    body = b''
    payload_mode = rng.choice(['sha256', 'sha256', 'sha256', 'unsigned', 'unsigned',
                               STREAMING_UNSIGNED_TRAILER, STREAMING_SIGNED,
                               STREAMING_SIGNED_TRAILER])
    if payload_mode == 'sha256' and rng.random() < 0.7:
        body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300)))
    request = request_for(method, host, path, query, headers, body)
    auth, input_headers, signature, signed_headers = sign_v4_header(
        request, credentials, region, payload_mode, epoch)
    return {
        'kind': 'v4_header',
        'id': index,
        'method': method,
        'path': path,
        'query': query,
        'normalized': not odd,
        'date_mode': date_mode,
        'input_headers': input_headers,
        'headers': header_list(request),
        'access_key': credentials.access_key,
        'secret_key': credentials.secret_key,
        'token': credentials.token or '',
        'region': region,
        'epoch': epoch,
        'payload_hash': request.headers['X-Amz-Content-SHA256'],
        'signature': signature,
        'signed_headers': signed_headers,
        'canonical_request': auth.captured,
    }


# ---------------------------------------------------------------------------------------------
# SigV4, presigned URLs.

class _CapturingS3SigV4QueryAuth(botocore.auth.S3SigV4QueryAuth):
    captured = None

    def canonical_request(self, request):
        result = super().canonical_request(request)
        self.captured = result
        return result


def v4_presign_case(rng, index):
    credentials = rand_credentials(rng, rng.random() < 0.3)
    region = rng.choice(REGIONS)
    epoch = rand_epoch(rng)
    expires = rng.choice([1, 60, 900, 3600, 86400, 604800, rng.randint(1, 604800)])
    method = rng.choice(['GET', 'PUT', 'HEAD', 'DELETE', 'POST'])
    host = rng.choice(HOSTS)
    path = s3_quote_path('/' + rng.choice(['b', 'bucket.x']) + '/' + rand_key(rng))
    # botocore re-parses the operation query with parse_qs, which keeps one value per name and
    # reads '+' as a space; such queries stay out so the case describes what is signed.
    query, _ = rand_query(rng, allow_repeats=False, allow_plus=False)
    names = [p.split('=', 1)[0] for p in query.split('&')] if query else []
    if len(set(names)) != len(names):
        query = ''
    headers = []
    if rng.random() < 0.3:
        headers = [(n, v) for n, v in rand_extra_headers(rng)
                   if n.lower() not in ('content-type',)]
    pin_time(epoch)
    request = request_for(method, host, path, query, headers)
    auth = _CapturingS3SigV4QueryAuth(credentials, 's3', region, expires=expires)
    auth.add_auth(request)
    final_path, final_query = split_url(request.url)
    signature = final_query.rsplit('X-Amz-Signature=', 1)[1]
    operation_query = final_query.split('X-Amz-Algorithm=', 1)[0].rstrip('&')
    return {
        'kind': 'v4_presign',
        'id': index,
        'method': method,
        'path': final_path,
        'query': final_query,
        'operation_query': operation_query,
        'headers': header_list(request),
        'access_key': credentials.access_key,
        'secret_key': credentials.secret_key,
        'token': credentials.token or '',
        'region': region,
        'epoch': epoch,
        'expires': expires,
        'signature': signature,
        'canonical_request': auth.captured,
    }


# ---------------------------------------------------------------------------------------------
# SigV2.

class _PinnedHmacV1Auth(botocore.auth.HmacV1Auth):
    date = None

    def _get_date(self):
        return self.date


class _PinnedHmacV1QueryAuth(botocore.auth.HmacV1QueryAuth):
    expires_at = None

    def _get_date(self):
        return str(self.expires_at)


def rand_v2_query(rng):
    parts = []
    for _ in range(rng.choice([0, 1, 1, 2, 3, 4])):
        name = rng.choice(SIGV2_SUBRESOURCES + SIGV2_OTHER)
        if name in ('acl', 'uploads', 'versioning', 'location', 'tagging', 'delete',
                    'lifecycle', 'cors', 'policy', 'torrent') and rng.random() < 0.8:
            parts.append(name)
        else:
            parts.append(name + '=' + quote_param(rand_text(rng, VALUE_ALPHABET, 0, 12)))
    return '&'.join(parts)


def v2_request(rng, method, amz_date_epoch=None, unique_headers=False):
    virtual = rng.random() < 0.3
    bucket = rng.choice(['bucket', 'johnsmith', 'repo-1'])
    key_path = s3_quote_path('/' + rand_key(rng))
    query = rand_v2_query(rng)
    headers = []
    for name, value in rand_extra_headers(rng):
        repeated = any(h[0].lower() == name.lower() for h in headers)
        # botocore signs one Content-Type / Content-MD5; its query signer moves only the first
        # value of a repeated x-amz-* header into the URL.
        if repeated and (unique_headers or name.lower() in ('content-type', 'content-md5')):
            continue
        headers.append((name, value))
    if amz_date_epoch is not None:
        headers.append(('x-amz-date', email.utils.formatdate(amz_date_epoch, usegmt=True)))
    if virtual:
        host = bucket + '.s3.amazonaws.com'
        request = request_for(method, host, key_path, query, headers)
        request.auth_path = '/' + bucket + key_path
    else:
        host = rng.choice(HOSTS)
        request = request_for(method, host, '/' + bucket + key_path, query, headers)
    return request, (bucket if virtual else '')


def v2_header_case(rng, index):
    credentials = rand_credentials(rng, rng.random() < 0.2)
    epoch = rand_epoch(rng)
    method = rng.choice(METHODS)
    with_amz_date = rng.random() < 0.1
    request, virtual_bucket = v2_request(
        rng, method, epoch + rng.randint(-5, 5) if with_amz_date else None)
    input_headers = header_list(request)
    auth = _PinnedHmacV1Auth(credentials)
    auth.date = email.utils.formatdate(epoch, usegmt=True)
    auth.add_auth(request)
    path, query = split_url(request.url)
    return {
        'kind': 'v2_header',
        'id': index,
        'method': method,
        'path': path,
        'query': query,
        'virtual_host_bucket': virtual_bucket,
        'input_headers': input_headers,
        'headers': header_list(request),
        'access_key': credentials.access_key,
        'secret_key': credentials.secret_key,
        'token': credentials.token or '',
        'epoch': epoch,
        'with_amz_date': with_amz_date,
        'authorization': request.headers['Authorization'],
    }


def v2_query_case(rng, index):
    credentials = rand_credentials(rng, rng.random() < 0.2)
    epoch = rand_epoch(rng)
    method = rng.choice(['GET', 'PUT', 'HEAD', 'DELETE'])
    request, virtual_bucket = v2_request(rng, method, unique_headers=True)
    original_path, original_query = split_url(request.url)
    input_headers = header_list(request)
    auth = _PinnedHmacV1QueryAuth(credentials)
    auth.expires_at = epoch
    auth.add_auth(request)
    path, query = split_url(request.url)
    signature = [p for p in query.split('&') if p.startswith('Signature=')][0]
    return {
        'kind': 'v2_query',
        'id': index,
        'method': method,
        'path': path,
        'original_query': original_query,
        'query': query,
        'virtual_host_bucket': virtual_bucket,
        'input_headers': input_headers,
        'host': request.headers['Host'],
        'access_key': credentials.access_key,
        'secret_key': credentials.secret_key,
        'token': credentials.token or '',
        'expires': epoch,
        'signature': signature.split('=', 1)[1],
    }


# ---------------------------------------------------------------------------------------------
# aws-chunked bodies.

def rand_payload(rng):
    size = rng.choice([0, 1, 17, rng.randint(0, 9000), rng.randint(0, 30000)])
    return bytes(rng.getrandbits(8) for _ in range(size))


def chunked_unsigned_case(rng, index):
    """A STREAMING-UNSIGNED-PAYLOAD-TRAILER upload as botocore builds it (AwsChunkedWrapper)."""
    credentials = rand_credentials(rng, rng.random() < 0.2)
    region = rng.choice(REGIONS)
    epoch = rand_epoch(rng)
    payload = rand_payload(rng)
    algorithm = rng.choice(['crc32', 'sha1', 'sha256'])
    name = 'x-amz-checksum-' + algorithm
    wrapper = httpchecksum.AwsChunkedWrapper(
        io.BytesIO(payload), checksum_cls=httpchecksum._CHECKSUM_CLS[algorithm],
        checksum_name=name, chunk_size=rng.choice([7, 512, 1024, 8192, 65536]))
    pieces = []
    while True:
        piece = wrapper.read(rng.randint(1, 5000))
        if not piece:
            break
        pieces.append(piece)
    body = b''.join(pieces)
    headers = [('Content-Encoding', 'aws-chunked'), ('X-Amz-Trailer', name),
               ('X-Amz-Decoded-Content-Length', str(len(payload))),
               ('Content-Length', str(len(body)))]
    request = request_for('PUT', rng.choice(HOSTS), s3_quote_path('/b/' + rand_key(rng)), '',
                          headers)
    sign_v4_header(request, credentials, region, STREAMING_UNSIGNED_TRAILER, epoch)
    path, query = split_url(request.url)
    return {
        'kind': 'chunked_unsigned',
        'id': index,
        'method': 'PUT',
        'path': path,
        'query': query,
        'headers': header_list(request),
        'access_key': credentials.access_key,
        'secret_key': credentials.secret_key,
        'epoch': epoch,
        'payload': base64.b64encode(payload).decode(),
        'body': base64.b64encode(body).decode(),
    }


def _hmac(key, text):
    return hmac.new(key, text.encode('utf-8'), hashlib.sha256)


def chunked_signed_case(rng, index):
    """A signed aws-chunked upload: seed signature from botocore, chunk chain computed here."""
    credentials = rand_credentials(rng, rng.random() < 0.2)
    region = rng.choice(REGIONS)
    epoch = rand_epoch(rng)
    payload = rand_payload(rng)
    mode = rng.choice([STREAMING_SIGNED, STREAMING_SIGNED_TRAILER])
    chunk_size = rng.choice([3, 100, 8192, 10000, 65536])
    trailer = None
    if mode == STREAMING_SIGNED_TRAILER and rng.random() < 0.8:
        algorithm = rng.choice(['crc32', 'sha1', 'sha256'])
        if algorithm == 'crc32':
            digest = (zlib.crc32(payload) & 0xffffffff).to_bytes(4, 'big')
        else:
            digest = hashlib.new(algorithm, payload).digest()
        trailer = ('x-amz-checksum-' + algorithm, base64.b64encode(digest).decode())
    headers = [('Content-Encoding', 'aws-chunked'),
               ('X-Amz-Decoded-Content-Length', str(len(payload)))]
    if trailer:
        headers.append(('X-Amz-Trailer', trailer[0]))
    request = request_for('PUT', rng.choice(HOSTS), s3_quote_path('/b/' + rand_key(rng)), '',
                          headers)
    _, _, seed, _ = sign_v4_header(request, credentials, region, mode, epoch)

    amz_date = request.headers['X-Amz-Date']
    scope = '%s/%s/s3/aws4_request' % (amz_date[:8], region)
    key = ('AWS4' + credentials.secret_key).encode('utf-8')
    for part in (amz_date[:8], region, 's3', 'aws4_request'):
        key = _hmac(key, part).digest()
    empty = hashlib.sha256(b'').hexdigest()
    previous = seed
    chunks = [payload[i:i + chunk_size] for i in range(0, len(payload), chunk_size)] + [b'']
    body = []
    for chunk in chunks:
        to_sign = '\n'.join(['AWS4-HMAC-SHA256-PAYLOAD', amz_date, scope, previous, empty,
                             hashlib.sha256(chunk).hexdigest()])
        previous = _hmac(key, to_sign).hexdigest()
        body.append(b'%x;chunk-signature=%s\r\n' % (len(chunk), previous.encode()))
        if chunk:
            body.append(chunk + b'\r\n')
    if mode == STREAMING_SIGNED:
        body.append(b'\r\n')
    else:
        canonical = ''
        if trailer:
            canonical = '%s:%s\n' % trailer
            body.append(('%s:%s\r\n' % trailer).encode())
        to_sign = '\n'.join(['AWS4-HMAC-SHA256-TRAILER', amz_date, scope, previous,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        body.append(b'x-amz-trailer-signature:%s\r\n\r\n' %
                    _hmac(key, to_sign).hexdigest().encode())
    body = b''.join(body)
    path, query = split_url(request.url)
    return {
        'kind': 'chunked_signed',
        'id': index,
        'method': 'PUT',
        'path': path,
        'query': query,
        'headers': header_list(request),
        'access_key': credentials.access_key,
        'secret_key': credentials.secret_key,
        'epoch': epoch,
        'mode': mode,
        'chunk_size': chunk_size,
        'trailer_checksum': trailer[0] if trailer else '',
        'seed_signature': seed,
        'payload': base64.b64encode(payload).decode(),
        'body': base64.b64encode(body).decode(),
    }


# ---------------------------------------------------------------------------------------------

GENERATORS = [
    (v4_header_case, 2500),
    (v4_presign_case, 1500),
    (v2_header_case, 800),
    (v2_query_case, 500),
    (chunked_unsigned_case, 100),
    (chunked_signed_case, 100),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', required=True)
    parser.add_argument('--seed', type=int, default=20240301)
    parser.add_argument('--scale', type=float, default=1.0,
                        help='multiplies the number of cases of every kind')
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cases = []
    for generator, count in GENERATORS:
        for _ in range(max(1, int(count * args.scale))):
            cases.append(generator(rng, len(cases)))
    with open(args.out, 'w', encoding='utf-8') as out:
        json.dump({'botocore_version': botocore.__version__, 'seed': args.seed,
                   'cases': cases}, out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
