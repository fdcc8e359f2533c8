// Commits: content addressing, idempotence, lookups by id and prefix, listing, the cache.
#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "graveler/ref/ref_test_util.h"

namespace tarn::graveler::ref::testing {
namespace {

class CommitTest : public RefTest {
 protected:
  void SetUp() override {
    RefTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    repo_ = NewRepo();
  }
};

TEST_P(CommitTest, AddedCommitReadsBackWithEveryField) {
  Commit c = Build({root_}, kEpoch + 5, "with metadata");
  c.metarange_id = std::string(64, 'e');
  c.metadata = {{"k1", "v1"}, {"k0", std::string("\0\xff", 2)}};
  c.id = ComputeCommitId(c);
  ASSERT_TRUE(refs_->AddCommit(repo_, c).ok());
  auto fresh = NewRefManager();  // reads the store, not the cache
  auto got = fresh->GetCommit(repo_, c.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->parents, c.parents);
  EXPECT_EQ(got->metarange_id, c.metarange_id);
  EXPECT_EQ(got->message, c.message);
  EXPECT_EQ(got->committer, c.committer);
  EXPECT_EQ(got->creation_date, c.creation_date);
  EXPECT_EQ(got->metadata, c.metadata);
  EXPECT_EQ(got->generation, 2);
}

TEST_P(CommitTest, IdThatDoesNotMatchTheFieldsIsRejected) {
  Commit c = Build({root_}, kEpoch + 5, "honest");
  c.message = "tampered";
  Status s = refs_->AddCommit(repo_, c);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(ComputeCommitId(c)), std::string_view::npos);
  EXPECT_EQ(NewRefManager()->GetCommit(repo_, c.id).status().code(), StatusCode::kNotFound);
}

TEST_P(CommitTest, MalformedCommitsAreRejected) {
  Commit bad_id = Build({root_}, kEpoch, "x");
  bad_id.id = "ABC";
  EXPECT_EQ(refs_->AddCommit(repo_, bad_id).code(), StatusCode::kInvalidArgument);
  Commit bad_parent = Build({root_}, kEpoch, "x");
  bad_parent.parents = {"nope"};
  bad_parent.id = ComputeCommitId(bad_parent);
  EXPECT_EQ(refs_->AddCommit(repo_, bad_parent).code(), StatusCode::kInvalidArgument);
  Commit no_generation = Build({root_}, kEpoch, "x");
  no_generation.generation = 0;
  EXPECT_EQ(refs_->AddCommit(repo_, no_generation).code(), StatusCode::kInvalidArgument);
}

TEST_P(CommitTest, AddingTheSameCommitTwiceIsOk) {
  Commit c = Build({root_}, kEpoch + 5, "twice");
  ASSERT_TRUE(refs_->AddCommit(repo_, c).ok());
  EXPECT_TRUE(refs_->AddCommit(repo_, c).ok());
  EXPECT_TRUE(NewRefManager()->AddCommit(repo_, c).ok());  // through the store this time
  auto page = refs_->ListCommits(repo_, "", 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 2u);  // root + c
}

TEST_P(CommitTest, GetUnknownIsNotFoundAndMalformedIsInvalid) {
  EXPECT_EQ(refs_->GetCommit(repo_, std::string(64, '0')).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(refs_->GetCommit(repo_, "xyz").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refs_->GetCommit(repo_, std::string(64, 'A')).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(CommitTest, CachedCommitCostsNoRead) {
  const CommitId id = Add({root_}, kEpoch + 1, "cached");
  auto fresh = NewRefManager();
  store_->ResetCounts();
  ASSERT_TRUE(fresh->GetCommit(repo_, id).ok());
  EXPECT_EQ(store_->reads(), 1u);
  ASSERT_TRUE(fresh->GetCommit(repo_, id).ok());
  EXPECT_EQ(store_->reads(), 1u);
}

TEST_P(CommitTest, SharedCommitIsTheCachedInstance) {
  const CommitId id = Add({root_}, kEpoch + 1, "shared");
  auto first = refs_->GetCommitShared(repo_, id);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ((*first)->id, id);
  auto second = refs_->GetCommitShared(repo_, id);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ(refs_->GetCommitShared(repo_, std::string(64, '0')).status().code(),
            StatusCode::kNotFound);
}

TEST_P(CommitTest, DisabledCacheReadsEveryTime) {
  const CommitId id = Add({root_}, kEpoch + 1, "uncached");
  auto uncached = NewRefManager(0);
  store_->ResetCounts();
  ASSERT_TRUE(uncached->GetCommit(repo_, id).ok());
  ASSERT_TRUE(uncached->GetCommit(repo_, id).ok());
  EXPECT_EQ(store_->reads(), 2u);
}

TEST_P(CommitTest, UniquePrefixFindsTheCommit) {
  const CommitId id = Add({root_}, kEpoch + 1, "findable");
  for (std::size_t len : {std::size_t{12}, std::size_t{64}}) {
    auto got = refs_->GetCommitByPrefix(repo_, id.substr(0, len));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->id, id);
  }
}

TEST_P(CommitTest, AmbiguousPrefixIsNotFoundSayingAmbiguous) {
  // 17 commits: two of them must share a first hex digit.
  std::map<char, std::vector<CommitId>> by_first;
  by_first[root_[0]].push_back(root_);
  for (int i = 0; i < 16; ++i) {
    CommitId id = Add({root_}, kEpoch + 1 + i, "c" + std::to_string(i));
    by_first[id[0]].push_back(id);
  }
  auto shared = std::find_if(by_first.begin(), by_first.end(),
                             [](const auto& kv) { return kv.second.size() > 1; });
  ASSERT_NE(shared, by_first.end());
  auto got = refs_->GetCommitByPrefix(repo_, std::string(1, shared->first));
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_NE(got.status().message().find("ambiguous"), std::string_view::npos);
  // Enough characters make it unique again.
  auto full = refs_->GetCommitByPrefix(repo_, shared->second[0].substr(0, 20));
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->id, shared->second[0]);
}

TEST_P(CommitTest, PrefixWithoutMatchIsNotFound) {
  const std::string absent = root_[0] == 'f' ? "0000" : "ffff";
  auto got = refs_->GetCommitByPrefix(repo_, absent);
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(got.status().message().find("ambiguous"), std::string_view::npos);
}

TEST_P(CommitTest, MalformedPrefixIsInvalid) {
  for (std::string p :
       {std::string(), std::string("xyz"), std::string("ABC"), std::string(65, 'a')}) {
    EXPECT_EQ(refs_->GetCommitByPrefix(repo_, p).status().code(), StatusCode::kInvalidArgument)
        << p;
  }
}

TEST_P(CommitTest, ListCommitsPagesThroughEveryCommitInIdOrder) {
  std::vector<CommitId> expected = {root_};
  for (int i = 0; i < 7; ++i) expected.push_back(Add({root_}, kEpoch + i, std::to_string(i)));
  std::sort(expected.begin(), expected.end());
  std::vector<CommitId> seen;
  std::string after;
  for (int pages = 0; pages < 20; ++pages) {
    auto page = refs_->ListCommits(repo_, after, 3);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const Commit& c : page->items) seen.push_back(c.id);
    if (!page->has_more) break;
    after = page->items.back().id;
  }
  EXPECT_EQ(seen, expected);
}

TEST_P(CommitTest, CommitsOfOneRepositoryAreInvisibleToAnother) {
  const CommitId id = Add({root_}, kEpoch + 1, "mine");
  Repository other = NewRepo("other");
  EXPECT_EQ(refs_->GetCommit(other, id).status().code(), StatusCode::kNotFound);
}

TEST_P(CommitTest, ConcurrentReadersAndWritersSeeWholeCommits) {
  auto chain = Chain(root_, 50, kEpoch + 1, "c");
  std::vector<Commit> more;
  for (int i = 0; i < 40; ++i) more.push_back(Build({chain.back()}, kEpoch + 100 + i, "m"));
  auto cold = NewRefManager(16);  // small cache: reads, inserts and evictions interleave
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 40; i += 4) {
        if (!cold->AddCommit(repo_, more[i]).ok()) ++errors;
      }
      for (int round = 0; round < 3; ++round) {
        for (std::size_t i = 0; i < chain.size(); ++i) {
          auto c = cold->GetCommit(repo_, chain[i]);
          if (!c.ok() || c->id != chain[i] || c->generation != static_cast<int64_t>(i) + 2) {
            ++errors;
          }
        }
        auto log = cold->Log(repo_, chain.back(), {});
        int n = 0;
        if (log.ok()) {
          for (; (*log)->Valid(); (*log)->Next()) ++n;
        }
        if (!log.ok() || n != 51) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(AllStores, CommitTest, ::testing::ValuesIn(AllStoreFactories()),
                         FactoryName);

}  // namespace
}  // namespace tarn::graveler::ref::testing
