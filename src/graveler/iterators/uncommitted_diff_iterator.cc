// The uncommitted changes of a branch: staged records judged against the committed view.
//
// The walk is driven by the staged records alone; the committed side is only probed at staged
// keys (internal::PointLookup), so a branch with a few staged keys over millions of committed
// ones costs a few probes, each a Next when the keys are adjacent.
#include "graveler/iterators/iterators.h"
#include "graveler/iterators/seek.h"

namespace tarn::graveler {
namespace {

class UncommittedDiffIterator final : public DiffIterator {
 public:
  UncommittedDiffIterator(std::unique_ptr<ValueIterator> staged,
                          std::unique_ptr<ValueIterator> committed)
      : staged_(std::move(staged)), committed_(std::move(committed)) {
    Settle();
  }

  bool Valid() const override { return valid_; }

  void SeekGE(std::string_view target) override {
    if (!status_.ok()) return;
    target_.assign(target);
    if (valid_ && target_ >= key()) {
      if (target_ == key()) return;
    } else {
      committed_.Reset();  // the probes start over below the previous ones
    }
    staged_->SeekGE(target_);
    Settle();
  }

  void Next() override {
    staged_->Next();
    Settle();
  }

  std::string_view key() const override { return staged_->key(); }
  DiffType type() const override { return type_; }
  std::string_view left_identity() const override { return committed_.it().identity(); }
  std::string_view left_data() const override { return committed_.it().data(); }
  std::string_view right_identity() const override { return staged_->identity(); }
  std::string_view right_data() const override { return staged_->data(); }
  Status status() const override { return status_; }

 private:
  // Moves the staged side to the next record that changes the committed view.
  void Settle() {
    valid_ = false;
    for (; staged_->Valid(); staged_->Next()) {
      const bool committed = committed_.Find(staged_->key());
      if (!committed && !committed_.status().ok()) {
        status_ = committed_.status();
        return;
      }
      if (staged_->tombstone()) {
        if (!committed) continue;  // deleting what was never committed changes nothing
        type_ = DiffType::kRemoved;
      } else if (!committed) {
        type_ = DiffType::kAdded;
      } else if (staged_->identity() != committed_.it().identity()) {
        type_ = DiffType::kChanged;
      } else {
        continue;  // staged again with the committed identity
      }
      valid_ = true;
      return;
    }
    status_ = staged_->status();
  }

  std::unique_ptr<ValueIterator> staged_;
  internal::PointLookup committed_;
  DiffType type_ = DiffType::kAdded;
  bool valid_ = false;
  std::string target_;
  Status status_;
};

}  // namespace

std::unique_ptr<DiffIterator> NewUncommittedDiffIterator(std::unique_ptr<ValueIterator> staged,
                                                         std::unique_ptr<ValueIterator> committed) {
  return std::make_unique<UncommittedDiffIterator>(std::move(staged), std::move(committed));
}

}  // namespace tarn::graveler
