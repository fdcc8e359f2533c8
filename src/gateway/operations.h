// Every S3 operation the gateway serves, one function each (one file per group of
// operations). Each takes the request's Context and returns the response, errors included
// (ErrorResponse).
#pragma once

#include "gateway/context.h"

namespace tarn::gateway {

// Service and bucket (bucket_ops.cc).
http::Response ListBuckets(Context& ctx);
http::Response HeadBucket(Context& ctx);
http::Response CreateBucket(Context& ctx);
http::Response DeleteBucket(Context& ctx);
http::Response GetBucketLocation(Context& ctx);
http::Response GetBucketVersioning(Context& ctx);

// Listing (list_objects.cc).
http::Response ListObjects(Context& ctx);  // v1 and v2 (ctx.op says which)

// Objects (get_object.cc, put_object.cc, delete_object.cc).
http::Response GetObject(Context& ctx);  // GET and HEAD (ctx.op says which)
http::Response PutObject(Context& ctx);
http::Response DeleteObject(Context& ctx);

// Copy (copy_object.cc).
http::Response CopyObject(Context& ctx);

// Batch delete (delete_objects.cc).
http::Response DeleteObjects(Context& ctx);

// Multipart (multipart.cc).
http::Response CreateMultipartUpload(Context& ctx);
http::Response UploadPart(Context& ctx);
http::Response UploadPartCopy(Context& ctx);
http::Response CompleteMultipartUpload(Context& ctx);
http::Response AbortMultipartUpload(Context& ctx);
http::Response ListParts(Context& ctx);
http::Response ListMultipartUploads(Context& ctx);

// Tagging (tagging.cc).
http::Response GetObjectTagging(Context& ctx);
http::Response PutObjectTagging(Context& ctx);
http::Response DeleteObjectTagging(Context& ctx);

}  // namespace tarn::gateway
