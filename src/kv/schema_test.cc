#include "kv/schema.h"

#include <gtest/gtest.h>

#include "common/logging.h"
#include "kv/memory/memory_store.h"

namespace tarn::kv {
namespace {

class SchemaTest : public ::testing::Test {
 protected:
  SchemaRegistry Registry(uint32_t current) {
    SchemaRegistry r;
    r.current_version = current;
    r.binary_version = "test";
    for (uint32_t v = 1; v < current; ++v) {
      r.migrations.push_back({v, "step " + std::to_string(v), [this, v](Store& s) {
                                steps_.push_back(v);
                                return s.Set("data", "migrated-" + std::to_string(v), "yes");
                              }});
    }
    return r;
  }

  std::unique_ptr<Store> store_ = NewMemoryStore();
  ManualClock clock_;
  std::shared_ptr<spdlog::logger> logger_ = NullLogger();
  std::vector<uint32_t> steps_;
};

TEST_F(SchemaTest, FreshStoreIsStampedWithCurrentVersion) {
  auto check = EnsureSchema(*store_, Registry(3), clock_, *logger_);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->stamped);
  EXPECT_EQ(check->version, 3u);
  EXPECT_TRUE(steps_.empty()) << "a fresh store needs no migration";
  EXPECT_EQ(*ReadSchemaVersion(*store_), 3u);
}

TEST_F(SchemaTest, CurrentStoreIsLeftAlone) {
  ASSERT_TRUE(EnsureSchema(*store_, Registry(2), clock_, *logger_).ok());
  auto before = store_->Get(kMetaPartition, kSchemaVersionKey)->value;
  auto check = EnsureSchema(*store_, Registry(2), clock_, *logger_);
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->stamped);
  EXPECT_EQ(check->migrations_run, 0);
  EXPECT_EQ(store_->Get(kMetaPartition, kSchemaVersionKey)->value, before);
}

TEST_F(SchemaTest, NewerStoreIsRefusedWithBothVersionsNamed) {
  ASSERT_TRUE(EnsureSchema(*store_, Registry(4), clock_, *logger_).ok());
  auto check = EnsureSchema(*store_, Registry(2), clock_, *logger_);
  ASSERT_FALSE(check.ok());
  EXPECT_TRUE(check.status().IsPreconditionFailed());
  EXPECT_NE(check.status().message().find("4"), std::string_view::npos);
  EXPECT_NE(check.status().message().find("upgrade tarn"), std::string_view::npos);
  EXPECT_EQ(*ReadSchemaVersion(*store_), 4u) << "refusing must not touch the record";
}

TEST_F(SchemaTest, OlderStoreRunsEachForwardMigrationInOrder) {
  ASSERT_TRUE(EnsureSchema(*store_, Registry(1), clock_, *logger_).ok());  // synthetic old store
  auto check = EnsureSchema(*store_, Registry(4), clock_, *logger_);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(check->found_version, 1u);
  EXPECT_EQ(check->version, 4u);
  EXPECT_EQ(check->migrations_run, 3);
  EXPECT_EQ(steps_, (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(*ReadSchemaVersion(*store_), 4u);
  EXPECT_TRUE(store_->Get("data", "migrated-3").ok());
}

TEST_F(SchemaTest, FailedMigrationKeepsTheOldVersion) {
  ASSERT_TRUE(EnsureSchema(*store_, Registry(1), clock_, *logger_).ok());
  SchemaRegistry r = Registry(3);
  r.migrations[1].run = [](Store&) { return Status::IOError("disk full"); };
  auto check = EnsureSchema(*store_, r, clock_, *logger_);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.status().code(), StatusCode::kIOError);
  EXPECT_NE(check.status().message().find("2 -> 3"), std::string_view::npos);
  EXPECT_EQ(*ReadSchemaVersion(*store_), 2u) << "the step that succeeded stays recorded";
}

TEST_F(SchemaTest, MissingMigrationStepIsRefused) {
  ASSERT_TRUE(EnsureSchema(*store_, Registry(1), clock_, *logger_).ok());
  SchemaRegistry r = Registry(3);
  r.migrations.erase(r.migrations.begin());
  auto check = EnsureSchema(*store_, r, clock_, *logger_);
  EXPECT_TRUE(check.status().IsPreconditionFailed());
  EXPECT_EQ(*ReadSchemaVersion(*store_), 1u);
}

TEST_F(SchemaTest, UnreadableVersionRecordIsCorruption) {
  ASSERT_TRUE(store_->Set(kMetaPartition, kSchemaVersionKey, "\xff\xff garbage").ok());
  auto check = EnsureSchema(*store_, Registry(1), clock_, *logger_);
  EXPECT_EQ(check.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace tarn::kv
