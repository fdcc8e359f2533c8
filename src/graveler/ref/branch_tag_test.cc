// Branches (compare-and-set) and tags (immutable).
#include <thread>

#include "graveler/ref/ref_test_util.h"

namespace tarn::graveler::ref::testing {
namespace {

class BranchTagTest : public RefTest {
 protected:
  void SetUp() override {
    RefTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    repo_ = NewRepo();
    second_ = Add({root_}, kEpoch + 1, "second");
  }
  CommitId second_;
};

TEST_P(BranchTagTest, CreateThenGet) {
  ASSERT_TRUE(refs_->CreateBranch(repo_, {"dev", second_, "tok", {"s2", "s1"}}).ok());
  auto got = refs_->GetBranch(repo_, "dev");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, "dev");
  EXPECT_EQ(got->commit_id, second_);
  EXPECT_EQ(got->staging_token, "tok");
  EXPECT_EQ(got->sealed_tokens, (std::vector<StagingToken>{"s2", "s1"}));
}

TEST_P(BranchTagTest, CreateExistingIsAlreadyExists) {
  Status s = refs_->CreateBranch(repo_, {"main", second_, "tok", {}});
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(refs_->GetBranch(repo_, "main")->commit_id, root_);
}

TEST_P(BranchTagTest, CreateRejectsBadIdsAndMissingToken) {
  EXPECT_EQ(refs_->CreateBranch(repo_, {"a/b", second_, "t", {}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(refs_->CreateBranch(repo_, {"dev", "abc", "t", {}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(refs_->CreateBranch(repo_, {"dev", second_, "", {}}).code(),
            StatusCode::kInvalidArgument);
}

TEST_P(BranchTagTest, GetUnknownIsNotFoundNamingBranchAndRepository) {
  auto got = refs_->GetBranch(repo_, "nope");
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(got.status().message(), "branch 'nope' not found in repository 'repo1'");
}

TEST_P(BranchTagTest, UpdateWithFreshPredicateMovesTheBranch) {
  auto read = refs_->GetBranchForUpdate(repo_, "main");
  ASSERT_TRUE(read.ok());
  Branch moved = read->first;
  moved.commit_id = second_;
  ASSERT_TRUE(refs_->UpdateBranch(repo_, moved, read->second).ok());
  EXPECT_EQ(refs_->GetBranch(repo_, "main")->commit_id, second_);
}

TEST_P(BranchTagTest, TwoUpdatesFromOneReadOneWinsOneIsPreconditionFailed) {
  auto read = refs_->GetBranchForUpdate(repo_, "main");
  ASSERT_TRUE(read.ok());
  Branch a = read->first;
  a.commit_id = second_;
  Branch b = read->first;
  b.staging_token = "other-token";
  ASSERT_TRUE(refs_->UpdateBranch(repo_, a, read->second).ok());
  Status lost = refs_->UpdateBranch(repo_, b, read->second);
  EXPECT_EQ(lost.code(), StatusCode::kPreconditionFailed);
  EXPECT_NE(lost.message().find("retry"), std::string_view::npos);
  auto now = refs_->GetBranch(repo_, "main");
  EXPECT_EQ(now->commit_id, second_);
  EXPECT_EQ(now->staging_token, "token-repo1");
}

TEST_P(BranchTagTest, ConcurrentUpdatesFromOneReadHaveExactlyOneWinner) {
  auto read = refs_->GetBranchForUpdate(repo_, "main");
  ASSERT_TRUE(read.ok());
  constexpr int kWriters = 8;
  std::vector<Status> results(kWriters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      Branch b = read->first;
      b.staging_token = "token-" + std::to_string(i);
      results[i] = refs_->UpdateBranch(repo_, b, read->second);
    });
  }
  for (auto& t : threads) t.join();
  int wins = 0;
  for (const Status& s : results) {
    if (s.ok())
      ++wins;
    else
      EXPECT_EQ(s.code(), StatusCode::kPreconditionFailed) << s.ToString();
  }
  EXPECT_EQ(wins, 1);
}

TEST_P(BranchTagTest, UpdateOfDeletedBranchFails) {
  ASSERT_TRUE(refs_->CreateBranch(repo_, {"dev", second_, "tok", {}}).ok());
  auto read = refs_->GetBranchForUpdate(repo_, "dev");
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(refs_->DeleteBranch(repo_, "dev").ok());
  EXPECT_EQ(refs_->UpdateBranch(repo_, read->first, read->second).code(),
            StatusCode::kPreconditionFailed);
}

TEST_P(BranchTagTest, DeleteThenGetIsNotFound) {
  ASSERT_TRUE(refs_->CreateBranch(repo_, {"dev", second_, "tok", {}}).ok());
  ASSERT_TRUE(refs_->DeleteBranch(repo_, "dev").ok());
  EXPECT_EQ(refs_->GetBranch(repo_, "dev").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(refs_->DeleteBranch(repo_, "dev").code(), StatusCode::kNotFound);
}

TEST_P(BranchTagTest, ListBranchesPagesInIdOrder) {
  for (std::string id : {"b", "a", "d", "c"}) {
    ASSERT_TRUE(refs_->CreateBranch(repo_, {id, second_, "t" + id, {}}).ok());
  }
  std::vector<std::string> seen;
  std::string after;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = refs_->ListBranches(repo_, after, 2);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const Branch& b : page->items) seen.push_back(b.id);
    if (!page->has_more) break;
    after = page->items.back().id;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d", "main"}));
}

TEST_P(BranchTagTest, ListBranchesDoesNotLeakTagsOrCommits) {
  ASSERT_TRUE(refs_->CreateTag(repo_, {"v1", second_}).ok());
  auto page = refs_->ListBranches(repo_, "", 100);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, "main");
}

TEST_P(BranchTagTest, TagCreateThenGet) {
  ASSERT_TRUE(refs_->CreateTag(repo_, {"v1.0", second_}).ok());
  auto tag = refs_->GetTag(repo_, "v1.0");
  ASSERT_TRUE(tag.ok()) << tag.status().ToString();
  EXPECT_EQ(tag->commit_id, second_);
}

TEST_P(BranchTagTest, TagsNeverMove) {
  ASSERT_TRUE(refs_->CreateTag(repo_, {"v1", second_}).ok());
  Status again = refs_->CreateTag(repo_, {"v1", root_});
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(refs_->GetTag(repo_, "v1")->commit_id, second_);
}

TEST_P(BranchTagTest, TagDeleteFreesTheName) {
  ASSERT_TRUE(refs_->CreateTag(repo_, {"v1", second_}).ok());
  ASSERT_TRUE(refs_->DeleteTag(repo_, "v1").ok());
  EXPECT_EQ(refs_->GetTag(repo_, "v1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(refs_->DeleteTag(repo_, "v1").code(), StatusCode::kNotFound);
  ASSERT_TRUE(refs_->CreateTag(repo_, {"v1", root_}).ok());
  EXPECT_EQ(refs_->GetTag(repo_, "v1")->commit_id, root_);
}

TEST_P(BranchTagTest, TagRejectsBadIdsAndCommits) {
  EXPECT_EQ(refs_->CreateTag(repo_, {"a..b", second_}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refs_->CreateTag(repo_, {"v1", "not-a-commit"}).code(), StatusCode::kInvalidArgument);
}

TEST_P(BranchTagTest, ListTagsPagesInIdOrder) {
  for (std::string id : {"v3", "v1", "v2"})
    ASSERT_TRUE(refs_->CreateTag(repo_, {id, second_}).ok());
  auto first = refs_->ListTags(repo_, "", 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].id, "v1");
  EXPECT_EQ(first->items[1].id, "v2");
  EXPECT_TRUE(first->has_more);
  auto rest = refs_->ListTags(repo_, "v2", 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].id, "v3");
  EXPECT_FALSE(rest->has_more);
}

INSTANTIATE_TEST_SUITE_P(AllStores, BranchTagTest, ::testing::ValuesIn(AllStoreFactories()),
                         FactoryName);

}  // namespace
}  // namespace tarn::graveler::ref::testing
