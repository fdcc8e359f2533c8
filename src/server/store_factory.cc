#include "server/store_factory.h"

#include "kv/memory/memory_store.h"
#include "kv/postgres/postgres_store.h"
#include "kv/rocksdb/rocksdb_store.h"

namespace tarn::server {
namespace {

// Drops "user:password@" from a postgres URL for display.
std::string RedactPostgres(std::string_view conn) {
  auto scheme = conn.find("://");
  if (scheme == std::string_view::npos) {
    // key=value form: show only host/port/dbname.
    std::string shown;
    for (std::string_view key : {"host=", "port=", "dbname="}) {
      auto p = conn.find(key);
      if (p == std::string_view::npos) continue;
      auto end = conn.find(' ', p);
      if (!shown.empty()) shown += ' ';
      shown += conn.substr(p, end == std::string_view::npos ? conn.npos : end - p);
    }
    return shown.empty() ? "(connection string)" : shown;
  }
  std::string_view rest = conn.substr(scheme + 3);
  auto at = rest.find('@');
  auto slash = rest.find('/');
  if (at != std::string_view::npos && (slash == std::string_view::npos || at < slash)) {
    rest = rest.substr(at + 1);
  }
  auto q = rest.find('?');
  return std::string(rest.substr(0, q));
}

}  // namespace

Result<std::unique_ptr<kv::Store>> OpenStore(const KvOptions& options, StoreAccess access) {
  Result<std::unique_ptr<kv::Store>> store = Status::Internal("unknown kv.type");
  if (options.type == "memory") {
    store = kv::NewMemoryStore();
  } else if (options.type == "rocksdb") {
    kv::RocksDbOptions o;
    o.path = options.rocksdb_path;
    o.sync = options.rocksdb_sync;
    o.read_only = access == StoreAccess::kReadOnly;
    o.create_if_missing = access == StoreAccess::kReadWrite;
    store = kv::OpenRocksDbStore(o);
  } else if (options.type == "postgres") {
    kv::PostgresOptions o;
    o.connection_string = options.postgres_connection_string;
    o.max_connections = options.postgres_max_connections;
    o.connect_timeout = options.postgres_connect_timeout;
    o.statement_timeout = options.postgres_statement_timeout;
    store = kv::OpenPostgresStore(o);
  } else {
    return Status::InvalidArgument("unknown kv.type '" + options.type +
                                   "': use rocksdb, postgres or memory");
  }
  if (!store.ok()) return store.status().WithContext("opening " + DescribeStore(options));
  return store;
}

Result<KvOptions> KvOptionsFromUrl(std::string_view url) {
  KvOptions o;
  auto starts = [&](std::string_view p) { return url.substr(0, p.size()) == p; };
  if (starts("rocksdb://")) {
    o.type = "rocksdb";
    o.rocksdb_path = std::string(url.substr(10));
    if (o.rocksdb_path.empty()) {
      return Status::InvalidArgument("store URL '" + std::string(url) +
                                     "' names no directory: use rocksdb:///absolute/path");
    }
    return o;
  }
  if (starts("postgres://") || starts("postgresql://")) {
    o.type = "postgres";
    o.postgres_connection_string = std::string(url);
    return o;
  }
  if (url == "mem://" || url == "memory://") {
    o.type = "memory";
    return o;
  }
  return Status::InvalidArgument("'" + std::string(url) +
                                 "' is not a store URL: use rocksdb:///path/to/kv, "
                                 "postgres://user@host:port/db or mem://");
}

std::string DescribeStore(const KvOptions& options) {
  if (options.type == "rocksdb") return "rocksdb store at " + options.rocksdb_path;
  if (options.type == "postgres") {
    return "postgres store at " + RedactPostgres(options.postgres_connection_string);
  }
  return options.type + " store";
}

}  // namespace tarn::server
