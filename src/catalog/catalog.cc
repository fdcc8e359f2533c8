#include "catalog/catalog.h"

#include <utility>

#include "block/registry.h"
#include "common/coding.h"

namespace tarn::catalog {

Catalog::Catalog(graveler::Graveler& graveler, block::Registry& blocks, const Clock& clock)
    : graveler_(graveler), blocks_(blocks), clock_(clock), addresses_(clock) {}

block::ObjectPointer Catalog::Pointer(const graveler::Repository& repo, const Entry& entry) {
  if (entry.address_type == Entry::AddressType::kFull) {
    // An absolute URI: the namespace is everything up to the last '/'.
    const auto slash = entry.address.rfind('/');
    return {entry.address.substr(0, slash), entry.address.substr(slash + 1)};
  }
  return {repo.storage_namespace, entry.address};
}

Result<Entry> Catalog::GetEntry(const graveler::Repository& repo, std::string_view ref,
                                std::string_view path) {
  ASSIGN_OR_RETURN(graveler::Value value, graveler_.Get(repo, ref, path));
  return EntryFromValue(path, value.data);
}

Status Catalog::CreateEntry(const graveler::Repository& repo, std::string_view branch,
                            const Entry& entry, const graveler::WriteCondition& condition) {
  return graveler_.Set(repo, branch, entry.path, EntryToValue(entry), condition);
}

Status Catalog::DeleteEntry(const graveler::Repository& repo, std::string_view branch,
                            std::string_view path) {
  return graveler_.Delete(repo, branch, path);
}

Result<ListEntriesResult> Catalog::ListEntries(const graveler::Repository& repo,
                                               std::string_view ref,
                                               const ListEntriesParams& params) {
  if (params.amount == 0) return Status::InvalidArgument("amount must be at least 1");
  graveler::ListParams list;
  list.prefix = params.prefix;
  list.after = params.after;
  ASSIGN_OR_RETURN(auto it, graveler_.List(repo, ref, list));
  ListEntriesResult out;
  std::size_t items = 0;
  std::string last;
  while (it->Valid()) {
    const std::string_view key = it->key();
    if (items == params.amount) {
      out.has_more = true;
      out.next_after = last;
      break;
    }
    std::size_t cut = std::string_view::npos;
    if (!params.delimiter.empty()) {
      cut = key.find(params.delimiter, params.prefix.size());
    }
    if (cut != std::string_view::npos) {
      // Everything under this common prefix is one item: report it and seek past it.
      std::string common(key.substr(0, cut + params.delimiter.size()));
      const bool at_after = !params.after.empty() && common == params.after;
      if (!at_after) {
        out.common_prefixes.push_back(common);
        ++items;
        last = common;
      }
      const std::string next = PrefixSuccessor(common);
      if (next.empty()) break;
      it->SeekGE(next);
      continue;
    }
    ASSIGN_OR_RETURN(Entry entry, EntryFromValue(key, it->data()));
    last = entry.path;
    out.entries.push_back(std::move(entry));
    ++items;
    it->Next();
  }
  RETURN_IF_ERROR(it->status());
  return out;
}

Result<Entry> Catalog::PutObject(const graveler::Repository& repo, std::string_view branch,
                                 std::string_view path, block::Reader& body,
                                 const PutObjectParams& params) {
  if (repo.read_only) {
    return Status::PermissionDenied("repository '" + repo.id +
                                    "' is read-only; clear the flag to write to it");
  }
  ASSIGN_OR_RETURN(block::Adapter * adapter, blocks_.ForNamespace(repo.storage_namespace));
  Entry entry;
  entry.path = std::string(path);
  entry.address = addresses_.Next();
  entry.content_type =
      params.content_type.empty() ? std::string(kDefaultContentType) : params.content_type;
  entry.metadata = params.metadata;
  block::PutOptions put;
  put.size = params.size;
  put.content_type = entry.content_type;
  ASSIGN_OR_RETURN(block::PutResult written,
                   adapter->Put({repo.storage_namespace, entry.address}, body, put));
  entry.size = written.size;
  entry.etag = written.etag;
  entry.last_modified = std::chrono::time_point_cast<std::chrono::milliseconds>(clock_.Now());
  RETURN_IF_ERROR(CreateEntry(repo, branch, entry, params.condition));
  return entry;
}

Result<std::unique_ptr<block::ObjectReader>> Catalog::OpenObject(
    const graveler::Repository& repo, const Entry& entry,
    const std::optional<block::ByteRange>& range) {
  const block::ObjectPointer pointer = Pointer(repo, entry);
  ASSIGN_OR_RETURN(block::Adapter * adapter, blocks_.ForNamespace(pointer.storage_namespace));
  return adapter->Get(pointer, range);
}

}  // namespace tarn::catalog
