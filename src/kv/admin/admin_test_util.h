// Helpers shared by the kv/admin tests: a forwarding Store to override single methods, and
// whole-store snapshots for comparisons.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "kv/admin/dump.h"
#include "kv/admin/load.h"
#include "tarn/kv/store.h"

namespace tarn::kv::testing {

// Forwards every call to `target`; tests override what they need.
class ForwardingStore : public Store {
 public:
  explicit ForwardingStore(Store& target) : target_(target) {}
  std::string_view driver() const override { return target_.driver(); }
  Result<Item> Get(std::string_view p, std::string_view k) override { return target_.Get(p, k); }
  Status Set(std::string_view p, std::string_view k, std::string_view v) override {
    return target_.Set(p, k, v);
  }
  Status SetIf(std::string_view p, std::string_view k, std::string_view v,
               const Predicate& pred) override {
    return target_.SetIf(p, k, v, pred);
  }
  Status Delete(std::string_view p, std::string_view k) override { return target_.Delete(p, k); }
  Status SetBatch(std::string_view p, std::span<const KeyValue> items) override {
    return target_.SetBatch(p, items);
  }
  Result<std::unique_ptr<Iterator>> Scan(std::string_view p, std::string_view start,
                                         const ScanOptions& options) override {
    return target_.Scan(p, start, options);
  }
  Status DeletePartition(std::string_view p) override { return target_.DeletePartition(p); }
  Result<std::vector<std::string>> ListPartitions() override { return target_.ListPartitions(); }

 protected:
  Store& target_;
};

using Entries = std::vector<std::pair<std::string, std::string>>;
using Snapshot = std::vector<std::pair<std::string, Entries>>;

// Every partition with every entry, in order.
inline Snapshot TakeSnapshot(Store& store) {
  Snapshot out;
  auto partitions = store.ListPartitions();
  EXPECT_TRUE(partitions.ok()) << partitions.status().ToString();
  if (!partitions.ok()) return out;
  for (const std::string& p : *partitions) {
    Entries entries;
    auto it = store.Scan(p, "");
    EXPECT_TRUE(it.ok());
    if (!it.ok()) return out;
    for (; (*it)->Valid(); (*it)->Next()) {
      entries.emplace_back(std::string((*it)->key()), std::string((*it)->value()));
    }
    EXPECT_TRUE((*it)->status().ok());
    out.emplace_back(p, std::move(entries));
  }
  return out;
}

inline void Put(Store& store, std::string_view p, std::string_view k, std::string_view v) {
  Status s = store.Set(p, k, v);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

inline std::string DumpToString(Store& store, const DumpOptions& options = {},
                                DumpReport* report = nullptr) {
  std::ostringstream out;
  Status s = Dump(store, out, options, report);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out.str();
}

// An opener that serves `text` on every pass.
inline DumpOpener StringOpener(std::string text) {
  return [text = std::move(text)]() -> Result<std::unique_ptr<std::istream>> {
    return std::unique_ptr<std::istream>(std::make_unique<std::istringstream>(text));
  };
}

// Bytes from integers, for binary keys and values: Bytes({0x00, 0xff}).
inline std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out += static_cast<char>(b);
  return out;
}

}  // namespace tarn::kv::testing
