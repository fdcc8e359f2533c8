// Adaptors that hide part of one input: tombstones, or keys outside a prefix.
#include "common/coding.h"
#include "graveler/iterators/iterators.h"
#include "graveler/iterators/seek.h"

namespace tarn::graveler {
namespace {

class SkipTombstonesIterator final : public ValueIterator {
 public:
  explicit SkipTombstonesIterator(std::unique_ptr<ValueIterator> it) : it_(std::move(it)) {
    internal::SkipTombstones(*it_);
  }

  bool Valid() const override { return it_->Valid(); }
  void SeekGE(std::string_view target) override {
    it_->SeekGE(target);
    internal::SkipTombstones(*it_);
  }
  void Next() override {
    it_->Next();
    internal::SkipTombstones(*it_);
  }
  std::string_view key() const override { return it_->key(); }
  bool tombstone() const override { return false; }
  std::string_view identity() const override { return it_->identity(); }
  std::string_view data() const override { return it_->data(); }
  Status status() const override { return it_->status(); }

 private:
  std::unique_ptr<ValueIterator> it_;
};

class PrefixIterator final : public ValueIterator {
 public:
  PrefixIterator(std::unique_ptr<ValueIterator> it, std::string prefix)
      : it_(std::move(it)), prefix_(std::move(prefix)), end_(PrefixSuccessor(prefix_)) {
    // An input already inside or past the prefix keeps its position (a listing that starts
    // after some key); one below it moves to the prefix's first key.
    if (it_->Valid() && it_->key() < prefix_) it_->SeekGE(prefix_);
    Update();
  }

  bool Valid() const override { return valid_; }
  void SeekGE(std::string_view target) override {
    if (target < prefix_) {
      it_->SeekGE(prefix_);
    } else if (!end_.empty() && target >= end_) {
      // Past every key of the prefix: nothing to read.
      valid_ = false;
      return;
    } else {
      it_->SeekGE(target);
    }
    Update();
  }
  void Next() override {
    it_->Next();
    Update();
  }
  std::string_view key() const override { return it_->key(); }
  bool tombstone() const override { return it_->tombstone(); }
  std::string_view identity() const override { return it_->identity(); }
  std::string_view data() const override { return it_->data(); }
  Status status() const override { return it_->status(); }

 private:
  void Update() { valid_ = it_->Valid() && it_->key().starts_with(prefix_); }

  std::unique_ptr<ValueIterator> it_;
  std::string prefix_;
  std::string end_;  // the first key after the prefix; empty when there is none
  bool valid_ = false;
};

}  // namespace

std::unique_ptr<ValueIterator> NewSkipTombstonesIterator(std::unique_ptr<ValueIterator> it) {
  return std::make_unique<SkipTombstonesIterator>(std::move(it));
}

std::unique_ptr<ValueIterator> NewPrefixIterator(std::unique_ptr<ValueIterator> it,
                                                 std::string prefix) {
  return std::make_unique<PrefixIterator>(std::move(it), std::move(prefix));
}

}  // namespace tarn::graveler
