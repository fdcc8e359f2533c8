#include "s3/uri_encoding.h"

#include <array>

namespace tarn::s3 {
namespace {

constexpr std::array<bool, 256> MakeUnreserved() {
  std::array<bool, 256> table{};
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  table['-'] = table['_'] = table['.'] = table['~'] = true;
  return table;
}
constexpr auto kUnreserved = MakeUnreserved();

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void AppendUriEncoded(std::string& out, std::string_view bytes, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  // One pass to size the output keeps long keys from reallocating repeatedly.
  std::size_t extra = 0;
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (!kUnreserved[c] && !(keep_slash && c == '/')) extra += 2;
  }
  std::size_t pos = out.size();
  out.resize(pos + bytes.size() + extra);
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (kUnreserved[c] || (keep_slash && c == '/')) {
      out[pos++] = ch;
    } else {
      out[pos++] = '%';
      out[pos++] = kDigits[c >> 4];
      out[pos++] = kDigits[c & 0xF];
    }
  }
}

std::string UriEncode(std::string_view bytes, bool keep_slash) {
  std::string out;
  AppendUriEncoded(out, bytes, keep_slash);
  return out;
}

std::optional<std::string> UriDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>((hi << 4) | lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::vector<QueryParam>> ParseQuery(std::string_view raw_query) {
  std::vector<QueryParam> params;
  while (!raw_query.empty()) {
    std::size_t amp = raw_query.find('&');
    std::string_view segment = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (segment.empty()) continue;
    std::size_t eq = segment.find('=');
    std::string_view raw_name = segment.substr(0, eq);
    std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : segment.substr(eq + 1);
    auto name = UriDecode(raw_name, /*plus_is_space=*/true);
    auto value = UriDecode(raw_value, /*plus_is_space=*/true);
    if (!name || !value) {
      return Status::InvalidArgument("malformed percent-encoding in query parameter '" +
                                     std::string(raw_name) + "'");
    }
    params.push_back({std::move(*name), std::move(*value), eq != std::string_view::npos});
  }
  return params;
}

std::string BuildQueryString(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    AppendUriEncoded(out, name, false);
    out.push_back('=');
    AppendUriEncoded(out, value, false);
  }
  return out;
}

const QueryParam* FindQueryParam(const std::vector<QueryParam>& params, std::string_view name) {
  for (const auto& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace tarn::s3
