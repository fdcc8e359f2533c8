// The syntax of ref expressions, without resolving anything (lakeFS-compatible):
//
//   expression := base modifier*  |  base ("@" | "$")
//   modifier   := "~" [N]  |  "^" [N]          N: decimal digits, default 1
//
// The base is everything before the first of ~ ^ @ $ and must not be empty. "~N" follows the
// first parent N times; "^N" takes the N-th parent (1-based), "^0" is the commit itself. "@"
// (committed head only) and "$" (staging, explicitly) are allowed only as the single trailing
// character after a base, which must then name a branch (checked when resolving).
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "tarn/result.h"

namespace tarn::graveler::ref {

struct RefModifier {
  enum class Kind { kTilde, kCaret };
  Kind kind;
  uint32_t n;
};

struct ParsedRef {
  enum class Suffix { kNone, kCommitted /* @ */, kStaging /* $ */ };
  std::string_view base;  // a view into the parsed expression
  std::vector<RefModifier> modifiers;
  Suffix suffix = Suffix::kNone;
};

// Errors: InvalidArgument naming the offending part (empty expression or base, whitespace,
// a malformed or too large number, @ or $ combined with other modifiers or not last).
Result<ParsedRef> ParseRefExpression(std::string_view expression);

}  // namespace tarn::graveler::ref
