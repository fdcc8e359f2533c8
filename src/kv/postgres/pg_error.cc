#include "kv/postgres/pg_error.h"

namespace tarn::kv::pg {
namespace {

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string Endpoint::Describe() const {
  std::string out = host.empty() ? "<default unix socket>" : host;
  if (!host.empty() && host.front() == '/') {
    out = "unix socket " + host + "/.s.PGSQL." + (port.empty() ? "5432" : port);
  } else {
    out += ":" + (port.empty() ? std::string("5432") : port);
  }
  out += " (database \"" + database + "\", user \"" + user + "\")";
  return out;
}

std::string OneLine(std::string_view message) {
  std::string out;
  bool pending_space = false;
  for (char c : message) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

Status ConnectFailure(std::string_view libpq_message, const Endpoint& endpoint) {
  std::string detail = OneLine(libpq_message);
  std::string where = endpoint.Describe();
  // libpq reports connection failures as text only; these phrases are the server's and libpq's
  // own (English) wording, which is stable across releases.
  if (Contains(detail, "password authentication failed") ||
      Contains(detail, "no password supplied") || Contains(detail, "authentication failed for") ||
      (Contains(detail, "role \"") && Contains(detail, "does not exist"))) {
    return Status::Unauthenticated("postgres: authentication failed for user \"" + endpoint.user +
                                   "\" at " + where + ": " + detail +
                                   "; check the user name and password in the connection string");
  }
  if (Contains(detail, "no pg_hba.conf entry") || Contains(detail, "is not permitted to log in") ||
      Contains(detail, "permission denied")) {
    return Status::PermissionDenied("postgres: user \"" + endpoint.user + "\" may not connect to " +
                                    where + ": " + detail +
                                    "; check pg_hba.conf and the role's LOGIN/CONNECT privileges");
  }
  if (Contains(detail, "database \"") && Contains(detail, "does not exist")) {
    return Status::InvalidArgument("postgres: " + detail + " at " + where +
                                   "; create it (createdb) or fix the connection string");
  }
  return Status::Unavailable("postgres: cannot connect to " + where + ": " + detail +
                             "; check that the server is running and reachable at that address "
                             "and port");
}

Status ConnectTimeout(const Endpoint& endpoint, long timeout_ms) {
  return Status::Unavailable("postgres: no connection to " + endpoint.Describe() + " within " +
                             std::to_string(timeout_ms) +
                             " ms; check that the server is running and reachable at that "
                             "address and port, and that no firewall drops the packets");
}

StatusCode CodeForSqlState(std::string_view s) {
  if (s.size() != 5) return StatusCode::kInternal;
  if (s == "57014") return StatusCode::kDeadlineExceeded;  // statement_timeout, cancel
  if (s == "53100") return StatusCode::kIOError;           // disk full
  if (s == "42501") return StatusCode::kPermissionDenied;
  if (s == "3D000" || s == "3F000") return StatusCode::kInvalidArgument;  // no such db/schema
  if (s == "XX001" || s == "XX002") return StatusCode::kCorruption;
  if (s == "55P03" || s == "55006") return StatusCode::kUnavailable;  // lock / object busy
  if (StartsWith(s, "08") || StartsWith(s, "57") || StartsWith(s, "53") || StartsWith(s, "40")) {
    // Connection exceptions, shutdowns, exhausted resources, serialization failures and
    // deadlocks: all transient.
    return StatusCode::kUnavailable;
  }
  if (StartsWith(s, "28")) return StatusCode::kUnauthenticated;
  if (StartsWith(s, "54") || StartsWith(s, "22")) return StatusCode::kInvalidArgument;
  if (StartsWith(s, "23")) return StatusCode::kConflict;
  if (StartsWith(s, "58")) return StatusCode::kIOError;
  return StatusCode::kInternal;
}

bool EndsSession(std::string_view s) {
  return StartsWith(s, "08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "57P04" ||
         s == "57P05";
}

}  // namespace tarn::kv::pg
