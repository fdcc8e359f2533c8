// Tag endpoints: create, get, list, delete.
#include <gtest/gtest.h>

#include "api/test_env.h"

namespace tarn::api {
namespace {

using testing::TestApi;

constexpr char kTags[] = "/api/v1/repositories/repo1/tags";

std::string Head(TestApi& t) {
  return TestApi::JsonOf(t.Send("GET", "/api/v1/repositories/repo1/branches/main"))["commit_id"];
}

TEST(TagsTest, CreateAnswers201WithRef) {
  auto t = TestApi::Make();
  auto r = t->Send("POST", kTags, R"({"id": "v1", "ref": "main"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = TestApi::JsonOf(r);
  EXPECT_EQ(j["id"], "v1");
  EXPECT_EQ(j["commit_id"], Head(*t));
}

TEST(TagsTest, GetReturnsRef) {
  auto t = TestApi::Make();
  ASSERT_EQ(t->Send("POST", kTags, R"({"id": "v1", "ref": "main"})").status, 201);
  auto r = t->Send("GET", std::string(kTags) + "/v1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r), nlohmann::json({{"id", "v1"}, {"commit_id", Head(*t)}}));
}

TEST(TagsTest, DuplicateIs409) {
  auto t = TestApi::Make();
  ASSERT_EQ(t->Send("POST", kTags, R"({"id": "v1", "ref": "main"})").status, 201);
  EXPECT_EQ(t->Send("POST", kTags, R"({"id": "v1", "ref": "main"})").status, 409);
}

TEST(TagsTest, ForceReplacesAnExistingTag) {
  auto t = TestApi::Make();
  ASSERT_EQ(t->Send("POST", kTags, R"({"id": "v1", "ref": "main"})").status, 201);
  t->Stage("main", "a", "id-a");
  ASSERT_EQ(
      t->Send("POST", "/api/v1/repositories/repo1/branches/main/commits", R"({"message": "m"})")
          .status,
      201);
  auto r = t->Send("POST", kTags, R"({"id": "v1", "ref": "main", "force": true})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r)["commit_id"], Head(*t));
}

TEST(TagsTest, CreateOnUnknownRefIs404) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("POST", kTags, R"({"id": "v1", "ref": "nope"})").status, 404);
}

TEST(TagsTest, TagNameInPathIsPercentDecoded) {
  auto t = TestApi::Make();
  ASSERT_EQ(t->Send("POST", kTags, R"({"id": "v1.0", "ref": "main"})").status, 201);
  auto r = t->Send("GET", std::string(kTags) + "/v1%2E0");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r)["id"], "v1.0");
}

TEST(TagsTest, ListPagesWithAmountOne) {
  auto t = TestApi::Make();
  ASSERT_EQ(t->Send("POST", kTags, R"({"id": "v1", "ref": "main"})").status, 201);
  ASSERT_EQ(t->Send("POST", kTags, R"({"id": "v2", "ref": "main"})").status, 201);
  auto r = t->Send("GET", std::string(kTags) + "?amount=1");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = TestApi::JsonOf(r);
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_EQ(j["results"][0]["id"], "v1");
  EXPECT_EQ(j["pagination"]["has_more"], true);
  EXPECT_EQ(j["pagination"]["next_offset"], "v1");
  EXPECT_EQ(j["pagination"]["results"], 1);
  j = TestApi::JsonOf(t->Send("GET", std::string(kTags) + "?amount=1&after=v1"));
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_EQ(j["results"][0]["id"], "v2");
  EXPECT_EQ(j["pagination"]["has_more"], false);
  EXPECT_EQ(j["pagination"]["next_offset"], "");
}

TEST(TagsTest, DeleteAnswers204AndTheTagIsGone) {
  auto t = TestApi::Make();
  ASSERT_EQ(t->Send("POST", kTags, R"({"id": "v1", "ref": "main"})").status, 201);
  EXPECT_EQ(t->Send("DELETE", std::string(kTags) + "/v1").status, 204);
  EXPECT_EQ(t->Send("GET", std::string(kTags) + "/v1").status, 404);
  auto list = TestApi::JsonOf(t->Send("GET", kTags));
  EXPECT_TRUE(list["results"].empty());
}

TEST(TagsTest, GetUnknownTagIs404) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("GET", std::string(kTags) + "/nope").status, 404);
}

TEST(TagsTest, DeleteUnknownTagIs404) {
  auto t = TestApi::Make();
  EXPECT_EQ(t->Send("DELETE", std::string(kTags) + "/nope").status, 404);
}

}  // namespace
}  // namespace tarn::api
