#include "gateway/multipart_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "kv/memory/memory_store.h"
#include "s3/errors.h"

namespace tarn::gateway {
namespace {

using std::chrono::hours;
using std::chrono::system_clock;

class MultipartStoreTest : public ::testing::Test {
 protected:
  MultipartUpload Upload(std::string repository, std::string key, std::string upload_id) {
    MultipartUpload upload;
    upload.upload_id = std::move(upload_id);
    upload.repository = std::move(repository);
    upload.key = std::move(key);
    upload.storage_namespace = "mem://ns";
    upload.physical_address = "data/0001/abc";
    upload.initiated = clock_.Now();
    upload.content_type = "text/plain";
    upload.metadata = {{"color", "blue"}, {"size", "xl"}};
    upload.initiator = "user1";
    return upload;
  }

  static std::vector<std::string> Ids(const std::vector<MultipartUpload>& uploads) {
    std::vector<std::string> ids;
    for (const auto& u : uploads) ids.push_back(u.key + "#" + u.upload_id);
    return ids;
  }

  ManualClock clock_{system_clock::time_point(hours(480000))};
  std::unique_ptr<kv::Store> kv_ = kv::NewMemoryStore();
  MultipartStore store_{*kv_, clock_};
};

TEST_F(MultipartStoreTest, GetReturnsEveryFieldCreateRecorded) {
  MultipartUpload upload = Upload("repo1", "main/a/b.bin", "u1");
  ASSERT_TRUE(store_.Create(upload).ok());
  auto got = store_.Get("repo1", "main/a/b.bin", "u1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->upload_id, "u1");
  EXPECT_EQ(got->repository, "repo1");
  EXPECT_EQ(got->key, "main/a/b.bin");
  EXPECT_EQ(got->storage_namespace, "mem://ns");
  EXPECT_EQ(got->physical_address, "data/0001/abc");
  EXPECT_EQ(got->initiated, upload.initiated);
  EXPECT_EQ(got->content_type, "text/plain");
  EXPECT_EQ(got->metadata, upload.metadata);
  EXPECT_EQ(got->initiator, "user1");
}

TEST_F(MultipartStoreTest, CreateStampsTheClockWhenInitiatedIsUnset) {
  MultipartUpload upload = Upload("repo1", "main/a", "u1");
  upload.initiated = {};
  ASSERT_TRUE(store_.Create(upload).ok());
  auto got = store_.Get("repo1", "main/a", "u1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->initiated, clock_.Now());
}

TEST_F(MultipartStoreTest, DuplicateCreateIsAlreadyExists) {
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/a", "u1")).ok());
  EXPECT_EQ(store_.Create(Upload("repo1", "main/a", "u1")).code(), StatusCode::kAlreadyExists);
}

TEST_F(MultipartStoreTest, UploadIdIsOnlyValidWithItsBucketAndKey) {
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/a", "u1")).ok());
  auto wrong_key = store_.Get("repo1", "main/b", "u1");
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(s3::S3CodeOf(wrong_key.status()), s3::S3ErrorCode::kNoSuchUpload);
  auto wrong_bucket = store_.Get("repo2", "main/a", "u1");
  ASSERT_FALSE(wrong_bucket.ok());
  EXPECT_EQ(s3::S3CodeOf(wrong_bucket.status()), s3::S3ErrorCode::kNoSuchUpload);
}

TEST_F(MultipartStoreTest, DeleteForgetsTheUpload) {
  MultipartUpload upload = Upload("repo1", "main/a", "u1");
  ASSERT_TRUE(store_.Create(upload).ok());
  ASSERT_TRUE(store_.Delete(upload).ok());
  EXPECT_TRUE(store_.Get("repo1", "main/a", "u1").status().IsNotFound());
}

TEST_F(MultipartStoreTest, ListIsOrderedByKeyThenUploadIdWithinOneBucket) {
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/b", "u2")).ok());
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/a", "u9")).ok());
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/b", "u1")).ok());
  ASSERT_TRUE(store_.Create(Upload("repo10", "main/a", "u3")).ok());
  auto listed = store_.List("repo1", "", "", "", 100);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(Ids(*listed), (std::vector<std::string>{"main/a#u9", "main/b#u1", "main/b#u2"}));
}

TEST_F(MultipartStoreTest, ListFiltersByPrefix) {
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/logs/1", "u1")).ok());
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/data/1", "u2")).ok());
  ASSERT_TRUE(store_.Create(Upload("repo1", "dev/logs/1", "u3")).ok());
  auto listed = store_.List("repo1", "main/logs/", "", "", 100);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(Ids(*listed), (std::vector<std::string>{"main/logs/1#u1"}));
}

TEST_F(MultipartStoreTest, KeyMarkerAloneSkipsEveryUploadOfThatKey) {
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/a", "u1")).ok());
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/a", "u2")).ok());
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/b", "u3")).ok());
  auto listed = store_.List("repo1", "", "main/a", "", 100);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(Ids(*listed), (std::vector<std::string>{"main/b#u3"}));
}

TEST_F(MultipartStoreTest, UploadIdMarkerResumesWithinTheMarkerKey) {
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/a", "u1")).ok());
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/a", "u2")).ok());
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/b", "u3")).ok());
  auto listed = store_.List("repo1", "", "main/a", "u1", 100);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(Ids(*listed), (std::vector<std::string>{"main/a#u2", "main/b#u3"}));
}

TEST_F(MultipartStoreTest, ListStopsAtAmount) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_.Create(Upload("repo1", "main/k" + std::to_string(i), "u")).ok());
  }
  auto listed = store_.List("repo1", "", "", "", 2);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(Ids(*listed), (std::vector<std::string>{"main/k0#u", "main/k1#u"}));
}

TEST_F(MultipartStoreTest, ListOlderThanFindsOnlyUploadsBeforeTheCutoffAcrossBuckets) {
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/old", "u1")).ok());
  ASSERT_TRUE(store_.Create(Upload("repo2", "main/old", "u2")).ok());
  clock_.Advance(hours(24 * 8));
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/new", "u3")).ok());
  auto expired = store_.ListOlderThan(clock_.Now() - hours(24 * 7), 100);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(Ids(*expired), (std::vector<std::string>{"main/old#u1", "main/old#u2"}));
}

TEST_F(MultipartStoreTest, ListOlderThanStopsAtAmount) {
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/a", "u1")).ok());
  ASSERT_TRUE(store_.Create(Upload("repo1", "main/b", "u2")).ok());
  clock_.Advance(hours(1));
  auto expired = store_.ListOlderThan(clock_.Now(), 1);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(expired->size(), 1u);
}

}  // namespace
}  // namespace tarn::gateway
