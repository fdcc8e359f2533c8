// The key/value contract that holds all of tarn's metadata.
//
// A store is a set of partitions; a partition is an ordered map from keys to values. Partition
// names, keys and values are arbitrary byte strings. Keys order by unsigned byte comparison
// (memcmp), so 0x00 sorts first and 0xFF last. An empty value is legal and distinct from an
// absent key. Partition names and keys must not be empty.
//
// Every driver (memory, rocksdb, postgres) passes the shared conformance suite in
// src/kv/testing/. Drivers are built by factory functions only; nothing above `server/` names
// a concrete driver.
//
// Errors common to every method:
//   InvalidArgument  an empty partition or key, or a key/value over the driver's size limit.
//   Unavailable      the backing service cannot be reached right now (retryable); the message
//                    names the service and what to check.
//   IOError / Corruption / Internal   the backing storage failed.
//
// Thread safety: every method of Store may be called concurrently from any thread. An
// Iterator is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tarn/result.h"
#include "tarn/status.h"

namespace tarn::kv {

// The condition of a SetIf. Obtain one from an Item returned by Get (the stored value must
// still be the one Get saw), or use Absent() / Exists().
class Predicate {
 public:
  enum class Kind { kAbsent, kExists, kValue };

  // Succeed only if the key does not exist.
  static Predicate Absent() { return Predicate(Kind::kAbsent, {}); }
  // Succeed only if the key exists, whatever its value.
  static Predicate Exists() { return Predicate(Kind::kExists, {}); }
  // Succeed only if the stored value equals `seen` byte for byte.
  static Predicate Value(std::string seen) { return Predicate(Kind::kValue, std::move(seen)); }

  Kind kind() const { return kind_; }
  // The value the key must still hold. REQUIRES: kind() == kValue.
  std::string_view value() const { return value_; }

 private:
  Predicate(Kind kind, std::string value) : kind_(kind), value_(std::move(value)) {}
  Kind kind_;
  std::string value_;
};

// What Get returns.
struct Item {
  std::string value;
  // The token that makes SetIf succeed only while the stored value is still `value`.
  Predicate predicate() const { return Predicate::Value(value); }
};

struct KeyValue {
  std::string key;
  std::string value;
};

// A forward iterator over one partition, in ascending key order. The shape of every iterator in
// tarn: position with SeekGE, advance with Next while Valid, then check status().
//
// A scan returns every key that exists for the whole duration of the scan exactly once and in
// order, and never returns a key twice or out of order, even while other keys are inserted or
// deleted concurrently (those may or may not be returned). Drivers page internally.
class Iterator {
 public:
  Iterator() = default;
  Iterator(const Iterator&) = delete;
  Iterator& operator=(const Iterator&) = delete;
  virtual ~Iterator() = default;

  // True while positioned on an entry. False at the end or after an error (see status()).
  virtual bool Valid() const = 0;
  // Positions at the first key >= `key` (forwards or backwards from the current position).
  // Clears a previous end-of-scan, but not an error.
  virtual void SeekGE(std::string_view key) = 0;
  // REQUIRES: Valid().
  virtual void Next() = 0;
  // REQUIRES: Valid(). The views stay valid until the next SeekGE/Next or destruction.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // OK unless the scan failed; a failed iterator is not Valid().
  virtual Status status() const = 0;
};

struct ScanOptions {
  // Keys fetched per internal page; 0 means the driver's default. A hint, not a limit.
  std::size_t page_size = 0;
};

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // A short driver name: "memory", "rocksdb", "postgres".
  virtual std::string_view driver() const = 0;

  // Returns the value stored under (partition, key).
  // Errors: NotFound when the key is absent.
  virtual Result<Item> Get(std::string_view partition, std::string_view key) = 0;

  // Stores `value` under (partition, key), replacing any previous value.
  virtual Status Set(std::string_view partition, std::string_view key,
                     std::string_view value) = 0;

  // Stores `value` under (partition, key) only if `predicate` holds, atomically: no other
  // writer (thread or process) can change the key between the check and the write.
  // Errors: PreconditionFailed when the predicate does not hold.
  virtual Status SetIf(std::string_view partition, std::string_view key, std::string_view value,
                       const Predicate& predicate) = 0;

  // Removes (partition, key). Removing an absent key is OK.
  virtual Status Delete(std::string_view partition, std::string_view key) = 0;

  // Upserts every item of `items` into `partition`, as one atomic write where the driver can
  // (rocksdb: one WriteBatch; postgres: one transaction). Used by bulk loads and migration.
  virtual Status SetBatch(std::string_view partition, std::span<const KeyValue> items) = 0;

  // Returns an iterator over `partition` positioned at the first key >= `start_key` (the whole
  // partition when `start_key` is empty). See Iterator for the consistency guarantee.
  virtual Result<std::unique_ptr<Iterator>> Scan(std::string_view partition,
                                                 std::string_view start_key,
                                                 const ScanOptions& options = {}) = 0;

  // Removes every key of `partition` in one operation whose cost does not grow with the number
  // of keys in round trips (rocksdb: DeleteRange; postgres: one DELETE statement).
  virtual Status DeletePartition(std::string_view partition) = 0;

  // Lists the names of the partitions that hold at least one key, in ascending byte order.
  // Used by dump, migrate and stats, not on hot paths.
  virtual Result<std::vector<std::string>> ListPartitions() = 0;
};

}  // namespace tarn::kv
