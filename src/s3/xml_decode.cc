#include "s3/errors.h"
#include "s3/request.h"
#include "s3/uri_encoding.h"
#include "s3/xml.h"
#include "s3/xml_util.h"

namespace tarn::s3 {
namespace {

using namespace xml_internal;

std::optional<Owner> ReadOwner(pugi::xml_node parent, const char* name) {
  pugi::xml_node node = parent.child(name);
  if (!node) return std::nullopt;
  return Owner{ChildText(node, "ID"), ChildText(node, "DisplayName")};
}

// Undoes EncodingType=url on a listing field ('+' is a space there, as in form encoding).
Result<std::string> MaybeDecode(std::string value, bool url) {
  if (!url) return value;
  auto decoded = UriDecode(value, /*plus_is_space=*/true);
  if (!decoded) return Malformed("a url-encoded field has a malformed escape");
  return std::move(*decoded);
}

Result<std::string> DecodedChild(pugi::xml_node node, const char* name, bool url) {
  return MaybeDecode(ChildText(node, name), url);
}

template <typename T>
Result<T> RequiredInt(pugi::xml_node node, const char* name) {
  ASSIGN_OR_RETURN(std::optional<int64_t> v, ChildInt(node, name));
  if (!v) return Malformed("<" + std::string(node.name()) + "> without <" + name + ">");
  return static_cast<T>(*v);
}

template <typename T>
Result<T> IntOr(pugi::xml_node node, const char* name, T fallback) {
  ASSIGN_OR_RETURN(std::optional<int64_t> v, ChildInt(node, name));
  return v ? static_cast<T>(*v) : fallback;
}

Result<bool> BoolOr(pugi::xml_node node, const char* name, bool fallback) {
  ASSIGN_OR_RETURN(std::optional<bool> v, ChildBool(node, name));
  return v.value_or(fallback);
}

Result<TimePoint> TimeOr(pugi::xml_node node, const char* name) {
  ASSIGN_OR_RETURN(std::optional<TimePoint> v, ChildTime(node, name));
  return v.value_or(TimePoint{});
}

std::string StripQuotes(std::string_view etag) {
  etag = TrimWhitespace(etag);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

Result<std::vector<std::string>> ReadCommonPrefixes(pugi::xml_node root, bool url) {
  std::vector<std::string> out;
  for (pugi::xml_node cp : root.children("CommonPrefixes")) {
    ASSIGN_OR_RETURN(std::string p, DecodedChild(cp, "Prefix", url));
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

Result<ListAllMyBucketsResult> DecodeListAllMyBucketsResult(std::string_view xml) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root,
                   ParseDocument(doc, xml, DocumentKind::kResponse, "ListAllMyBucketsResult"));
  ListAllMyBucketsResult out;
  out.owner = ReadOwner(root, "Owner").value_or(Owner{});
  for (pugi::xml_node b : root.child("Buckets").children("Bucket")) {
    BucketEntry entry;
    entry.name = ChildText(b, "Name");
    ASSIGN_OR_RETURN(entry.creation_date, TimeOr(b, "CreationDate"));
    out.buckets.push_back(std::move(entry));
  }
  out.continuation_token = ChildText(root, "ContinuationToken");
  out.prefix = ChildText(root, "Prefix");
  return out;
}

Result<ListBucketResult> DecodeListBucketResult(std::string_view xml) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root,
                   ParseDocument(doc, xml, DocumentKind::kResponse, "ListBucketResult"));
  ListBucketResult out;
  out.encoding_type = ChildText(root, "EncodingType");
  const bool url = out.encoding_type == "url";
  // v2 documents carry KeyCount; v1 documents carry Marker.
  out.version = root.child("KeyCount") || root.child("ContinuationToken") ||
                        root.child("NextContinuationToken") || root.child("StartAfter")
                    ? 2
                    : 1;
  out.name = ChildText(root, "Name");
  ASSIGN_OR_RETURN(out.prefix, DecodedChild(root, "Prefix", url));
  ASSIGN_OR_RETURN(out.delimiter, DecodedChild(root, "Delimiter", url));
  ASSIGN_OR_RETURN(out.max_keys, IntOr<int>(root, "MaxKeys", 1000));
  ASSIGN_OR_RETURN(out.is_truncated, BoolOr(root, "IsTruncated", false));
  ASSIGN_OR_RETURN(out.marker, DecodedChild(root, "Marker", url));
  ASSIGN_OR_RETURN(out.next_marker, DecodedChild(root, "NextMarker", url));
  out.continuation_token = ChildText(root, "ContinuationToken");
  out.next_continuation_token = ChildText(root, "NextContinuationToken");
  ASSIGN_OR_RETURN(out.start_after, DecodedChild(root, "StartAfter", url));
  ASSIGN_OR_RETURN(out.key_count, IntOr<int>(root, "KeyCount", -1));
  for (pugi::xml_node c : root.children("Contents")) {
    ObjectEntry o;
    ASSIGN_OR_RETURN(o.key, DecodedChild(c, "Key", url));
    ASSIGN_OR_RETURN(o.last_modified, TimeOr(c, "LastModified"));
    o.etag = ChildText(c, "ETag");
    ASSIGN_OR_RETURN(o.size, IntOr<int64_t>(c, "Size", 0));
    o.storage_class = ChildText(c, "StorageClass");
    o.owner = ReadOwner(c, "Owner");
    out.contents.push_back(std::move(o));
  }
  ASSIGN_OR_RETURN(out.common_prefixes, ReadCommonPrefixes(root, url));
  return out;
}

Result<CopyResult> DecodeCopyResult(std::string_view xml) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, ParseDocument(doc, xml, DocumentKind::kResponse,
                                                      "CopyObjectResult", "CopyPartResult"));
  CopyResult out;
  out.etag = ChildText(root, "ETag");
  ASSIGN_OR_RETURN(out.last_modified, TimeOr(root, "LastModified"));
  return out;
}

Result<InitiateMultipartUploadResult> DecodeInitiateMultipartUploadResult(std::string_view xml) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, ParseDocument(doc, xml, DocumentKind::kResponse,
                                                      "InitiateMultipartUploadResult"));
  InitiateMultipartUploadResult out{ChildText(root, "Bucket"), ChildText(root, "Key"),
                                    ChildText(root, "UploadId")};
  if (out.upload_id.empty()) return Malformed("InitiateMultipartUploadResult without UploadId");
  return out;
}

Result<CompleteMultipartUpload> DecodeCompleteMultipartUpload(std::string_view xml) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root,
                   ParseDocument(doc, xml, DocumentKind::kRequest, "CompleteMultipartUpload"));
  CompleteMultipartUpload out;
  for (pugi::xml_node p : root.children("Part")) {
    CompletedPart part;
    ASSIGN_OR_RETURN(part.part_number, RequiredInt<int>(p, "PartNumber"));
    if (part.part_number < 1 || part.part_number > 10000) {
      return Malformed("PartNumber must be between 1 and 10000");
    }
    auto etag = OptionalChildText(p, "ETag");
    if (!etag) return Malformed("<Part> without <ETag>");
    part.etag = StripQuotes(std::move(*etag));
    part.checksum_crc32 = ChildText(p, "ChecksumCRC32");
    part.checksum_crc32c = ChildText(p, "ChecksumCRC32C");
    part.checksum_crc64nvme = ChildText(p, "ChecksumCRC64NVME");
    part.checksum_sha1 = ChildText(p, "ChecksumSHA1");
    part.checksum_sha256 = ChildText(p, "ChecksumSHA256");
    out.parts.push_back(std::move(part));
  }
  if (out.parts.empty()) return Malformed("CompleteMultipartUpload lists no parts");
  return out;
}

Result<CompleteMultipartUploadResult> DecodeCompleteMultipartUploadResult(std::string_view xml) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, ParseDocument(doc, xml, DocumentKind::kResponse,
                                                      "CompleteMultipartUploadResult"));
  return CompleteMultipartUploadResult{ChildText(root, "Location"), ChildText(root, "Bucket"),
                                       ChildText(root, "Key"), ChildText(root, "ETag")};
}

Result<ListPartsResult> DecodeListPartsResult(std::string_view xml) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root,
                   ParseDocument(doc, xml, DocumentKind::kResponse, "ListPartsResult"));
  ListPartsResult out;
  out.bucket = ChildText(root, "Bucket");
  out.key = ChildText(root, "Key");
  out.upload_id = ChildText(root, "UploadId");
  ASSIGN_OR_RETURN(out.part_number_marker, IntOr<int>(root, "PartNumberMarker", 0));
  ASSIGN_OR_RETURN(out.next_part_number_marker, IntOr<int>(root, "NextPartNumberMarker", 0));
  ASSIGN_OR_RETURN(out.max_parts, IntOr<int>(root, "MaxParts", 1000));
  ASSIGN_OR_RETURN(out.is_truncated, BoolOr(root, "IsTruncated", false));
  out.initiator = ReadOwner(root, "Initiator");
  out.owner = ReadOwner(root, "Owner");
  out.storage_class = ChildText(root, "StorageClass");
  for (pugi::xml_node p : root.children("Part")) {
    PartEntry part;
    ASSIGN_OR_RETURN(part.part_number, RequiredInt<int>(p, "PartNumber"));
    ASSIGN_OR_RETURN(part.last_modified, TimeOr(p, "LastModified"));
    part.etag = ChildText(p, "ETag");
    ASSIGN_OR_RETURN(part.size, IntOr<int64_t>(p, "Size", 0));
    out.parts.push_back(std::move(part));
  }
  return out;
}

Result<ListMultipartUploadsResult> DecodeListMultipartUploadsResult(std::string_view xml) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root,
                   ParseDocument(doc, xml, DocumentKind::kResponse, "ListMultipartUploadsResult"));
  ListMultipartUploadsResult out;
  out.encoding_type = ChildText(root, "EncodingType");
  const bool url = out.encoding_type == "url";
  out.bucket = ChildText(root, "Bucket");
  ASSIGN_OR_RETURN(out.key_marker, DecodedChild(root, "KeyMarker", url));
  out.upload_id_marker = ChildText(root, "UploadIdMarker");
  ASSIGN_OR_RETURN(out.next_key_marker, DecodedChild(root, "NextKeyMarker", url));
  out.next_upload_id_marker = ChildText(root, "NextUploadIdMarker");
  ASSIGN_OR_RETURN(out.prefix, DecodedChild(root, "Prefix", url));
  ASSIGN_OR_RETURN(out.delimiter, DecodedChild(root, "Delimiter", url));
  ASSIGN_OR_RETURN(out.max_uploads, IntOr<int>(root, "MaxUploads", 1000));
  ASSIGN_OR_RETURN(out.is_truncated, BoolOr(root, "IsTruncated", false));
  for (pugi::xml_node u : root.children("Upload")) {
    UploadEntry entry;
    ASSIGN_OR_RETURN(entry.key, DecodedChild(u, "Key", url));
    entry.upload_id = ChildText(u, "UploadId");
    ASSIGN_OR_RETURN(entry.initiated, TimeOr(u, "Initiated"));
    entry.storage_class = ChildText(u, "StorageClass");
    entry.initiator = ReadOwner(u, "Initiator");
    entry.owner = ReadOwner(u, "Owner");
    out.uploads.push_back(std::move(entry));
  }
  ASSIGN_OR_RETURN(out.common_prefixes, ReadCommonPrefixes(root, url));
  return out;
}

Result<DeleteRequest> DecodeDeleteRequest(std::string_view xml) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, ParseDocument(doc, xml, DocumentKind::kRequest, "Delete"));
  DeleteRequest out;
  ASSIGN_OR_RETURN(out.quiet, BoolOr(root, "Quiet", false));
  for (pugi::xml_node o : root.children("Object")) {
    auto key = OptionalChildText(o, "Key");
    if (!key) return Malformed("<Object> without <Key>");
    if (out.objects.size() == kMaxDeleteObjects) {
      return Malformed("Delete lists more than 1000 objects");
    }
    out.objects.push_back({std::move(*key), ChildText(o, "VersionId")});
  }
  if (out.objects.empty()) return Malformed("Delete lists no objects");
  return out;
}

Result<DeleteResult> DecodeDeleteResult(std::string_view xml) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root,
                   ParseDocument(doc, xml, DocumentKind::kResponse, "DeleteResult"));
  DeleteResult out;
  for (pugi::xml_node d : root.children("Deleted")) {
    out.deleted.push_back({ChildText(d, "Key"), ChildText(d, "VersionId")});
  }
  for (pugi::xml_node e : root.children("Error")) {
    out.errors.push_back({ChildText(e, "Key"), ChildText(e, "VersionId"), ChildText(e, "Code"),
                          ChildText(e, "Message")});
  }
  return out;
}

Result<std::string> DecodeLocationConstraint(std::string_view xml) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root,
                   ParseDocument(doc, xml, DocumentKind::kResponse, "LocationConstraint"));
  return std::string(root.text().get());
}

}  // namespace tarn::s3
