#include "common/coding.h"

#include <array>

namespace tarn {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::array<int8_t, 256> MakeBase64Table() {
  std::array<int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kBase64Alphabet[i])] = int8_t(i);
  return table;
}
constexpr auto kBase64Table = MakeBase64Table();

}  // namespace

std::string HexEncode(std::string_view bytes) {
  std::string out;
  out.resize(bytes.size() * 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHexDigits[b >> 4];
    out[2 * i + 1] = kHexDigits[b & 0xF];
  }
  return out;
}

std::optional<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.resize(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  AppendBase64(out, bytes);
  return out;
}

void AppendBase64(std::string& out, std::string_view bytes) {
  const std::size_t start = out.size();
  // resize once and write through a pointer: appending char by char costs a capacity check each.
  out.resize(start + (bytes.size() + 2) / 3 * 4);
  char* p = out.data() + start;
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (uint32_t(in[i]) << 16) | (uint32_t(in[i + 1]) << 8) | in[i + 2];
    *p++ = kBase64Alphabet[(n >> 18) & 63];
    *p++ = kBase64Alphabet[(n >> 12) & 63];
    *p++ = kBase64Alphabet[(n >> 6) & 63];
    *p++ = kBase64Alphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 0) return;
  uint32_t n = uint32_t(in[i]) << 16;
  if (rest == 2) n |= uint32_t(in[i + 1]) << 8;
  *p++ = kBase64Alphabet[(n >> 18) & 63];
  *p++ = kBase64Alphabet[(n >> 12) & 63];
  *p++ = rest == 2 ? kBase64Alphabet[(n >> 6) & 63] : '=';
  *p++ = '=';
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  if (!Base64DecodeInto(text, out)) return std::nullopt;
  return out;
}

bool Base64DecodeInto(std::string_view text, std::string& out) {
  if (text.size() % 4 != 0) return false;
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  out.resize(text.size() / 4 * 3 - pad);
  char* p = out.data();
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t full = pad == 0 ? text.size() : text.size() - 4;
  for (std::size_t i = 0; i < full; i += 4) {
    const int a = kBase64Table[in[i]], b = kBase64Table[in[i + 1]], c = kBase64Table[in[i + 2]],
              d = kBase64Table[in[i + 3]];
    // One test for all four: any invalid character (-1) makes the OR negative.
    if ((a | b | c | d) < 0) return false;
    const uint32_t n = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6) | d;
    *p++ = static_cast<char>(n >> 16);
    *p++ = static_cast<char>(n >> 8);
    *p++ = static_cast<char>(n);
  }
  if (pad == 0) return true;
  const std::size_t i = full;
  const int a = kBase64Table[in[i]], b = kBase64Table[in[i + 1]];
  const int c = pad == 1 ? kBase64Table[in[i + 2]] : 0;
  if ((a | b | c) < 0) return false;
  const uint32_t n = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6);
  *p++ = static_cast<char>(n >> 16);
  if (pad == 1) *p++ = static_cast<char>(n >> 8);
  return true;
}

void PutFixed32BE(std::string& out, uint32_t v) {
  char buf[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
  out.append(buf, 4);
}

void PutFixed64BE(std::string& out, uint64_t v) {
  PutFixed32BE(out, uint32_t(v >> 32));
  PutFixed32BE(out, uint32_t(v));
}

uint32_t DecodeFixed32BE(const char* p) {
  auto u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t(u[0]) << 24) | (uint32_t(u[1]) << 16) | (uint32_t(u[2]) << 8) | u[3];
}

uint64_t DecodeFixed64BE(const char* p) {
  return (uint64_t(DecodeFixed32BE(p)) << 32) | DecodeFixed32BE(p + 4);
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    auto last = static_cast<unsigned char>(out.back());
    if (last != 0xFF) {
      out.back() = static_cast<char>(last + 1);
      return out;
    }
    out.pop_back();
  }
  return out;
}

std::string EscapeBytes(std::string_view bytes, std::size_t max_len) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (out.size() >= max_len) {
      out += "...";
      break;
    }
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHexDigits[c >> 4];
      out += kHexDigits[c & 0xF];
    }
  }
  return out;
}

void PutVarint64(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool GetVarint64(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift <= 63 && !in.empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace tarn
