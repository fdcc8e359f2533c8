// Pure parts of the refs layer: id rules, the frozen commit-id encoding, the ref-expression
// grammar and the commit cache.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "common/hash.h"
#include "graveler/ref/commit_cache.h"
#include "graveler/ref/commit_set.h"
#include "graveler/ref/records.h"
#include "graveler/ref/ref_expression.h"
#include "graveler/ref/ref_manager.h"

namespace tarn::graveler::ref {
namespace {

TEST(ValidateRepositoryId, AcceptsLowercaseDigitsAndDashes) {
  EXPECT_TRUE(ValidateRepositoryId("abc").ok());
  EXPECT_TRUE(ValidateRepositoryId("my-repo-1").ok());
  EXPECT_TRUE(ValidateRepositoryId("0repo").ok());
  EXPECT_TRUE(ValidateRepositoryId(std::string(63, 'a')).ok());
}

TEST(ValidateRepositoryId, RejectsBadShapes) {
  for (std::string id : {"", "ab", "-abc", "Abc", "a_bc", "a.bc", "a bc", "repo/x"}) {
    Status s = ValidateRepositoryId(id);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << id;
  }
  EXPECT_FALSE(ValidateRepositoryId(std::string(64, 'a')).ok());
}

TEST(ValidateBranchId, AcceptsWordCharactersAndDashes) {
  EXPECT_TRUE(ValidateBranchId("main").ok());
  EXPECT_TRUE(ValidateBranchId("feature-1_X").ok());
  EXPECT_TRUE(ValidateBranchId("_x").ok());
  EXPECT_TRUE(ValidateBranchId(std::string(256, 'b')).ok());
}

TEST(ValidateBranchId, RejectsOtherCharactersLeadingDashAndLength) {
  for (std::string id : {"", "-main", "a/b", "a.b", "a~1", "a^", "a@", "a$", "a b", "é"}) {
    EXPECT_EQ(ValidateBranchId(id).code(), StatusCode::kInvalidArgument) << id;
  }
  EXPECT_FALSE(ValidateBranchId(std::string(257, 'b')).ok());
}

TEST(ValidateTagId, AcceptsRefNames) {
  for (std::string id : {"v1.0", "release-2024_01", "a.b.c", "x+y", "ünïcode"}) {
    EXPECT_TRUE(ValidateTagId(id).ok()) << id;
  }
}

TEST(ValidateTagId, RejectsGitForbiddenShapesAndRefSyntax) {
  for (std::string id : {"", "a..b", ".hidden", "end.", "x.lock", "a b", "a\tb", "a~1", "a^", "a:b",
                         "a?", "a*", "a[", "a\\b", "a/b", "a@b", "@", "a$", "a\x01"}) {
    EXPECT_EQ(ValidateTagId(id).code(), StatusCode::kInvalidArgument) << id;
  }
  EXPECT_FALSE(ValidateTagId(std::string(257, 't')).ok());
}

Commit GoldenCommit() {
  Commit c;
  c.parents = {std::string(64, 'a'), std::string(64, 'b')};
  c.metarange_id = std::string(64, 'c');
  c.message = "Add data";
  c.committer = "alice";
  c.creation_date = 1'700'000'000;
  c.metadata = {{"b", "2"}, {"a", "1"}};
  c.generation = 7;
  return c;
}

// The ids below were computed from the encoding in docs/kv_schema.md by an independent
// implementation. If this test fails, commit ids changed: every stored repository breaks.
TEST(ComputeCommitId, MatchesTheFrozenEncoding) {
  EXPECT_EQ(ComputeCommitId(GoldenCommit()),
            "47126221f6f433cfbc315a9f62615bf965c38269691e54a9ff2a257de35a9a6b");
  Commit root;
  root.message = "Repository created";
  root.creation_date = 1'700'000'000;
  EXPECT_EQ(ComputeCommitId(root),
            "7e8d8bafee21a6afe19c1c0b2987665a58a937260e171d3de788dd32702f3399");
  Commit negative_date;
  negative_date.message = "m";
  negative_date.creation_date = -1;
  EXPECT_EQ(ComputeCommitId(negative_date),
            "6cdf066cfbfec925c22adcfff2f29a446f2a5cda169b554b03044f38264cab46");
}

TEST(ComputeCommitId, IgnoresGenerationAndId) {
  Commit c = GoldenCommit();
  const CommitId id = ComputeCommitId(c);
  c.generation = 99;
  c.id = "whatever";
  EXPECT_EQ(ComputeCommitId(c), id);
}

TEST(ComputeCommitId, EveryHashedFieldChangesTheId) {
  const CommitId base = ComputeCommitId(GoldenCommit());
  std::vector<std::function<void(Commit&)>> edits = {
      [](Commit& c) { std::swap(c.parents[0], c.parents[1]); },
      [](Commit& c) { c.parents.pop_back(); },
      [](Commit& c) { c.metarange_id = ""; },
      [](Commit& c) { c.message += "."; },
      [](Commit& c) { c.committer = "bob"; },
      [](Commit& c) { c.creation_date += 1; },
      [](Commit& c) { c.metadata["a"] = "x"; },
      [](Commit& c) { c.metadata.erase("b"); },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    Commit c = GoldenCommit();
    edits[i](c);
    EXPECT_NE(ComputeCommitId(c), base) << "edit " << i;
  }
}

TEST(ComputeCommitId, LengthPrefixesKeepFieldBoundaries) {
  Commit a;
  a.message = "ab";
  a.committer = "c";
  Commit b;
  b.message = "a";
  b.committer = "bc";
  EXPECT_NE(ComputeCommitId(a), ComputeCommitId(b));
}

TEST(Records, CommitRoundTripsThroughItsEncoding) {
  Commit c = GoldenCommit();
  c.id = ComputeCommitId(c);
  c.message = std::string("binary\0\xff", 8);
  auto decoded = DecodeCommit(EncodeCommit(c));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->id, c.id);
  EXPECT_EQ(decoded->parents, c.parents);
  EXPECT_EQ(decoded->metarange_id, c.metarange_id);
  EXPECT_EQ(decoded->message, c.message);
  EXPECT_EQ(decoded->committer, c.committer);
  EXPECT_EQ(decoded->creation_date, c.creation_date);
  EXPECT_EQ(decoded->metadata, c.metadata);
  EXPECT_EQ(decoded->generation, c.generation);
}

TEST(Records, GarbageIsCorruption) {
  EXPECT_EQ(DecodeCommit("\xff\xff\xff").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeBranch("\x0a\xff").status().code(), StatusCode::kCorruption);
}

// --- ref expressions ---

TEST(ParseRefExpression, PlainBase) {
  auto p = ParseRefExpression("main");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->base, "main");
  EXPECT_TRUE(p->modifiers.empty());
  EXPECT_EQ(p->suffix, ParsedRef::Suffix::kNone);
}

TEST(ParseRefExpression, ModifiersDefaultToOne) {
  auto p = ParseRefExpression("main~^");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->modifiers.size(), 2u);
  EXPECT_EQ(p->modifiers[0].kind, RefModifier::Kind::kTilde);
  EXPECT_EQ(p->modifiers[0].n, 1u);
  EXPECT_EQ(p->modifiers[1].kind, RefModifier::Kind::kCaret);
  EXPECT_EQ(p->modifiers[1].n, 1u);
}

TEST(ParseRefExpression, ChainsKeepOrderAndNumbers) {
  auto p = ParseRefExpression("main~2^2~10^0");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->modifiers.size(), 4u);
  EXPECT_EQ(p->modifiers[0].n, 2u);
  EXPECT_EQ(p->modifiers[1].kind, RefModifier::Kind::kCaret);
  EXPECT_EQ(p->modifiers[1].n, 2u);
  EXPECT_EQ(p->modifiers[2].n, 10u);
  EXPECT_EQ(p->modifiers[3].n, 0u);
}

TEST(ParseRefExpression, TrailingAtAndDollar) {
  auto at = ParseRefExpression("main@");
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(at->base, "main");
  EXPECT_EQ(at->suffix, ParsedRef::Suffix::kCommitted);
  auto dollar = ParseRefExpression("main$");
  ASSERT_TRUE(dollar.ok());
  EXPECT_EQ(dollar->suffix, ParsedRef::Suffix::kStaging);
}

TEST(ParseRefExpression, RejectsMalformedExpressions) {
  for (std::string e :
       {"",       " ",      "main ",  "ma in",   "\tmain",           "~1",      "^",
        "@",      "$",      "main~x", "main~1x", "main^-1",          "main@~1", "main~1@",
        "main@@", "main$@", "main@x", "main^1$", "main~99999999999", "main~1.5"}) {
    auto p = ParseRefExpression(e);
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << "'" << e << "'";
  }
}

// --- commit cache ---

std::shared_ptr<const Commit> CachedCommit(char c) {
  auto commit = std::make_shared<Commit>();
  commit->id = std::string(64, c);
  return commit;
}

TEST(CommitCache, FindsWhatWasInserted) {
  CommitCache cache(10);
  cache.Insert("r", "u", CachedCommit('a'));
  auto hit = cache.Find("r", "u", std::string(64, 'a'));
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->id, std::string(64, 'a'));
  EXPECT_EQ(cache.Find("r", "u", std::string(64, 'b')), nullptr);
}

TEST(CommitCache, KeysByRepositoryInstance) {
  CommitCache cache(10);
  cache.Insert("r", "u1", CachedCommit('a'));
  EXPECT_EQ(cache.Find("r", "u2", std::string(64, 'a')), nullptr);
  EXPECT_EQ(cache.Find("s", "u1", std::string(64, 'a')), nullptr);
}

TEST(CommitCache, EvictsLeastRecentlyUsedBeyondCapacity) {
  CommitCache cache(2);  // one shard: exact LRU
  cache.Insert("r", "u", CachedCommit('a'));
  cache.Insert("r", "u", CachedCommit('b'));
  ASSERT_NE(cache.Find("r", "u", std::string(64, 'a')), nullptr);  // 'b' is now the oldest
  cache.Insert("r", "u", CachedCommit('c'));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_NE(cache.Find("r", "u", std::string(64, 'a')), nullptr);
  EXPECT_EQ(cache.Find("r", "u", std::string(64, 'b')), nullptr);
  EXPECT_NE(cache.Find("r", "u", std::string(64, 'c')), nullptr);
}

TEST(CommitCache, StaysWithinItsBoundWhenSharded) {
  CommitCache cache(64);
  for (int i = 0; i < 1000; ++i) {
    auto commit = std::make_shared<Commit>();
    commit->id = std::string(64, 'a');
    std::snprintf(commit->id.data(), 9, "%08x", i);
    commit->id[8] = 'a';
    cache.Insert("r", "u", commit);
  }
  EXPECT_LE(cache.size(), 64u + 16u);  // per-shard rounding
  EXPECT_GT(cache.size(), 0u);
}

TEST(CommitCache, ZeroCapacityCachesNothing) {
  CommitCache cache(0);
  cache.Insert("r", "u", CachedCommit('a'));
  EXPECT_EQ(cache.Find("r", "u", std::string(64, 'a')), nullptr);
}

TEST(CommitCache, ConcurrentFindsAndInsertsStayConsistent) {
  CommitCache cache(100);  // far fewer entries than ids: constant eviction
  std::vector<std::shared_ptr<const Commit>> commits;
  for (int i = 0; i < 1000; ++i) {
    auto c = std::make_shared<Commit>();
    c->id = Sha256Hex(std::to_string(i));
    c->generation = i;
    commits.push_back(c);
  }
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (int i = t; i < 1000; i += 3) {
          cache.Insert("r", "u", commits[i]);
          auto hit = cache.Find("r", "u", commits[(i * 7) % 1000]->id);
          if (hit != nullptr && hit->generation != (i * 7) % 1000) ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(cache.size(), 100u + 16u);
}

// --- commit sets ---

TEST(CommitSet, InsertReportsFirstSightingOnlyAcrossGrowth) {
  CommitSet set;
  std::vector<std::string> ids;
  for (int i = 0; i < 5000; ++i) ids.push_back(Sha256Hex(std::to_string(i)));
  for (const auto& id : ids) EXPECT_TRUE(set.Insert(id));
  for (const auto& id : ids) EXPECT_FALSE(set.Insert(id));
}

TEST(CommitMap, KeepsValuesAcrossGrowth) {
  CommitMap<int> map(4);
  bool inserted = false;
  for (int i = 0; i < 1000; ++i)
    map.Upsert(KeyOfCommit(Sha256Hex(std::to_string(i))), &inserted) = i;
  EXPECT_EQ(map.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    int* v = map.Find(KeyOfCommit(Sha256Hex(std::to_string(i))));
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(*v, i);
  }
  EXPECT_EQ(map.Find(KeyOfCommit(Sha256Hex("absent"))), nullptr);
}

}  // namespace
}  // namespace tarn::graveler::ref
