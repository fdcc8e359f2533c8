#include "graveler/ref/ref_expression.h"

#include <string>

#include "common/coding.h"

namespace tarn::graveler::ref {
namespace {

// ~N beyond any real history depth; keeps arithmetic away from overflow.
constexpr uint32_t kMaxModifierValue = 1'000'000'000;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

Status Invalid(std::string_view expression, std::string_view why) {
  return Status::InvalidArgument("ref expression '" + EscapeBytes(expression) +
                                 "' is invalid: " + std::string(why));
}

}  // namespace

Result<ParsedRef> ParseRefExpression(std::string_view expression) {
  if (expression.empty()) return Invalid(expression, "it is empty");
  for (char c : expression) {
    if (IsSpace(c)) return Invalid(expression, "it contains whitespace");
  }
  ParsedRef out;
  const std::size_t cut = expression.find_first_of("~^@$");
  out.base = expression.substr(0, cut);
  if (out.base.empty())
    return Invalid(expression, "it has no branch, tag or commit before ~ ^ @ $");
  if (cut == std::string_view::npos) return out;

  std::string_view rest = expression.substr(cut);
  if (rest[0] == '@' || rest[0] == '$') {
    if (rest.size() != 1) {
      return Invalid(expression, "'@' and '$' must be the last character and the only modifier");
    }
    out.suffix = rest[0] == '@' ? ParsedRef::Suffix::kCommitted : ParsedRef::Suffix::kStaging;
    return out;
  }
  std::size_t i = 0;
  while (i < rest.size()) {
    const char op = rest[i++];
    if (op == '@' || op == '$') {
      return Invalid(expression, "'@' and '$' cannot be combined with ~ or ^");
    }
    if (op != '~' && op != '^') {
      return Invalid(expression, std::string("unexpected '") + op + "' after a modifier");
    }
    uint64_t n = 0;
    const std::size_t digits_start = i;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
      n = n * 10 + static_cast<uint64_t>(rest[i] - '0');
      if (n > kMaxModifierValue) return Invalid(expression, "a modifier's number is too large");
      ++i;
    }
    if (i == digits_start) n = 1;
    out.modifiers.push_back(
        RefModifier{op == '~' ? RefModifier::Kind::kTilde : RefModifier::Kind::kCaret,
                    static_cast<uint32_t>(n)});
  }
  return out;
}

}  // namespace tarn::graveler::ref
