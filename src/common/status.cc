#include "tarn/status.h"

#include <array>

namespace tarn {

std::string_view StatusCodeName(StatusCode code) {
  static constexpr std::array<std::string_view, 15> kNames = {
      "OK",           "NotFound",         "AlreadyExists",   "PreconditionFailed",
      "Conflict",     "InvalidArgument",  "Unauthenticated", "PermissionDenied",
      "Unavailable",  "DeadlineExceeded", "Cancelled",       "IOError",
      "Corruption",   "NotImplemented",   "Internal"};
  auto index = static_cast<std::size_t>(code);
  return index < kNames.size() ? kNames[index] : "Unknown";
}

Status::Status(StatusCode code, std::string_view message) {
  if (code != StatusCode::kOk) state_ = std::make_unique<State>(State{code, std::string(message)});
}

Status::Status(const Status& other)
    : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
  return *this;
}

std::string_view Status::message() const {
  return state_ ? std::string_view(state_->message) : std::string_view();
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(state_->code));
  if (!state_->message.empty()) {
    out += ": ";
    out += state_->message;
  }
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += ": ";
  message += state_->message;
  return Status(state_->code, message);
}

}  // namespace tarn
