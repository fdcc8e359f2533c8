"""Copies between two clients: a streamed read from one and a write to the other, multipart
for large objects, so memory holds at most one part."""
import datetime

# Parameters of CopyObject that also mean something to PutObject / CreateMultipartUpload.
_WRITE_PARAMS = ("ACL", "CacheControl", "ContentDisposition", "ContentEncoding",
                 "ContentLanguage", "ContentType", "Expires", "GrantFullControl", "GrantRead",
                 "GrantReadACP", "GrantWriteACP", "Metadata", "ServerSideEncryption",
                 "StorageClass", "Tagging", "SSEKMSKeyId", "ObjectLockMode",
                 "ObjectLockRetainUntilDate", "ObjectLockLegalHoldStatus")


def _read_exactly(body, n):
    chunks, left = [], n
    while left > 0:
        chunk = body.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def copy_object_across(src, src_args, dst, dst_params, part_size, threshold, callback=None):
    """CopyObject from `src` (get_object arguments `src_args`) to `dst` (CopyObject parameters
    already mapped, without CopySource). Returns a CopyObject-shaped response."""
    got = src.get_object(**src_args)
    body, size = got["Body"], got["ContentLength"]
    write = {"Bucket": dst_params["Bucket"], "Key": dst_params["Key"]}
    if dst_params.get("MetadataDirective") == "REPLACE":
        for name in _WRITE_PARAMS:
            if name in dst_params:
                write[name] = dst_params[name]
    else:
        write["Metadata"] = got.get("Metadata", {})
        for name in ("ContentType", "CacheControl", "ContentDisposition", "ContentEncoding",
                     "ContentLanguage"):
            if got.get(name):
                write[name] = got[name]
        for name in _WRITE_PARAMS:
            if name in dst_params and name not in ("Metadata", "ContentType"):
                write[name] = dst_params[name]
    try:
        if size <= threshold:
            data = _read_exactly(body, size)
            put = dst.put_object(Body=data, **write)
            if callback:
                callback(len(data))
            etag = put.get("ETag")
        else:
            etag = _multipart(body, size, dst, write, part_size, callback)
    finally:
        body.close()
    return {"CopyObjectResult": {"ETag": etag,
                                 "LastModified": datetime.datetime.now(datetime.timezone.utc)},
            "Bucket": dst_params["Bucket"], "Key": dst_params["Key"]}


def _multipart(body, size, dst, write, part_size, callback):
    upload = dst.create_multipart_upload(**write)
    upload_id = upload["UploadId"]
    parts = []
    try:
        number, left = 1, size
        while left > 0:
            data = _read_exactly(body, min(part_size, left))
            if not data:
                raise IOError(f"the source ended {left} bytes early")
            part = dst.upload_part(Bucket=write["Bucket"], Key=write["Key"], UploadId=upload_id,
                                   PartNumber=number, Body=data)
            parts.append({"PartNumber": number, "ETag": part["ETag"]})
            if callback:
                callback(len(data))
            left -= len(data)
            number += 1
        done = dst.complete_multipart_upload(Bucket=write["Bucket"], Key=write["Key"],
                                             UploadId=upload_id,
                                             MultipartUpload={"Parts": parts})
        return done.get("ETag")
    except BaseException:
        try:
            dst.abort_multipart_upload(Bucket=write["Bucket"], Key=write["Key"],
                                       UploadId=upload_id)
        except Exception:  # the original error is the one to report
            pass
        raise


def copy_part_across(src, src_args, dst, dst_params):
    """UploadPartCopy from another client: a ranged read of the source (CopySourceRange) sent
    as the part. Holds the part in memory."""
    args = dict(src_args)
    if dst_params.get("CopySourceRange"):
        args["Range"] = dst_params["CopySourceRange"]
    got = src.get_object(**args)
    try:
        data = got["Body"].read()
    finally:
        got["Body"].close()
    part = dst.upload_part(Bucket=dst_params["Bucket"], Key=dst_params["Key"],
                           UploadId=dst_params["UploadId"], PartNumber=dst_params["PartNumber"],
                           Body=data)
    return {"CopyPartResult": {"ETag": part["ETag"],
                               "LastModified": datetime.datetime.now(datetime.timezone.utc)}}
