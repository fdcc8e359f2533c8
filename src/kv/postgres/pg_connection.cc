#include "kv/postgres/pg_connection.h"

#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace tarn::kv::pg {
namespace {

constexpr std::size_t kMaxParams = 8;

std::string Str(const char* s) { return s == nullptr ? std::string() : std::string(s); }

Endpoint EndpointOf(const PGconn* conn) {
  return Endpoint{Str(PQhost(conn)), Str(PQport(conn)), Str(PQuser(conn)), Str(PQdb(conn))};
}

// Waits for `events` on `fd` until `deadline`. Returns the events that fired, 0 on timeout and
// -1 on a poll error. A deadline already passed still looks once, so data that has arrived
// is not reported as a timeout.
int WaitFor(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    int timeout_ms = -1;
    if (deadline != Clock::time_point::max()) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
      timeout_ms = static_cast<int>(std::clamp<long long>(left, 0, 24LL * 3600 * 1000));
    }
    int n = poll(&p, 1, timeout_ms);
    if (n > 0) return p.revents;
    if (n == 0) return 0;
    if (errno != EINTR) return -1;
  }
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const ConnectOptions& options) {
  const Clock::time_point deadline = Clock::now() + options.connect_timeout;
  // libpq's own connect_timeout is whole seconds per host (at least 2); the deadline below is
  // what really bounds the attempt. Keepalives and tcp_user_timeout make a peer that vanished
  // fail the connection instead of leaving a read waiting forever. Everything before "dbname"
  // is a default that the caller's connection string may override.
  const std::string seconds =
      std::to_string(std::max<long long>(2, (options.connect_timeout.count() + 999) / 1000));
  const char* keys[] = {"connect_timeout",           "keepalives",       "keepalives_idle",
                        "keepalives_interval",       "keepalives_count", "tcp_user_timeout",
                        "fallback_application_name", "dbname",           nullptr};
  const char* values[] = {seconds.c_str(),          "1",    "30", "10", "3", "60000", "tarn",
                          options.conninfo.c_str(), nullptr};
  PGconn* conn = PQconnectStartParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Status::Internal("postgres: out of memory starting a connection");

  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED || PQstatus(conn) == CONNECTION_BAD) {
      Status s = ConnectFailure(PQerrorMessage(conn), EndpointOf(conn));
      PQfinish(conn);
      return s;
    }
    const int fd = PQsocket(conn);
    if (fd < 0) {
      Status s = ConnectFailure(PQerrorMessage(conn), EndpointOf(conn));
      PQfinish(conn);
      return s;
    }
    int events = WaitFor(fd, state == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline);
    if (events == 0) {
      Status s =
          ConnectTimeout(EndpointOf(conn), static_cast<long>(options.connect_timeout.count()));
      PQfinish(conn);
      return s;
    }
    state = PQconnectPoll(conn);
  }
  if (PQsetnonblocking(conn, 1) != 0) {
    Status s = Status::Internal("postgres: cannot make the connection non-blocking: " +
                                OneLine(PQerrorMessage(conn)));
    PQfinish(conn);
    return s;
  }
  std::unique_ptr<Connection> c(new Connection(conn));
  if (options.statement_timeout.count() > 0) {
    std::string sql =
        "SET statement_timeout = " + std::to_string(options.statement_timeout.count());
    RETURN_IF_ERROR(c->ExecSql(sql, {}, {}, deadline).status());
  }
  return c;
}

Connection::Connection(PGconn* conn) : conn_(conn), endpoint_(EndpointOf(conn)) {
  // The server tells an idle session that it is being terminated with a FATAL message that
  // libpq hands to the notice receiver; remembering it lets LooksHealthy drop the connection
  // before a statement is sent into a dead session. Other notices (e.g. "relation already
  // exists, skipping") are not worth printing.
  PQsetNoticeReceiver(
      conn_,
      [](void* arg, const PGresult* r) {
        auto* self = static_cast<Connection*>(arg);
        const char* sqlstate = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        const char* severity = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
        if ((sqlstate != nullptr && EndsSession(sqlstate)) ||
            (severity != nullptr &&
             (std::strcmp(severity, "FATAL") == 0 || std::strcmp(severity, "PANIC") == 0))) {
          self->broken_ = true;
        }
      },
      this);
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::LooksHealthy() {
  if (broken_ || PQstatus(conn_) != CONNECTION_OK) return false;
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) return false;
  // An idle session receives nothing unless the server is ending it (or reports a parameter
  // change); a few reads drain what arrived and reach the end of the stream if it was closed.
  for (int i = 0; i < 4; ++i) {
    int events = WaitFor(PQsocket(conn_), POLLIN, Clock::time_point());
    if (events == 0) break;
    if (events < 0 || !PQconsumeInput(conn_)) return false;
  }
  return !broken_ && PQstatus(conn_) == CONNECTION_OK;
}

Status Connection::Lost(Failure failure, std::string_view what) {
  broken_ = true;
  failure_ = failure;
  std::string detail = OneLine(PQerrorMessage(conn_));
  std::string msg =
      "postgres: lost the connection to " + endpoint_.Describe() + " during " + std::string(what);
  if (!detail.empty()) msg += ": " + detail;
  if (failure == Failure::kLostInDoubt) msg += " (the statement may or may not have run)";
  return Status::Unavailable(msg);
}

Status Connection::Flush(Clock::time_point deadline, std::string_view what) {
  for (;;) {
    int r = PQflush(conn_);
    if (r == 0) return Status::OK();
    if (r < 0) return Lost(Failure::kLostUnsent, what);
    int events = WaitFor(PQsocket(conn_), POLLIN | POLLOUT, deadline);
    if (events == 0) {
      broken_ = true;
      failure_ = Failure::kTimedOut;
      return Status::DeadlineExceeded("postgres: could not send " + std::string(what) + " to " +
                                      endpoint_.Describe() + " before the deadline");
    }
    if (events < 0) return Lost(Failure::kLostUnsent, what);
    // libpq asks callers to read while a large request drains, so that a server busy writing
    // to us cannot deadlock against our write.
    if ((events & POLLIN) && !PQconsumeInput(conn_)) return Lost(Failure::kLostUnsent, what);
  }
}

Result<PgResult> Connection::Collect(Clock::time_point deadline, std::string_view what) {
  PgResult last;
  PgResult error;
  for (;;) {
    while (PQisBusy(conn_)) {
      int events = WaitFor(PQsocket(conn_), POLLIN, deadline);
      if (events == 0) {
        broken_ = true;  // an answer is still owed on this connection
        failure_ = Failure::kTimedOut;
        return Status::DeadlineExceeded("postgres: no answer from " + endpoint_.Describe() +
                                        " to " + std::string(what) + " before the deadline");
      }
      if (events < 0 || !PQconsumeInput(conn_)) return Lost(Failure::kLostInDoubt, what);
    }
    PGresult* r = PQgetResult(conn_);
    if (r == nullptr) break;
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR) {
      if (error) {
        PQclear(r);
      } else {
        error.reset(r);
      }
    } else {
      last.reset(r);
    }
  }
  const char* sqlstate = error ? PQresultErrorField(error.get(), PG_DIAG_SQLSTATE) : nullptr;
  if (PQstatus(conn_) == CONNECTION_BAD || broken_ || (sqlstate && EndsSession(sqlstate))) {
    return Lost(Failure::kLostInDoubt, what);
  }
  if (error) {
    failure_ = Failure::kStatement;
    sqlstate_ = sqlstate ? sqlstate : "";
    std::string msg = OneLine(PQresultErrorMessage(error.get()));
    return Status(CodeForSqlState(sqlstate ? sqlstate : ""),
                  "postgres: " + std::string(what) + " failed: " + msg);
  }
  if (!last) {
    failure_ = Failure::kStatement;
    return Status::Internal("postgres: " + std::string(what) + " returned no result");
  }
  return last;
}

template <typename SendFn>
Result<PgResult> Connection::Run(std::string_view what, SendFn&& send, Clock::time_point deadline) {
  failure_ = Failure::kNone;
  sqlstate_.clear();
  if (broken_) return Lost(Failure::kLostUnsent, what);
  if (!send()) {
    if (PQstatus(conn_) == CONNECTION_BAD) return Lost(Failure::kLostUnsent, what);
    failure_ = Failure::kStatement;
    return Status::Internal("postgres: cannot send " + std::string(what) + ": " +
                            OneLine(PQerrorMessage(conn_)));
  }
  RETURN_IF_ERROR(Flush(deadline, what));
  return Collect(deadline, what);
}

Result<PgResult> Connection::Exec(const Statement& statement, std::span<const Param> params,
                                  Clock::time_point deadline) {
  if (params.size() > kMaxParams || statement.id < 0 || statement.id >= 64) {
    return Status::Internal("postgres: bad statement " + statement.name);
  }
  auto result = ExecPrepared(statement, params, deadline);
  if (!result.ok() && failure_ == Failure::kStatement && sqlstate_ == "26000") {
    // The session lost its prepared statements (DISCARD ALL, e.g. by a pooler handing the
    // server connection over). Nothing ran, so preparing again is safe.
    prepared_ &= ~(uint64_t{1} << statement.id);
    result = ExecPrepared(statement, params, deadline);
  }
  return result;
}

Result<PgResult> Connection::ExecPrepared(const Statement& statement, std::span<const Param> params,
                                          Clock::time_point deadline) {
  const uint64_t bit = uint64_t{1} << statement.id;
  if ((prepared_ & bit) == 0) {
    auto prepared = Run(
        statement.name,
        [&] {
          return PQsendPrepare(conn_, statement.name.c_str(), statement.sql.c_str(),
                               static_cast<int>(statement.param_types.size()),
                               statement.param_types.data());
        },
        deadline);
    if (!prepared.ok()) {
      // Preparing runs nothing, so even a connection lost now leaves the data untouched.
      if (failure_ == Failure::kLostInDoubt) failure_ = Failure::kLostUnsent;
      return std::move(prepared).status();
    }
    prepared_ |= bit;
  }
  std::array<const char*, kMaxParams> values;
  std::array<int, kMaxParams> lengths;
  std::array<int, kMaxParams> formats;
  for (std::size_t i = 0; i < params.size(); ++i) {
    values[i] = params[i].data;
    lengths[i] = params[i].length;
    formats[i] = 1;
  }
  return Run(
      statement.name,
      [&] {
        return PQsendQueryPrepared(conn_, statement.name.c_str(), static_cast<int>(params.size()),
                                   values.data(), lengths.data(), formats.data(),
                                   /*resultFormat=*/1);
      },
      deadline);
}

Result<PgResult> Connection::ExecSql(std::string_view sql, std::span<const Oid> types,
                                     std::span<const Param> params, Clock::time_point deadline) {
  if (params.size() > kMaxParams || types.size() != params.size()) {
    return Status::Internal("postgres: bad parameters for " + std::string(sql));
  }
  const std::string text(sql);
  std::array<const char*, kMaxParams> values;
  std::array<int, kMaxParams> lengths;
  std::array<int, kMaxParams> formats;
  for (std::size_t i = 0; i < params.size(); ++i) {
    values[i] = params[i].data;
    lengths[i] = params[i].length;
    formats[i] = 1;
  }
  return Run(
      text.substr(0, text.find(' ')),
      [&] {
        return PQsendQueryParams(conn_, text.c_str(), static_cast<int>(params.size()), types.data(),
                                 values.data(), lengths.data(), formats.data(),
                                 /*resultFormat=*/1);
      },
      deadline);
}

}  // namespace tarn::kv::pg
