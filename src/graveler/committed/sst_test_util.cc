#include "graveler/committed/sst_test_util.h"

#include <cstdio>

#include "graveler/committed/range_id.h"

namespace tarn::graveler::committed::testing {

void VectorValueIterator::SeekGE(std::string_view key) {
  pos_ = 0;
  while (pos_ < records_.size() && records_[pos_].key < key) ++pos_;
}

std::vector<Record> MakeRecords(int n) {
  std::vector<Record> records;
  records.reserve(n);
  char key[32];
  for (int i = 0; i < n; ++i) {
    std::snprintf(key, sizeof key, "key/%08d", 2 * i);
    records.push_back(Record{key, "identity-" + std::to_string(i * 7919 % 100003),
                             "data of record " + std::to_string(i) + std::string(i % 17, '.')});
  }
  return records;
}

ExpectedTree ReferenceTree(const std::vector<Record>& records, const RangeSplitOptions& split) {
  ExpectedTree tree;
  std::unique_ptr<FileIdHasher> hasher;
  RangeInfo current;
  for (const Record& r : records) {
    if (hasher == nullptr) {
      hasher = std::make_unique<FileIdHasher>(FileType::kRange);
      current = RangeInfo{.min_key = r.key};
    }
    hasher->Add(r.key, r.identity, r.data);
    ++current.count;
    current.estimated_bytes += r.key.size() + r.identity.size() + r.data.size();
    current.max_key = r.key;
    if (ShouldEndRange(split, r.key, current.count, current.estimated_bytes)) {
      current.id = hasher->Finish();
      tree.ranges.push_back(current);
      hasher.reset();
    }
  }
  if (hasher != nullptr) {
    current.id = hasher->Finish();
    tree.ranges.push_back(current);
  }
  if (tree.ranges.empty()) return tree;
  FileIdHasher meta(FileType::kMetaRange);
  for (const RangeInfo& range : tree.ranges) {
    meta.Add(range.max_key, range.id, EncodeRangeData(range));
  }
  tree.metarange_id = meta.Finish();
  return tree;
}

Result<MetaRangeId> WriteAll(RangeStore& store, const std::string& ns,
                             const std::vector<Record>& records) {
  ASSIGN_OR_RETURN(std::unique_ptr<MetaRangeWriter> writer, store.NewMetaRangeWriter(ns));
  for (const Record& r : records) RETURN_IF_ERROR(writer->AddRecord(r.key, r.identity, r.data));
  return writer->Finish();
}

Result<std::vector<Record>> ReadAll(RangeStore& store, const std::string& ns,
                                    const MetaRangeId& id) {
  ASSIGN_OR_RETURN(std::shared_ptr<const MetaRange> ranges, store.ReadMetaRange(ns, id));
  std::vector<Record> out;
  for (const RangeInfo& range : *ranges) {
    ASSIGN_OR_RETURN(std::unique_ptr<ValueIterator> it, store.OpenRange(ns, range));
    uint64_t count = 0;
    for (; it->Valid(); it->Next()) {
      out.push_back(
          Record{std::string(it->key()), std::string(it->identity()), std::string(it->data())});
      ++count;
    }
    RETURN_IF_ERROR(it->status());
    if (count != range.count || count == 0 || out[out.size() - count].key != range.min_key ||
        out.back().key != range.max_key) {
      return Status::Internal("range " + range.id + " does not hold what its RangeInfo says");
    }
  }
  return out;
}

}  // namespace tarn::graveler::committed::testing
