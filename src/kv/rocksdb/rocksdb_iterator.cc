#include "kv/rocksdb/rocksdb_iterator.h"

#include "kv/rocksdb/key_codec.h"
#include "kv/rocksdb/rocksdb_status.h"

namespace tarn::kv {

RocksScanIterator::RocksScanIterator(rocksdb::DB& db, std::string prefix, std::size_t refresh_every,
                                     std::string path)
    : db_(db),
      prefix_(std::move(prefix)),
      limit_(RocksPartitionLimit(prefix_)),
      limit_slice_(limit_),
      refresh_every_(refresh_every == 0 ? 1 : refresh_every),
      path_(std::move(path)) {
  // The upper bound lets RocksDB stop at the partition's end without surfacing (and skipping
  // tombstones of) the next partition's keys.
  read_options_.iterate_upper_bound = &limit_slice_;
}

void RocksScanIterator::SeekGE(std::string_view key) {
  if (!status_.ok()) return;
  seek_key_.assign(prefix_);
  seek_key_.append(key);
  Reposition();
}

void RocksScanIterator::Next() {
  it_->Next();
  if (++since_refresh_ >= refresh_every_ && it_->Valid()) {
    // The current key has not been returned yet: seeking to it (inclusively) in a fresh view
    // returns it if it still exists, or the next key after it.
    rocksdb::Slice current = it_->key();
    seek_key_.assign(current.data(), current.size());
    Reposition();
    return;
  }
  Settle();
}

std::string_view RocksScanIterator::key() const {
  rocksdb::Slice k = it_->key();
  return {k.data() + prefix_.size(), k.size() - prefix_.size()};
}

std::string_view RocksScanIterator::value() const {
  rocksdb::Slice v = it_->value();
  return {v.data(), v.size()};
}

void RocksScanIterator::Reposition() {
  // Release the old view before taking a new one, so the two never pin resources together.
  it_.reset();
  it_.reset(db_.NewIterator(read_options_));
  it_->Seek(rocksdb::Slice(seek_key_.data(), seek_key_.size()));
  since_refresh_ = 0;
  Settle();
}

void RocksScanIterator::Settle() {
  valid_ = it_->Valid();
  if (!valid_) {
    rocksdb::Status s = it_->status();
    if (!s.ok()) status_ = FromRocksStatus(s, path_, "scan");
  }
}

}  // namespace tarn::kv
