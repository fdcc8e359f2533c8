#include "kv/memory/memory_store.h"

#include <map>
#include <mutex>
#include <shared_mutex>

namespace tarn::kv {
namespace {

using Partition = std::map<std::string, std::string, std::less<>>;

Status CheckArgs(std::string_view partition, std::string_view key) {
  if (partition.empty()) return Status::InvalidArgument("kv: partition must not be empty");
  if (key.empty()) return Status::InvalidArgument("kv: key must not be empty");
  return Status::OK();
}

class MemoryStore;

// Copies one page of entries under the store's lock, then serves them without it; the next page
// starts after the last key served, so concurrent writers never make it repeat or reorder keys.
class MemoryIterator final : public Iterator {
 public:
  MemoryIterator(const MemoryStore& store, std::string partition, std::size_t page_size)
      : store_(store), partition_(std::move(partition)), page_size_(page_size) {}

  bool Valid() const override { return pos_ < page_.size(); }
  void SeekGE(std::string_view key) override {
    next_start_ = std::string(key);
    inclusive_ = true;
    exhausted_ = false;
    Fill();
  }
  void Next() override {
    if (++pos_ >= page_.size() && !exhausted_) Fill();
  }
  std::string_view key() const override { return page_[pos_].key; }
  std::string_view value() const override { return page_[pos_].value; }
  Status status() const override { return Status::OK(); }

 private:
  void Fill();

  const MemoryStore& store_;
  std::string partition_;
  std::size_t page_size_;
  std::vector<KeyValue> page_;
  std::size_t pos_ = 0;
  std::string next_start_;
  bool inclusive_ = true;
  bool exhausted_ = false;
};

class MemoryStore final : public Store {
 public:
  std::string_view driver() const override { return "memory"; }

  Result<Item> Get(std::string_view partition, std::string_view key) override {
    RETURN_IF_ERROR(CheckArgs(partition, key));
    std::shared_lock lock(mu_);
    const std::string* v = FindLocked(partition, key);
    if (v == nullptr) return Status::NotFound("kv: key not found");
    return Item{*v};
  }

  Status Set(std::string_view partition, std::string_view key, std::string_view value) override {
    RETURN_IF_ERROR(CheckArgs(partition, key));
    std::unique_lock lock(mu_);
    PartitionLocked(partition)[std::string(key)] = std::string(value);
    return Status::OK();
  }

  Status SetIf(std::string_view partition, std::string_view key, std::string_view value,
               const Predicate& predicate) override {
    RETURN_IF_ERROR(CheckArgs(partition, key));
    std::unique_lock lock(mu_);
    const std::string* current = FindLocked(partition, key);
    bool holds = false;
    switch (predicate.kind()) {
      case Predicate::Kind::kAbsent: holds = current == nullptr; break;
      case Predicate::Kind::kExists: holds = current != nullptr; break;
      case Predicate::Kind::kValue: holds = current != nullptr && *current == predicate.value();
    }
    if (!holds) return Status::PreconditionFailed("kv: predicate failed");
    PartitionLocked(partition)[std::string(key)] = std::string(value);
    return Status::OK();
  }

  Status Delete(std::string_view partition, std::string_view key) override {
    RETURN_IF_ERROR(CheckArgs(partition, key));
    std::unique_lock lock(mu_);
    auto p = partitions_.find(partition);
    if (p == partitions_.end()) return Status::OK();
    auto it = p->second.find(key);
    if (it != p->second.end()) p->second.erase(it);
    if (p->second.empty()) partitions_.erase(p);
    return Status::OK();
  }

  Status SetBatch(std::string_view partition, std::span<const KeyValue> items) override {
    for (const auto& item : items) RETURN_IF_ERROR(CheckArgs(partition, item.key));
    std::unique_lock lock(mu_);
    if (items.empty()) return Status::OK();
    Partition& p = PartitionLocked(partition);
    for (const auto& item : items) p[item.key] = item.value;
    return Status::OK();
  }

  Result<std::unique_ptr<Iterator>> Scan(std::string_view partition, std::string_view start_key,
                                         const ScanOptions& options) override {
    if (partition.empty()) return Status::InvalidArgument("kv: partition must not be empty");
    auto it = std::make_unique<MemoryIterator>(*this, std::string(partition),
                                               options.page_size ? options.page_size : 1000);
    it->SeekGE(start_key);
    return std::unique_ptr<Iterator>(std::move(it));
  }

  Status DeletePartition(std::string_view partition) override {
    if (partition.empty()) return Status::InvalidArgument("kv: partition must not be empty");
    std::unique_lock lock(mu_);
    auto p = partitions_.find(partition);
    if (p != partitions_.end()) partitions_.erase(p);
    return Status::OK();
  }

  Result<std::vector<std::string>> ListPartitions() override {
    std::shared_lock lock(mu_);
    std::vector<std::string> out;
    for (const auto& [name, p] : partitions_) out.push_back(name);
    return out;
  }

  // Copies up to `limit` entries from `start` (inclusive or not) into `out`; returns true when
  // the partition has no more entries after them.
  bool CopyPage(const std::string& partition, const std::string& start, bool inclusive,
                std::size_t limit, std::vector<KeyValue>& out) const {
    std::shared_lock lock(mu_);
    out.clear();
    auto p = partitions_.find(partition);
    if (p == partitions_.end()) return true;
    auto it = inclusive ? p->second.lower_bound(start) : p->second.upper_bound(start);
    for (; it != p->second.end() && out.size() < limit; ++it) {
      out.push_back(KeyValue{it->first, it->second});
    }
    return it == p->second.end();
  }

 private:
  const std::string* FindLocked(std::string_view partition, std::string_view key) const {
    auto p = partitions_.find(partition);
    if (p == partitions_.end()) return nullptr;
    auto it = p->second.find(key);
    return it == p->second.end() ? nullptr : &it->second;
  }

  Partition& PartitionLocked(std::string_view partition) {
    auto p = partitions_.find(partition);
    if (p == partitions_.end()) p = partitions_.emplace(std::string(partition), Partition{}).first;
    return p->second;
  }

  mutable std::shared_mutex mu_;
  std::map<std::string, Partition, std::less<>> partitions_;
};

void MemoryIterator::Fill() {
  exhausted_ = store_.CopyPage(partition_, next_start_, inclusive_, page_size_, page_);
  pos_ = 0;
  if (!page_.empty()) {
    next_start_ = page_.back().key;
    inclusive_ = false;
  }
}

}  // namespace

std::unique_ptr<Store> NewMemoryStore() { return std::make_unique<MemoryStore>(); }

}  // namespace tarn::kv
