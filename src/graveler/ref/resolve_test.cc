// Ref expressions against a small history:
//
//   root - c1 - c2 - m      main = m (merge of c2 and f1), tag v1 = c2
//            \       /
//             f1 ---
#include <map>

#include "graveler/ref/ref_test_util.h"

namespace tarn::graveler::ref::testing {
namespace {

class ResolveTest : public RefTest {
 protected:
  void SetUp() override {
    RefTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    repo_ = NewRepo();
    c1_ = Add({root_}, kEpoch + 1, "c1");
    c2_ = Add({c1_}, kEpoch + 2, "c2");
    f1_ = Add({c1_}, kEpoch + 3, "f1");
    m_ = Add({c2_, f1_}, kEpoch + 4, "merge");
    auto read = refs_->GetBranchForUpdate(repo_, "main");
    ASSERT_TRUE(read.ok());
    Branch main = read->first;
    main.commit_id = m_;
    ASSERT_TRUE(refs_->UpdateBranch(repo_, main, read->second).ok());
    ASSERT_TRUE(refs_->CreateTag(repo_, {"v1", c2_}).ok());
  }

  // The commit an expression resolves to; fails the test on error.
  CommitId CommitOf(const std::string& expression) {
    auto r = refs_->ResolveRef(repo_, expression);
    EXPECT_TRUE(r.ok()) << expression << ": " << r.status().ToString();
    return r.ok() ? r->commit_id : "";
  }
  StatusCode CodeOf(const std::string& expression) {
    return refs_->ResolveRef(repo_, expression).status().code();
  }

  CommitId c1_, c2_, f1_, m_;
};

TEST_P(ResolveTest, PlainBranchReadsStaging) {
  auto r = refs_->ResolveRef(repo_, "main");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->kind, ResolvedRef::Kind::kBranch);
  EXPECT_EQ(r->commit_id, m_);
  EXPECT_EQ(r->branch_id, "main");
  EXPECT_EQ(r->branch.staging_token, "token-repo1");
}

TEST_P(ResolveTest, BranchAtIsItsCommittedHead) {
  auto r = refs_->ResolveRef(repo_, "main@");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->kind, ResolvedRef::Kind::kCommit);
  EXPECT_EQ(r->commit_id, m_);
  EXPECT_EQ(r->branch_id, "main");
  EXPECT_EQ(r->branch.id, "main");
}

TEST_P(ResolveTest, BranchDollarAsksForStagingExplicitly) {
  auto r = refs_->ResolveRef(repo_, "main$");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->kind, ResolvedRef::Kind::kBranchStaging);
  EXPECT_EQ(r->commit_id, m_);
  EXPECT_EQ(r->branch_id, "main");
}

TEST_P(ResolveTest, FullCommitIdTagAndPrefix) {
  auto full = refs_->ResolveRef(repo_, c1_);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->kind, ResolvedRef::Kind::kCommit);
  EXPECT_EQ(full->commit_id, c1_);
  EXPECT_TRUE(full->branch_id.empty());
  auto tag = refs_->ResolveRef(repo_, "v1");
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(tag->kind, ResolvedRef::Kind::kCommit);
  EXPECT_EQ(tag->commit_id, c2_);
  EXPECT_EQ(CommitOf(f1_.substr(0, 10)), f1_);
}

TEST_P(ResolveTest, TildeFollowsFirstParents) {
  EXPECT_EQ(CommitOf("main~"), c2_);
  EXPECT_EQ(CommitOf("main~1"), c2_);
  EXPECT_EQ(CommitOf("main~2"), c1_);
  EXPECT_EQ(CommitOf("main~3"), root_);
  EXPECT_EQ(CommitOf("main~0"), m_);
  EXPECT_EQ(CommitOf("v1~1"), c1_);
  EXPECT_EQ(CommitOf(m_ + "~2"), c1_);
  auto r = refs_->ResolveRef(repo_, "main~1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, ResolvedRef::Kind::kCommit);
}

TEST_P(ResolveTest, CaretPicksTheNthParent) {
  EXPECT_EQ(CommitOf("main^"), c2_);
  EXPECT_EQ(CommitOf("main^1"), c2_);
  EXPECT_EQ(CommitOf("main^2"), f1_);
  EXPECT_EQ(CommitOf("main^0"), m_);
  EXPECT_EQ(CommitOf(f1_.substr(0, 12) + "^"), c1_);
}

TEST_P(ResolveTest, ModifiersChain) {
  EXPECT_EQ(CommitOf("main^2~1"), c1_);
  EXPECT_EQ(CommitOf("main~1^1"), c1_);
  EXPECT_EQ(CommitOf("main^2^"), c1_);
  EXPECT_EQ(CommitOf("main~~"), c1_);
  EXPECT_EQ(CommitOf("main^2~1^0~1"), root_);
}

TEST_P(ResolveTest, WalkingPastTheRootIsInvalid) {
  EXPECT_EQ(CodeOf("main~4"), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf("main~1000000"), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(root_ + "^"), StatusCode::kInvalidArgument);
}

TEST_P(ResolveTest, CaretBeyondTheParentCountIsInvalid) {
  auto r = refs_->ResolveRef(repo_, "main^3");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("2 parent"), std::string_view::npos);
  EXPECT_EQ(CodeOf("v1^2"), StatusCode::kInvalidArgument);
}

TEST_P(ResolveTest, AtAndDollarApplyOnlyToBranches) {
  EXPECT_EQ(CodeOf("v1@"), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf("v1$"), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(c1_ + "@"), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(c1_.substr(0, 8) + "$"), StatusCode::kInvalidArgument);
}

TEST_P(ResolveTest, MalformedExpressionsAreInvalid) {
  for (std::string e : {"", " main", "main ", "ma in", "main~x", "main^-1", "main@~1", "main~1@",
                        "main@@", "main$$", "~1", "@", "main~99999999999"}) {
    EXPECT_EQ(CodeOf(e), StatusCode::kInvalidArgument) << "'" << e << "'";
  }
}

TEST_P(ResolveTest, UnknownBaseIsNotFound) {
  auto r = refs_->ResolveRef(repo_, "nope");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("'nope'"), std::string_view::npos);
  EXPECT_EQ(CodeOf("nope~1"), StatusCode::kNotFound);
  EXPECT_EQ(CodeOf("nope@"), StatusCode::kNotFound);
  EXPECT_EQ(CodeOf(std::string(64, '0')), StatusCode::kNotFound);
}

TEST_P(ResolveTest, FullCommitIdWinsOverABranchOfTheSameName) {
  ASSERT_TRUE(refs_->CreateBranch(repo_, {c1_, root_, "t", {}}).ok());
  auto r = refs_->ResolveRef(repo_, c1_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, ResolvedRef::Kind::kCommit);
  EXPECT_EQ(r->commit_id, c1_);
}

TEST_P(ResolveTest, BranchWinsOverATagOfTheSameName) {
  ASSERT_TRUE(refs_->CreateBranch(repo_, {"dev", c1_, "t", {}}).ok());
  ASSERT_TRUE(refs_->CreateTag(repo_, {"dev", c2_}).ok());
  auto r = refs_->ResolveRef(repo_, "dev");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, ResolvedRef::Kind::kBranch);
  EXPECT_EQ(r->commit_id, c1_);
}

TEST_P(ResolveTest, BranchAndTagWinOverACommitIdPrefix) {
  const std::string prefix_branch = c1_.substr(0, 8);
  const std::string prefix_tag = c2_.substr(0, 8);
  ASSERT_TRUE(refs_->CreateBranch(repo_, {prefix_branch, root_, "t", {}}).ok());
  ASSERT_TRUE(refs_->CreateTag(repo_, {prefix_tag, root_}).ok());
  EXPECT_EQ(CommitOf(prefix_branch), root_);
  EXPECT_EQ(CommitOf(prefix_tag), root_);
  EXPECT_EQ(CommitOf(c1_.substr(0, 9)), c1_);
}

TEST_P(ResolveTest, AmbiguousPrefixIsNotFoundSayingAmbiguous) {
  // Add commits until two ids share their first character.
  std::map<char, int> first_chars;
  for (const CommitId& id : {root_, c1_, c2_, f1_, m_}) ++first_chars[id[0]];
  for (int i = 0; i < 16; ++i)
    ++first_chars[Add({root_}, kEpoch + 10 + i, "x" + std::to_string(i))[0]];
  char shared = 0;
  for (auto [c, n] : first_chars) {
    if (n > 1 && c != 'v' && c != 'm') shared = c;  // not a branch or tag name either
  }
  ASSERT_NE(shared, 0);
  auto r = refs_->ResolveRef(repo_, std::string(1, shared) + "~1");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("ambiguous"), std::string_view::npos);
}

TEST_P(ResolveTest, PlainBranchCostsOneRead) {
  store_->ResetCounts();
  ASSERT_TRUE(refs_->ResolveRef(repo_, "main").ok());
  EXPECT_EQ(store_->reads(), 1u);
}

INSTANTIATE_TEST_SUITE_P(AllStores, ResolveTest, ::testing::ValuesIn(AllStoreFactories()),
                         FactoryName);

}  // namespace
}  // namespace tarn::graveler::ref::testing
