// The merge of sorted layers where the earliest layer wins on equal keys.
//
// Invariant between calls: every layer sits at its first key >= the current key (or is
// exhausted), so the current key is the smallest layer key and a forward SeekGE only has to
// move the layers that are still below its target. A linear scan finds the smallest key: the
// engine combines 2-4 layers (staging, a few sealed tokens, committed), where a heap costs more
// than it saves. Each layer's key view is cached until that layer moves, so a step costs the
// moved layers' virtual calls plus one comparison per layer.
#include "graveler/iterators/iterators.h"

namespace tarn::graveler {
namespace {

class CombinedIterator final : public ValueIterator {
 public:
  explicit CombinedIterator(std::vector<std::unique_ptr<ValueIterator>> inputs) {
    layers_.reserve(inputs.size());
    for (auto& it : inputs) layers_.push_back(Layer{std::move(it), {}, false});
    for (auto& layer : layers_) Refresh(layer);
    FindCurrent();
  }

  bool Valid() const override { return current_ != nullptr; }

  void SeekGE(std::string_view target) override {
    if (!status_.ok()) return;
    // The target may be a view into a layer's key, which the first seek would invalidate.
    target_.assign(target);
    if (current_ != nullptr && target_ >= current_->key) {
      if (target_ == current_->key) return;
      for (auto& layer : layers_) {
        if (layer.valid && layer.key < target_) Seek(layer);
      }
    } else {
      for (auto& layer : layers_) Seek(layer);
    }
    FindCurrent();
  }

  void Next() override {
    // Layers shadowed at the current key move first, while the winner's key view is intact.
    const std::string_view key = current_->key;
    for (auto& layer : layers_) {
      if (&layer != current_ && layer.valid && layer.key == key) {
        layer.it->Next();
        Refresh(layer);
      }
    }
    current_->it->Next();
    Refresh(*current_);
    FindCurrent();
  }

  std::string_view key() const override { return current_->key; }
  bool tombstone() const override { return current_->it->tombstone(); }
  std::string_view identity() const override { return current_->it->identity(); }
  std::string_view data() const override { return current_->it->data(); }
  Status status() const override { return status_; }

 private:
  struct Layer {
    std::unique_ptr<ValueIterator> it;
    std::string_view key;  // it->key() while valid
    bool valid;
  };

  void Seek(Layer& layer) {
    layer.it->SeekGE(target_);
    Refresh(layer);
  }

  void Refresh(Layer& layer) {
    layer.valid = layer.it->Valid();
    if (layer.valid) {
      layer.key = layer.it->key();
    } else if (status_.ok()) {
      status_ = layer.it->status();
    }
  }

  void FindCurrent() {
    current_ = nullptr;
    if (!status_.ok()) return;
    for (auto& layer : layers_) {
      // Strictly smaller: on equal keys the earlier layer stays the winner.
      if (layer.valid && (current_ == nullptr || layer.key < current_->key)) current_ = &layer;
    }
  }

  std::vector<Layer> layers_;
  Layer* current_ = nullptr;  // the layer whose record is the current one
  std::string target_;
  Status status_;
};

}  // namespace

std::unique_ptr<ValueIterator> NewCombinedIterator(
    std::vector<std::unique_ptr<ValueIterator>> layers) {
  return std::make_unique<CombinedIterator>(std::move(layers));
}

}  // namespace tarn::graveler
