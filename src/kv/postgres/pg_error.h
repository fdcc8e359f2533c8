// Private to the PostgreSQL driver: turning libpq failures into tarn Statuses.
//
// Two sources of failure: a connection attempt (libpq gives only a message, no SQLSTATE) and
// a statement (libpq gives a PGresult carrying a SQLSTATE). Both become a Status whose message
// names the server and, where it can, what to check.
#pragma once

#include <string>
#include <string_view>

#include "tarn/status.h"

namespace tarn::kv::pg {

// Where a connection goes, for messages. Filled from libpq after an attempt, so libpq's
// defaults (environment, unix socket directory, OS user) are already resolved.
struct Endpoint {
  std::string host;  // a host name, an address, or a unix socket directory
  std::string port;
  std::string user;
  std::string database;

  // "127.0.0.1:5432 (database \"tarn\", user \"postgres\")".
  std::string Describe() const;
};

// Joins libpq's multi-line messages into one line without trailing whitespace.
std::string OneLine(std::string_view libpq_message);

// The Status for a connection attempt that failed with `libpq_message`:
//   Unauthenticated   bad password, unknown role, no password supplied;
//   PermissionDenied  no pg_hba.conf entry, role may not log in, no CONNECT privilege;
//   InvalidArgument   the database does not exist;
//   Unavailable       anything else (refused, unreachable, server starting or shutting down,
//                     too many connections).
Status ConnectFailure(std::string_view libpq_message, const Endpoint& endpoint);

// The Status for a connection attempt that did not finish before its deadline (Unavailable).
Status ConnectTimeout(const Endpoint& endpoint, long timeout_ms);

// The code of a statement that failed with `sqlstate` (five characters; empty when unknown).
StatusCode CodeForSqlState(std::string_view sqlstate);

// True when `sqlstate` means the server ended the session (admin shutdown, crash, connection
// exception): the connection must not be used again.
bool EndsSession(std::string_view sqlstate);

}  // namespace tarn::kv::pg
