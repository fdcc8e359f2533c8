// Repositories: create, get, list, read-only, delete and create again.
#include "graveler/ref/records.h"
#include "graveler/ref/ref_test_util.h"

namespace tarn::graveler::ref::testing {
namespace {

using RepositoryTest = RefTest;

TEST_P(RepositoryTest, CreateWritesRecordBranchAndInitialCommit) {
  repo_ = NewRepo("repo1");
  EXPECT_EQ(repo_.instance_uid.size(), 16u);
  EXPECT_EQ(repo_.state, Repository::State::kActive);
  EXPECT_EQ(repo_.creation_date, kEpoch);

  auto got = refs_->GetRepository("repo1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->storage_namespace, "mem://repo1");
  EXPECT_EQ(got->default_branch, "main");
  EXPECT_EQ(got->instance_uid, repo_.instance_uid);

  auto branch = refs_->GetBranch(repo_, "main");
  ASSERT_TRUE(branch.ok()) << branch.status().ToString();
  EXPECT_EQ(branch->staging_token, "token-repo1");
  auto commit = refs_->GetCommit(repo_, branch->commit_id);
  ASSERT_TRUE(commit.ok()) << commit.status().ToString();
  EXPECT_EQ(commit->generation, 1);
  EXPECT_TRUE(commit->parents.empty());
  EXPECT_EQ(commit->message, "Repository created");
  EXPECT_EQ(commit->id, ComputeCommitId(*commit));
}

TEST_P(RepositoryTest, CreateFillsDatesFromTheClockWhenUnset) {
  clock_.Advance(std::chrono::seconds(42));
  Repository request{.id = "dated", .storage_namespace = "mem://d"};
  auto repo = refs_->CreateRepository(request, Commit{}, "t");
  ASSERT_TRUE(repo.ok()) << repo.status().ToString();
  EXPECT_EQ(repo->creation_date, kEpoch + 42);
  auto branch = refs_->GetBranch(*repo, "main");
  ASSERT_TRUE(branch.ok());
  auto commit = refs_->GetCommit(*repo, branch->commit_id);
  ASSERT_TRUE(commit.ok());
  EXPECT_EQ(commit->creation_date, kEpoch + 42);
}

TEST_P(RepositoryTest, CreateTwiceIsAlreadyExists) {
  NewRepo("repo1");
  Repository request{.id = "repo1", .storage_namespace = "mem://other"};
  auto again = refs_->CreateRepository(request, Commit{}, "t2");
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  auto got = refs_->GetRepository("repo1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->storage_namespace, "mem://repo1");
}

TEST_P(RepositoryTest, CreateRejectsInvalidInput) {
  Commit initial;
  EXPECT_EQ(refs_->CreateRepository({.id = "Bad_Id", .storage_namespace = "mem://x"}, initial, "t")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(refs_->CreateRepository({.id = "good", .storage_namespace = ""}, initial, "t")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(refs_
                ->CreateRepository(
                    {.id = "good", .storage_namespace = "mem://x", .default_branch = "no/slash"},
                    initial, "t")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(refs_->CreateRepository({.id = "good", .storage_namespace = "mem://x"}, initial, "")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  Commit with_parent;
  with_parent.parents = {std::string(64, 'a')};
  EXPECT_EQ(
      refs_->CreateRepository({.id = "good", .storage_namespace = "mem://x"}, with_parent, "t")
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(refs_->GetRepository("good").status().code(), StatusCode::kNotFound);
}

TEST_P(RepositoryTest, FailedCreateLeavesNothingBehind) {
  store_->before_set_if = [](std::string_view, std::string_view key) {
    return key.starts_with("branches/") ? Status::Unavailable("injected") : Status::OK();
  };
  auto repo =
      refs_->CreateRepository({.id = "repo1", .storage_namespace = "mem://x"}, Commit{}, "t");
  EXPECT_EQ(repo.status().code(), StatusCode::kUnavailable);
  auto partitions = store_->ListPartitions();
  ASSERT_TRUE(partitions.ok());
  EXPECT_TRUE(partitions->empty()) << partitions->front();
}

TEST_P(RepositoryTest, LosingTheCreateRaceRemovesTheLosersRefs) {
  // Another server creates the same repository between our check and our record write.
  bool raced = false;
  store_->before_set_if = [this, &raced](std::string_view partition, std::string_view key) {
    if (partition != "graveler" || raced) return Status::OK();
    raced = true;
    Repository winner{.id = "repo1", .storage_namespace = "mem://winner", .instance_uid = "w"};
    return store_->Set("graveler", key, EncodeRepository(winner));
  };
  auto repo =
      refs_->CreateRepository({.id = "repo1", .storage_namespace = "mem://x"}, Commit{}, "t");
  EXPECT_EQ(repo.status().code(), StatusCode::kAlreadyExists);
  auto partitions = store_->ListPartitions();
  ASSERT_TRUE(partitions.ok());
  EXPECT_EQ(*partitions, std::vector<std::string>{"graveler"});
  EXPECT_EQ(refs_->GetRepository("repo1")->storage_namespace, "mem://winner");
}

TEST_P(RepositoryTest, CallerChosenInstanceUidIsKept) {
  auto repo = refs_->CreateRepository(
      {.id = "chosen", .storage_namespace = "mem://c", .instance_uid = "0123456789abcdef"},
      Commit{}, "0123456789abcdef/token");
  ASSERT_TRUE(repo.ok()) << repo.status().ToString();
  EXPECT_EQ(repo->instance_uid, "0123456789abcdef");
  EXPECT_EQ(refs_->GetRepository("chosen")->instance_uid, "0123456789abcdef");
}

TEST_P(RepositoryTest, GetUnknownIsNotFoundNamingIt) {
  auto got = refs_->GetRepository("nope");
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_NE(got.status().message().find("'nope'"), std::string_view::npos);
  EXPECT_EQ(refs_->GetRepository("NOPE").status().code(), StatusCode::kInvalidArgument);
}

TEST_P(RepositoryTest, ListPagesInIdOrder) {
  for (std::string id : {"ccc", "aaa", "bbb", "ddd"}) NewRepo(id);
  auto first = refs_->ListRepositories("", 3);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->items.size(), 3u);
  EXPECT_EQ(first->items[0].id, "aaa");
  EXPECT_EQ(first->items[2].id, "ccc");
  EXPECT_TRUE(first->has_more);
  auto second = refs_->ListRepositories("ccc", 3);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].id, "ddd");
  EXPECT_FALSE(second->has_more);
  auto exact = refs_->ListRepositories("", 4);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->items.size(), 4u);
  EXPECT_FALSE(exact->has_more);
}

TEST_P(RepositoryTest, ListWithZeroAmountIsInvalid) {
  EXPECT_EQ(refs_->ListRepositories("", 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(RepositoryTest, SetReadOnlyPersists) {
  NewRepo("repo1");
  ASSERT_TRUE(refs_->SetRepositoryReadOnly("repo1", true).ok());
  auto got = refs_->GetRepository("repo1");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->read_only);
  ASSERT_TRUE(refs_->SetRepositoryReadOnly("repo1", false).ok());
  EXPECT_FALSE(refs_->GetRepository("repo1")->read_only);
  EXPECT_EQ(refs_->SetRepositoryReadOnly("nope", true).code(), StatusCode::kNotFound);
}

TEST_P(RepositoryTest, MetadataSetsThenRemovesAndPersists) {
  NewRepo("repo1");
  ASSERT_TRUE(refs_->UpdateRepositoryMetadata("repo1", {{"team", "data"}, {"tier", "gold"}}, {})
                  .ok());
  ASSERT_TRUE(refs_->UpdateRepositoryMetadata("repo1", {{"tier", "silver"}}, {"team"}).ok());
  auto got = refs_->GetRepository("repo1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->metadata, (std::map<std::string, std::string>{{"tier", "silver"}}));
  EXPECT_EQ(refs_->UpdateRepositoryMetadata("nope", {{"a", "b"}}, {}).code(),
            StatusCode::kNotFound);
}

TEST_P(RepositoryTest, DeleteRemovesRecordAndRefs) {
  repo_ = NewRepo("repo1");
  ASSERT_TRUE(refs_->DeleteRepository("repo1").ok());
  EXPECT_EQ(refs_->GetRepository("repo1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(refs_->GetBranch(repo_, "main").status().code(), StatusCode::kNotFound);
  auto list = refs_->ListRepositories("", 10);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->items.empty());
  auto partitions = store_->ListPartitions();
  ASSERT_TRUE(partitions.ok());
  EXPECT_TRUE(partitions->empty()) << partitions->front();
}

TEST_P(RepositoryTest, DeleteUnknownIsNotFound) {
  EXPECT_EQ(refs_->DeleteRepository("nope").code(), StatusCode::kNotFound);
}

TEST_P(RepositoryTest, RecreateStartsFromNothingWithANewInstanceUid) {
  repo_ = NewRepo("repo1");
  const CommitId old_commit = Add({root_}, kEpoch + 1, "old work");
  ASSERT_TRUE(refs_->CreateBranch(repo_, {"feature", old_commit, "tf", {}}).ok());
  ASSERT_TRUE(refs_->CreateTag(repo_, {"v1", old_commit}).ok());
  ASSERT_TRUE(refs_->DeleteRepository("repo1").ok());

  Repository request{.id = "repo1", .storage_namespace = "mem://again"};
  auto fresh = refs_->CreateRepository(request, Commit{.message = "new"}, "t-new");
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_NE(fresh->instance_uid, repo_.instance_uid);
  EXPECT_EQ(refs_->GetBranch(*fresh, "feature").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(refs_->GetTag(*fresh, "v1").status().code(), StatusCode::kNotFound);
  // The old commit is cached by the first instance; the new one must not see it.
  EXPECT_EQ(refs_->GetCommit(*fresh, old_commit).status().code(), StatusCode::kNotFound);
  auto branches = refs_->ListBranches(*fresh, "", 10);
  ASSERT_TRUE(branches.ok());
  ASSERT_EQ(branches->items.size(), 1u);
  EXPECT_EQ(branches->items[0].id, "main");
}

// A deletion that stopped after marking the record (a crash) leaves the id taken and invisible.
class InterruptedDeletion : public RepositoryTest {
 protected:
  void MarkInDeletion(const std::string& id) {
    auto repo = refs_->GetRepository(id);
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo->state = Repository::State::kInDeletion;
    ASSERT_TRUE(store_->Set("graveler", "repos/" + id, EncodeRepository(*repo)).ok());
  }
};

TEST_P(InterruptedDeletion, RepositoryBeingDeletedIsNotFoundAndNotListed) {
  NewRepo("repo1");
  MarkInDeletion("repo1");
  auto got = refs_->GetRepository("repo1");
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_NE(got.status().message().find("being deleted"), std::string_view::npos);
  auto list = refs_->ListRepositories("", 10);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->items.empty());
}

TEST_P(InterruptedDeletion, CreatingOverItIsAlreadyExistsAskingToRetry) {
  NewRepo("repo1");
  MarkInDeletion("repo1");
  auto again =
      refs_->CreateRepository({.id = "repo1", .storage_namespace = "mem://x"}, Commit{}, "t");
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("retry"), std::string_view::npos);
}

TEST_P(InterruptedDeletion, DeletingAgainFinishesTheJob) {
  repo_ = NewRepo("repo1");
  MarkInDeletion("repo1");
  ASSERT_TRUE(refs_->DeleteRepository("repo1").ok());
  auto partitions = store_->ListPartitions();
  ASSERT_TRUE(partitions.ok());
  EXPECT_TRUE(partitions->empty());
  EXPECT_TRUE(
      refs_->CreateRepository({.id = "repo1", .storage_namespace = "mem://x"}, Commit{}, "t").ok());
}

INSTANTIATE_TEST_SUITE_P(AllStores, RepositoryTest, ::testing::ValuesIn(AllStoreFactories()),
                         FactoryName);
INSTANTIATE_TEST_SUITE_P(AllStores, InterruptedDeletion, ::testing::ValuesIn(AllStoreFactories()),
                         FactoryName);

}  // namespace
}  // namespace tarn::graveler::ref::testing
