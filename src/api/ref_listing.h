// Listing branches or tags with lakeFS's pagination (prefix, after, amount) over the engine's
// plain "after, amount" pages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "api/json.h"
#include "api/request.h"
#include "graveler/graveler.h"

namespace tarn::api {

// Where an engine listing starts for `p`: strictly after p.after, and no earlier than the first
// id that can start with p.prefix.
std::string ListingStart(const Pagination& p);

// The refs whose ids start with p.prefix, strictly after p.after, at most p.amount, ascending.
// `fetch(after, amount)` returns a Result<graveler::Page<T>> of records with `id` and
// `commit_id` (graveler::Branch, graveler::Tag) strictly after `after`.
template <typename Fetch>
Result<RefPage> ListRefs(const Pagination& p, Fetch fetch) {
  RefPage out;
  std::string after = ListingStart(p);
  // One more than asked, to know whether more follow without a second round trip.
  const std::size_t want = p.amount + 1;
  std::size_t found = 0;
  for (;;) {
    auto page = fetch(after, want - found);
    if (!page.ok()) return std::move(page).status();
    for (const auto& ref : page->items) {
      if (!std::string_view(ref.id).starts_with(p.prefix)) return out;  // past the prefix
      if (++found == want) {
        out.has_more = true;
        return out;
      }
      out.refs.push_back(RefJson(ref.id, ref.commit_id));
      out.next_offset = ref.id;
    }
    if (!page->has_more || page->items.empty()) return out;
    after = page->items.back().id;
  }
}

}  // namespace tarn::api
