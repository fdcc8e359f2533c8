#include "router/route_table.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "router/config.h"

namespace tarn::router {
namespace {

Backend MakeBackend(std::string name, BackendKind kind = BackendKind::kS3) {
  Backend b;
  b.name = std::move(name);
  b.kind = kind;
  return b;
}

RouterConfig Config(std::vector<Route> routes) {
  RouterConfig c;
  c.source = "test.yaml";
  c.backends = {MakeBackend("aws"), MakeBackend("tarn", BackendKind::kTarn)};
  c.routes = std::move(routes);
  return c;
}

std::shared_ptr<const RouteTable> MustBuild(RouterConfig c) {
  auto t = RouteTable::Build(std::move(c));
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : nullptr;
}

const std::vector<Route> kRoutes = {
    {"old-bucket", "tables/", "tarn", "repo", "main/tables/", false},
    {"old-bucket", "", "aws", "", "", false},
    {"logs-*", "", "tarn", "logs", "main/", true},
    {"*", "", "aws", "", "", false},
};

TEST(RouteTableTest, FirstMatchingRouteRewritesBucketAndKeyPrefix) {
  auto t = MustBuild(Config(kRoutes));
  Target a = t->Resolve("old-bucket", "tables/x/part-0.parquet");
  EXPECT_EQ(a.route, 0u);
  EXPECT_EQ(a.backend->name, "tarn");
  EXPECT_EQ(a.bucket, "repo");
  EXPECT_EQ(a.key, "main/tables/x/part-0.parquet");
  Target b = t->Resolve("old-bucket", "raw/y.csv");
  EXPECT_EQ(b.route, 1u);
  EXPECT_EQ(b.bucket, "old-bucket");
  EXPECT_EQ(b.key, "raw/y.csv");
  Target c = t->Resolve("logs-2024", "a");
  EXPECT_EQ(c.route, 2u);
  EXPECT_TRUE(c.read_only);
  EXPECT_EQ(c.bucket, "logs");
  Target d = t->Resolve("anything", "k");
  EXPECT_EQ(d.route, 3u);
  EXPECT_EQ(d.backend->name, "aws");
}

TEST(RouteTableTest, ExactAndGlobRoutesKeepConfigurationOrder) {
  auto t = MustBuild(Config({{"data-*", "", "tarn", "", "main/", false},
                             {"data-1", "", "aws", "", "", false},
                             {"*", "", "aws", "", "", false}}));
  EXPECT_EQ(t->Resolve("data-1", "k").route, 0u) << "the glob comes first";
  auto u = MustBuild(
      Config({{"d?t[aA]-x", "", "tarn", "", "main/", false}, {"*", "", "aws", "", "", false}}));
  EXPECT_EQ(u->Resolve("dota-x", "k").route, 0u);
  EXPECT_EQ(u->Resolve("dotb-x", "k").route, 1u);
  // Globs without a literal lead, globs with one and exact names interleave by position.
  auto v = MustBuild(Config({{"x", "a/", "aws", "", "", false},
                             {"?", "b/", "tarn", "", "main/", false},
                             {"x*", "c/", "tarn", "", "main/", false},
                             {"x", "", "tarn", "", "dev/", false},
                             {"*", "", "aws", "", "", false}}));
  EXPECT_EQ(v->Resolve("x", "a/1").route, 0u);
  EXPECT_EQ(v->Resolve("x", "b/1").route, 1u);
  EXPECT_EQ(v->Resolve("x", "c/1").route, 2u);
  EXPECT_EQ(v->Resolve("x", "d/1").route, 3u);
  EXPECT_EQ(v->Resolve("y", "b/1").route, 1u);
  EXPECT_EQ(v->Resolve("yy", "b/1").route, 4u);
  EXPECT_EQ(v->Resolve("", "k").route, 4u);
}

TEST(RouteTableTest, UnmapInvertsResolveAndDropsKeysOfOtherRoutes) {
  auto t = MustBuild(Config(kRoutes));
  EXPECT_EQ(t->Unmap(0, "old-bucket", "main/tables/x.parquet"), "tables/x.parquet");
  EXPECT_EQ(t->Unmap(0, "old-bucket", "dev/other"), std::nullopt) << "outside the target";
  // The untouched route 1 lists the bucket itself: its tables/ keys belong to route 0.
  EXPECT_EQ(t->Unmap(1, "old-bucket", "raw/y.csv"), "raw/y.csv");
  EXPECT_EQ(t->Unmap(1, "old-bucket", "tables/stale.parquet"), std::nullopt);
}

TEST(RouteTableTest, AListingSpansEveryRouteItsPrefixReaches) {
  auto t = MustBuild(Config(kRoutes));
  EXPECT_EQ(t->RoutesForListing("old-bucket", ""), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(t->RoutesForListing("old-bucket", "tab"), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(t->RoutesForListing("old-bucket", "tables/x/"), (std::vector<std::size_t>{0}));
  EXPECT_EQ(t->RoutesForListing("old-bucket", "raw/"), (std::vector<std::size_t>{1}));
  EXPECT_EQ(t->RoutesForListing("other", ""), (std::vector<std::size_t>{3}));
}

TEST(RouteTableTest, ConfigurationsThatCannotWorkAreRefused) {
  auto error = [](std::vector<Route> routes) {
    auto t = RouteTable::Build(Config(std::move(routes)));
    EXPECT_FALSE(t.ok());
    return t.ok() ? std::string() : std::string(t.status().message());
  };
  EXPECT_NE(error({{"a", "", "aws", "", "", false}}).find("no default route"), std::string::npos);
  EXPECT_NE(error({{"*", "x/", "aws", "", "", false}}).find("no default route"), std::string::npos)
      << "a '*' route with a prefix does not catch everything";
  EXPECT_NE(error({{"*", "", "gcs", "", "", false}}).find("'gcs', which is not defined"),
            std::string::npos);
  EXPECT_NE(
      error({{"a[", "", "aws", "", "", false}, {"*", "", "aws", "", "", false}}).find("unclosed"),
      std::string::npos);
  EXPECT_NE(error({{"a", "/abs", "aws", "", "", false}, {"*", "", "aws", "", "", false}})
                .find("relative"),
            std::string::npos);
  EXPECT_NE(error({{"a", "", "aws", "b-*", "", false}, {"*", "", "aws", "", "", false}})
                .find("name one bucket"),
            std::string::npos);
  EXPECT_NE(error({}).find("no routes"), std::string::npos);
  RouterConfig dup = Config({{"*", "", "aws", "", "", false}});
  dup.backends.push_back(MakeBackend("aws"));
  auto t = RouteTable::Build(dup);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("two backends are named 'aws'"), std::string_view::npos);
  EXPECT_NE(t.status().message().find("test.yaml"), std::string_view::npos) << "names the file";
}

// The routing cases shared with the botwo Python client: both implementations agree.
TEST(RouteTableTest, SharedRoutingCasesAgreeWithBotwo) {
  std::ifstream in(std::string(TARN_SOURCE_DIR) + "/tests/routing_cases.json");
  ASSERT_TRUE(in) << "tests/routing_cases.json is missing";
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json cases = nlohmann::json::parse(text.str());
  auto routes = RoutesFromBotwoRules(cases["rules"], "routing_cases.json");
  ASSERT_TRUE(routes.ok()) << routes.status().ToString();
  RouterConfig c;
  c.backends = {MakeBackend("s3"), MakeBackend("tarn", BackendKind::kTarn)};
  c.routes = *routes;
  auto t = MustBuild(c);
  ASSERT_NE(t, nullptr);
  ASSERT_GE(cases["cases"].size(), 10u);
  for (const auto& k : cases["cases"]) {
    Target got = t->Resolve(k["bucket"].get<std::string>(), k["key"].get<std::string>());
    EXPECT_EQ(got.backend->name, k["expect"]["client"]) << k.dump();
    EXPECT_EQ(got.bucket, k["expect"]["bucket"]) << k.dump();
    EXPECT_EQ(got.key, k["expect"]["key"]) << k.dump();
    EXPECT_EQ(t->Unmap(got.route, k["bucket"].get<std::string>(), got.key), k["key"]) << k.dump();
  }
}

}  // namespace
}  // namespace tarn::router
