// The S3 XML documents: plain structs in, strings out (Encode*), and strings in, Result<struct>
// out (Decode*). Encoders write what the gateway answers (and the request documents a client
// sends); decoders read what clients send (CompleteMultipartUpload, Delete) and what S3 servers
// answer (for the S3 client adapter). Times are ISO 8601 with milliseconds, UTC.
//
// Decoders return MalformedXML (S3Error-tagged) for anything that is not the expected document
// and, for response documents, the server's error as a Status when the body is an <Error>
// (S3 answers CompleteMultipartUpload and CopyObject with 200 and an error body on failure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "s3/time_format.h"
#include "tarn/result.h"

namespace tarn::s3 {

struct Owner {
  std::string id;
  std::string display_name;
};

// ---- ListAllMyBucketsResult (ListBuckets) ----
struct BucketEntry {
  std::string name;
  TimePoint creation_date{};
};
struct ListAllMyBucketsResult {
  Owner owner;
  std::vector<BucketEntry> buckets;
  std::string continuation_token;  // optional, omitted when empty
  std::string prefix;              // optional, omitted when empty
};
std::string EncodeListAllMyBucketsResult(const ListAllMyBucketsResult& result);
Result<ListAllMyBucketsResult> DecodeListAllMyBucketsResult(std::string_view xml);

// ---- ListBucketResult (ListObjects v1 and ListObjectsV2) ----
struct ObjectEntry {
  std::string key;
  TimePoint last_modified{};
  std::string etag;  // with its quotes, as S3 sends it
  int64_t size = 0;
  std::string storage_class = "STANDARD";
  std::optional<Owner> owner;
};
struct ListBucketResult {
  int version = 2;  // 1 or 2
  std::string name;
  std::string prefix;
  std::string delimiter;  // omitted when empty
  int max_keys = 1000;
  bool is_truncated = false;
  // "url": Key, Prefix, Delimiter, Marker, NextMarker, StartAfter and CommonPrefixes are
  // percent-encoded on the wire (EncodingType=url); the struct always holds decoded values.
  std::string encoding_type;
  // v1
  std::string marker;
  std::string next_marker;  // omitted when empty
  // v2
  std::string continuation_token;       // omitted when empty
  std::string next_continuation_token;  // omitted when empty
  std::string start_after;              // omitted when empty
  int key_count = -1;                   // v2; -1 = contents + common prefixes
  std::vector<ObjectEntry> contents;
  std::vector<std::string> common_prefixes;
};
std::string EncodeListBucketResult(const ListBucketResult& result);
Result<ListBucketResult> DecodeListBucketResult(std::string_view xml);

// ---- CopyObjectResult / CopyPartResult ----
struct CopyResult {
  std::string etag;
  TimePoint last_modified{};
};
std::string EncodeCopyObjectResult(const CopyResult& result);
std::string EncodeCopyPartResult(const CopyResult& result);
// Accepts either root.
Result<CopyResult> DecodeCopyResult(std::string_view xml);

// ---- InitiateMultipartUploadResult ----
struct InitiateMultipartUploadResult {
  std::string bucket;
  std::string key;
  std::string upload_id;
};
std::string EncodeInitiateMultipartUploadResult(const InitiateMultipartUploadResult& result);
Result<InitiateMultipartUploadResult> DecodeInitiateMultipartUploadResult(std::string_view xml);

// ---- CompleteMultipartUpload (request) ----
struct CompletedPart {
  int part_number = 0;
  std::string etag;  // without surrounding quotes
  // Additional checksums the client sent, "" when absent.
  std::string checksum_crc32, checksum_crc32c, checksum_crc64nvme, checksum_sha1, checksum_sha256;
};
struct CompleteMultipartUpload {
  std::vector<CompletedPart> parts;  // in document order (the caller checks ascending order)
};
// Errors: MalformedXML for a malformed document, no parts, a part without PartNumber or ETag,
// or a PartNumber outside 1..10000.
Result<CompleteMultipartUpload> DecodeCompleteMultipartUpload(std::string_view xml);
std::string EncodeCompleteMultipartUpload(const CompleteMultipartUpload& request);

// ---- CompleteMultipartUploadResult ----
struct CompleteMultipartUploadResult {
  std::string location;
  std::string bucket;
  std::string key;
  std::string etag;  // with quotes
};
std::string EncodeCompleteMultipartUploadResult(const CompleteMultipartUploadResult& result);
Result<CompleteMultipartUploadResult> DecodeCompleteMultipartUploadResult(std::string_view xml);

// ---- ListPartsResult ----
struct PartEntry {
  int part_number = 0;
  TimePoint last_modified{};
  std::string etag;  // with quotes
  int64_t size = 0;
};
struct ListPartsResult {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int part_number_marker = 0;
  int next_part_number_marker = 0;
  int max_parts = 1000;
  bool is_truncated = false;
  std::optional<Owner> initiator;
  std::optional<Owner> owner;
  std::string storage_class = "STANDARD";
  std::vector<PartEntry> parts;
};
std::string EncodeListPartsResult(const ListPartsResult& result);
Result<ListPartsResult> DecodeListPartsResult(std::string_view xml);

// ---- ListMultipartUploadsResult ----
struct UploadEntry {
  std::string key;
  std::string upload_id;
  TimePoint initiated{};
  std::string storage_class = "STANDARD";
  std::optional<Owner> initiator;
  std::optional<Owner> owner;
};
struct ListMultipartUploadsResult {
  std::string bucket;
  std::string key_marker;
  std::string upload_id_marker;
  std::string next_key_marker;
  std::string next_upload_id_marker;
  std::string prefix;
  std::string delimiter;      // omitted when empty
  std::string encoding_type;  // "url" encodes keys, prefixes and markers as in ListBucketResult
  int max_uploads = 1000;
  bool is_truncated = false;
  std::vector<UploadEntry> uploads;
  std::vector<std::string> common_prefixes;
};
std::string EncodeListMultipartUploadsResult(const ListMultipartUploadsResult& result);
Result<ListMultipartUploadsResult> DecodeListMultipartUploadsResult(std::string_view xml);

// ---- Delete (DeleteObjects request) ----
struct ObjectIdentifier {
  std::string key;
  std::string version_id;  // "" when absent
};
struct DeleteRequest {
  bool quiet = false;
  std::vector<ObjectIdentifier> objects;
};
inline constexpr std::size_t kMaxDeleteObjects = 1000;
// Errors: MalformedXML for a malformed document, no objects, more than kMaxDeleteObjects, or an
// object without a Key.
Result<DeleteRequest> DecodeDeleteRequest(std::string_view xml);
std::string EncodeDeleteRequest(const DeleteRequest& request);

// ---- DeleteResult ----
struct DeletedEntry {
  std::string key;
  std::string version_id;  // omitted when empty
};
struct DeleteErrorEntry {
  std::string key;
  std::string version_id;  // omitted when empty
  std::string code;
  std::string message;
};
struct DeleteResult {
  std::vector<DeletedEntry> deleted;  // the caller leaves it empty for Quiet requests
  std::vector<DeleteErrorEntry> errors;
};
std::string EncodeDeleteResult(const DeleteResult& result);
Result<DeleteResult> DecodeDeleteResult(std::string_view xml);

// ---- LocationConstraint (GetBucketLocation) ----
// An empty region encodes as an empty element (us-east-1, as S3 does).
std::string EncodeLocationConstraint(std::string_view region);
Result<std::string> DecodeLocationConstraint(std::string_view xml);

}  // namespace tarn::s3
