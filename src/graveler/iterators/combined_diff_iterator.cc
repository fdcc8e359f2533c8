// The diff from a committed left side to a branch including its staging: the committed diff
// (left -> right head) with the right branch's staged records laid over it.
//
// At a staged key the staged record replaces the right side. The left side's value there comes
// from the committed diff when it reports the same key (it holds the left value unless the key
// was added), and otherwise from a probe of `left_view`: a key the committed diff does not
// report is equal on both sides, so only that probe can tell whether it exists.
#include "graveler/iterators/iterators.h"
#include "graveler/iterators/seek.h"

namespace tarn::graveler {
namespace {

class CombinedDiffIterator final : public DiffIterator {
 public:
  CombinedDiffIterator(std::unique_ptr<DiffIterator> committed_diff,
                       std::unique_ptr<ValueIterator> right_staged,
                       std::unique_ptr<ValueIterator> left_view)
      : diff_(std::move(committed_diff)),
        staged_(std::move(right_staged)),
        left_(std::move(left_view)) {
    Settle();
  }

  bool Valid() const override { return valid_; }

  void SeekGE(std::string_view target) override {
    if (!status_.ok()) return;
    target_.assign(target);
    if (valid_ && target_ >= key()) {
      if (target_ == key()) return;
      internal::SeekForward(*diff_, target_);
      internal::SeekForward(*staged_, target_);
    } else {
      diff_->SeekGE(target_);
      staged_->SeekGE(target_);
      left_.Reset();
    }
    Settle();
  }

  void Next() override {
    if (from_staged_) {
      if (diff_at_staged_key_) diff_->Next();
      staged_->Next();
    } else {
      diff_->Next();
    }
    Settle();
  }

  std::string_view key() const override { return from_staged_ ? staged_->key() : diff_->key(); }
  DiffType type() const override { return type_; }
  std::string_view left_identity() const override {
    if (!from_staged_ || diff_at_staged_key_) return diff_->left_identity();
    return left_.it().identity();
  }
  std::string_view left_data() const override {
    if (!from_staged_ || diff_at_staged_key_) return diff_->left_data();
    return left_.it().data();
  }
  std::string_view right_identity() const override {
    return from_staged_ ? staged_->identity() : diff_->right_identity();
  }
  std::string_view right_data() const override {
    return from_staged_ ? staged_->data() : diff_->right_data();
  }
  Status status() const override { return status_; }

 private:
  bool Failed(Status s) {
    if (s.ok()) return false;
    status_ = std::move(s);
    return true;
  }

  // Moves to the next key where the left side and the right branch differ.
  void Settle() {
    valid_ = false;
    while (true) {
      const bool has_diff = diff_->Valid();
      const bool has_staged = staged_->Valid();
      if (!has_diff && Failed(diff_->status())) return;
      if (!has_staged && Failed(staged_->status())) return;
      if (!has_diff && !has_staged) return;
      if (!has_staged || (has_diff && diff_->key() < staged_->key())) {
        from_staged_ = false;
        type_ = diff_->type();
        valid_ = true;
        return;
      }
      from_staged_ = true;
      const std::string_view key = staged_->key();
      diff_at_staged_key_ = has_diff && diff_->key() == key;
      bool has_left;
      if (diff_at_staged_key_) {
        has_left = diff_->type() != DiffType::kAdded;
      } else {
        has_left = left_.Find(key);
        if (!has_left && Failed(left_.status())) return;
      }
      if (staged_->tombstone()) {
        if (has_left) {
          type_ = DiffType::kRemoved;
          valid_ = true;
          return;
        }
      } else if (!has_left) {
        type_ = DiffType::kAdded;
        valid_ = true;
        return;
      } else if (staged_->identity() != left_identity()) {
        type_ = DiffType::kChanged;
        valid_ = true;
        return;
      }
      if (diff_at_staged_key_) diff_->Next();
      staged_->Next();
    }
  }

  std::unique_ptr<DiffIterator> diff_;
  std::unique_ptr<ValueIterator> staged_;
  internal::PointLookup left_;
  bool from_staged_ = false;         // the current key is a staged record's
  bool diff_at_staged_key_ = false;  // ... and the committed diff reports it too
  DiffType type_ = DiffType::kAdded;
  bool valid_ = false;
  std::string target_;
  Status status_;
};

}  // namespace

std::unique_ptr<DiffIterator> NewCombinedDiffIterator(std::unique_ptr<DiffIterator> committed_diff,
                                                      std::unique_ptr<ValueIterator> right_staged,
                                                      std::unique_ptr<ValueIterator> left_view) {
  return std::make_unique<CombinedDiffIterator>(std::move(committed_diff), std::move(right_staged),
                                                std::move(left_view));
}

}  // namespace tarn::graveler
