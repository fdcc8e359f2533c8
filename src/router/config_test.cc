#include "router/config.h"

#include <gtest/gtest.h>

namespace tarn::router {
namespace {

constexpr char kYaml[] = R"(
listen: 127.0.0.1:8001
credentials:
  - access_key_id: ROUTERKEY
    secret_access_key: routersecret
backends:
  aws:
    kind: s3
    region: eu-west-1
    credentials: {profile: prod}
  tarn:
    kind: tarn
    endpoint: http://localhost:8000
    credentials: {env: TARN}
routes:
  - bucket: example-old-bucket
    prefix: tables/
    backend: tarn
    repository: example-repo
    target_prefix: main/tables/
  - bucket: archive-*
    backend: aws
    read_only: true
  - bucket: "*"
    backend: aws
)";

TEST(RouterConfigTest, NativeYaml) {
  auto c = ParseYamlConfig(kYaml, "router.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen, "127.0.0.1:8001");
  ASSERT_EQ(c->credentials.size(), 1u);
  EXPECT_EQ(c->credentials[0].access_key_id, "ROUTERKEY");
  ASSERT_EQ(c->backends.size(), 2u);
  auto table = RouteTable::Build(*c);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  Target t = (*table)->Resolve("example-old-bucket", "tables/a.parquet");
  EXPECT_EQ(t.backend->name, "tarn");
  EXPECT_EQ(t.backend->credentials.source, BackendCredentials::Source::kEnvironment);
  EXPECT_EQ(t.bucket, "example-repo");
  EXPECT_EQ(t.key, "main/tables/a.parquet");
  Target a = (*table)->Resolve("archive-2020", "x");
  EXPECT_TRUE(a.read_only);
  EXPECT_EQ(a.backend->region, "eu-west-1");
  EXPECT_EQ(a.backend->credentials.profile, "prod");
}

TEST(RouterConfigTest, YamlMistakesAreNamed) {
  auto bad = [](const std::string& text) {
    auto c = ParseYamlConfig(text, "r.yaml");
    return c.ok() ? std::string() : std::string(c.status().message());
  };
  EXPECT_NE(bad("routes: [").find("not valid YAML"), std::string::npos);
  EXPECT_NE(bad("routes: []").find("backends"), std::string::npos);
  EXPECT_NE(bad("backends: {a: {kind: gcs}}\nroutes: []").find("not s3 or tarn"),
            std::string::npos);
  EXPECT_NE(
      bad("backends: {a: {credentials: {access_key_id: x}}}\nroutes: []").find("secret_access_key"),
      std::string::npos);
  EXPECT_NE(bad("backends: {a: {addressing: dns}}\nroutes: []").find("path or virtual"),
            std::string::npos);
}

constexpr char kRouterFs[] = R"(# RouterFileSystem mappings
routerfs.mapping.s3a.1.replace=s3a://bucket/prefix
routerfs.mapping.s3a.1.with=lakefs://example-repo/dev/prefix
routerfs.mapping.s3a.2.replace=s3a://
routerfs.mapping.s3a.2.with=s3a-default://
fs.lakefs.endpoint=http://localhost:8000
fs.lakefs.access.key=AKIAIOSFOLQUICKSTART
fs.lakefs.secret.key=secret
fs.s3a-default.endpoint=s3.amazonaws.com
)";

TEST(RouterConfigTest, RouterFsMappingsBecomeRoutes) {
  auto c = ParseRouterFsConfig(kRouterFs, "routes.properties");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto table = RouteTable::Build(*c);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  Target t = (*table)->Resolve("bucket", "prefix/foo.parquet");
  EXPECT_EQ(t.backend->scheme + "://" + t.bucket + "/" + t.key,
            "lakefs://example-repo/dev/prefix/foo.parquet");
  EXPECT_EQ(t.backend->kind, BackendKind::kTarn);
  EXPECT_EQ(t.backend->endpoint, "http://localhost:8000");
  EXPECT_EQ(t.backend->credentials.access_key_id, "AKIAIOSFOLQUICKSTART");
  Target d = (*table)->Resolve("other", "x/y");
  EXPECT_EQ(d.backend->scheme + "://" + d.bucket + "/" + d.key, "s3a-default://other/x/y");
  EXPECT_EQ(d.backend->endpoint, "https://s3.amazonaws.com");
}

TEST(RouterConfigTest, RouterFsMistakesAreNamed) {
  auto bad = [](const std::string& text) {
    auto c = ParseRouterFsConfig(text, "r.properties");
    if (c.ok()) {
      auto t = RouteTable::Build(*c);
      return t.ok() ? std::string() : std::string(t.status().message());
    }
    return std::string(c.status().message());
  };
  EXPECT_NE(bad("routerfs.mapping.s3a.1.replace=s3a://b/p\n").find("needs both"),
            std::string::npos);
  EXPECT_NE(bad("routerfs.mapping.s3a.1.replace=gs://b\nrouterfs.mapping.s3a.1.with=x://\n")
                .find("must start with s3a://"),
            std::string::npos);
  EXPECT_NE(bad("routerfs.mapping.s3a.x.replace=s3a://b\n").find("<index>"), std::string::npos);
  EXPECT_NE(bad("routerfs.mapping.s3a.1.replace=s3a://b/p\nrouterfs.mapping.s3a.1.with=x://c\n")
                .find("no default route"),
            std::string::npos);
  EXPECT_NE(bad("fs.x.endpoint=y\n").find("no routerfs.mapping"), std::string::npos);
}

TEST(RouterConfigTest, BotwoMappingWithBackends) {
  constexpr char kJson[] = R"({
    "backends": {"s3": {"region": "us-west-2"},
                 "tarn": {"kind": "tarn", "endpoint": "http://localhost:8000",
                          "credentials": {"access_key_id": "k", "secret_access_key": "s"}}},
    "mapping": [
      {"bucket_name": "bucket-a", "client": "tarn", "key_prefix": "dev/"},
      {"bucket_name": "example-old-bucket", "mapped_bucket_name": "example-repo",
       "client": "tarn", "key_prefix": "main/"},
      {"bucket_name": "*", "client": "s3"}]})";
  auto c = ParseBotwoConfig(kJson, "routes.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto table = RouteTable::Build(*c);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  Target t = (*table)->Resolve("example-old-bucket", "test/object.txt");
  EXPECT_EQ(t.bucket, "example-repo");
  EXPECT_EQ(t.key, "main/test/object.txt");
  EXPECT_EQ((*table)->Resolve("test-bucket", "k").backend->region, "us-west-2");
  auto list = ParseBotwoConfig(R"([{"bucket_name": "*", "client": "s3"}])", "l.json");
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find("backends"), std::string_view::npos);
  auto unknown = ParseBotwoConfig(
      R"({"backends": {"s3": {}}, "mapping": [{"bucket_name": "*", "client": "s3", "x": 1}]})",
      "u.json");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown field 'x'"), std::string_view::npos);
}

TEST(RouterConfigTest, TheFormatFollowsTheExtension) {
  auto c = LoadRouterConfig("/nonexistent/router.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find(".properties"), std::string_view::npos);
  auto d = LoadRouterConfig("/nonexistent/router.yaml");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kIOError);
}

}  // namespace
}  // namespace tarn::router
