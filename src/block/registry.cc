#include "block/registry.h"

#include "block/uri.h"

namespace tarn::block {

Status Registry::Register(std::unique_ptr<Adapter> adapter) {
  if (adapter == nullptr) return Status::InvalidArgument("cannot register a null adapter");
  std::string scheme(adapter->scheme());
  auto [it, inserted] = adapters_.try_emplace(scheme, nullptr);
  if (!inserted) {
    return Status::AlreadyExists("an adapter for scheme '" + scheme + "' is already registered");
  }
  it->second = std::move(adapter);
  return Status::OK();
}

Result<Adapter*> Registry::ForNamespace(std::string_view storage_namespace) const {
  ASSIGN_OR_RETURN(NamespaceUri uri, ParseNamespace(storage_namespace));
  return ForScheme(uri.scheme);
}

Result<Adapter*> Registry::ForScheme(std::string_view scheme) const {
  auto it = adapters_.find(scheme);
  if (it != adapters_.end()) return it->second.get();
  std::string known;
  for (const auto& [name, adapter] : adapters_) known += (known.empty() ? "" : ", ") + name;
  return Status::InvalidArgument("no storage adapter serves scheme '" + std::string(scheme) +
                                 "' (configured: " + (known.empty() ? "none" : known) + ")");
}

std::vector<std::string> Registry::schemes() const {
  std::vector<std::string> out;
  for (const auto& [name, adapter] : adapters_) out.push_back(name);
  return out;
}

}  // namespace tarn::block
