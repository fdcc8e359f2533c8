#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "block/reader.h"
#include "graveler/testing/engine_env.h"

namespace tarn::catalog {
namespace {

using graveler::testing::Backend;

TEST(EntryTest, IdentityIgnoresAddressAndTime) {
  Entry a;
  a.path = "p";
  a.address = "data/1";
  a.size = 10;
  a.etag = "abc";
  Entry b = a;
  b.address = "data/2";
  b.last_modified = std::chrono::system_clock::now();
  EXPECT_EQ(ComputeIdentity(a), ComputeIdentity(b));
  b.metadata["k"] = "v";
  EXPECT_NE(ComputeIdentity(a), ComputeIdentity(b));
  Entry c = a;
  c.content_type = "text/plain";
  EXPECT_NE(ComputeIdentity(a), ComputeIdentity(c));
}

TEST(EntryTest, IdentityIsFrozen) {
  Entry e;
  e.size = 5;
  e.etag = "5d41402abc4b2a76b9719d911017c592";
  e.metadata = {{"owner", "data-team"}};
  // Changing this value changes every committed object's identity: never do.
  EXPECT_EQ(ComputeIdentity(e), "e7b4def265842d275d404598b633aad75627e3906ccc27313e0251b82e44af9a")
      << "the entry identity encoding changed";
}

TEST(EntryTest, RecordRoundTrips) {
  Entry e;
  e.path = "a/b";
  e.address = "data/x/y";
  e.size = 42;
  e.etag = "etag";
  e.metadata = {{"k", "v"}};
  e.content_type = "text/csv";
  e.last_modified = std::chrono::system_clock::time_point(std::chrono::milliseconds(1234567));
  graveler::Value v = EntryToValue(e);
  EXPECT_EQ(v.identity, ComputeIdentity(e));
  auto back = EntryFromValue("a/b", v.data);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, e);
  EXPECT_EQ(EntryFromValue("x", "\xff\xff\xff").status().code(), StatusCode::kCorruption);
}

class CatalogTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string why;
    if (!graveler::testing::BackendAvailable(GetParam(), &why)) {
      if (why == "skip") GTEST_SKIP() << "service tests skipped by environment";
      FAIL() << why;
    }
    auto engine = graveler::testing::MakeEngine(GetParam());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
    catalog_ = std::make_unique<Catalog>(engine_->graveler(), engine_->blocks(), engine_->clock());
    graveler::CreateRepositoryParams params;
    params.id = "objects";
    params.storage_namespace = engine_->FreshNamespace();
    auto repo = engine_->graveler().CreateRepository(params);
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = *repo;
  }

  Entry Put(std::string_view path, std::string body) {
    block::StringReader reader(std::move(body));
    PutObjectParams p;
    auto e = catalog_->PutObject(repo_, "main", path, reader, p);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? *e : Entry{};
  }

  std::unique_ptr<graveler::testing::Engine> engine_;
  std::unique_ptr<Catalog> catalog_;
  graveler::Repository repo_;
};

TEST_P(CatalogTest, PutObjectStoresDataAtAFreshAddress) {
  Entry a = Put("x.csv", "hello");
  Entry b = Put("x.csv", "hello");
  EXPECT_NE(a.address, b.address);
  EXPECT_EQ(a.address.rfind("data/", 0), 0u);
  EXPECT_EQ(a.etag, "5d41402abc4b2a76b9719d911017c592");
  auto got = catalog_->GetEntry(repo_, "main", "x.csv");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->size, 5u);
  auto reader = catalog_->OpenObject(repo_, *got, std::nullopt);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  char buf[16];
  auto n = (*reader)->Read(std::span<char>(buf, sizeof(buf)));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "hello");
}

TEST_P(CatalogTest, ListWithDelimiterGroupsCommonPrefixes) {
  for (auto p : {"a.txt", "dir/1", "dir/2", "dir/sub/3", "e/1", "z"}) Put(p, p);
  ListEntriesParams params;
  params.delimiter = "/";
  auto page = catalog_->ListEntries(repo_, "main", params);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  std::vector<std::string> entries;
  for (const auto& e : page->entries) entries.push_back(e.path);
  EXPECT_EQ(entries, (std::vector<std::string>{"a.txt", "z"}));
  EXPECT_EQ(page->common_prefixes, (std::vector<std::string>{"dir/", "e/"}));
  params.prefix = "dir/";
  page = catalog_->ListEntries(repo_, "main", params);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->common_prefixes, std::vector<std::string>{"dir/sub/"});
}

TEST_P(CatalogTest, ListPagesAcrossCommonPrefixes) {
  for (auto p : {"a/1", "a/2", "b", "c/1", "d"}) Put(p, p);
  ListEntriesParams params;
  params.delimiter = "/";
  params.amount = 2;
  std::vector<std::string> seen;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = catalog_->ListEntries(repo_, "main", params);
    ASSERT_TRUE(page.ok());
    for (const auto& c : page->common_prefixes) seen.push_back(c);
    for (const auto& e : page->entries) seen.push_back(e.path);
    if (!page->has_more) break;
    params.after = page->next_after;
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"a/", "b", "c/", "d"}));
}

TEST_P(CatalogTest, ReuploadingTheSameBytesIsNoChange) {
  Put("x", "same");
  graveler::CommitParams p;
  p.committer = "t";
  p.message = "m";
  ASSERT_TRUE(engine_->graveler().CommitBranch(repo_, "main", p).ok());
  Put("x", "same");
  auto again = engine_->graveler().CommitBranch(repo_, "main", p);
  EXPECT_EQ(again.status().code(), StatusCode::kPreconditionFailed);
}

TEST_P(CatalogTest, ConditionalPutsByEtag) {
  Entry first = Put("x", "one");
  PutObjectParams p;
  p.condition.if_none_match_any = true;
  block::StringReader again("two");
  EXPECT_EQ(catalog_->PutObject(repo_, "main", "x", again, p).status().code(),
            StatusCode::kPreconditionFailed);
  p.condition = {};
  p.condition.if_match_etag = "0123";
  block::StringReader wrong("two");
  auto refused = catalog_->PutObject(repo_, "main", "x", wrong, p);
  EXPECT_EQ(refused.status().code(), StatusCode::kPreconditionFailed);
  EXPECT_NE(refused.status().message().find(first.etag), std::string_view::npos);
  p.condition.if_match_etag = first.etag;
  block::StringReader right("two");
  ASSERT_TRUE(catalog_->PutObject(repo_, "main", "x", right, p).ok());
  EXPECT_EQ(catalog_->GetEntry(repo_, "main", "x")->size, 3u);
  p.condition.if_match_etag = first.etag;  // now stale
  block::StringReader stale("three");
  EXPECT_EQ(catalog_->PutObject(repo_, "main", "x", stale, p).status().code(),
            StatusCode::kPreconditionFailed);
}

std::string ReadAll(Catalog& catalog, const graveler::Repository& repo, const Entry& e) {
  auto reader = catalog.OpenObject(repo, e, std::nullopt);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return "";
  std::string out;
  char buf[64];
  for (;;) {
    auto n = (*reader)->Read(std::span<char>(buf, sizeof(buf)));
    if (!n.ok() || *n == 0) break;
    out.append(buf, *n);
  }
  return out;
}

TEST_P(CatalogTest, CopyWithinARepositorySharesTheBytes) {
  Entry source = Put("src", "payload");
  CopyObjectParams p;
  auto copy = catalog_->CopyObject(repo_, "main", "src", repo_, "main", "dst", p);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(copy->address, source.address);
  EXPECT_EQ(copy->etag, source.etag);
  EXPECT_EQ(ReadAll(*catalog_, repo_, *catalog_->GetEntry(repo_, "main", "dst")), "payload");
  p.replace_metadata = true;
  p.metadata = {{"k", "v"}};
  p.content_type = "text/plain";
  auto replaced = catalog_->CopyObject(repo_, "main", "src", repo_, "main", "dst2", p);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(catalog_->GetEntry(repo_, "main", "dst2")->content_type, "text/plain");
  EXPECT_EQ(catalog_->GetEntry(repo_, "main", "dst2")->metadata.at("k"), "v");
}

TEST_P(CatalogTest, CopyAcrossRepositoriesCopiesTheBytes) {
  Entry source = Put("src", "payload");
  graveler::CreateRepositoryParams params;
  params.id = "other";
  params.storage_namespace = engine_->FreshNamespace();
  auto other = engine_->graveler().CreateRepository(params);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  auto copy = catalog_->CopyObject(repo_, "main", "src", *other, "main", "dst", {});
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_NE(copy->address, source.address);
  EXPECT_EQ(copy->etag, source.etag);
  EXPECT_EQ(ReadAll(*catalog_, *other, *catalog_->GetEntry(*other, "main", "dst")), "payload");
}

TEST_P(CatalogTest, DiffEntriesGroupsByDelimiterAndPages) {
  for (auto p : {"a/1", "a/2", "b", "c/x/1"}) Put(p, p);
  graveler::CommitParams cp;
  cp.committer = "t";
  cp.message = "m";
  ASSERT_TRUE(engine_->graveler().CommitBranch(repo_, "main", cp).ok());
  Put("a/3", "new");
  Put("b", "changed");
  Put("c/x/2", "new");
  Put("d", "new");
  DiffEntriesParams params;
  params.kind = DiffEntriesParams::Kind::kUncommitted;
  params.delimiter = "/";
  auto diff = catalog_->DiffEntries(repo_, "", "main", params);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  std::vector<std::string> got;
  for (const auto& e : diff->entries) {
    got.push_back(e.path + (e.common_prefix                        ? "*"
                            : e.type == graveler::DiffType::kAdded ? "+"
                                                                   : "~"));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"a/*", "b~", "c/*", "d+"}));
  params.amount = 2;
  params.delimiter.clear();
  params.prefix = "";
  std::vector<std::string> paged;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = catalog_->DiffEntries(repo_, "", "main", params);
    ASSERT_TRUE(page.ok());
    for (const auto& e : page->entries) paged.push_back(e.path);
    if (!page->has_more) break;
    params.after = page->next_after;
  }
  EXPECT_EQ(paged, (std::vector<std::string>{"a/3", "b", "c/x/2", "d"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogTest,
                         ::testing::Values(Backend::kMemory, Backend::kRocksDbLocal,
                                           Backend::kPostgresS3),
                         [](const auto& info) {
                           return graveler::testing::BackendName(info.param);
                         });

}  // namespace
}  // namespace tarn::catalog
