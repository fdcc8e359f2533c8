// The PostgreSQL KV driver: one table shared by every tarn server of a cluster.
//
// The store keeps (partition, key, value) rows in one table whose primary key is
// (partition_key, key); bytea compares like memcmp, which is the contract's key order. The
// layout and the statements are described in docs/kv_postgres.md.
//
// Behaviour beyond include/tarn/kv/store.h:
//   - SetIf is one conditional statement, atomic across every process sharing the table.
//   - SetBatch is one statement (one transaction) per batch; a key repeated in a batch takes
//     its last value.
//   - Scans page through the table; each page is one short statement, so a scan holds no
//     connection or transaction between pages.
//   - Keys: partition name + key at most 2560 bytes (the primary key index's limit); values at
//     most 256 MiB. Larger ones are InvalidArgument.
//   - Errors of every method: Unavailable when the server cannot be reached, when it ended the
//     session, or when the connection broke (a read or an idempotent write is retried once on
//     a fresh connection first; a SetIf whose outcome is unknown is not retried and says so);
//     DeadlineExceeded when a statement outlives statement_timeout; Unauthenticated /
//     PermissionDenied naming the user when the server refuses the credentials.
//
// Thread safety: as the Store contract; the store is safe to share between threads.
// Process safety: any number of processes may open stores on the same table at once.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "tarn/kv/store.h"
#include "tarn/result.h"

namespace tarn::kv {

struct PostgresOptions {
  // A libpq connection string: "postgres://user:password@host:5432/db?sslmode=disable" or
  // "host=... port=... dbname=... user=...". Empty uses libpq's defaults.
  std::string connection_string;
  // Upper bound on open connections per store; callers beyond it wait for a free one.
  int max_connections = 8;
  // How long one connection attempt may take before it fails with Unavailable.
  std::chrono::milliseconds connect_timeout{10000};
  // The table, "name" or "schema.name" (letters, digits, '_'); created if missing.
  std::string table = "tarn_kv";
  // Longest a single statement may run: sent to the server as statement_timeout, and enforced
  // on the client (plus connect_timeout of grace) so that a server that stops answering cannot
  // hold a caller forever. 0 disables both.
  std::chrono::milliseconds statement_timeout{60000};
};

// Connects to the server, creates the table if it does not exist (safe when several servers
// start at once) and returns a store over it. Idle connections are kept for reuse.
// Errors: InvalidArgument for a malformed connection string or table name, or a database
// that does not exist; Unavailable when the server cannot be reached within connect_timeout;
// Unauthenticated / PermissionDenied for refused credentials; PermissionDenied when the table
// is missing and the role may not create it.
Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options);

}  // namespace tarn::kv
