#include "s3/errors.h"

#include <gtest/gtest.h>

#include <set>

namespace tarn::s3 {
namespace {

TEST(S3ErrorsTest, TableHasUniqueNamesAndSaneStatuses) {
  std::set<std::string_view> names;
  for (const S3ErrorInfo& info : AllErrorInfos()) {
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_GE(info.http_status, 300);
    EXPECT_LT(info.http_status, 600);
    EXPECT_FALSE(info.default_message.empty());
    EXPECT_EQ(S3ErrorCodeFromName(info.name), info.code);
  }
  EXPECT_EQ(ErrorInfo(S3ErrorCode::kNoSuchKey).http_status, 404);
  EXPECT_EQ(ErrorInfo(S3ErrorCode::kNotModified).http_status, 304);
  EXPECT_EQ(ErrorInfo(S3ErrorCode::kInvalidRange).http_status, 416);
  EXPECT_EQ(ErrorInfo(S3ErrorCode::kSignatureDoesNotMatch).http_status, 403);
  EXPECT_EQ(ErrorInfo(S3ErrorCode::kSlowDown).http_status, 503);
  EXPECT_EQ(ErrorInfo(S3ErrorCode::kMissingContentLength).http_status, 411);
  EXPECT_FALSE(S3ErrorCodeFromName("NoSuchThing").has_value());
}

TEST(S3ErrorsTest, StatusCarriesCodeAndMessage) {
  Status s = S3Error(S3ErrorCode::kNoSuchUpload, "upload 42 is gone");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(S3CodeOf(s), S3ErrorCode::kNoSuchUpload);
  EXPECT_EQ(S3MessageOf(s), "upload 42 is gone");
  Status plain = S3Error(S3ErrorCode::kAccessDenied);
  EXPECT_EQ(S3MessageOf(plain), "Access Denied");
  Status wrapped = s.WithContext("completing upload");
  EXPECT_EQ(S3CodeOf(wrapped), S3ErrorCode::kNoSuchUpload);
  EXPECT_EQ(S3MessageOf(wrapped), "upload 42 is gone");
}

TEST(S3ErrorsTest, UntaggedStatusesMapByCode) {
  EXPECT_EQ(S3CodeOf(Status::NotFound("x")), S3ErrorCode::kNoSuchKey);
  EXPECT_EQ(S3CodeOf(Status::PreconditionFailed("x")), S3ErrorCode::kPreconditionFailed);
  EXPECT_EQ(S3CodeOf(Status::PermissionDenied("x")), S3ErrorCode::kAccessDenied);
  EXPECT_EQ(S3CodeOf(Status::Unavailable("x")), S3ErrorCode::kServiceUnavailable);
  EXPECT_EQ(S3CodeOf(Status::NotImplemented("x")), S3ErrorCode::kNotImplemented);
  EXPECT_EQ(S3CodeOf(Status::Corruption("x")), S3ErrorCode::kInternalError);
  EXPECT_EQ(S3MessageOf(Status::InvalidArgument("bad max-keys")), "bad max-keys");
  // Internal details stay out of responses.
  EXPECT_EQ(S3MessageOf(Status::IOError("disk /dev/sda1 failed")),
            ErrorInfo(S3ErrorCode::kInternalError).default_message);
}

TEST(S3ErrorsTest, ErrorDocumentRoundTrip) {
  ErrorDocument doc{"NoSuchKey", "The specified key does not exist.",     "/b/a&b<c>", "req-1",
                    "host-1",    {{"Key", "a&b<c>"}, {"BucketName", "b"}}};
  std::string xml = EncodeErrorDocument(doc);
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The "
            "specified key does not exist.</Message><Key>a&amp;b&lt;c&gt;</Key><BucketName>b"
            "</BucketName><Resource>/b/a&amp;b&lt;c&gt;</Resource><RequestId>req-1</RequestId>"
            "<HostId>host-1</HostId></Error>");
  auto back = DecodeErrorDocument(xml);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->code, doc.code);
  EXPECT_EQ(back->message, doc.message);
  EXPECT_EQ(back->resource, doc.resource);
  EXPECT_EQ(back->request_id, doc.request_id);
  EXPECT_EQ(back->host_id, doc.host_id);
  EXPECT_EQ(back->extra, doc.extra);
  EXPECT_EQ(S3CodeOf(DecodeErrorDocument("<NotError/>").status()), S3ErrorCode::kMalformedXML);
}

TEST(S3ErrorsTest, StatusFromServerErrorDocument) {
  Status s = StatusFromErrorDocument({"NoSuchBucket", "gone", "", "", "", {}}, 404);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(S3CodeOf(s), S3ErrorCode::kNoSuchBucket);
  EXPECT_EQ(S3MessageOf(s), "gone");
  EXPECT_EQ(StatusFromErrorDocument({"SlowDown", "", "", "", "", {}}, 503).code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(StatusFromErrorDocument({"InternalError", "", "", "", "", {}}, 500).code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(StatusFromErrorDocument({"WeirdVendorCode", "", "", "", "", {}}, 409).code(),
            StatusCode::kConflict);
}

}  // namespace
}  // namespace tarn::s3
