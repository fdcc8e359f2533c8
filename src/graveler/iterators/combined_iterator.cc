// The merge of sorted layers where the earliest layer wins on equal keys.
//
// Invariant between calls: every layer sits at its first key >= the current key (or is
// exhausted), so the current key is the smallest layer key and a forward SeekGE only has to
// move the layers that are still below its target. A linear scan finds the smallest key: the
// engine combines 2-4 layers (staging, a few sealed tokens, committed), where a heap costs more
// than it saves.
#include "graveler/iterators/iterators.h"
#include "graveler/iterators/seek.h"

namespace tarn::graveler {
namespace {

class CombinedIterator final : public ValueIterator {
 public:
  explicit CombinedIterator(std::vector<std::unique_ptr<ValueIterator>> layers)
      : layers_(std::move(layers)) {
    FindCurrent();
  }

  bool Valid() const override { return current_ != nullptr; }

  void SeekGE(std::string_view target) override {
    if (!status_.ok()) return;
    // The target may be a view into a layer's key, which the first seek would invalidate.
    target_.assign(target);
    if (current_ != nullptr && target_ >= current_->key()) {
      if (target_ == current_->key()) return;
      for (auto& layer : layers_) internal::SeekForward(*layer, target_);
    } else {
      for (auto& layer : layers_) layer->SeekGE(target_);
    }
    FindCurrent();
  }

  void Next() override {
    // Layers shadowed at the current key move first, while the winner's key view is intact.
    const std::string_view key = current_->key();
    for (auto& layer : layers_) {
      if (layer.get() != current_ && layer->Valid() && layer->key() == key) layer->Next();
    }
    current_->Next();
    FindCurrent();
  }

  std::string_view key() const override { return current_->key(); }
  bool tombstone() const override { return current_->tombstone(); }
  std::string_view identity() const override { return current_->identity(); }
  std::string_view data() const override { return current_->data(); }
  Status status() const override { return status_; }

 private:
  void FindCurrent() {
    current_ = nullptr;
    for (auto& layer : layers_) {
      if (!layer->Valid()) {
        if (!layer->status().ok()) {
          status_ = layer->status();
          current_ = nullptr;
          return;
        }
        continue;
      }
      // Strictly smaller: on equal keys the earlier layer stays the winner.
      if (current_ == nullptr || layer->key() < current_->key()) current_ = layer.get();
    }
  }

  std::vector<std::unique_ptr<ValueIterator>> layers_;
  ValueIterator* current_ = nullptr;  // the layer whose record is the current one
  std::string target_;
  Status status_;
};

}  // namespace

std::unique_ptr<ValueIterator> NewCombinedIterator(
    std::vector<std::unique_ptr<ValueIterator>> layers) {
  return std::make_unique<CombinedIterator>(std::move(layers));
}

}  // namespace tarn::graveler
