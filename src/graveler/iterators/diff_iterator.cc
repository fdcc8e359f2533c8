// The two-dot diff: a merge walk over two sorted views, tombstones counting as absent.
//
// Invariant between calls: each side sits at its first live key >= the current key (or is
// exhausted), so Next moves only the sides at the current key and a forward SeekGE only the
// sides still below its target.
#include "graveler/iterators/iterators.h"
#include "graveler/iterators/seek.h"

namespace tarn::graveler {
namespace {

class TwoWayDiffIterator final : public DiffIterator {
 public:
  TwoWayDiffIterator(std::unique_ptr<ValueIterator> left, std::unique_ptr<ValueIterator> right)
      : left_(std::move(left)), right_(std::move(right)) {
    Settle();
  }

  bool Valid() const override { return valid_; }

  void SeekGE(std::string_view target) override {
    if (!status_.ok()) return;
    target_.assign(target);
    if (valid_ && target_ >= key()) {
      if (target_ == key()) return;
      internal::SeekForward(*left_, target_);
      internal::SeekForward(*right_, target_);
    } else {
      left_->SeekGE(target_);
      right_->SeekGE(target_);
    }
    Settle();
  }

  void Next() override {
    if (type_ != DiffType::kAdded) left_->Next();
    if (type_ != DiffType::kRemoved) right_->Next();
    Settle();
  }

  std::string_view key() const override {
    return type_ == DiffType::kAdded ? right_->key() : left_->key();
  }
  DiffType type() const override { return type_; }
  std::string_view left_identity() const override { return left_->identity(); }
  std::string_view left_data() const override { return left_->data(); }
  std::string_view right_identity() const override { return right_->identity(); }
  std::string_view right_data() const override { return right_->data(); }
  Status status() const override { return status_; }

 private:
  // Moves both sides to the next key where they differ.
  void Settle() {
    valid_ = false;
    while (true) {
      internal::SkipTombstones(*left_);
      internal::SkipTombstones(*right_);
      const bool has_left = left_->Valid();
      const bool has_right = right_->Valid();
      if (!has_left && !left_->status().ok()) {
        status_ = left_->status();
        return;
      }
      if (!has_right && !right_->status().ok()) {
        status_ = right_->status();
        return;
      }
      if (!has_left && !has_right) return;
      if (!has_right || (has_left && left_->key() < right_->key())) {
        type_ = DiffType::kRemoved;
      } else if (!has_left || right_->key() < left_->key()) {
        type_ = DiffType::kAdded;
      } else if (left_->identity() != right_->identity()) {
        type_ = DiffType::kChanged;
      } else {
        left_->Next();
        right_->Next();
        continue;
      }
      valid_ = true;
      return;
    }
  }

  std::unique_ptr<ValueIterator> left_;
  std::unique_ptr<ValueIterator> right_;
  DiffType type_ = DiffType::kChanged;
  bool valid_ = false;
  std::string target_;
  Status status_;
};

}  // namespace

std::unique_ptr<DiffIterator> NewDiffIterator(std::unique_ptr<ValueIterator> left,
                                              std::unique_ptr<ValueIterator> right) {
  return std::make_unique<TwoWayDiffIterator>(std::move(left), std::move(right));
}

}  // namespace tarn::graveler
