// Test helpers for code that produces or consumes graveler iterators: record builders, draining
// into vectors, and input wrappers that fail on cue or count how they are driven.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/coding.h"
#include "graveler/iterators/iterators.h"

namespace tarn::graveler {

// gtest prints records through this (found by argument-dependent lookup).
inline void PrintTo(const ValueRecord& r, std::ostream* os) {
  *os << "{" << EscapeBytes(r.key) << " id=" << EscapeBytes(r.value.identity)
      << " data=" << EscapeBytes(r.value.data) << "}";
}

namespace testing {

inline ValueRecord Rec(std::string key, std::string identity, std::string data = "") {
  return ValueRecord{std::move(key), Value{std::move(identity), std::move(data)}};
}
inline ValueRecord Tomb(std::string key) { return ValueRecord{std::move(key), Value{}}; }

// The record `it` is on. REQUIRES: it.Valid().
inline ValueRecord Current(const ValueIterator& it) {
  return ValueRecord{std::string(it.key()),
                     Value{std::string(it.identity()), std::string(it.data())}};
}

// Every record from the current position to the end.
inline std::vector<ValueRecord> Drain(ValueIterator& it) {
  std::vector<ValueRecord> out;
  for (; it.Valid(); it.Next()) out.push_back(Current(it));
  return out;
}

// A diff entry with its values copied out; the side a type does not have is left empty.
struct DiffRecord {
  std::string key;
  DiffType type = DiffType::kAdded;
  Value left;
  Value right;

  friend bool operator==(const DiffRecord&, const DiffRecord&) = default;
};

inline DiffRecord Added(std::string key, std::string identity, std::string data = "") {
  return DiffRecord{std::move(key), DiffType::kAdded, {}, {std::move(identity), std::move(data)}};
}
inline DiffRecord Removed(std::string key, std::string identity, std::string data = "") {
  return DiffRecord{std::move(key), DiffType::kRemoved, {std::move(identity), std::move(data)}, {}};
}
inline DiffRecord Changed(std::string key, Value left, Value right) {
  return DiffRecord{std::move(key), DiffType::kChanged, std::move(left), std::move(right)};
}

// REQUIRES: it.Valid().
inline DiffRecord Current(const DiffIterator& it) {
  DiffRecord r{std::string(it.key()), it.type(), {}, {}};
  if (r.type != DiffType::kAdded) {
    r.left = Value{std::string(it.left_identity()), std::string(it.left_data())};
  }
  if (r.type != DiffType::kRemoved) {
    r.right = Value{std::string(it.right_identity()), std::string(it.right_data())};
  }
  return r;
}

inline std::vector<DiffRecord> Drain(DiffIterator& it) {
  std::vector<DiffRecord> out;
  for (; it.Valid(); it.Next()) out.push_back(Current(it));
  return out;
}

inline void PrintTo(const DiffRecord& r, std::ostream* os) {
  static constexpr const char* kNames[] = {"added", "removed", "changed"};
  *os << "{" << EscapeBytes(r.key) << " " << kNames[static_cast<int>(r.type)]
      << " left=" << EscapeBytes(r.left.identity) << "/" << EscapeBytes(r.left.data)
      << " right=" << EscapeBytes(r.right.identity) << "/" << EscapeBytes(r.right.data) << "}";
}

// Passes `limit` records through, then fails with IOError on the move that would land on the
// next one. A seek does not clear the failure.
class FailingIterator final : public ValueIterator {
 public:
  FailingIterator(std::unique_ptr<ValueIterator> inner, std::size_t limit)
      : inner_(std::move(inner)), limit_(limit) {
    Count();
  }

  bool Valid() const override { return !failed_ && inner_->Valid(); }
  void SeekGE(std::string_view key) override {
    if (failed_) return;
    inner_->SeekGE(key);
    Count();
  }
  void Next() override {
    inner_->Next();
    Count();
  }
  std::string_view key() const override { return inner_->key(); }
  bool tombstone() const override { return inner_->tombstone(); }
  std::string_view identity() const override { return inner_->identity(); }
  std::string_view data() const override { return inner_->data(); }
  Status status() const override {
    return failed_ ? Status::IOError("injected read failure") : inner_->status();
  }

 private:
  void Count() {
    if (!inner_->Valid()) return;
    if (yielded_ == limit_) {
      failed_ = true;
    } else {
      ++yielded_;
    }
  }

  std::unique_ptr<ValueIterator> inner_;
  std::size_t limit_;
  std::size_t yielded_ = 0;
  bool failed_ = false;
};

struct MoveCounts {
  int seeks = 0;
  int nexts = 0;
};

// Counts the SeekGE and Next calls it receives into `counts`.
class CountingIterator final : public ValueIterator {
 public:
  CountingIterator(std::unique_ptr<ValueIterator> inner, MoveCounts& counts)
      : inner_(std::move(inner)), counts_(counts) {}

  bool Valid() const override { return inner_->Valid(); }
  void SeekGE(std::string_view key) override {
    ++counts_.seeks;
    inner_->SeekGE(key);
  }
  void Next() override {
    ++counts_.nexts;
    inner_->Next();
  }
  std::string_view key() const override { return inner_->key(); }
  bool tombstone() const override { return inner_->tombstone(); }
  std::string_view identity() const override { return inner_->identity(); }
  std::string_view data() const override { return inner_->data(); }
  Status status() const override { return inner_->status(); }

 private:
  std::unique_ptr<ValueIterator> inner_;
  MoveCounts& counts_;
};

}  // namespace testing
}  // namespace tarn::graveler
