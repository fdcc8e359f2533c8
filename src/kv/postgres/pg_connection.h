// Private to the PostgreSQL driver: one libpq connection with deadlines on every wait.
//
// A Connection runs one statement at a time. It never blocks past a deadline: connecting,
// sending and reading all poll the socket with the time that is left. Parameters and results
// travel in binary format, so bytea values cross the wire as raw bytes.
//
// Thread safety: a Connection is used by one thread at a time (the pool hands it out).
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kv/postgres/pg_error.h"
#include "tarn/result.h"
#include "tarn/status.h"

namespace tarn::kv::pg {

using Clock = std::chrono::steady_clock;

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// Type OIDs of the parameters tarn sends (fixed in PostgreSQL's catalog).
inline constexpr Oid kInt8Oid = 20;
inline constexpr Oid kTextOid = 25;
inline constexpr Oid kByteaOid = 17;
inline constexpr Oid kByteaArrayOid = 1001;

// One parameter in binary format: bytes for bytea/text, 8 big-endian bytes for int8.
struct Param {
  const char* data;
  int length;
};

// A statement prepared once per connection under `name`. `id` < 64 indexes the connection's
// record of what it has prepared.
struct Statement {
  int id;
  std::string name;
  std::string sql;
  std::vector<Oid> param_types;
};

struct ConnectOptions {
  std::string conninfo;  // a libpq key=value string or a postgres:// URI
  std::chrono::milliseconds connect_timeout{10000};
  // Sent as the session's statement_timeout; 0 leaves the server's setting.
  std::chrono::milliseconds statement_timeout{0};
};

// Why the last call failed.
enum class Failure {
  kNone,
  kStatement,    // the server rejected the statement; the connection is fine
  kLostUnsent,   // the connection broke before the request was complete: nothing ran
  kLostInDoubt,  // the connection broke after the request was sent: it may have run
  kTimedOut,     // no answer before the deadline; the statement may still be running
};

class Connection {
 public:
  // Connects, giving up at now + options.connect_timeout.
  // Errors: see ConnectFailure / ConnectTimeout in pg_error.h.
  static Result<std::unique_ptr<Connection>> Open(const ConnectOptions& options);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `statement` (preparing it on first use) with binary parameters and binary results.
  // Returns the result of a statement that succeeded; a failed statement maps its SQLSTATE
  // (pg_error.h); a broken connection gives Unavailable, a missed deadline DeadlineExceeded.
  // After an error, failure() says what happened and broken() whether to discard this
  // connection.
  Result<PgResult> Exec(const Statement& statement, std::span<const Param> params,
                        Clock::time_point deadline);

  // Runs one SQL statement without preparing it (for setup and transaction control).
  Result<PgResult> ExecSql(std::string_view sql, std::span<const Oid> types,
                           std::span<const Param> params, Clock::time_point deadline);

  // Checks, without blocking, that an idle connection is still usable: the server may have
  // closed it (terminated backend, restart) while it sat in the pool.
  bool LooksHealthy();

  Failure failure() const { return failure_; }
  // The SQLSTATE of the last statement the server rejected; empty otherwise.
  const std::string& sqlstate() const { return sqlstate_; }
  // True when the connection must not be reused.
  bool broken() const { return broken_; }
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  explicit Connection(PGconn* conn);

  template <typename SendFn>
  Result<PgResult> Run(std::string_view what, SendFn&& send, Clock::time_point deadline);
  Result<PgResult> ExecPrepared(const Statement& statement, std::span<const Param> params,
                                Clock::time_point deadline);
  Status Flush(Clock::time_point deadline, std::string_view what);
  Result<PgResult> Collect(Clock::time_point deadline, std::string_view what);
  Status Lost(Failure failure, std::string_view what);

  PGconn* conn_;
  Endpoint endpoint_;
  uint64_t prepared_ = 0;  // bit i: statement id i is prepared on this connection
  Failure failure_ = Failure::kNone;
  std::string sqlstate_;
  bool broken_ = false;
};

}  // namespace tarn::kv::pg
