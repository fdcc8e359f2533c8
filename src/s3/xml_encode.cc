#include "s3/uri_encoding.h"
#include "s3/xml.h"
#include "s3/xml_util.h"

namespace tarn::s3 {
namespace {

using namespace xml_internal;

void AddOwner(pugi::xml_node parent, const char* name, const Owner& owner) {
  pugi::xml_node node = parent.append_child(name);
  AddText(node, "ID", owner.id);
  AddText(node, "DisplayName", owner.display_name);
}

// Applies EncodingType=url to a listing field: '/' stays readable, everything else that is
// not unreserved is escaped, which survives both unquote and unquote_plus on the client.
std::string MaybeEncode(std::string_view value, bool url) {
  return url ? UriEncode(value, /*keep_slash=*/true) : std::string(value);
}

void AddObject(pugi::xml_node parent, const ObjectEntry& o, bool url) {
  pugi::xml_node node = parent.append_child("Contents");
  AddText(node, "Key", MaybeEncode(o.key, url));
  AddTime(node, "LastModified", o.last_modified);
  AddText(node, "ETag", o.etag);
  AddInt(node, "Size", o.size);
  if (o.owner) AddOwner(node, "Owner", *o.owner);
  AddText(node, "StorageClass", o.storage_class);
}

void AddCommonPrefixes(pugi::xml_node parent, const std::vector<std::string>& prefixes, bool url) {
  for (const std::string& p : prefixes) {
    AddText(parent.append_child("CommonPrefixes"), "Prefix", MaybeEncode(p, url));
  }
}

std::string EncodeCopy(const char* root, const CopyResult& r) {
  pugi::xml_document doc;
  pugi::xml_node node = StartDocument(doc, root, true);
  AddTime(node, "LastModified", r.last_modified);
  AddText(node, "ETag", r.etag);
  return Serialize(doc);
}

}  // namespace

std::string EncodeListAllMyBucketsResult(const ListAllMyBucketsResult& r) {
  pugi::xml_document doc;
  pugi::xml_node root = StartDocument(doc, "ListAllMyBucketsResult", true);
  AddOwner(root, "Owner", r.owner);
  pugi::xml_node buckets = root.append_child("Buckets");
  for (const BucketEntry& b : r.buckets) {
    pugi::xml_node node = buckets.append_child("Bucket");
    AddText(node, "Name", b.name);
    AddTime(node, "CreationDate", b.creation_date);
  }
  if (!r.continuation_token.empty()) AddText(root, "ContinuationToken", r.continuation_token);
  if (!r.prefix.empty()) AddText(root, "Prefix", r.prefix);
  return Serialize(doc);
}

std::string EncodeListBucketResult(const ListBucketResult& r) {
  const bool url = r.encoding_type == "url";
  pugi::xml_document doc;
  pugi::xml_node root = StartDocument(doc, "ListBucketResult", true);
  AddText(root, "Name", r.name);
  AddText(root, "Prefix", MaybeEncode(r.prefix, url));
  if (r.version == 1) {
    AddText(root, "Marker", MaybeEncode(r.marker, url));
    if (!r.next_marker.empty()) AddText(root, "NextMarker", MaybeEncode(r.next_marker, url));
  } else {
    if (!r.continuation_token.empty()) AddText(root, "ContinuationToken", r.continuation_token);
    if (!r.next_continuation_token.empty()) {
      AddText(root, "NextContinuationToken", r.next_continuation_token);
    }
    if (!r.start_after.empty()) AddText(root, "StartAfter", MaybeEncode(r.start_after, url));
    int key_count = r.key_count >= 0
                        ? r.key_count
                        : static_cast<int>(r.contents.size() + r.common_prefixes.size());
    AddInt(root, "KeyCount", key_count);
  }
  AddInt(root, "MaxKeys", r.max_keys);
  if (!r.delimiter.empty()) AddText(root, "Delimiter", MaybeEncode(r.delimiter, url));
  if (url) AddText(root, "EncodingType", "url");
  AddBool(root, "IsTruncated", r.is_truncated);
  for (const ObjectEntry& o : r.contents) AddObject(root, o, url);
  AddCommonPrefixes(root, r.common_prefixes, url);
  return Serialize(doc);
}

std::string EncodeCopyObjectResult(const CopyResult& r) {
  return EncodeCopy("CopyObjectResult", r);
}
std::string EncodeCopyPartResult(const CopyResult& r) { return EncodeCopy("CopyPartResult", r); }

std::string EncodeInitiateMultipartUploadResult(const InitiateMultipartUploadResult& r) {
  pugi::xml_document doc;
  pugi::xml_node root = StartDocument(doc, "InitiateMultipartUploadResult", true);
  AddText(root, "Bucket", r.bucket);
  AddText(root, "Key", r.key);
  AddText(root, "UploadId", r.upload_id);
  return Serialize(doc);
}

std::string EncodeCompleteMultipartUpload(const CompleteMultipartUpload& r) {
  pugi::xml_document doc;
  pugi::xml_node root = StartDocument(doc, "CompleteMultipartUpload", true);
  for (const CompletedPart& p : r.parts) {
    pugi::xml_node node = root.append_child("Part");
    AddInt(node, "PartNumber", p.part_number);
    AddText(node, "ETag", "\"" + p.etag + "\"");
    if (!p.checksum_crc32.empty()) AddText(node, "ChecksumCRC32", p.checksum_crc32);
    if (!p.checksum_crc32c.empty()) AddText(node, "ChecksumCRC32C", p.checksum_crc32c);
    if (!p.checksum_crc64nvme.empty()) AddText(node, "ChecksumCRC64NVME", p.checksum_crc64nvme);
    if (!p.checksum_sha1.empty()) AddText(node, "ChecksumSHA1", p.checksum_sha1);
    if (!p.checksum_sha256.empty()) AddText(node, "ChecksumSHA256", p.checksum_sha256);
  }
  return Serialize(doc);
}

std::string EncodeCompleteMultipartUploadResult(const CompleteMultipartUploadResult& r) {
  pugi::xml_document doc;
  pugi::xml_node root = StartDocument(doc, "CompleteMultipartUploadResult", true);
  AddText(root, "Location", r.location);
  AddText(root, "Bucket", r.bucket);
  AddText(root, "Key", r.key);
  AddText(root, "ETag", r.etag);
  return Serialize(doc);
}

std::string EncodeListPartsResult(const ListPartsResult& r) {
  pugi::xml_document doc;
  pugi::xml_node root = StartDocument(doc, "ListPartsResult", true);
  AddText(root, "Bucket", r.bucket);
  AddText(root, "Key", r.key);
  AddText(root, "UploadId", r.upload_id);
  if (r.initiator) AddOwner(root, "Initiator", *r.initiator);
  if (r.owner) AddOwner(root, "Owner", *r.owner);
  AddText(root, "StorageClass", r.storage_class);
  AddInt(root, "PartNumberMarker", r.part_number_marker);
  AddInt(root, "NextPartNumberMarker", r.next_part_number_marker);
  AddInt(root, "MaxParts", r.max_parts);
  AddBool(root, "IsTruncated", r.is_truncated);
  for (const PartEntry& p : r.parts) {
    pugi::xml_node node = root.append_child("Part");
    AddInt(node, "PartNumber", p.part_number);
    AddTime(node, "LastModified", p.last_modified);
    AddText(node, "ETag", p.etag);
    AddInt(node, "Size", p.size);
  }
  return Serialize(doc);
}

std::string EncodeListMultipartUploadsResult(const ListMultipartUploadsResult& r) {
  const bool url = r.encoding_type == "url";
  pugi::xml_document doc;
  pugi::xml_node root = StartDocument(doc, "ListMultipartUploadsResult", true);
  AddText(root, "Bucket", r.bucket);
  AddText(root, "KeyMarker", MaybeEncode(r.key_marker, url));
  AddText(root, "UploadIdMarker", r.upload_id_marker);
  AddText(root, "NextKeyMarker", MaybeEncode(r.next_key_marker, url));
  AddText(root, "NextUploadIdMarker", r.next_upload_id_marker);
  AddText(root, "Prefix", MaybeEncode(r.prefix, url));
  if (!r.delimiter.empty()) AddText(root, "Delimiter", MaybeEncode(r.delimiter, url));
  if (url) AddText(root, "EncodingType", "url");
  AddInt(root, "MaxUploads", r.max_uploads);
  AddBool(root, "IsTruncated", r.is_truncated);
  for (const UploadEntry& u : r.uploads) {
    pugi::xml_node node = root.append_child("Upload");
    AddText(node, "Key", MaybeEncode(u.key, url));
    AddText(node, "UploadId", u.upload_id);
    if (u.initiator) AddOwner(node, "Initiator", *u.initiator);
    if (u.owner) AddOwner(node, "Owner", *u.owner);
    AddText(node, "StorageClass", u.storage_class);
    AddTime(node, "Initiated", u.initiated);
  }
  AddCommonPrefixes(root, r.common_prefixes, url);
  return Serialize(doc);
}

std::string EncodeDeleteRequest(const DeleteRequest& r) {
  pugi::xml_document doc;
  pugi::xml_node root = StartDocument(doc, "Delete", true);
  if (r.quiet) AddBool(root, "Quiet", true);
  for (const ObjectIdentifier& o : r.objects) {
    pugi::xml_node node = root.append_child("Object");
    AddText(node, "Key", o.key);
    if (!o.version_id.empty()) AddText(node, "VersionId", o.version_id);
  }
  return Serialize(doc);
}

std::string EncodeDeleteResult(const DeleteResult& r) {
  pugi::xml_document doc;
  pugi::xml_node root = StartDocument(doc, "DeleteResult", true);
  for (const DeletedEntry& d : r.deleted) {
    pugi::xml_node node = root.append_child("Deleted");
    AddText(node, "Key", d.key);
    if (!d.version_id.empty()) AddText(node, "VersionId", d.version_id);
  }
  for (const DeleteErrorEntry& e : r.errors) {
    pugi::xml_node node = root.append_child("Error");
    AddText(node, "Key", e.key);
    if (!e.version_id.empty()) AddText(node, "VersionId", e.version_id);
    AddText(node, "Code", e.code);
    AddText(node, "Message", e.message);
  }
  return Serialize(doc);
}

std::string EncodeLocationConstraint(std::string_view region) {
  pugi::xml_document doc;
  pugi::xml_node root = StartDocument(doc, "LocationConstraint", true);
  root.text().set(region.data(), region.size());
  return Serialize(doc);
}

}  // namespace tarn::s3
