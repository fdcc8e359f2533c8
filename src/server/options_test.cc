#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "server/config_loading.h"
#include "server/store_factory.h"

namespace tarn::server {
namespace {

TEST(ServerOptionsTest, DefaultsAreTheEmbeddedStoreOnLoopback) {
  auto o = LoadServerOptions({}, {});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->listen_address, "127.0.0.1:8000");
  EXPECT_EQ(o->data_dir, "./tarn-data");
  EXPECT_EQ(o->kv.type, "rocksdb");
  EXPECT_EQ(o->kv.rocksdb_path, "./tarn-data/kv");
  EXPECT_FALSE(o->kv.rocksdb_sync);
}

TEST(ServerOptionsTest, StorageAndCacheDefaultUnderTheDataDir) {
  auto o = LoadServerOptions({}, {{"TARN_DATA_DIR", "/srv/tarn"}});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->blockstore.local_path, "/srv/tarn/objects");
  EXPECT_EQ(o->cache.dir, "/srv/tarn/cache");
  EXPECT_EQ(o->cache.size_bytes, 1ull << 30);
  EXPECT_TRUE(o->blockstore.local_allowed_prefixes.empty());
}

TEST(ServerOptionsTest, AllowedPrefixesAreCommaSeparated) {
  auto o = LoadServerOptions(
      {}, {{"TARN_BLOCKSTORE_LOCAL_ALLOWED_PREFIXES", "/data/a,/data/b,"},
           {"TARN_CACHE_SIZE_BYTES", "104857600"}});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->blockstore.local_allowed_prefixes,
            (std::vector<std::string>{"/data/a", "/data/b"}));
  EXPECT_EQ(o->cache.size_bytes, 104857600u);
}

TEST(ServerOptionsTest, TinyCacheIsRefusedNamingTheKey) {
  auto o = LoadServerOptions({}, {{"TARN_CACHE_SIZE_BYTES", "1000"}});
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("cache.size_bytes"), std::string_view::npos);
}

TEST(ServerOptionsTest, FlagsBeatEnvironmentWhichBeatsTheFile) {
  auto dir = std::filesystem::temp_directory_path() / ("tarn-options-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string file = (dir / "tarn.yaml").string();
  std::ofstream(file) << "listen_address: 127.0.0.1:1111\ndata_dir: /from/file\n"
                         "kv:\n  rocksdb:\n    sync: true\n";
  ConfigFlags flags;
  flags.config_file = file;
  flags.data_dir = "/from/flag";
  auto o = LoadServerOptions(flags, {{"TARN_LISTEN_ADDRESS", "127.0.0.1:2222"},
                                     {"TARN_DATA_DIR", "/from/env"}});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->data_dir, "/from/flag");
  EXPECT_EQ(o->listen_address, "127.0.0.1:2222");
  EXPECT_TRUE(o->kv.rocksdb_sync);
  EXPECT_EQ(o->kv.rocksdb_path, "/from/flag/kv");
  std::filesystem::remove_all(dir);
}

TEST(ServerOptionsTest, ConfigFileFromTarnConfigVariable) {
  auto dir = std::filesystem::temp_directory_path() / ("tarn-options2-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string file = (dir / "tarn.yaml").string();
  std::ofstream(file) << "data_dir: /via/env/file\n";
  auto o = LoadServerOptions({}, {{"TARN_CONFIG", file}});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->data_dir, "/via/env/file");
  std::filesystem::remove_all(dir);
}

TEST(ServerOptionsTest, BadEnvironmentValueNamesKeyAndVariable) {
  auto o = LoadServerOptions({}, {{"TARN_KV_ROCKSDB_SYNC", "maybe"}});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(o.status().message().find("kv.rocksdb.sync"), std::string_view::npos);
  EXPECT_NE(o.status().message().find("TARN_KV_ROCKSDB_SYNC"), std::string_view::npos);
}

TEST(ServerOptionsTest, PostgresWithoutConnectionStringIsRefused) {
  auto o = LoadServerOptions({}, {{"TARN_KV_TYPE", "postgres"}});
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("kv.postgres.connection_string"), std::string_view::npos);
}

TEST(ServerOptionsTest, QuickstartRefusesNonLoopbackListenAddress) {
  ConfigFlags flags;
  flags.quickstart = true;
  flags.listen_address = "0.0.0.0:8000";
  auto o = LoadServerOptions(flags, {});
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("loopback"), std::string_view::npos);
  flags.listen_address = "127.0.0.1:9000";
  EXPECT_TRUE(LoadServerOptions(flags, {}).ok());
}

TEST(ServerOptionsTest, QuickstartForcesTheEmbeddedStore) {
  ConfigFlags flags;
  flags.quickstart = true;
  auto o = LoadServerOptions(flags, {{"TARN_KV_TYPE", "memory"}});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->kv.type, "rocksdb");
}

TEST(StoreUrlTest, ParsesEachScheme) {
  auto r = KvOptionsFromUrl("rocksdb:///var/lib/tarn/kv");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->type, "rocksdb");
  EXPECT_EQ(r->rocksdb_path, "/var/lib/tarn/kv");
  auto p = KvOptionsFromUrl("postgres://tarn:secret@db:5432/tarn?sslmode=disable");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->type, "postgres");
  EXPECT_EQ(p->postgres_connection_string, "postgres://tarn:secret@db:5432/tarn?sslmode=disable");
  EXPECT_EQ(KvOptionsFromUrl("mem://")->type, "memory");
  EXPECT_EQ(KvOptionsFromUrl("s3://bucket").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(KvOptionsFromUrl("rocksdb://").status().code(), StatusCode::kInvalidArgument);
}

TEST(StoreUrlTest, DescriptionNeverShowsThePassword) {
  auto p = KvOptionsFromUrl("postgres://tarn:secret@db:5432/tarn?password=other");
  ASSERT_TRUE(p.ok());
  std::string d = DescribeStore(*p);
  EXPECT_EQ(d.find("secret"), std::string::npos) << d;
  EXPECT_EQ(d.find("other"), std::string::npos) << d;
  EXPECT_NE(d.find("db:5432/tarn"), std::string::npos) << d;
  KvOptions kv;
  kv.type = "postgres";
  kv.postgres_connection_string = "host=db port=5433 dbname=x password=hunter2";
  EXPECT_EQ(DescribeStore(kv).find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace tarn::server
