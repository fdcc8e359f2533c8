#include "graveler/committed/committed_tree_builder.h"

#include <limits>
#include <utility>

namespace tarn::graveler::committed {

TreeBuilder::TreeBuilder(RangeStore& store, std::string_view ns, std::size_t max_buffered_bytes)
    : store_(store), ns_(ns), max_buffered_bytes_(max_buffered_bytes) {}

Status TreeBuilder::KeepRange(const RangeInfo& range) {
  if (writer_ != nullptr) return writer_->AddRange(range);
  ops_.push_back(Op{&range, 0, 0, 0, 0});
  return Status::OK();
}

Status TreeBuilder::KeepRecord(std::string_view key, std::string_view identity,
                               std::string_view data) {
  if (writer_ != nullptr) return writer_->AddRecord(key, identity, data);
  constexpr std::size_t kMax = std::numeric_limits<uint32_t>::max();
  if (key.size() > kMax || identity.size() > kMax || data.size() > kMax) {
    return Status::InvalidArgument("record '" + std::string(key.substr(0, 64)) +
                                   "' is larger than 4 GiB");
  }
  ops_.push_back(Op{nullptr, arena_.size(), static_cast<uint32_t>(key.size()),
                    static_cast<uint32_t>(identity.size()), static_cast<uint32_t>(data.size())});
  arena_.append(key);
  arena_.append(identity);
  arena_.append(data);
  if (arena_.size() > max_buffered_bytes_) return Materialize();
  return Status::OK();
}

Status TreeBuilder::AddRange(const RangeInfo& range) {
  RETURN_IF_ERROR(MarkChanged());
  return writer_->AddRange(range);
}

Status TreeBuilder::AddRecord(std::string_view key, std::string_view identity,
                              std::string_view data) {
  RETURN_IF_ERROR(MarkChanged());
  return writer_->AddRecord(key, identity, data);
}

Status TreeBuilder::MarkChanged() {
  changed_ = true;
  return writer_ != nullptr ? Status::OK() : Materialize();
}

Status TreeBuilder::Materialize() {
  ASSIGN_OR_RETURN(writer_, store_.NewMetaRangeWriter(ns_));
  const std::string_view arena(arena_);
  for (const Op& op : ops_) {
    if (op.range != nullptr) {
      RETURN_IF_ERROR(writer_->AddRange(*op.range));
      continue;
    }
    const std::string_view key = arena.substr(op.offset, op.key_size);
    const std::string_view identity = arena.substr(op.offset + op.key_size, op.identity_size);
    const std::string_view data =
        arena.substr(op.offset + op.key_size + op.identity_size, op.data_size);
    RETURN_IF_ERROR(writer_->AddRecord(key, identity, data));
  }
  ops_.clear();
  ops_.shrink_to_fit();
  arena_.clear();
  arena_.shrink_to_fit();
  return Status::OK();
}

Result<MetaRangeId> TreeBuilder::Finish() {
  if (writer_ == nullptr) RETURN_IF_ERROR(Materialize());
  return writer_->Finish();
}

}  // namespace tarn::graveler::committed
