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
    s.Add({"blockstore.local.fsync", ConfigType::kBool, "true",
           "fsync each object before it becomes visible (false: faster puts, a crash may lose "
           "the most recent objects)", {}});
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
    s.Add({"gateway.domain", ConfigType::kString, "s3.local.tarn.io",
           "Comma-separated S3 domains: Host <repo>.<domain> is virtual-host addressing", {}});
    s.Add({"gateway.region", ConfigType::kString, "us-east-1",
           "Region the S3 gateway reports (GetBucketLocation)", {}});
    s.Add({"gateway.default_namespace", ConfigType::kString, "local://{repo}",
           "Storage namespace of a repository created with S3 CreateBucket; {repo} is the "
           "bucket name (empty: CreateBucket is refused)", {}});
    s.Add({"gateway.multipart_expiry", ConfigType::kDuration, "168h",
           "Abort multipart uploads not completed within this time", {}});
    s.Add({"http.io_threads", ConfigType::kInt, "0",
           "Threads serving sockets (0: one per two cores)", {}});
    s.Add({"http.worker_threads", ConfigType::kInt, "0",
           "Threads running requests against storage and metadata (0: 8 per core)", {}});
    s.Add({"http.access_log", ConfigType::kBool, "false",
           "Log one line per request (method, path, status, bytes, duration, request id)", {}});
    s.Add({"tls.cert_file", ConfigType::kString, "",
           "PEM certificate chain: serve HTTPS on listen_address (with tls.key_file)", {}});
    s.Add({"tls.key_file", ConfigType::kString, "", "PEM private key of tls.cert_file", {}});
    s.Add({"auth.encrypt.secret_key", ConfigType::kString, "",
           "Secret that encrypts access keys at rest (empty: a random key in "
           "<data_dir>/auth.secret; required with kv.type postgres)", {}});
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
  o.blockstore.local_fsync = config.GetBool("blockstore.local.fsync");
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

  o.gateway.domains.clear();
  const std::string domains = config.GetString("gateway.domain");
  for (std::size_t start = 0; start < domains.size();) {
    std::size_t comma = domains.find(',', start);
    if (comma == std::string::npos) comma = domains.size();
    std::string d = domains.substr(start, comma - start);
    if (!d.empty()) o.gateway.domains.push_back(std::move(d));
    start = comma + 1;
  }
  o.gateway.region = config.GetString("gateway.region");
  o.gateway.default_namespace = config.GetString("gateway.default_namespace");
  o.gateway.multipart_expiry = std::chrono::duration_cast<std::chrono::seconds>(
      config.GetDuration("gateway.multipart_expiry"));
  o.http.io_threads = static_cast<int>(config.GetInt("http.io_threads"));
  o.http.worker_threads = static_cast<int>(config.GetInt("http.worker_threads"));
  if (o.http.io_threads < 0 || o.http.worker_threads < 0) {
    return Status::InvalidArgument("http.io_threads and http.worker_threads must be 0 (auto) or "
                                   "positive");
  }
  o.http.access_log = config.GetBool("http.access_log");
  o.http.tls_cert_file = config.GetString("tls.cert_file");
  o.http.tls_key_file = config.GetString("tls.key_file");
  if (o.http.tls_cert_file.empty() != o.http.tls_key_file.empty()) {
    return Status::InvalidArgument(
        "TLS needs both 'tls.cert_file' and 'tls.key_file' (only one is set)");
  }
  o.auth_encrypt_secret_key = config.GetString("auth.encrypt.secret_key");
  return o;
}

}  // namespace tarn::server
