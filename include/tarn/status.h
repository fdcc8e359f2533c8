// tarn::Status: the one error type of tarn.
//
// A Status is a code plus a human-readable message that names what was wrong and, where it
// can, what to do about it. The OK status allocates nothing. Statuses are values: cheap to
// move, compared by code. No exception crosses a module boundary; code that wraps a throwing
// library catches at the boundary and returns a Status.
//
// Thread safety: a Status is immutable after construction and may be shared read-only.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace tarn {

enum class StatusCode : int {
  kOk = 0,
  kNotFound,
  kAlreadyExists,
  kPreconditionFailed,
  kConflict,
  kInvalidArgument,
  kUnauthenticated,
  kPermissionDenied,
  kUnavailable,  // transient: the caller may retry
  kDeadlineExceeded,
  kCancelled,
  kIOError,
  kCorruption,
  kNotImplemented,
  kInternal,
};

// Returns the stable name of a code ("NotFound", "PreconditionFailed", ...).
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() noexcept = default;  // OK
  Status(StatusCode code, std::string_view message);

  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) { return {StatusCode::kNotFound, msg}; }
  static Status AlreadyExists(std::string_view msg) { return {StatusCode::kAlreadyExists, msg}; }
  static Status PreconditionFailed(std::string_view msg) {
    return {StatusCode::kPreconditionFailed, msg};
  }
  static Status Conflict(std::string_view msg) { return {StatusCode::kConflict, msg}; }
  static Status InvalidArgument(std::string_view msg) {
    return {StatusCode::kInvalidArgument, msg};
  }
  static Status Unauthenticated(std::string_view msg) {
    return {StatusCode::kUnauthenticated, msg};
  }
  static Status PermissionDenied(std::string_view msg) {
    return {StatusCode::kPermissionDenied, msg};
  }
  static Status Unavailable(std::string_view msg) { return {StatusCode::kUnavailable, msg}; }
  static Status DeadlineExceeded(std::string_view msg) {
    return {StatusCode::kDeadlineExceeded, msg};
  }
  static Status Cancelled(std::string_view msg) { return {StatusCode::kCancelled, msg}; }
  static Status IOError(std::string_view msg) { return {StatusCode::kIOError, msg}; }
  static Status Corruption(std::string_view msg) { return {StatusCode::kCorruption, msg}; }
  static Status NotImplemented(std::string_view msg) {
    return {StatusCode::kNotImplemented, msg};
  }
  static Status Internal(std::string_view msg) { return {StatusCode::kInternal, msg}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The message without the code name; empty for OK.
  std::string_view message() const;
  // "<CodeName>: <message>", or "OK".
  std::string ToString() const;

  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsPreconditionFailed() const { return code() == StatusCode::kPreconditionFailed; }
  bool IsUnavailable() const { return code() == StatusCode::kUnavailable; }

  // Returns a status with the same code and "<context>: <message>".
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) { return a.code() == b.code(); }

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::unique_ptr<State> state_;  // null means OK
};

}  // namespace tarn

// Evaluates `expr` (a Status); returns it from the enclosing function when not OK.
#define RETURN_IF_ERROR(expr)                     \
  do {                                            \
    ::tarn::Status tarn_status_ = (expr);         \
    if (!tarn_status_.ok()) return tarn_status_;  \
  } while (0)
