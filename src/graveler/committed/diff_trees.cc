// The two-dot diff of two trees: a merge walk of two TreeIterators.
//
// Invariant between calls: every key below the current one is settled. Where both cursors sit
// at headers of the same range, both skip it unread; a header is entered only once its min key
// is the smallest position of the two sides, that is when its records can differ from the
// other side's.
#include <string>

#include "graveler/committed/committed_algorithms.h"
#include "graveler/committed/tree_iterator.h"

namespace tarn::graveler::committed {
namespace {

class TreeDiffIterator final : public DiffIterator {
 public:
  TreeDiffIterator(RangeStore& store, std::string_view ns, std::shared_ptr<const MetaRange> left,
                   std::shared_ptr<const MetaRange> right)
      : left_(store, ns, std::move(left)), right_(store, ns, std::move(right)) {
    Settle();
  }

  bool Valid() const override { return valid_; }

  void SeekGE(std::string_view key) override {
    if (!status_.ok()) return;
    target_.assign(key);  // `key` may view a record the seeks below invalidate
    left_.SeekGE(target_);
    right_.SeekGE(target_);
    Settle();
  }

  void Next() override {
    if (type_ != DiffType::kAdded) left_.Next();
    if (type_ != DiffType::kRemoved) right_.Next();
    Settle();
  }

  std::string_view key() const override {
    return type_ == DiffType::kAdded ? right_.key() : left_.key();
  }
  DiffType type() const override { return type_; }
  std::string_view left_identity() const override { return left_.identity(); }
  std::string_view left_data() const override { return left_.data(); }
  std::string_view right_identity() const override { return right_.identity(); }
  std::string_view right_data() const override { return right_.data(); }
  Status status() const override { return status_; }

 private:
  // Moves to the next difference.
  void Settle() {
    valid_ = false;
    while (true) {
      const bool has_left = left_.Valid();
      const bool has_right = right_.Valid();
      if (!has_left || !has_right) {
        status_ = !left_.status().ok() ? left_.status() : right_.status();
        if (!status_.ok()) return;
      }
      if (!has_left && !has_right) return;
      if (has_left && has_right && left_.AtHeader() && right_.AtHeader() &&
          left_.range().id == right_.range().id) {
        left_.NextRange();
        right_.NextRange();
        continue;
      }
      const bool left_first = has_left && (!has_right || left_.key() <= right_.key());
      const bool right_first = has_right && (!has_left || right_.key() <= left_.key());
      if (left_first && left_.AtHeader()) {
        left_.Enter();
        continue;
      }
      if (right_first && right_.AtHeader()) {
        right_.Enter();
        continue;
      }
      if (left_first && right_first) {
        if (left_.identity() == right_.identity()) {
          left_.Next();
          right_.Next();
          continue;
        }
        type_ = DiffType::kChanged;
      } else {
        type_ = left_first ? DiffType::kRemoved : DiffType::kAdded;
      }
      valid_ = true;
      return;
    }
  }

  TreeIterator left_;
  TreeIterator right_;
  bool valid_ = false;
  DiffType type_ = DiffType::kChanged;
  std::string target_;
  Status status_;
};

}  // namespace

std::unique_ptr<DiffIterator> NewTreeDiffIterator(RangeStore& store, std::string_view ns,
                                                  std::shared_ptr<const MetaRange> left,
                                                  std::shared_ptr<const MetaRange> right) {
  return std::make_unique<TreeDiffIterator>(store, ns, std::move(left), std::move(right));
}

}  // namespace tarn::graveler::committed
