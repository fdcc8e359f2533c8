#include "kv/postgres/pg_codec.h"

#include <algorithm>
#include <numeric>

#include "common/coding.h"

namespace tarn::kv::pg {
namespace {

constexpr uint32_t kByteaOid = 17;
constexpr std::size_t kHeaderBytes = 20;
constexpr std::size_t kCountOffset = 12;

void OverwriteFixed32BE(std::string& buf, std::size_t offset, uint32_t v) {
  buf[offset] = static_cast<char>(v >> 24);
  buf[offset + 1] = static_cast<char>(v >> 16);
  buf[offset + 2] = static_cast<char>(v >> 8);
  buf[offset + 3] = static_cast<char>(v);
}

}  // namespace

std::string Int8Param(int64_t v) {
  std::string out;
  PutFixed64BE(out, static_cast<uint64_t>(v));
  return out;
}

void ByteaArrayWriter::Reset(std::size_t reserve_bytes) {
  buf_.clear();
  buf_.reserve(kHeaderBytes + reserve_bytes);
  count_ = 0;
  PutFixed32BE(buf_, 1);  // dimensions
  PutFixed32BE(buf_, 0);  // no NULL elements
  PutFixed32BE(buf_, kByteaOid);
  PutFixed32BE(buf_, 0);  // element count, patched by Finish
  PutFixed32BE(buf_, 1);  // lower bound
}

void ByteaArrayWriter::Add(std::string_view element) {
  if (buf_.empty()) Reset();
  PutFixed32BE(buf_, static_cast<uint32_t>(element.size()));
  buf_.append(element);
  ++count_;
}

std::string_view ByteaArrayWriter::Finish() {
  if (buf_.empty()) Reset();
  OverwriteFixed32BE(buf_, kCountOffset, static_cast<uint32_t>(count_));
  return buf_;
}

std::vector<uint32_t> BatchOrder(std::span<const KeyValue> items) {
  std::vector<uint32_t> order(items.size());
  std::iota(order.begin(), order.end(), 0u);
  // Callers such as migration hand over batches read from a scan: already strictly ascending.
  bool ascending = true;
  for (std::size_t i = 1; i < items.size() && ascending; ++i) {
    ascending = items[i - 1].key < items[i].key;
  }
  if (ascending) return order;
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return items[a].key < items[b].key; });
  // Within a run of equal keys the stable sort kept input order: keep the run's last index.
  std::size_t out = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i + 1 < order.size() && items[order[i]].key == items[order[i + 1]].key) continue;
    order[out++] = order[i];
  }
  order.resize(out);
  return order;
}

}  // namespace tarn::kv::pg
