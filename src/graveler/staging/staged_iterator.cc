#include "graveler/staging/staged_iterator.h"

#include "common/coding.h"
#include "graveler/staging/staged_value.h"

namespace tarn::graveler::staging {
namespace {

class StagedIterator final : public ValueIterator {
 public:
  StagedIterator(std::unique_ptr<kv::Iterator> it, std::string partition)
      : it_(std::move(it)), partition_(std::move(partition)) {
    Decode();
  }

  bool Valid() const override { return corruption_.ok() && it_->Valid(); }
  void SeekGE(std::string_view key) override {
    if (!corruption_.ok()) return;
    it_->SeekGE(key);
    Decode();
  }
  void Next() override {
    it_->Next();
    Decode();
  }
  std::string_view key() const override { return it_->key(); }
  bool tombstone() const override { return current_.identity.empty(); }
  std::string_view identity() const override { return current_.identity; }
  std::string_view data() const override { return current_.data; }
  Status status() const override { return corruption_.ok() ? it_->status() : corruption_; }

 private:
  void Decode() {
    if (!it_->Valid() || DecodeStagedValue(it_->value(), current_)) return;
    corruption_ = Status::Corruption("staging: the record of key '" + EscapeBytes(it_->key()) +
                                     "' in KV partition '" + EscapeBytes(partition_) +
                                     "' is not a StagedValue; the staging token's data is "
                                     "damaged: reset the branch to drop it");
  }

  std::unique_ptr<kv::Iterator> it_;
  std::string partition_;  // for error messages
  StagedValueView current_;
  Status corruption_;
};

}  // namespace

std::unique_ptr<ValueIterator> NewStagedIterator(std::unique_ptr<kv::Iterator> it,
                                                 std::string partition) {
  return std::make_unique<StagedIterator>(std::move(it), std::move(partition));
}

}  // namespace tarn::graveler::staging
