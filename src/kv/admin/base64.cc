#include "kv/admin/base64.h"

#include <array>
#include <cstdint>

namespace tarn::kv::admin_internal {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> MakeDecodeTable() {
  std::array<int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = int8_t(i);
  return table;
}
constexpr auto kDecode = MakeDecodeTable();

}  // namespace

void AppendBase64(std::string& out, std::string_view bytes) {
  const std::size_t start = out.size();
  // resize once and write through a pointer: appending char by char costs a capacity check each.
  out.resize(start + (bytes.size() + 2) / 3 * 4);
  char* p = out.data() + start;
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (uint32_t(in[i]) << 16) | (uint32_t(in[i + 1]) << 8) | in[i + 2];
    *p++ = kAlphabet[(n >> 18) & 63];
    *p++ = kAlphabet[(n >> 12) & 63];
    *p++ = kAlphabet[(n >> 6) & 63];
    *p++ = kAlphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 0) return;
  uint32_t n = uint32_t(in[i]) << 16;
  if (rest == 2) n |= uint32_t(in[i + 1]) << 8;
  *p++ = kAlphabet[(n >> 18) & 63];
  *p++ = kAlphabet[(n >> 12) & 63];
  *p++ = rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
  *p++ = '=';
}

bool DecodeBase64Into(std::string_view text, std::string& out) {
  if (text.size() % 4 != 0) return false;
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  out.resize(text.size() / 4 * 3 - pad);
  char* p = out.data();
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t full = pad == 0 ? text.size() : text.size() - 4;
  for (std::size_t i = 0; i < full; i += 4) {
    const int a = kDecode[in[i]], b = kDecode[in[i + 1]], c = kDecode[in[i + 2]],
              d = kDecode[in[i + 3]];
    // One test for all four: any invalid character (-1) makes the OR negative.
    if ((a | b | c | d) < 0) return false;
    const uint32_t n = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6) | d;
    *p++ = static_cast<char>(n >> 16);
    *p++ = static_cast<char>(n >> 8);
    *p++ = static_cast<char>(n);
  }
  if (pad == 0) return true;
  const std::size_t i = full;
  const int a = kDecode[in[i]], b = kDecode[in[i + 1]];
  const int c = pad == 1 ? kDecode[in[i + 2]] : 0;
  if ((a | b | c) < 0) return false;
  const uint32_t n = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6);
  *p++ = static_cast<char>(n >> 16);
  if (pad == 1) *p++ = static_cast<char>(n >> 8);
  return true;
}

}  // namespace tarn::kv::admin_internal
