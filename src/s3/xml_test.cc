#include "s3/xml.h"

#include <gtest/gtest.h>

#include "s3/errors.h"

namespace tarn::s3 {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
constexpr std::string_view kNs = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

TimePoint T() { return *ParseIso8601("2024-03-01T12:00:00.123Z"); }

ListBucketResult SampleListing(int version) {
  ListBucketResult r;
  r.version = version;
  r.name = "repo";
  r.prefix = "main/dir/";
  r.delimiter = "/";
  r.max_keys = 2;
  r.is_truncated = true;
  r.next_marker = "main/dir/b";
  r.continuation_token = "tok";
  r.next_continuation_token = "next";
  r.contents = {
      {"main/dir/a&b", T(), "\"etag1\"", 5, "STANDARD", std::nullopt},
      {"main/dir/b", T() + milliseconds(1), "\"etag2\"", 0, "STANDARD", Owner{"id", "name"}}};
  r.common_prefixes = {"main/dir/sub/"};
  return r;
}

TEST(XmlTest, EncodesListObjectsV2) {
  std::string xml = EncodeListBucketResult(SampleListing(2));
  EXPECT_EQ(xml, std::string(kDecl) + "<ListBucketResult" + std::string(kNs) +
                     "><Name>repo</Name><Prefix>main/dir/</Prefix><ContinuationToken>tok"
                     "</ContinuationToken><NextContinuationToken>next</NextContinuationToken>"
                     "<KeyCount>3</KeyCount><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter>"
                     "<IsTruncated>true</IsTruncated><Contents><Key>main/dir/a&amp;b</Key>"
                     "<LastModified>2024-03-01T12:00:00.123Z</LastModified><ETag>\"etag1\"</ETag>"
                     "<Size>5</Size><StorageClass>STANDARD</StorageClass></Contents>"
                     "<Contents><Key>main/dir/b</Key><LastModified>2024-03-01T12:00:00.124Z"
                     "</LastModified><ETag>\"etag2\"</ETag><Size>0</Size><Owner><ID>id"
                     "</ID><DisplayName>name</DisplayName></Owner><StorageClass>STANDARD"
                     "</StorageClass></Contents><CommonPrefixes><Prefix>main/dir/sub/</Prefix>"
                     "</CommonPrefixes></ListBucketResult>");
}

TEST(XmlTest, ListBucketResultRoundTripsBothVersions) {
  for (int version : {1, 2}) {
    ListBucketResult in = SampleListing(version);
    auto out = DecodeListBucketResult(EncodeListBucketResult(in));
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(out->version, version);
    EXPECT_EQ(out->name, in.name);
    EXPECT_EQ(out->prefix, in.prefix);
    EXPECT_EQ(out->delimiter, in.delimiter);
    EXPECT_EQ(out->max_keys, 2);
    EXPECT_TRUE(out->is_truncated);
    if (version == 1) {
      EXPECT_EQ(out->next_marker, "main/dir/b");
    } else {
      EXPECT_EQ(out->next_continuation_token, "next");
      EXPECT_EQ(out->key_count, 3);
    }
    ASSERT_EQ(out->contents.size(), 2u);
    EXPECT_EQ(out->contents[0].key, "main/dir/a&b");
    EXPECT_EQ(out->contents[0].etag, "\"etag1\"");
    EXPECT_EQ(out->contents[0].last_modified, T());
    EXPECT_EQ(out->contents[1].owner->display_name, "name");
    EXPECT_EQ(out->common_prefixes, std::vector<std::string>{"main/dir/sub/"});
  }
}

TEST(XmlTest, UrlEncodingTypeEncodesKeysAndRoundTrips) {
  ListBucketResult in;
  in.encoding_type = "url";
  in.prefix = "a b/";
  in.delimiter = "/";
  in.contents = {{"a b/c+d\x01\xE2\x82\xAC", T(), "\"e\"", 1, "STANDARD", std::nullopt}};
  in.common_prefixes = {"a b/sub dir/"};
  std::string xml = EncodeListBucketResult(in);
  EXPECT_NE(xml.find("<Key>a%20b/c%2Bd%01%E2%82%AC</Key>"), std::string::npos);
  EXPECT_NE(xml.find("<EncodingType>url</EncodingType>"), std::string::npos);
  auto out = DecodeListBucketResult(xml);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->contents[0].key, in.contents[0].key);
  EXPECT_EQ(out->prefix, "a b/");
  EXPECT_EQ(out->common_prefixes[0], "a b/sub dir/");
  // S3 itself writes spaces as '+' in url-encoded listings.
  auto plus = DecodeListBucketResult(
      "<ListBucketResult><EncodingType>url</EncodingType><Contents><Key>a+b%2B</Key></Contents>"
      "</ListBucketResult>");
  ASSERT_TRUE(plus.ok());
  EXPECT_EQ(plus->contents[0].key, "a b+");
}

TEST(XmlTest, ListAllMyBucketsRoundTrip) {
  ListAllMyBucketsResult in{{"owner-id", "owner"}, {{"repo1", T()}, {"repo2", T()}}, "", ""};
  std::string xml = EncodeListAllMyBucketsResult(in);
  EXPECT_NE(xml.find("<Buckets><Bucket><Name>repo1</Name><CreationDate>2024-03-01T12:00:00.123Z"),
            std::string::npos);
  auto out = DecodeListAllMyBucketsResult(xml);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->owner.id, "owner-id");
  ASSERT_EQ(out->buckets.size(), 2u);
  EXPECT_EQ(out->buckets[1].name, "repo2");
}

TEST(XmlTest, MultipartDocumentsRoundTrip) {
  auto init = DecodeInitiateMultipartUploadResult(
      EncodeInitiateMultipartUploadResult({"repo", "main/k", "upload-1"}));
  ASSERT_TRUE(init.ok());
  EXPECT_EQ(init->upload_id, "upload-1");
  EXPECT_EQ(init->key, "main/k");

  auto done = DecodeCompleteMultipartUploadResult(
      EncodeCompleteMultipartUploadResult({"http://h/repo/main/k", "repo", "main/k", "\"abc-2\""}));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->etag, "\"abc-2\"");
  EXPECT_EQ(done->location, "http://h/repo/main/k");

  ListPartsResult parts;
  parts.bucket = "repo";
  parts.key = "main/k";
  parts.upload_id = "u";
  parts.next_part_number_marker = 2;
  parts.is_truncated = true;
  parts.parts = {{1, T(), "\"p1\"", 5242880}, {2, T(), "\"p2\"", 10}};
  auto parts_out = DecodeListPartsResult(EncodeListPartsResult(parts));
  ASSERT_TRUE(parts_out.ok());
  EXPECT_EQ(parts_out->next_part_number_marker, 2);
  ASSERT_EQ(parts_out->parts.size(), 2u);
  EXPECT_EQ(parts_out->parts[0].size, 5242880);
  EXPECT_EQ(parts_out->parts[1].etag, "\"p2\"");

  ListMultipartUploadsResult uploads;
  uploads.bucket = "repo";
  uploads.uploads = {{"main/a", "u1", T(), "STANDARD", std::nullopt, std::nullopt}};
  uploads.common_prefixes = {"main/dir/"};
  auto uploads_out = DecodeListMultipartUploadsResult(EncodeListMultipartUploadsResult(uploads));
  ASSERT_TRUE(uploads_out.ok());
  ASSERT_EQ(uploads_out->uploads.size(), 1u);
  EXPECT_EQ(uploads_out->uploads[0].upload_id, "u1");
  EXPECT_EQ(uploads_out->uploads[0].initiated, T());
  EXPECT_EQ(uploads_out->common_prefixes[0], "main/dir/");

  auto copy = DecodeCopyResult(EncodeCopyObjectResult({"\"c\"", T()}));
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(copy->etag, "\"c\"");
  auto copy_part = DecodeCopyResult(EncodeCopyPartResult({"\"p\"", T()}));
  ASSERT_TRUE(copy_part.ok());
  EXPECT_EQ(copy_part->etag, "\"p\"");
}

TEST(XmlTest, DecodesCompleteMultipartUploadRequest) {
  auto r = DecodeCompleteMultipartUpload(
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Part><ETag>\"a1\"</ETag><PartNumber>1</PartNumber></Part>"
      "<Part><PartNumber> 2 </PartNumber><ETag>&quot;b2&quot;</ETag>"
      "<ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>"
      "<Part><PartNumber>3</PartNumber><ETag>c3</ETag></Part></CompleteMultipartUpload>");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->parts.size(), 3u);
  EXPECT_EQ(r->parts[0].etag, "a1");
  EXPECT_EQ(r->parts[1].part_number, 2);
  EXPECT_EQ(r->parts[1].etag, "b2");
  EXPECT_EQ(r->parts[1].checksum_crc32, "AAAAAA==");
  EXPECT_EQ(r->parts[2].etag, "c3");
  auto again = DecodeCompleteMultipartUpload(EncodeCompleteMultipartUpload(*r));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->parts[1].etag, "b2");
}

TEST(XmlTest, RejectsMalformedCompleteMultipartUpload) {
  for (std::string_view bad : {
           "",
           "not xml",
           "<CompleteMultipartUpload>",
           "<CompleteMultipartUpload></CompleteMultipartUpload>",
           "<CompleteMultipartUpload><Part><ETag>x</ETag></Part></CompleteMultipartUpload>",
           "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part>"
           "</CompleteMultipartUpload>",
           "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>x</ETag></Part>"
           "</CompleteMultipartUpload>",
           "<CompleteMultipartUpload><Part><PartNumber>10001</PartNumber><ETag>x</ETag></Part>"
           "</CompleteMultipartUpload>",
           "<Delete><Object><Key>k</Key></Object></Delete>",
           "<Error><Code>InternalError</Code></Error>",
       }) {
    auto r = DecodeCompleteMultipartUpload(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(S3CodeOf(r.status()), S3ErrorCode::kMalformedXML) << bad;
  }
}

TEST(XmlTest, DecodesDeleteRequestWithQuiet) {
  auto r = DecodeDeleteRequest(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>"
      "<Object><Key>main/a b</Key></Object><Object><Key>main/c</Key><VersionId>v1</VersionId>"
      "</Object></Delete>");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->quiet);
  ASSERT_EQ(r->objects.size(), 2u);
  EXPECT_EQ(r->objects[0].key, "main/a b");
  EXPECT_EQ(r->objects[1].version_id, "v1");
  auto round = DecodeDeleteRequest(EncodeDeleteRequest(*r));
  ASSERT_TRUE(round.ok());
  EXPECT_TRUE(round->quiet);
  EXPECT_EQ(round->objects.size(), 2u);
  auto loud = DecodeDeleteRequest("<Delete><Object><Key>k</Key></Object></Delete>");
  ASSERT_TRUE(loud.ok());
  EXPECT_FALSE(loud->quiet);
}

TEST(XmlTest, DeleteRequestLimits) {
  EXPECT_EQ(S3CodeOf(DecodeDeleteRequest("<Delete></Delete>").status()),
            S3ErrorCode::kMalformedXML);
  EXPECT_EQ(S3CodeOf(DecodeDeleteRequest("<Delete><Object></Object></Delete>").status()),
            S3ErrorCode::kMalformedXML);
  EXPECT_EQ(S3CodeOf(DecodeDeleteRequest("<Delete><Quiet>maybe</Quiet><Object><Key>k</Key>"
                                         "</Object></Delete>")
                         .status()),
            S3ErrorCode::kMalformedXML);
  std::string many = "<Delete>";
  for (int i = 0; i < 1001; ++i) many += "<Object><Key>k" + std::to_string(i) + "</Key></Object>";
  many += "</Delete>";
  EXPECT_EQ(S3CodeOf(DecodeDeleteRequest(many).status()), S3ErrorCode::kMalformedXML);
  many = "<Delete>";
  for (int i = 0; i < 1000; ++i) many += "<Object><Key>k" + std::to_string(i) + "</Key></Object>";
  many += "</Delete>";
  EXPECT_TRUE(DecodeDeleteRequest(many).ok());
}

TEST(XmlTest, DeleteResultRoundTrip) {
  DeleteResult in{{{"main/a", ""}, {"main/b", "v"}},
                  {{"main/c", "", "AccessDenied", "Access Denied"}}};
  std::string xml = EncodeDeleteResult(in);
  EXPECT_NE(xml.find("<Deleted><Key>main/a</Key></Deleted>"), std::string::npos);
  EXPECT_NE(xml.find("<Error><Key>main/c</Key><Code>AccessDenied</Code>"), std::string::npos);
  auto out = DecodeDeleteResult(xml);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->deleted.size(), 2u);
  EXPECT_EQ(out->deleted[1].version_id, "v");
  ASSERT_EQ(out->errors.size(), 1u);
  EXPECT_EQ(out->errors[0].code, "AccessDenied");
}

TEST(XmlTest, ResponseDecodersSurfaceServerErrors) {
  std::string error = EncodeErrorDocument({"NoSuchUpload", "gone", "", "", "", {}});
  auto r = DecodeCompleteMultipartUploadResult(error);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(S3CodeOf(r.status()), S3ErrorCode::kNoSuchUpload);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  auto copy = DecodeCopyResult(EncodeErrorDocument({"InternalError", "x", "", "", "", {}}));
  EXPECT_EQ(copy.status().code(), StatusCode::kUnavailable);
}

TEST(XmlTest, LocationConstraint) {
  EXPECT_EQ(EncodeLocationConstraint(""), std::string(kDecl) + "<LocationConstraint" +
                                              std::string(kNs) + "></LocationConstraint>");
  EXPECT_EQ(*DecodeLocationConstraint(EncodeLocationConstraint("eu-west-1")), "eu-west-1");
  EXPECT_EQ(*DecodeLocationConstraint(EncodeLocationConstraint("")), "");
}

}  // namespace
}  // namespace tarn::s3
