#include "kv/rocksdb/rocksdb_store.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <array>
#include <bitset>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "kv/rocksdb/key_codec.h"
#include "kv/rocksdb/rocksdb_iterator.h"
#include "kv/rocksdb/rocksdb_status.h"
#include "kv/rocksdb/rocksdb_tuning.h"

namespace tarn::kv {
namespace {

namespace fs = std::filesystem;

// Long enough that the seek of a refresh costs well under 1% of a scan, short enough that a
// dump of a large partition releases old memtables and compacted files every few milliseconds.
constexpr std::size_t kDefaultScanRefresh = 4096;

Status CheckPartition(std::string_view partition) {
  if (partition.empty()) return Status::InvalidArgument("kv: partition must not be empty");
  if (partition.size() > kRocksDbMaxPartitionBytes) {
    return Status::InvalidArgument("kv rocksdb: partition name longer than 64 KiB");
  }
  return Status::OK();
}

Status CheckArgs(std::string_view partition, std::string_view key) {
  RETURN_IF_ERROR(CheckPartition(partition));
  if (key.empty()) return Status::InvalidArgument("kv: key must not be empty");
  if (key.size() > kRocksDbMaxKeyBytes) {
    return Status::InvalidArgument("kv rocksdb: key longer than 64 KiB");
  }
  return Status::OK();
}

Status CheckValue(std::string_view value) {
  if (value.size() > kRocksDbMaxValueBytes) {
    return Status::InvalidArgument("kv rocksdb: value larger than 256 MiB");
  }
  return Status::OK();
}

rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }

// SetIf reads, compares and writes; every writer of a key holds that key's stripe while it
// writes, so nothing can change the key between a SetIf's read and its write. Stripes (rather
// than one mutex) keep writers of different keys concurrent, so RocksDB can still group their
// log writes and fsyncs. Readers take no lock.
class LockStripes {
 public:
  static constexpr std::size_t kCount = 256;
  using Set = std::bitset<kCount>;

  static std::size_t Of(std::string_view encoded_key) {
    return std::hash<std::string_view>{}(encoded_key) % kCount;
  }
  std::mutex& At(std::size_t i) { return stripes_[i].mu; }

  // Locks the stripes in `set` in ascending order (the one order every multi-stripe writer
  // uses, so two of them cannot deadlock); unlocks them on destruction.
  class Guard {
   public:
    Guard(LockStripes& stripes, const Set& set) : stripes_(stripes), set_(set) {
      for (std::size_t i = 0; i < kCount; ++i) {
        if (set_[i]) stripes_.At(i).lock();
      }
    }
    ~Guard() {
      for (std::size_t i = kCount; i-- > 0;) {
        if (set_[i]) stripes_.At(i).unlock();
      }
    }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    LockStripes& stripes_;
    const Set set_;
  };

 private:
  // One cache line each: writers on neighbouring stripes must not contend on the line.
  struct alignas(64) Stripe {
    std::mutex mu;
  };
  std::array<Stripe, kCount> stripes_;
};

bool PredicateHolds(const Predicate& predicate, bool exists, std::string_view current) {
  switch (predicate.kind()) {
    case Predicate::Kind::kAbsent:
      return !exists;
    case Predicate::Kind::kExists:
      return exists;
    case Predicate::Kind::kValue:
      return exists && current == predicate.value();
  }
  return false;
}

// A private directory for a secondary instance's info log, removed when the store closes.
Result<std::string> MakeSecondaryDir() {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / "tarn-kv-secondary-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    std::string reason = std::strerror(errno);
    return Status::IOError("kv rocksdb: cannot create a directory for a read-only open under " +
                           base.string() + ": " + reason);
  }
  return pattern;
}

class RocksDbStore final : public Store {
 public:
  RocksDbStore(const RocksDbOptions& options, std::string secondary_dir)
      : path_(options.path),
        read_only_(options.read_only),
        write_options_(RocksWriteOptions(options)),
        secondary_dir_(std::move(secondary_dir)) {}

  ~RocksDbStore() override {
    if (db_ != nullptr && !read_only_) {
      // Makes a clean shutdown durable against power loss even without `sync`; there is
      // nobody left to report a failure to, and the log is replayed on the next open anyway.
      (void)db_->SyncWAL();
    }
    db_.reset();
    if (!secondary_dir_.empty()) {
      std::error_code ec;
      fs::remove_all(secondary_dir_, ec);
    }
  }

  // Opens the database and checks (or, on creation, writes) the format marker.
  Status Open(const rocksdb::Options& options) {
    rocksdb::DB* db = nullptr;
    rocksdb::Status s = read_only_
                            ? rocksdb::DB::OpenAsSecondary(options, path_, secondary_dir_, &db)
                            : rocksdb::DB::Open(options, path_, &db);
    if (IsRocksLockError(s)) {
      return Status::Unavailable(
          "kv rocksdb: the store at " + path_ +
          " is in use by another process (a running `tarn serve`?) or another handle in this "
          "process; stop it, or open the store read-only for dump/stats");
    }
    RETURN_IF_ERROR(FromRocksStatus(s, path_, "open"));
    db_.reset(db);
    return CheckFormat();
  }

  std::string_view driver() const override { return "rocksdb"; }

  Result<Item> Get(std::string_view partition, std::string_view key) override {
    RETURN_IF_ERROR(CheckArgs(partition, key));
    RETURN_IF_ERROR(CatchUp());
    RocksKeyBuffer k(partition, key);
    Item item;
    rocksdb::Status s = db_->Get(read_options_, ToSlice(k.view()), &item.value);
    // Absent keys are routine (SetIf(Absent) flows): a message that fits in std::string's inline
    // buffer keeps this path to one allocation.
    if (s.IsNotFound()) return Status::NotFound("kv: not found");
    RETURN_IF_ERROR(FromRocksStatus(s, path_, "get"));
    return item;
  }

  Status Set(std::string_view partition, std::string_view key, std::string_view value) override {
    RETURN_IF_ERROR(CheckWritable());
    RETURN_IF_ERROR(CheckArgs(partition, key));
    RETURN_IF_ERROR(CheckValue(value));
    RocksKeyBuffer k(partition, key);
    std::lock_guard lock(stripes_.At(LockStripes::Of(k.view())));
    return FromRocksStatus(db_->Put(write_options_, ToSlice(k.view()), ToSlice(value)), path_,
                           "set");
  }

  Status SetIf(std::string_view partition, std::string_view key, std::string_view value,
               const Predicate& predicate) override {
    RETURN_IF_ERROR(CheckWritable());
    RETURN_IF_ERROR(CheckArgs(partition, key));
    RETURN_IF_ERROR(CheckValue(value));
    RocksKeyBuffer k(partition, key);
    std::lock_guard lock(stripes_.At(LockStripes::Of(k.view())));
    // Pinned: comparing against the predicate needs no copy of a possibly large value.
    rocksdb::PinnableSlice current;
    rocksdb::Status s =
        db_->Get(read_options_, db_->DefaultColumnFamily(), ToSlice(k.view()), &current);
    if (!s.ok() && !s.IsNotFound()) return FromRocksStatus(s, path_, "set-if read");
    if (!PredicateHolds(predicate, s.ok(), std::string_view(current.data(), current.size()))) {
      return Status::PreconditionFailed("kv: predicate failed");
    }
    current.Reset();
    return FromRocksStatus(db_->Put(write_options_, ToSlice(k.view()), ToSlice(value)), path_,
                           "set-if write");
  }

  Status Delete(std::string_view partition, std::string_view key) override {
    RETURN_IF_ERROR(CheckWritable());
    RETURN_IF_ERROR(CheckArgs(partition, key));
    RocksKeyBuffer k(partition, key);
    std::lock_guard lock(stripes_.At(LockStripes::Of(k.view())));
    return FromRocksStatus(db_->Delete(write_options_, ToSlice(k.view())), path_, "delete");
  }

  Status SetBatch(std::string_view partition, std::span<const KeyValue> items) override {
    RETURN_IF_ERROR(CheckWritable());
    RETURN_IF_ERROR(CheckPartition(partition));
    std::size_t bytes = 0;
    for (const auto& item : items) {
      RETURN_IF_ERROR(CheckArgs(partition, item.key));
      RETURN_IF_ERROR(CheckValue(item.value));
      bytes += item.key.size() + item.value.size();
    }
    if (items.empty()) return Status::OK();
    std::string prefix = RocksPartitionPrefix(partition);
    // Sized up front so that building a large batch does not reallocate it repeatedly.
    rocksdb::WriteBatch batch(bytes + items.size() * (prefix.size() + 16));
    LockStripes::Set stripes;
    std::string k = prefix;
    for (const auto& item : items) {
      k.resize(prefix.size());
      k.append(item.key);
      stripes.set(LockStripes::Of(k));
      rocksdb::Status s = batch.Put(ToSlice(k), ToSlice(item.value));
      if (!s.ok()) return FromRocksStatus(s, path_, "set-batch");
    }
    LockStripes::Guard lock(stripes_, stripes);
    return FromRocksStatus(db_->Write(write_options_, &batch), path_, "set-batch");
  }

  Result<std::unique_ptr<Iterator>> Scan(std::string_view partition, std::string_view start_key,
                                         const ScanOptions& options) override {
    RETURN_IF_ERROR(CheckPartition(partition));
    RETURN_IF_ERROR(CatchUp());
    auto it = std::make_unique<RocksScanIterator>(
        *db_, RocksPartitionPrefix(partition),
        options.page_size ? options.page_size : kDefaultScanRefresh, path_);
    it->SeekGE(start_key);
    RETURN_IF_ERROR(it->status());
    return std::unique_ptr<Iterator>(std::move(it));
  }

  Status DeletePartition(std::string_view partition) override {
    RETURN_IF_ERROR(CheckWritable());
    RETURN_IF_ERROR(CheckPartition(partition));
    std::string prefix = RocksPartitionPrefix(partition);
    std::string limit = RocksPartitionLimit(prefix);
    // Every key of the partition may be some SetIf's key: hold them all still.
    LockStripes::Guard lock(stripes_, LockStripes::Set().set());
    // A range tombstone costs every later read that crosses it until compaction drops it; an
    // empty partition (deleted twice, or never written) needs none.
    {
      rocksdb::ReadOptions ro;
      rocksdb::Slice upper = ToSlice(limit);
      ro.iterate_upper_bound = &upper;
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
      it->Seek(ToSlice(prefix));
      if (!it->Valid()) return FromRocksStatus(it->status(), path_, "delete-partition");
    }
    return FromRocksStatus(db_->DeleteRange(write_options_, db_->DefaultColumnFamily(),
                                            ToSlice(prefix), ToSlice(limit)),
                           path_, "delete-partition");
  }

  Result<std::vector<std::string>> ListPartitions() override {
    RETURN_IF_ERROR(CatchUp());
    std::vector<std::string> names;
    rocksdb::ReadOptions ro;
    rocksdb::Slice upper = ToSlice(kRocksDataEnd);
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    std::string name;
    std::string next;
    // One seek per partition: jump from the first key of a partition straight past its last.
    for (it->Seek(ToSlice(kRocksDataBegin)); it->Valid();) {
      rocksdb::Slice k = it->key();
      std::size_t prefix_size = 0;
      if (!DecodeRocksDataKey(std::string_view(k.data(), k.size()), name, prefix_size)) {
        return Status::Corruption("kv rocksdb " + path_ +
                                  ": list-partitions: malformed key in the data key space");
      }
      next = RocksPartitionLimit(std::string_view(k.data(), prefix_size));
      names.push_back(name);
      it->Seek(ToSlice(next));
    }
    RETURN_IF_ERROR(FromRocksStatus(it->status(), path_, "list-partitions"));
    return names;
  }

 private:
  Status CheckWritable() const {
    if (!read_only_) return Status::OK();
    return Status::PermissionDenied("kv rocksdb: the store at " + path_ +
                                    " is open read-only; writes are refused");
  }

  // A secondary sees what its primary wrote only after catching up; doing it before every read
  // makes each read see every write the primary acknowledged before the read began.
  Status CatchUp() {
    if (!read_only_) return Status::OK();
    std::lock_guard lock(catch_up_mu_);
    return FromRocksStatus(db_->TryCatchUpWithPrimary(), path_, "catch up with the writer");
  }

  Status CheckFormat() {
    std::string format;
    rocksdb::Status s = db_->Get(read_options_, ToSlice(kRocksFormatKey), &format);
    if (s.ok()) {
      if (format == kRocksFormatValue) return Status::OK();
      return Status::PreconditionFailed(
          "kv rocksdb: the store at " + path_ + " has format '" + format + "', this build reads '" +
          std::string(kRocksFormatValue) + "'; open it with a matching tarn version");
    }
    if (!s.IsNotFound()) return FromRocksStatus(s, path_, "read the format marker");
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options_));
    it->SeekToFirst();
    RETURN_IF_ERROR(FromRocksStatus(it->status(), path_, "open"));
    if (it->Valid()) {
      return Status::PreconditionFailed(
          "kv rocksdb: " + path_ +
          " holds a RocksDB database that is not a tarn store (it has no format marker); "
          "refusing to use it");
    }
    if (read_only_) return Status::OK();  // empty: nothing to misread
    rocksdb::WriteOptions durable = write_options_;
    durable.sync = true;
    return FromRocksStatus(db_->Put(durable, ToSlice(kRocksFormatKey), ToSlice(kRocksFormatValue)),
                           path_, "write the format marker");
  }

  const std::string path_;
  const bool read_only_;
  const rocksdb::WriteOptions write_options_;
  const rocksdb::ReadOptions read_options_;
  const std::string secondary_dir_;
  std::unique_ptr<rocksdb::DB> db_;
  LockStripes stripes_;
  std::mutex catch_up_mu_;
};

// Whether `path` holds a RocksDB database (its CURRENT file names the live manifest).
Result<bool> HasStore(const std::string& path) {
  std::error_code ec;
  bool exists = fs::exists(fs::path(path) / "CURRENT", ec);
  if (ec) {
    return Status::IOError("kv rocksdb: cannot inspect " + path + ": " + ec.message());
  }
  return exists;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenRocksDbStore(const RocksDbOptions& options) {
  if (options.path.empty()) return Status::InvalidArgument("kv rocksdb: the path is empty");
  ASSIGN_OR_RETURN(bool has_store, HasStore(options.path));
  if (!has_store) {
    if (options.read_only) {
      return Status::NotFound("kv rocksdb: there is no store at " + options.path +
                              " to open read-only");
    }
    if (!options.create_if_missing) {
      return Status::NotFound("kv rocksdb: there is no store at " + options.path +
                              " (and create_if_missing is off)");
    }
    // RocksDB creates only the last directory of the path.
    std::error_code ec;
    fs::create_directories(options.path, ec);
    if (ec) {
      return Status::IOError("kv rocksdb: cannot create " + options.path + ": " + ec.message());
    }
  }
  std::string secondary_dir;
  if (options.read_only) {
    ASSIGN_OR_RETURN(secondary_dir, MakeSecondaryDir());
  }
  auto store = std::make_unique<RocksDbStore>(options, std::move(secondary_dir));
  RETURN_IF_ERROR(store->Open(TunedRocksOptions(options)));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace tarn::kv
