// Registry: picks the adapter that serves a storage namespace by its URI scheme.
//
// The composition root (server/) builds the adapters from configuration, registers them and
// hands the registry to the layers above. What a namespace may address inside a scheme is the
// adapter's own rule: the local adapter, for instance, accepts local:///abs/path only under its
// configured allowed prefixes and local://name only under its root.
//
// Thread safety: Register is not thread-safe and happens before the registry is shared; the
// lookups are const and may run concurrently.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tarn/block/adapter.h"

namespace tarn::block {

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Takes ownership of `adapter` and serves its scheme() with it.
  // Errors: AlreadyExists when another adapter already serves that scheme.
  Status Register(std::unique_ptr<Adapter> adapter);

  // The adapter serving the scheme of `storage_namespace`; owned by the registry.
  // Errors: InvalidArgument for a malformed namespace or a scheme nobody serves (the message
  // lists the registered schemes).
  Result<Adapter*> ForNamespace(std::string_view storage_namespace) const;
  // The same by scheme ("local", "s3", "mem").
  Result<Adapter*> ForScheme(std::string_view scheme) const;

  // The registered schemes in ascending order.
  std::vector<std::string> schemes() const;

 private:
  std::map<std::string, std::unique_ptr<Adapter>, std::less<>> adapters_;
};

}  // namespace tarn::block
