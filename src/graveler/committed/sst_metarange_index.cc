#include "graveler/committed/sst_metarange_index.h"

#include "common/coding.h"
#include "graveler/committed/range_id.h"
#include "graveler/committed/sst_format.h"

namespace tarn::graveler::committed::sst {
namespace {

constexpr std::string_view kMagic = "tarn.mrx.v1\n";

void PutBytes(std::string& out, std::string_view bytes) {
  PutVarint64(out, bytes.size());
  out.append(bytes);
}

bool GetBytes(std::string_view& in, std::string& out) {
  uint64_t n = 0;
  if (!GetVarint64(in, n) || n > in.size()) return false;
  out.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

}  // namespace

std::string IndexName(std::string_view id) { return std::string(id) + ".idx"; }

std::string EncodeMetaRangeIndex(const MetaRange& ranges) {
  std::string out(kMagic);
  PutVarint64(out, ranges.size());
  for (const RangeInfo& r : ranges) {
    PutBytes(out, r.max_key);
    PutBytes(out, r.id);
    PutBytes(out, r.min_key);
    PutVarint64(out, r.count);
    PutVarint64(out, r.estimated_bytes);
  }
  return out;
}

std::optional<std::shared_ptr<const MetaRange>> DecodeMetaRangeIndex(std::string_view bytes,
                                                                     std::string_view id) {
  if (bytes.substr(0, kMagic.size()) != kMagic) return std::nullopt;
  bytes.remove_prefix(kMagic.size());
  uint64_t count = 0;
  if (!GetVarint64(bytes, count) || count > bytes.size()) return std::nullopt;
  auto ranges = std::make_shared<MetaRange>();
  ranges->resize(count);
  FileIdHasher hasher(FileType::kMetaRange);
  for (RangeInfo& r : *ranges) {
    if (!GetBytes(bytes, r.max_key) || !GetBytes(bytes, r.id) || !GetBytes(bytes, r.min_key) ||
        !GetVarint64(bytes, r.count) || !GetVarint64(bytes, r.estimated_bytes)) {
      return std::nullopt;
    }
    hasher.Add(r.max_key, r.id, EncodeRangeData(r));
  }
  if (!bytes.empty() || hasher.Finish() != id) return std::nullopt;
  return std::shared_ptr<const MetaRange>(std::move(ranges));
}

}  // namespace tarn::graveler::committed::sst
