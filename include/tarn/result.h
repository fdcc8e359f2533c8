// tarn::Result<T>: a value of type T or a non-OK Status.
//
// Constructing a Result from an OK Status is a programming error (checked in debug builds and
// turned into an Internal error otherwise).
#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>

#include "tarn/status.h"

namespace tarn {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok() && "Result constructed from an OK status");
    if (status_.ok()) status_ = Status::Internal("Result constructed from an OK status");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  // REQUIRES: ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T&& operator*() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace tarn

#define TARN_CONCAT_INNER_(a, b) a##b
#define TARN_CONCAT_(a, b) TARN_CONCAT_INNER_(a, b)
#define TARN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp).status();    \
  lhs = std::move(tmp).value()

// `ASSIGN_OR_RETURN(auto x, MakeX());` declares x from the Result's value, or returns the
// Result's Status from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  TARN_ASSIGN_OR_RETURN_IMPL_(TARN_CONCAT_(tarn_result_, __LINE__), lhs, expr)
