// Object endpoints: upload, stat, get, head, list, delete, delete many, copy.
#include <gtest/gtest.h>

#include "api/test_env.h"

namespace tarn::api {
namespace {

using testing::TestApi;

constexpr char kRepo[] = "/api/v1/repositories/repo1";

std::string Auth() {
  return TestApi::BasicAuth(std::string(auth::kQuickstartAccessKeyId),
                            std::string(auth::kQuickstartSecretAccessKey));
}

// Uploads `data` as application/octet-stream to `path` on `branch`.
http::Response Upload(TestApi& t, const std::string& path, const std::string& data,
                      std::vector<http::Header> extra = {}, const std::string& branch = "main") {
  std::vector<http::Header> headers = {{"Authorization", Auth()},
                                       {"Content-Type", "application/octet-stream"}};
  headers.insert(headers.end(), extra.begin(), extra.end());
  return t.SendWith("POST", std::string(kRepo) + "/branches/" + branch + "/objects?path=" + path,
                    std::move(headers), data);
}

std::string ObjectUrl(const std::string& ref, const std::string& path) {
  return std::string(kRepo) + "/refs/" + ref + "/objects?path=" + path;
}

// The whole streamed (or inline) body of a download.
std::string BodyOf(const http::Response& r) {
  if (!r.stream) return r.body;
  std::string out;
  char buf[7];  // small on purpose: many reads
  for (;;) {
    auto n = r.stream->Read(std::span(buf, sizeof buf));
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    if (!n.ok() || *n == 0) break;
    out.append(buf, *n);
  }
  return out;
}

void Commit(TestApi& t) {
  ASSERT_EQ(
      t.Send("POST", std::string(kRepo) + "/branches/main/commits", R"({"message": "m"})").status,
      201);
}

TEST(ObjectsTest, UploadedObjectCanBeStattedReadAndHeaded) {
  auto t = TestApi::Make();
  auto up = Upload(*t, "a/b.txt", "hello world");
  ASSERT_EQ(up.status, 201) << up.body;
  auto stats = TestApi::JsonOf(up);
  EXPECT_EQ(stats["path"], "a/b.txt");
  EXPECT_EQ(stats["path_type"], "object");
  EXPECT_EQ(stats["size_bytes"], 11);
  EXPECT_EQ(stats["content_type"], "application/octet-stream");
  EXPECT_TRUE(std::string(stats["physical_address"]).starts_with("mem://repo1/"));

  auto stat = t->Send("GET", std::string(kRepo) + "/refs/main/objects/stat?path=a/b.txt");
  ASSERT_EQ(stat.status, 200) << stat.body;
  EXPECT_EQ(TestApi::JsonOf(stat)["checksum"], stats["checksum"]);
  EXPECT_EQ(TestApi::JsonOf(stat)["mtime"], stats["mtime"]);

  auto get = t->Send("GET", ObjectUrl("main", "a/b.txt"));
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(BodyOf(get), "hello world");
  EXPECT_EQ(get.content_length, 11u);
  EXPECT_EQ(get.header("ETag"), "\"" + std::string(stats["checksum"]) + "\"");
  EXPECT_FALSE(get.header("Last-Modified").empty());

  auto head = t->Send("HEAD", ObjectUrl("main", "a/b.txt"));
  ASSERT_EQ(head.status, 200);
  EXPECT_EQ(head.content_length, 11u);
  EXPECT_EQ(head.stream, nullptr);
  EXPECT_TRUE(head.body.empty());
}

TEST(ObjectsTest, PresignOnStorageWithoutPresignedUrlsIs400OperationNotSupported) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "k", "data").status, 201);
  for (const std::string target :
       {std::string(kRepo) + "/refs/main/objects/stat?path=k&presign=true",
        std::string(kRepo) + "/refs/main/objects/ls?presign=true",
        std::string(kRepo) + "/refs/main/objects?path=k&presign=true"}) {
    auto r = t->Send("GET", target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_NE(TestApi::JsonOf(r)["message"].get<std::string>().find("operation not supported"),
              std::string::npos)
        << target;
  }
  EXPECT_EQ(
      t->Send("GET", std::string(kRepo) + "/refs/main/objects/stat?path=k&presign=maybe").status,
      400);
  EXPECT_EQ(
      t->Send("GET", std::string(kRepo) + "/refs/main/objects/stat?path=k&presign=false").status,
      200);
}

TEST(ObjectsTest, StatOfAbsentPathIs404) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("GET", std::string(kRepo) + "/refs/main/objects/stat?path=nope").status, 404);
}

TEST(ObjectsTest, RangeGetAnswers206WithContentRange) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "k", "0123456789").status, 201);
  auto r = t->SendWith("GET", ObjectUrl("main", "k"),
                       {{"Authorization", Auth()}, {"Range", "bytes=2-5"}});
  ASSERT_EQ(r.status, 206) << r.body;
  EXPECT_EQ(r.header("Content-Range"), "bytes 2-5/10");
  EXPECT_EQ(r.content_length, 4u);
  EXPECT_EQ(BodyOf(r), "2345");
}

TEST(ObjectsTest, UnsatisfiableRangeIs416) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "k", "0123456789").status, 201);
  auto r = t->SendWith("GET", ObjectUrl("main", "k"),
                       {{"Authorization", Auth()}, {"Range", "bytes=20-30"}});
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.header("Content-Range"), "bytes */10");
}

TEST(ObjectsTest, ListWithDelimiterPagesThroughObjectsAndPrefixes) {
  auto t = TestApi::Make();
  for (const char* p : {"a.txt", "dir/x", "dir/y", "z.txt"})
    ASSERT_EQ(Upload(*t, p, "d").status, 201);
  const std::string ls = std::string(kRepo) + "/refs/main/objects/ls?delimiter=/&amount=1";
  std::vector<std::pair<std::string, std::string>> seen;
  std::string after;
  for (int i = 0; i < 10; ++i) {
    auto r = t->Send("GET", ls + (after.empty() ? "" : "&after=" + after));
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = TestApi::JsonOf(r);
    ASSERT_EQ(j["results"].size(), 1u) << r.body;
    EXPECT_EQ(j["pagination"]["results"], 1);
    seen.emplace_back(j["results"][0]["path"], j["results"][0]["path_type"]);
    if (!j["pagination"]["has_more"]) break;
    after = j["pagination"]["next_offset"];
    ASSERT_FALSE(after.empty());
  }
  std::vector<std::pair<std::string, std::string>> want = {
      {"a.txt", "object"}, {"dir/", "common_prefix"}, {"z.txt", "object"}};
  EXPECT_EQ(seen, want);
}

TEST(ObjectsTest, CommonPrefixCarriesTheRequiredFieldsEmpty) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "dir/x", "d").status, 201);
  auto j =
      TestApi::JsonOf(t->Send("GET", std::string(kRepo) + "/refs/main/objects/ls?delimiter=/"));
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_EQ(j["results"][0], nlohmann::json({{"path", "dir/"},
                                             {"path_type", "common_prefix"},
                                             {"physical_address", ""},
                                             {"checksum", ""},
                                             {"mtime", 0}}));
  EXPECT_EQ(j["pagination"]["has_more"], false);
}

TEST(ObjectsTest, UserMetadataRoundTrips) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "k", "d", {{"X-Lakefs-Meta-Owner", "ana"}}).status, 201);
  auto stat =
      TestApi::JsonOf(t->Send("GET", std::string(kRepo) + "/refs/main/objects/stat?path=k"));
  EXPECT_EQ(stat["metadata"], nlohmann::json({{"owner", "ana"}}));
  auto without = TestApi::JsonOf(
      t->Send("GET", std::string(kRepo) + "/refs/main/objects/stat?path=k&user_metadata=false"));
  EXPECT_FALSE(without.contains("metadata"));
  auto ls = TestApi::JsonOf(t->Send("GET", std::string(kRepo) + "/refs/main/objects/ls"));
  EXPECT_EQ(ls["results"][0]["metadata"], nlohmann::json({{"owner", "ana"}}));
}

TEST(ObjectsTest, IfNoneMatchStarOnExistingPathIs412) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "k", "one", {{"If-None-Match", "*"}}).status, 201);
  EXPECT_EQ(Upload(*t, "k", "two", {{"If-None-Match", "*"}}).status, 412);
  EXPECT_EQ(BodyOf(t->Send("GET", ObjectUrl("main", "k"))), "one");
}

TEST(ObjectsTest, UploadToUnknownBranchIs404) {
  auto t = TestApi::Make();
  EXPECT_EQ(Upload(*t, "k", "d", {}, "nope").status, 404);
}

TEST(ObjectsTest, UploadToTagIs404) {
  auto t = TestApi::Make();
  ASSERT_EQ(t->Send("POST", std::string(kRepo) + "/tags", R"({"id": "v1", "ref": "main"})").status,
            201);
  EXPECT_EQ(Upload(*t, "k", "d", {}, "v1").status, 404);
}

TEST(ObjectsTest, DeletedObjectIsGone) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "k", "d").status, 201);
  const std::string url = std::string(kRepo) + "/branches/main/objects?path=k";
  ASSERT_EQ(t->Send("DELETE", url).status, 204);
  EXPECT_EQ(t->Send("GET", ObjectUrl("main", "k")).status, 404);
  EXPECT_EQ(t->Send("DELETE", url).status, 404);
}

TEST(ObjectsTest, DeleteManyIgnoresAbsentPaths) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "a", "d").status, 201);
  ASSERT_EQ(Upload(*t, "b", "d").status, 201);
  auto r = t->Send("POST", std::string(kRepo) + "/branches/main/objects/delete",
                   R"({"paths": ["a", "missing"]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r), nlohmann::json({{"errors", nlohmann::json::array()}}));
  EXPECT_EQ(t->Send("GET", ObjectUrl("main", "a")).status, 404);
  EXPECT_EQ(t->Send("GET", ObjectUrl("main", "b")).status, 200);
}

// Denies every permission on one resource.
class DenyOne final : public auth::Authorizer {
 public:
  explicit DenyOne(std::string resource) : resource_(std::move(resource)) {}
  Status Authorize(const auth::Principal&,
                   std::span<const auth::Permission> permissions) const override {
    for (const auto& p : permissions) {
      if (p.resource == resource_) return Status::PermissionDenied("denied " + p.action);
    }
    return Status::OK();
  }

 private:
  std::string resource_;
};

TEST(ObjectsTest, DeleteManyReportsDeniedPathsAndDeletesTheRest) {
  DenyOne deny(auth::ObjectArn("repo1", "keep"));
  auto t = TestApi::Make(&deny);
  ASSERT_EQ(Upload(*t, "keep", "d").status, 401);  // the denied path cannot be written either
  ASSERT_EQ(Upload(*t, "gone", "d").status, 201);
  auto r = t->Send("POST", std::string(kRepo) + "/branches/main/objects/delete",
                   R"({"paths": ["keep", "gone"]})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto errors = TestApi::JsonOf(r)["errors"];
  ASSERT_EQ(errors.size(), 1u) << r.body;
  EXPECT_EQ(errors[0]["path"], "keep");
  EXPECT_EQ(errors[0]["status_code"], 401);
  EXPECT_EQ(t->Send("GET", ObjectUrl("main", "gone")).status, 404);
}

TEST(ObjectsTest, SuffixRangeServesTheLastBytes) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "k", "0123456789").status, 201);
  auto r = t->SendWith("GET", ObjectUrl("main", "k"),
                       {{"Authorization", Auth()}, {"Range", "bytes=-3"}});
  ASSERT_EQ(r.status, 206) << r.body;
  EXPECT_EQ(r.header("Content-Range"), "bytes 7-9/10");
  EXPECT_EQ(BodyOf(r), "789");
}

TEST(ObjectsTest, DeleteManyRefusesMoreThan1000Paths) {
  auto t = TestApi::Make();
  nlohmann::json paths = nlohmann::json::array();
  for (int i = 0; i < 1001; ++i) paths.push_back("p" + std::to_string(i));
  auto r = t->Send("POST", std::string(kRepo) + "/branches/main/objects/delete",
                   nlohmann::json({{"paths", paths}}).dump());
  EXPECT_EQ(r.status, 400);
}

TEST(ObjectsTest, CopyWithinBranch) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "src", "payload").status, 201);
  auto r = t->Send("POST", std::string(kRepo) + "/branches/main/objects/copy?dest_path=dst",
                   R"({"src_path": "src"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r)["path"], "dst");
  EXPECT_EQ(BodyOf(t->Send("GET", ObjectUrl("main", "dst"))), "payload");
}

TEST(ObjectsTest, CopyFromAnotherRef) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "src", "old").status, 201);
  Commit(*t);
  ASSERT_EQ(
      t->Send("POST", std::string(kRepo) + "/branches", R"({"name": "feature", "source": "main"})")
          .status,
      201);
  ASSERT_EQ(Upload(*t, "src", "new").status, 201);
  auto r = t->Send("POST", std::string(kRepo) + "/branches/main/objects/copy?dest_path=dst",
                   R"({"src_path": "src", "src_ref": "feature"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(BodyOf(t->Send("GET", ObjectUrl("main", "dst"))), "old");
}

TEST(ObjectsTest, MultipartFormUploadStoresContentPart) {
  auto t = TestApi::Make();
  const std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"other\"\r\n\r\n"
      "ignored\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"content\"; filename=\"f.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\n"
      "a,b\r\n--X not a boundary\r\n1,2\r\n"
      "--XyZ--\r\n";
  auto r = t->SendWith(
      "POST", std::string(kRepo) + "/branches/main/objects?path=f.csv",
      {{"Authorization", Auth()}, {"Content-Type", "multipart/form-data; boundary=XyZ"}}, body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r)["content_type"], "text/csv");
  EXPECT_EQ(BodyOf(t->Send("GET", ObjectUrl("main", "f.csv"))), "a,b\r\n--X not a boundary\r\n1,2");
}

TEST(ObjectsTest, MultipartFormWithoutContentPartIs400) {
  auto t = TestApi::Make();
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--XyZ--\r\n";
  auto r = t->SendWith(
      "POST", std::string(kRepo) + "/branches/main/objects?path=f",
      {{"Authorization", Auth()}, {"Content-Type", "multipart/form-data; boundary=XyZ"}}, body);
  EXPECT_EQ(r.status, 400);
}

TEST(ObjectsTest, LargeMultipartUploadStreamsIntact) {
  auto t = TestApi::Make();
  std::string data;
  for (int i = 0; data.size() < (1 << 20); ++i) data += std::to_string(i) + "\r\n-";
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\n" + data + "\r\n--b--\r\n";
  auto r = t->SendWith(
      "POST", std::string(kRepo) + "/branches/main/objects?path=big",
      {{"Authorization", Auth()}, {"Content-Type", "multipart/form-data; boundary=b"}}, body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r)["size_bytes"], data.size());
  EXPECT_EQ(BodyOf(t->Send("GET", ObjectUrl("main", "big"))) == data, true);
}

// Hands out its data one byte per read, as a slow client's body arrives.
class OneByteReader final : public http::BodyReader {
 public:
  explicit OneByteReader(std::string data) : data_(std::move(data)) {}
  Result<std::size_t> Read(std::span<char> out) override {
    if (pos_ == data_.size() || out.empty()) return std::size_t{0};
    out[0] = data_[pos_++];
    return std::size_t{1};
  }

 private:
  std::string data_;
  std::size_t pos_ = 0;
};

TEST(ObjectsTest, MultipartUploadSurvivesOneByteReads) {
  auto t = TestApi::Make();
  const std::string data = "x\r\n--bo\r\n--b-\r\n-";
  http::Request r;
  r.method = "POST";
  r.target = std::string(kRepo) + "/branches/main/objects?path=slow";
  r.headers = {{"Authorization", Auth()}, {"Content-Type", "multipart/form-data; boundary=bou"}};
  r.body = std::make_shared<OneByteReader>(
      "preamble\r\n--bou\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\n" + data +
      "\r\n--bou--\r\n");
  auto up = t->api().Handle(r);
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(BodyOf(t->Send("GET", ObjectUrl("main", "slow"))), data);
}

TEST(ObjectsTest, UnauthenticatedIs401) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->SendWith("GET", ObjectUrl("main", "k"), {}).status, 401);
  EXPECT_EQ(t->SendWith("POST", std::string(kRepo) + "/branches/main/objects?path=k",
                        {{"Content-Type", "application/octet-stream"}}, "d")
                .status,
            401);
}

TEST(ObjectsTest, MissingPathParameterIs400) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("GET", std::string(kRepo) + "/refs/main/objects").status, 400);
}

// --- Conditional reads ---

TEST(ObjectsTest, GetWithMatchingIfNoneMatchIsNotModified) {
  auto t = TestApi::Make();
  auto up = Upload(*t, "k", "data");
  ASSERT_EQ(up.status, 201);
  const std::string etag = "\"" + std::string(TestApi::JsonOf(up)["checksum"]) + "\"";
  auto r = t->SendWith("GET", ObjectUrl("main", "k"),
                       {{"Authorization", Auth()}, {"If-None-Match", etag}});
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(r.stream, nullptr);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.header("ETag"), etag);
}

TEST(ObjectsTest, IfNoneMatchAcceptsAnUnquotedEtagInAList) {
  auto t = TestApi::Make();
  auto up = Upload(*t, "k", "data");
  const std::string checksum = TestApi::JsonOf(up)["checksum"];
  auto r = t->SendWith("GET", ObjectUrl("main", "k"),
                       {{"Authorization", Auth()}, {"If-None-Match", "\"other\", " + checksum}});
  EXPECT_EQ(r.status, 304);
}

TEST(ObjectsTest, GetWithAnotherIfNoneMatchServesTheObject) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "k", "data").status, 201);
  auto r = t->SendWith("GET", ObjectUrl("main", "k"),
                       {{"Authorization", Auth()}, {"If-None-Match", "\"0123\""}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(BodyOf(r), "data");
}

TEST(ObjectsTest, HeadWithMatchingIfNoneMatchIsNotModified) {
  auto t = TestApi::Make();
  auto up = Upload(*t, "k", "data");
  const std::string checksum = TestApi::JsonOf(up)["checksum"];
  auto r = t->SendWith("HEAD", ObjectUrl("main", "k"),
                       {{"Authorization", Auth()}, {"If-None-Match", "\"" + checksum + "\""}});
  EXPECT_EQ(r.status, 304);
}

// --- updateObjectUserMetadata ---

std::string MetadataUrl(const std::string& branch, const std::string& path) {
  return std::string(kRepo) + "/branches/" + branch + "/objects/stat/user_metadata?path=" + path;
}

nlohmann::json StatOf(TestApi& t, const std::string& ref, const std::string& path) {
  auto r = t.Send("GET", std::string(kRepo) + "/refs/" + ref + "/objects/stat?path=" + path);
  EXPECT_EQ(r.status, 200) << r.body;
  return TestApi::JsonOf(r);
}

TEST(ObjectsTest, UpdateUserMetadataReplacesTheMetadataOfAStagedObject) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "k", "data", {{"X-Lakefs-Meta-Old", "1"}}).status, 201);
  auto before = StatOf(*t, "main", "k");
  auto r = t->Send("PUT", MetadataUrl("main", "k"), R"({"set": {"new": "2"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto after = StatOf(*t, "main", "k");
  EXPECT_EQ(after["metadata"], nlohmann::json({{"new", "2"}}));
  EXPECT_EQ(after["physical_address"], before["physical_address"]);
  EXPECT_EQ(after["checksum"], before["checksum"]);
}

TEST(ObjectsTest, UpdateUserMetadataStagesAChangeToACommittedObject) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "k", "data").status, 201);
  Commit(*t);
  ASSERT_EQ(t->Send("PUT", MetadataUrl("main", "k"), R"({"set": {"a": "b"}})").status, 201);
  EXPECT_EQ(StatOf(*t, "main", "k")["metadata"]["a"], "b");
  auto diff = t->Send("GET", std::string(kRepo) + "/branches/main/diff");
  ASSERT_EQ(diff.status, 200) << diff.body;
  EXPECT_EQ(TestApi::JsonOf(diff)["results"].size(), 1u) << diff.body;
}

TEST(ObjectsTest, UpdateUserMetadataOfAMissingObjectIsNotFound) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("PUT", MetadataUrl("main", "nope"), R"({"set": {}})").status, 404);
}

TEST(ObjectsTest, UpdateUserMetadataWithoutSetIsABadRequest) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "k", "data").status, 201);
  EXPECT_EQ(t->Send("PUT", MetadataUrl("main", "k"), R"({"other": {}})").status, 400);
  EXPECT_EQ(t->Send("PUT", MetadataUrl("main", "k"), R"({"set": {"a": 1}})").status, 400);
}

TEST(ObjectsTest, UpdateUserMetadataOnATagIsNotFound) {
  auto t = TestApi::Make();
  ASSERT_EQ(Upload(*t, "k", "data").status, 201);
  Commit(*t);
  ASSERT_EQ(t->Send("POST", std::string(kRepo) + "/tags", R"({"id":"v1","ref":"main"})").status,
            201);
  EXPECT_EQ(t->Send("PUT", MetadataUrl("v1", "k"), R"({"set": {}})").status, 404);
}

}  // namespace
}  // namespace tarn::api
