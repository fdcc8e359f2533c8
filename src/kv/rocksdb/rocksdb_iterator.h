// The scan iterator of the RocksDB driver (private to src/kv/rocksdb/).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "tarn/kv/store.h"

namespace tarn::kv {

// Iterates over the keys that start with one partition prefix. Every `refresh_every` keys it
// drops its RocksDB iterator and seeks a fresh one to the next key, so a long scan does not pin
// memtables, table files and an old view of the data for its whole duration; since keys are
// only ever sought forward from a key not yet returned, none comes twice or out of order.
//
// REQUIRES: `db` outlives the iterator. Used by one thread at a time.
class RocksScanIterator final : public Iterator {
 public:
  RocksScanIterator(rocksdb::DB& db, std::string prefix, std::size_t refresh_every,
                    std::string path);

  bool Valid() const override { return valid_; }
  void SeekGE(std::string_view key) override;
  void Next() override;
  std::string_view key() const override;
  std::string_view value() const override;
  Status status() const override { return status_; }

 private:
  // Replaces the RocksDB iterator with a fresh one positioned at seek_key_.
  void Reposition();
  // Updates valid_ and status_ from the RocksDB iterator.
  void Settle();

  rocksdb::DB& db_;
  const std::string prefix_;
  const std::string limit_;
  const rocksdb::Slice limit_slice_;
  const std::size_t refresh_every_;
  const std::string path_;
  rocksdb::ReadOptions read_options_;
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string seek_key_;  // reused for every reposition
  std::size_t since_refresh_ = 0;
  bool valid_ = false;
  Status status_;
};

}  // namespace tarn::kv
