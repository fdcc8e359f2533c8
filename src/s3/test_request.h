// Test helper: an HTTP request that owns its strings and lends an HttpRequestView.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "s3/request.h"

namespace tarn::s3::testing {

struct OwnedRequest {
  std::string method = "GET";
  std::string path = "/";
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string virtual_host_bucket;

  void Set(const std::string& name, const std::string& value) {
    for (auto& [n, v] : headers) {
      if (EqualsIgnoreCase(n, name)) {
        v = value;
        return;
      }
    }
    headers.emplace_back(name, value);
  }
  void Remove(const std::string& name) {
    std::erase_if(headers, [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
  }
  // The view borrows this request and `storage`; both must outlive it.
  HttpRequestView View(std::vector<Header>& storage) const {
    storage.clear();
    for (const auto& [n, v] : headers) storage.push_back({n, v});
    return {method, path, query, storage, virtual_host_bucket};
  }
};

}  // namespace tarn::s3::testing
