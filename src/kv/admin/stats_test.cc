#include "kv/admin/stats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "kv/admin/admin_test_util.h"
#include "kv/memory/memory_store.h"

namespace tarn::kv::testing {
namespace {

using ::testing::HasSubstr;

// A known data set: sizes are chosen so every figure below can be checked by hand.
void Fill(Store& store) {
  Put(store, "auth", "users/alice", "12345");                // 11 + 5
  Put(store, "auth", "users/bob", "123");                    // 9 + 3
  Put(store, "auth", "groups/admins", "");                   // 13 + 0
  Put(store, "graveler", "repos/demo", "1234567890");        // 10 + 10
  Put(store, "graveler", "repos/demo/branches/main", "12");  // 24 + 2
  Put(store, "graveler", "commits/abc", "1234");             // 11 + 4
  Put(store, "staging:t1", "data/x", "1");                   // 6 + 1
  Put(store, "staging:t2", "flatkey", "12");                 // 7 + 2
}

RecordStats R(uint64_t keys, uint64_t key_bytes, uint64_t value_bytes) {
  return RecordStats{keys, key_bytes, value_bytes};
}

MATCHER_P(SameFigures, expected, "") {
  return arg.keys == expected.keys && arg.key_bytes == expected.key_bytes &&
         arg.value_bytes == expected.value_bytes;
}

std::map<std::string, RecordStats> KindMap(const StoreStats& stats) {
  std::map<std::string, RecordStats> out;
  for (const auto& k : stats.kinds) out[k.kind] = k.records;
  return out;
}

TEST(CollectStatsTest, CountsPerPartitionWithFallbackKinds) {
  auto store = NewMemoryStore();
  Fill(*store);
  auto stats = CollectStats(*store);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->driver, "memory");
  EXPECT_THAT(stats->total, SameFigures(R(8, 91, 27)));
  ASSERT_EQ(stats->partitions.size(), 4u);
  EXPECT_EQ(stats->partitions[0].name, "auth");
  EXPECT_EQ(stats->partitions[0].partition_class, "auth");
  EXPECT_THAT(stats->partitions[0].records, SameFigures(R(3, 33, 8)));
  EXPECT_EQ(stats->partitions[1].name, "graveler");
  EXPECT_THAT(stats->partitions[1].records, SameFigures(R(3, 45, 16)));
  EXPECT_EQ(stats->partitions[2].partition_class, "staging");  // cut at ':'
  EXPECT_THAT(stats->partitions[3].records, SameFigures(R(1, 7, 2)));

  auto kinds = KindMap(*stats);
  EXPECT_EQ(kinds.size(), 6u);
  EXPECT_THAT(kinds["auth/users"], SameFigures(R(2, 20, 8)));
  EXPECT_THAT(kinds["auth/groups"], SameFigures(R(1, 13, 0)));
  EXPECT_THAT(kinds["graveler/repos"], SameFigures(R(2, 34, 12)));
  EXPECT_THAT(kinds["graveler/commits"], SameFigures(R(1, 11, 4)));
  EXPECT_THAT(kinds["staging/data"], SameFigures(R(1, 6, 1)));
  EXPECT_THAT(kinds["staging/*"], SameFigures(R(1, 7, 2)));  // a key without '/'
}

TEST(CollectStatsTest, RegisteredKindsWinWithTheLongestPrefix) {
  auto store = NewMemoryStore();
  Fill(*store);
  RecordClassifier classifier;
  ASSERT_TRUE(classifier.AddKind("graveler", "repos/", "repository").ok());
  ASSERT_TRUE(classifier.AddKind("graveler", "repos/demo/branches/", "branch").ok());
  ASSERT_TRUE(classifier.AddKind("staging:*", "", "staged entry").ok());
  ASSERT_TRUE(classifier.AddPartitionClass("staging:*", "staging token").ok());
  auto stats = CollectStats(*store, classifier);
  ASSERT_TRUE(stats.ok());
  auto kinds = KindMap(*stats);
  EXPECT_THAT(kinds["repository"], SameFigures(R(1, 10, 10)));
  EXPECT_THAT(kinds["branch"], SameFigures(R(1, 24, 2)));
  EXPECT_THAT(kinds["staged entry"], SameFigures(R(2, 13, 3)));
  EXPECT_THAT(kinds["graveler/commits"], SameFigures(R(1, 11, 4)));
  EXPECT_EQ(kinds.count("graveler/repos"), 0u);
  EXPECT_EQ(stats->partitions[2].partition_class, "staging token");
}

TEST(RecordClassifierTest, PrecedenceAndFallbacks) {
  RecordClassifier c;
  ASSERT_TRUE(c.AddKind("*", "x/", "any partition").ok());
  ASSERT_TRUE(c.AddKind("graveler", "x/", "exact partition").ok());
  ASSERT_TRUE(c.AddKind("grav*", "x/", "prefix partition").ok());
  ASSERT_TRUE(c.AddPartitionClass("st*", "short").ok());
  ASSERT_TRUE(c.AddPartitionClass("staging/*", "long").ok());
  // Same key prefix: the exact partition pattern beats the prefix patterns.
  EXPECT_EQ(c.KindOf("graveler", "x/1"), "exact partition");
  EXPECT_EQ(c.KindOf("gravel", "x/1"), "prefix partition");
  EXPECT_EQ(c.KindOf("other", "x/1"), "any partition");
  // The most specific class pattern wins, whatever the registration order.
  EXPECT_EQ(c.PartitionClass("staging/abc"), "long");
  EXPECT_EQ(c.PartitionClass("stuff"), "short");
  EXPECT_EQ(c.KindOf("staging/abc", "objects/key"), "long/objects");
  // Non-printable bytes are escaped in fallback names.
  EXPECT_EQ(c.KindOf(std::string("p\x01:z", 4), std::string("\xff/k", 3)), "p\\x01/\\xff");
}

TEST(RecordClassifierTest, RejectsMalformedRules) {
  RecordClassifier c;
  EXPECT_EQ(c.AddKind("a*b", "", "k").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.AddKind("", "", "k").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.AddKind("a", "", "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.AddPartitionClass("*a", "c").code(), StatusCode::kInvalidArgument);
}

TEST(RecordClassifierTest, FallbackKindsPerPartitionAreBounded) {
  RecordClassifier c;
  auto p = c.ForPartition("p");
  std::set<std::string> kinds;
  for (int i = 0; i < 300; ++i) kinds.insert(std::string(p.KindOf(std::to_string(i) + "/x")));
  EXPECT_EQ(kinds.size(), 257u);
  EXPECT_EQ(kinds.count("p/(other)"), 1u);
}

TEST(CollectStatsTest, TooManyKindsAreSummedIntoOther) {
  auto store = NewMemoryStore();
  Put(*store, "p", "big/1", std::string(100, 'x'));
  Put(*store, "p", "mid/1", std::string(50, 'x'));
  Put(*store, "p", "small/1", "x");
  Put(*store, "p", "tiny/1", "");
  StatsOptions options;
  options.max_kinds = 3;
  auto stats = CollectStats(*store, RecordClassifier(), options);
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(stats->kinds.size(), 3u);
  EXPECT_EQ(stats->kinds[0].kind, "p/big");
  EXPECT_EQ(stats->kinds[1].kind, "p/mid");
  EXPECT_EQ(stats->kinds[2].kind, "(other)");
  EXPECT_THAT(stats->kinds[2].records, SameFigures(R(2, 13, 1)));
}

TEST(FormatStatsTest, TableShowsPartitionsAndKinds) {
  auto store = NewMemoryStore();
  Fill(*store);
  Put(*store, "big", "k", std::string(3 * 1024 * 1024 / 2, 'x'));
  auto stats = CollectStats(*store);
  ASSERT_TRUE(stats.ok());
  const std::string table = FormatStatsTable(*stats);
  EXPECT_THAT(table, HasSubstr("driver memory: 5 partitions, 9 keys"));
  EXPECT_THAT(table, HasSubstr("PARTITION"));
  EXPECT_THAT(table, HasSubstr("KIND"));
  EXPECT_THAT(table, HasSubstr("1.5 MiB"));
  // Rows are aligned: the figures of "auth" end in the same column as the header's TOTAL.
  std::istringstream lines(table);
  std::string line, header, auth;
  while (std::getline(lines, line)) {
    if (line.starts_with("PARTITION")) header = line;
    if (line.starts_with("auth ")) auth = line;
  }
  ASSERT_FALSE(header.empty());
  ASSERT_FALSE(auth.empty());
  EXPECT_EQ(auth.size(), header.size());
  EXPECT_THAT(auth, HasSubstr(" 3 "));
  EXPECT_THAT(auth, HasSubstr("41 B"));
}

TEST(FormatStatsTest, JsonHasExactFigures) {
  auto store = NewMemoryStore();
  Fill(*store);
  Put(*store, std::string("\x00p", 2), "k", "v");
  auto stats = CollectStats(*store);
  ASSERT_TRUE(stats.ok());
  const auto j = nlohmann::json::parse(FormatStatsJson(*stats));
  EXPECT_EQ(j["driver"], "memory");
  EXPECT_EQ(j["total"]["keys"], 9);
  EXPECT_EQ(j["total"]["partitions"], 5);
  EXPECT_EQ(j["total"]["bytes"], 91 + 27 + 2);
  EXPECT_EQ(j["partitions"][0]["name"], "\\x00p");
  EXPECT_EQ(j["partitions"][0]["name_base64"], "AHA=");
  EXPECT_EQ(j["partitions"][1]["name"], "auth");
  EXPECT_EQ(j["partitions"][1]["keys"], 3);
  EXPECT_EQ(j["partitions"][1]["key_bytes"], 33);
  EXPECT_EQ(j["partitions"][1]["value_bytes"], 8);
  bool found = false;
  for (const auto& k : j["kinds"]) {
    if (k["kind"] == "graveler/repos") {
      found = true;
      EXPECT_EQ(k["keys"], 2);
      EXPECT_EQ(k["bytes"], 46);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace tarn::kv::testing
