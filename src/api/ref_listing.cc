#include "api/ref_listing.h"

#include <algorithm>

namespace tarn::api {

std::string ListingStart(const Pagination& p) {
  if (p.prefix.empty() || p.after >= p.prefix) return p.after;
  // The engine lists strictly after a key, so start from the greatest string below every id
  // that begins with the prefix: the prefix with its last byte lowered, followed by 0xff
  // bytes. Valid branch and tag ids are ASCII or UTF-8, which never holds a 0xff byte, so no id
  // falls between this key and the prefix. No id holds a NUL byte either, so a prefix ending in
  // one matches nothing and may start at itself.
  std::string start = p.prefix;
  unsigned char last = static_cast<unsigned char>(start.back());
  if (last == 0) return start;
  start.pop_back();
  start.push_back(static_cast<char>(last - 1));
  start.append(4, '\xff');
  return std::max(start, p.after);
}

}  // namespace tarn::api
