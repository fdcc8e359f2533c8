#include "kv/admin/stats.h"

#include <algorithm>
#include <map>

#include "common/coding.h"

namespace tarn::kv {
namespace {

constexpr std::string_view kOtherKind = "(other)";

void Count(RecordStats& s, std::string_view key, std::string_view value) {
  s.keys++;
  s.key_bytes += key.size();
  s.value_bytes += value.size();
}

void Merge(RecordStats& into, const RecordStats& from) {
  into.keys += from.keys;
  into.key_bytes += from.key_bytes;
  into.value_bytes += from.value_bytes;
}

// Keeps the `max_kinds - 1` largest kinds and sums the rest into "(other)", so a store with
// unforeseen key shapes still gives a readable report.
void CapKinds(std::vector<KindStats>& kinds, std::size_t max_kinds) {
  if (max_kinds == 0 || kinds.size() <= max_kinds) return;
  std::stable_sort(kinds.begin(), kinds.end(), [](const KindStats& a, const KindStats& b) {
    return a.records.bytes() > b.records.bytes();
  });
  KindStats other{std::string(kOtherKind), {}};
  for (std::size_t i = max_kinds - 1; i < kinds.size(); ++i) Merge(other.records, kinds[i].records);
  kinds.resize(max_kinds - 1);
  std::sort(kinds.begin(), kinds.end(),
            [](const KindStats& a, const KindStats& b) { return a.kind < b.kind; });
  kinds.push_back(std::move(other));
}

}  // namespace

Result<StoreStats> CollectStats(Store& store, const RecordClassifier& classifier,
                                const StatsOptions& options) {
  StoreStats stats;
  stats.driver = std::string(store.driver());
  auto partitions = store.ListPartitions();
  if (!partitions.ok()) return partitions.status().WithContext("kv stats: listing partitions");
  std::map<std::string, RecordStats, std::less<>> kinds;
  for (const std::string& partition : *partitions) {
    RecordClassifier::PartitionClassifier classify = classifier.ForPartition(partition);
    PartitionStats ps{partition, classify.partition_class(), {}};
    auto it = store.Scan(partition, "", options.scan);
    if (!it.ok()) {
      return it.status().WithContext("kv stats: partition \"" + EscapeBytes(partition) + "\"");
    }
    // Sorted keys cluster by kind, so remembering the last kind skips most map lookups.
    std::string_view last_kind;
    RecordStats* last_stats = nullptr;
    for (Iterator& iter = **it; iter.Valid(); iter.Next()) {
      Count(ps.records, iter.key(), iter.value());
      std::string_view kind = classify.KindOf(iter.key());
      if (last_stats == nullptr || kind.data() != last_kind.data()) {
        auto k = kinds.find(kind);
        if (k == kinds.end()) k = kinds.emplace(std::string(kind), RecordStats{}).first;
        last_kind = kind;
        last_stats = &k->second;
      }
      Count(*last_stats, iter.key(), iter.value());
    }
    Status s = (*it)->status();
    if (!s.ok()) return s.WithContext("kv stats: partition \"" + EscapeBytes(partition) + "\"");
    Merge(stats.total, ps.records);
    stats.partitions.push_back(std::move(ps));
  }
  for (auto& [kind, records] : kinds) stats.kinds.push_back(KindStats{kind, records});
  CapKinds(stats.kinds, options.max_kinds);
  return stats;
}

Result<StoreStats> CollectStats(Store& store) {
  RecordClassifier none;
  return CollectStats(store, none);
}

}  // namespace tarn::kv
