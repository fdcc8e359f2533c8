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
    s.Add({"blockstore.local.path", ConfigType::kString, "",
           "Directory holding local://name storage namespaces (default <data_dir>/objects)", {}});
    s.Add({"blockstore.local.allowed_prefixes", ConfigType::kString, "",
           "Comma-separated absolute directories where local:///abs/path namespaces may live",
           {}});
    s.Add({"blockstore.s3.endpoint", ConfigType::kString, "",
           "S3 endpoint URL for s3:// namespaces (empty: AWS)", {}});
    s.Add({"blockstore.s3.region", ConfigType::kString, "",
           "S3 region (empty: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)", {}});
    s.Add({"blockstore.s3.access_key_id", ConfigType::kString, "",
           "S3 access key id (empty: AWS_ACCESS_KEY_ID or the AWS credentials file)", {}});
    s.Add({"blockstore.s3.secret_access_key", ConfigType::kString, "",
           "S3 secret access key (empty: AWS_SECRET_ACCESS_KEY or the AWS credentials file)",
           {}});
    s.Add({"blockstore.s3.force_path_style", ConfigType::kBool, "false",
           "Address buckets as endpoint/bucket instead of bucket.endpoint (MinIO, s3rver)", {}});
    s.Add({"cache.dir", ConfigType::kString, "",
           "Local cache of immutable range files (default <data_dir>/cache)", {}});
    s.Add({"cache.size_bytes", ConfigType::kInt, "1073741824",
           "Size bound of the range file cache in bytes", {}});
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
  o.blockstore.local_path = config.GetString("blockstore.local.path");
  if (o.blockstore.local_path.empty()) o.blockstore.local_path = o.data_dir + "/objects";
  const std::string prefixes = config.GetString("blockstore.local.allowed_prefixes");
  for (std::size_t start = 0; start < prefixes.size();) {
    std::size_t comma = prefixes.find(',', start);
    if (comma == std::string::npos) comma = prefixes.size();
    std::string prefix = prefixes.substr(start, comma - start);
    if (!prefix.empty()) o.blockstore.local_allowed_prefixes.push_back(std::move(prefix));
    start = comma + 1;
  }
  o.blockstore.s3_endpoint = config.GetString("blockstore.s3.endpoint");
  o.blockstore.s3_region = config.GetString("blockstore.s3.region");
  o.blockstore.s3_access_key_id = config.GetString("blockstore.s3.access_key_id");
  o.blockstore.s3_secret_access_key = config.GetString("blockstore.s3.secret_access_key");
  o.blockstore.s3_force_path_style = config.GetBool("blockstore.s3.force_path_style");
  o.cache.dir = config.GetString("cache.dir");
  if (o.cache.dir.empty()) o.cache.dir = o.data_dir + "/cache";
  const int64_t cache_size = config.GetInt("cache.size_bytes");
  if (cache_size < (16 << 20)) {
    return Status::InvalidArgument("configuration key 'cache.size_bytes' (from " +
                                   config.Source("cache.size_bytes") +
                                   ") must be at least 16777216 (16 MiB)");
  }
  o.cache.size_bytes = static_cast<uint64_t>(cache_size);
  return o;
}

}  // namespace tarn::server
