// An iterator over records held in memory: the model for tests and small staged sets.
#include <algorithm>

#include "graveler/iterators/iterators.h"

namespace tarn::graveler {
namespace {

class VectorIterator final : public ValueIterator {
 public:
  explicit VectorIterator(std::vector<ValueRecord> records) : records_(std::move(records)) {}

  bool Valid() const override { return pos_ < records_.size(); }
  void SeekGE(std::string_view key) override {
    auto it = std::lower_bound(
        records_.begin(), records_.end(), key,
        [](const ValueRecord& r, std::string_view k) { return std::string_view(r.key) < k; });
    pos_ = static_cast<std::size_t>(it - records_.begin());
  }
  void Next() override { ++pos_; }
  std::string_view key() const override { return records_[pos_].key; }
  bool tombstone() const override { return records_[pos_].value.identity.empty(); }
  std::string_view identity() const override { return records_[pos_].value.identity; }
  std::string_view data() const override { return records_[pos_].value.data; }
  Status status() const override { return Status::OK(); }

 private:
  std::vector<ValueRecord> records_;
  std::size_t pos_ = 0;
};

}  // namespace

std::unique_ptr<ValueIterator> NewVectorIterator(std::vector<ValueRecord> records) {
  return std::make_unique<VectorIterator>(std::move(records));
}

}  // namespace tarn::graveler
