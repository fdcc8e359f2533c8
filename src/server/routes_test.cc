#include "server/routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "kv/memory/memory_store.h"
#include "kv/schema.h"

namespace tarn::server {
namespace {

// A store whose reads fail, as an unreachable PostgreSQL would.
class DownStore final : public kv::Store {
 public:
  std::string_view driver() const override { return "down"; }
  Result<kv::Item> Get(std::string_view, std::string_view) override {
    return Status::Unavailable("postgres at db:5432 is unreachable");
  }
  Status Set(std::string_view, std::string_view, std::string_view) override { return Down(); }
  Status SetIf(std::string_view, std::string_view, std::string_view,
               const kv::Predicate&) override {
    return Down();
  }
  Status Delete(std::string_view, std::string_view) override { return Down(); }
  Status SetBatch(std::string_view, std::span<const kv::KeyValue>) override { return Down(); }
  Result<std::unique_ptr<kv::Iterator>> Scan(std::string_view, std::string_view,
                                             const kv::ScanOptions&) override {
    return Down();
  }
  Status DeletePartition(std::string_view) override { return Down(); }
  Result<std::vector<std::string>> ListPartitions() override { return Down(); }

 private:
  static Status Down() { return Status::Unavailable("down"); }
};

http::Request Get(std::string target) {
  http::Request r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

TEST(RoutesTest, HealthReportsTheStoreAndSchema) {
  auto store = kv::NewMemoryStore();
  ManualClock clock;
  ASSERT_TRUE(kv::EnsureSchema(*store, kv::ProductionSchema(), clock, *NullLogger()).ok());
  Routes routes(*store, NullLogger());
  auto r = routes.Handle(Get("/_health"));
  EXPECT_EQ(r.status, 200);
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["kv"], "memory");
  EXPECT_EQ(body["schema_version"], kv::ProductionSchema().current_version);
}

TEST(RoutesTest, HealthIs503WhenTheStoreIsDown) {
  DownStore store;
  Routes routes(store, NullLogger());
  auto r = routes.Handle(Get("/_health?probe=1"));
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("unreachable"), std::string::npos);
}

TEST(RoutesTest, HealthRejectsWritesWith405) {
  auto store = kv::NewMemoryStore();
  Routes routes(*store, NullLogger());
  auto req = Get("/_health");
  req.method = "POST";
  auto r = routes.Handle(req);
  EXPECT_EQ(r.status, 405);
}

TEST(RoutesTest, UnknownPathIs404Json) {
  auto store = kv::NewMemoryStore();
  Routes routes(*store, NullLogger());
  auto r = routes.Handle(Get("/nope"));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("/nope"), std::string::npos);
}

}  // namespace
}  // namespace tarn::server
