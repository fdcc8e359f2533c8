#include "graveler/committed/tree_iterator.h"

#include <algorithm>
#include <utility>

namespace tarn::graveler::committed {

TreeIterator::TreeIterator(RangeStore& store, std::string_view ns,
                           std::shared_ptr<const MetaRange> ranges)
    : store_(store), ns_(ns), ranges_(std::move(ranges)) {}

void TreeIterator::Open(std::string_view seek_key) {
  auto opened = store_.OpenRange(ns_, range());
  if (!opened.ok()) {
    status_ = opened.status().WithContext("reading range " + range().id);
    records_.reset();
    entered_ = false;
    return;
  }
  records_ = std::move(opened).value();
  entered_ = true;
  if (seek_key > range().min_key) records_->SeekGE(seek_key);
  AfterMove();
}

void TreeIterator::AfterMove() {
  if (records_->Valid()) return;
  if (!records_->status().ok()) {
    status_ = records_->status().WithContext("reading range " + range().id);
    return;
  }
  NextRange();
}

void TreeIterator::Enter() { Open({}); }

void TreeIterator::EnterAt(std::string_view key) { Open(key); }

void TreeIterator::Next() {
  records_->Next();
  AfterMove();
}

void TreeIterator::NextRange() {
  records_.reset();
  entered_ = false;
  ++index_;
}

void TreeIterator::SeekGE(std::string_view key) {
  if (!status_.ok()) return;
  // `key` may view this cursor's own record, which the moves below invalidate.
  seek_key_.assign(key);
  auto it =
      std::lower_bound(ranges_->begin(), ranges_->end(), seek_key_,
                       [](const RangeInfo& r, const std::string& k) { return r.max_key < k; });
  const auto target = static_cast<std::size_t>(it - ranges_->begin());
  if (target == ranges_->size() || seek_key_ <= it->min_key) {
    records_.reset();
    entered_ = false;
    index_ = target;
    return;
  }
  if (entered_ && index_ == target) {
    records_->SeekGE(seek_key_);
    AfterMove();
    return;
  }
  records_.reset();
  entered_ = false;
  index_ = target;
  Open(seek_key_);
}

void TreeIterator::SeekRange(std::string_view key) {
  if (!status_.ok()) return;
  auto it = std::lower_bound(ranges_->begin(), ranges_->end(), key,
                             [](const RangeInfo& r, std::string_view k) { return r.max_key < k; });
  records_.reset();
  entered_ = false;
  index_ = static_cast<std::size_t>(it - ranges_->begin());
}

void TreeIterator::SkipTo(std::string_view key) {
  while (Valid()) {
    if (range().max_key < key) {
      NextRange();
      continue;
    }
    if (!entered_ || records_->key() >= key) return;
    // Forward moves are usually short: one step, and a seek only when that is not enough.
    records_->Next();
    if (records_->Valid() && records_->key() < key) records_->SeekGE(key);
    AfterMove();
  }
}

namespace {

class TreeValueIterator final : public ValueIterator {
 public:
  TreeValueIterator(RangeStore& store, std::string_view ns, std::shared_ptr<const MetaRange> ranges)
      : tree_(store, ns, std::move(ranges)) {
    EnterHeader();
  }

  bool Valid() const override { return tree_.Valid(); }
  void SeekGE(std::string_view key) override {
    tree_.SeekGE(key);
    EnterHeader();
  }
  void Next() override {
    tree_.Next();
    EnterHeader();
  }
  std::string_view key() const override { return tree_.key(); }
  bool tombstone() const override { return false; }
  std::string_view identity() const override { return tree_.identity(); }
  std::string_view data() const override { return tree_.data(); }
  Status status() const override { return tree_.status(); }

 private:
  void EnterHeader() {
    while (tree_.Valid() && tree_.AtHeader()) tree_.Enter();
  }

  TreeIterator tree_;
};

}  // namespace

std::unique_ptr<ValueIterator> NewTreeValueIterator(RangeStore& store, std::string_view ns,
                                                    std::shared_ptr<const MetaRange> ranges) {
  return std::make_unique<TreeValueIterator>(store, ns, std::move(ranges));
}

}  // namespace tarn::graveler::committed
