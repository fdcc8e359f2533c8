#include "server/options.h"

namespace tarn::server {

const ConfigSchema& ServerConfigSchema() {
  static const ConfigSchema schema = [] {
    ConfigSchema s;
    s.Add({"listen_address", ConfigType::kString, "127.0.0.1:8000",
           "HOST:PORT the server listens on (REST API, S3 gateway, /_health)", {}});
    s.Add({"data_dir", ConfigType::kString, "./tarn-data",
           "Directory for the embedded metadata store and local object data", {}});
    s.Add({"log.level", ConfigType::kEnum, "info", "Log level",
           {"trace", "debug", "info", "warn", "error", "off"}});
    s.Add({"log.format", ConfigType::kEnum, "text", "Log format: text for people, json for machines",
           {"text", "json"}});
    s.Add({"kv.type", ConfigType::kEnum, "rocksdb", "Metadata store driver",
           {"rocksdb", "postgres", "memory"}});
    s.Add({"kv.rocksdb.path", ConfigType::kString, "",
           "Directory of the RocksDB store (default <data_dir>/kv)", {}});
    s.Add({"kv.rocksdb.sync", ConfigType::kBool, "false",
           "fsync the write-ahead log on every write (survives power loss, slower)", {}});
    s.Add({"kv.postgres.connection_string", ConfigType::kString, "",
           "libpq connection string or postgres:// URL", {}});
    s.Add({"kv.postgres.max_connections", ConfigType::kInt, "8",
           "Connections in the pool of each server", {}});
    s.Add({"kv.postgres.connect_timeout", ConfigType::kDuration, "10s",
           "Give up connecting to PostgreSQL after this long", {}});
    s.Add({"kv.postgres.statement_timeout", ConfigType::kDuration, "60s",
           "Abort a statement that runs longer than this (0 disables)", {}});
    return s;
  }();
  return schema;
}

Result<ServerOptions> ServerOptionsFromConfig(const Config& config) {
  ServerOptions o;
  o.listen_address = config.GetString("listen_address");
  o.data_dir = config.GetString("data_dir");
  if (o.data_dir.empty()) {
    return Status::InvalidArgument("configuration key 'data_dir' must not be empty");
  }
  o.log.level = config.GetString("log.level");
  o.log.format = config.GetString("log.format") == "json" ? LogFormat::kJson : LogFormat::kText;
  o.kv.type = config.GetString("kv.type");
  o.kv.rocksdb_path = config.GetString("kv.rocksdb.path");
  if (o.kv.rocksdb_path.empty()) o.kv.rocksdb_path = o.data_dir + "/kv";
  o.kv.rocksdb_sync = config.GetBool("kv.rocksdb.sync");
  o.kv.postgres_connection_string = config.GetString("kv.postgres.connection_string");
  o.kv.postgres_max_connections = static_cast<int>(config.GetInt("kv.postgres.max_connections"));
  o.kv.postgres_connect_timeout = config.GetDuration("kv.postgres.connect_timeout");
  o.kv.postgres_statement_timeout = config.GetDuration("kv.postgres.statement_timeout");
  if (o.kv.type == "postgres" && o.kv.postgres_connection_string.empty()) {
    return Status::InvalidArgument(
        "kv.type is postgres but 'kv.postgres.connection_string' is not set (set it in the "
        "config file or TARN_KV_POSTGRES_CONNECTION_STRING)");
  }
  if (o.kv.postgres_max_connections < 1) {
    return Status::InvalidArgument("configuration key 'kv.postgres.max_connections' (from " +
                                   config.Source("kv.postgres.max_connections") +
                                   ") must be at least 1");
  }
  return o;
}

}  // namespace tarn::server
