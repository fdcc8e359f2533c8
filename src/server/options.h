// The server's typed configuration, parsed once from the layered Config (common/config.h).
// Every key is documented in docs/configuration.md with its default and TARN_* name.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/logging.h"
#include "tarn/result.h"

namespace tarn::server {

struct KvOptions {
  std::string type = "rocksdb";  // rocksdb | postgres | memory
  std::string rocksdb_path;      // resolved: <data_dir>/kv when not set
  bool rocksdb_sync = false;
  std::string postgres_connection_string;
  int postgres_max_connections = 8;
  std::chrono::milliseconds postgres_connect_timeout{10000};
  std::chrono::milliseconds postgres_statement_timeout{60000};
};

struct BlockstoreOptions {
  std::string local_path;                     // resolved: <data_dir>/objects when not set
  std::vector<std::string> local_allowed_prefixes;
  bool local_fsync = true;
  std::string s3_endpoint;                    // empty: AWS
  std::string s3_region;                      // empty: AWS_REGION / AWS_DEFAULT_REGION
  std::string s3_access_key_id;               // empty: environment or credentials file
  std::string s3_secret_access_key;
  bool s3_force_path_style = false;
};

struct CacheOptions {
  std::string dir;  // resolved: <data_dir>/cache when not set
  uint64_t size_bytes = 1ull << 30;
};

struct GatewayConfig {
  std::vector<std::string> domains = {"s3.local.tarn.io"};
  std::string region = "us-east-1";
  std::string default_namespace = "local://{repo}";
  std::chrono::seconds multipart_expiry{7 * 24 * 3600};
};

struct HttpOptions {
  int io_threads = 0;      // 0: one per two cores, at least one
  int worker_threads = 0;  // 0: 8 per core
  std::string tls_cert_file;
  std::string tls_key_file;
  bool access_log = false;
};

struct ServerOptions {
  std::string listen_address = "127.0.0.1:8000";
  std::string data_dir = "./tarn-data";
  bool quickstart = false;
  LogOptions log;
  KvOptions kv;
  BlockstoreOptions blockstore;
  CacheOptions cache;
  GatewayConfig gateway;
  HttpOptions http;
  // The secret that encrypts access keys at rest; empty: a random one kept in
  // <data_dir>/auth.secret (refused with the postgres driver, whose servers must share it).
  std::string auth_encrypt_secret_key;
};

// Every configuration key tarn serve and tarn kv understand.
const ConfigSchema& ServerConfigSchema();

// Typed options from a loaded Config. Errors: InvalidArgument for inconsistent settings (for
// example kv.type postgres without kv.postgres.connection_string), naming the key.
Result<ServerOptions> ServerOptionsFromConfig(const Config& config);

}  // namespace tarn::server
