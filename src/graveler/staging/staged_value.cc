#include "graveler/staging/staged_value.h"

#include <cstdint>
#include <cstring>

namespace tarn::graveler::staging {
namespace {

// Protobuf wire types and the tags of StagedValue's fields.
constexpr uint32_t kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5;
constexpr char kIdentityTag = (1 << 3) | kLengthDelimited;
constexpr char kDataTag = (2 << 3) | kLengthDelimited;

std::size_t VarintSize(uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* PutVarint(char* out, uint64_t v) {
  while (v >= 0x80) {
    *out++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<char>(v);
  return out;
}

bool GetVarint(const char*& p, const char* end, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    const auto byte = static_cast<uint8_t>(*p++);
    v |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

std::size_t FieldSize(std::string_view bytes) {
  // proto3 leaves empty fields out.
  return bytes.empty() ? 0 : 1 + VarintSize(bytes.size()) + bytes.size();
}

char* PutField(char* out, char tag, std::string_view bytes) {
  if (bytes.empty()) return out;
  *out++ = tag;
  out = PutVarint(out, bytes.size());
  std::memcpy(out, bytes.data(), bytes.size());
  return out + bytes.size();
}

}  // namespace

std::size_t StagedValueSize(std::string_view identity, std::string_view data) {
  return FieldSize(identity) + FieldSize(data);
}

char* EncodeStagedValue(char* out, std::string_view identity, std::string_view data) {
  out = PutField(out, kIdentityTag, identity);
  return PutField(out, kDataTag, data);
}

bool DecodeStagedValue(std::string_view bytes, StagedValueView& out) {
  out = StagedValueView{};
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  while (p < end) {
    uint64_t tag;
    if (!GetVarint(p, end, tag) || (tag >> 3) == 0) return false;
    const uint64_t field = tag >> 3;
    switch (tag & 7) {
      case kVarint: {
        uint64_t ignored;
        if (field <= 2 || !GetVarint(p, end, ignored)) return false;
        break;
      }
      case kFixed64:
      case kFixed32: {
        const std::size_t n = (tag & 7) == kFixed64 ? 8 : 4;
        if (field <= 2 || static_cast<std::size_t>(end - p) < n) return false;
        p += n;
        break;
      }
      case kLengthDelimited: {
        uint64_t len;
        if (!GetVarint(p, end, len) || len > static_cast<uint64_t>(end - p)) return false;
        const std::string_view value(p, static_cast<std::size_t>(len));
        if (field == 1) out.identity = value;
        if (field == 2) out.data = value;
        p += len;
        break;
      }
      default:  // groups (deprecated) and invalid wire types never appear in a StagedValue
        return false;
    }
  }
  return true;
}

}  // namespace tarn::graveler::staging
