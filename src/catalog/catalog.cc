#include "catalog/catalog.h"

#include <utility>

#include "block/registry.h"
#include "common/coding.h"

namespace tarn::catalog {

Catalog::Catalog(graveler::Graveler& graveler, block::Registry& blocks, const Clock& clock)
    : graveler_(graveler), blocks_(blocks), clock_(clock), addresses_(clock) {}

Result<std::string> Catalog::Presign(const block::ObjectPointer& pointer,
                                     block::PresignMethod method, std::chrono::seconds expiry) {
  ASSIGN_OR_RETURN(block::Adapter * adapter, blocks_.ForNamespace(pointer.storage_namespace));
  return adapter->Presign(pointer, method, expiry);
}

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
                            const Entry& entry, const EntryCondition& condition) {
  graveler::WriteCondition write;
  write.if_absent = condition.if_none_match_any;
  if (condition.if_match_etag.has_value()) {
    // The etag is checked here; graveler then re-checks the identity seen, atomically, so a
    // concurrent writer between the two checks still makes this write fail.
    auto current = GetEntry(repo, branch, entry.path);
    if (!current.ok()) {
      if (current.status().IsNotFound()) {
        return Status::PreconditionFailed("path '" + entry.path +
                                          "' does not exist, so it cannot match etag " +
                                          *condition.if_match_etag);
      }
      return current.status();
    }
    if (current->etag != *condition.if_match_etag) {
      return Status::PreconditionFailed("path '" + entry.path + "' has etag " + current->etag +
                                        ", not " + *condition.if_match_etag);
    }
    write.if_match = ComputeIdentity(*current);
  }
  return graveler_.Set(repo, branch, entry.path, EntryToValue(entry), write);
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

Result<Entry> Catalog::CopyObject(const graveler::Repository& source_repo,
                                  std::string_view source_ref, std::string_view source_path,
                                  const graveler::Repository& repo, std::string_view branch,
                                  std::string_view path, const CopyObjectParams& params) {
  ASSIGN_OR_RETURN(Entry source, GetEntry(source_repo, source_ref, source_path));
  Entry copy = source;
  copy.path = std::string(path);
  if (params.replace_metadata) {
    copy.metadata = params.metadata;
    copy.content_type =
        params.content_type.empty() ? std::string(kDefaultContentType) : params.content_type;
  }
  copy.last_modified = std::chrono::time_point_cast<std::chrono::milliseconds>(clock_.Now());
  if (source_repo.id != repo.id || source_repo.instance_uid != repo.instance_uid) {
    const block::ObjectPointer from = Pointer(source_repo, source);
    ASSIGN_OR_RETURN(block::Adapter * src_adapter, blocks_.ForNamespace(from.storage_namespace));
    ASSIGN_OR_RETURN(block::Adapter * dst_adapter, blocks_.ForNamespace(repo.storage_namespace));
    copy.address = addresses_.Next();
    copy.address_type = Entry::AddressType::kRelative;
    const block::ObjectPointer to{repo.storage_namespace, copy.address};
    if (src_adapter == dst_adapter) {
      ASSIGN_OR_RETURN(block::PutResult put, dst_adapter->Copy(from, to));
      copy.etag = put.etag;
    } else {
      // Different object stores: stream the bytes through.
      ASSIGN_OR_RETURN(auto reader, src_adapter->Get(from, std::nullopt));
      block::PutOptions put_options;
      put_options.size = source.size;
      put_options.content_type = copy.content_type;
      ASSIGN_OR_RETURN(block::PutResult put, dst_adapter->Put(to, *reader, put_options));
      copy.etag = put.etag;
    }
  }
  RETURN_IF_ERROR(CreateEntry(repo, branch, copy, params.condition));
  return copy;
}

Result<DiffEntriesResult> Catalog::DiffEntries(const graveler::Repository& repo,
                                               std::string_view left, std::string_view right,
                                               const DiffEntriesParams& params) {
  if (params.amount == 0) return Status::InvalidArgument("amount must be at least 1");
  std::unique_ptr<graveler::DiffIterator> it;
  switch (params.kind) {
    case DiffEntriesParams::Kind::kTwoDot: {
      ASSIGN_OR_RETURN(it, graveler_.Diff(repo, left, right));
      break;
    }
    case DiffEntriesParams::Kind::kThreeDot: {
      ASSIGN_OR_RETURN(it, graveler_.Compare(repo, left, right));
      break;
    }
    case DiffEntriesParams::Kind::kUncommitted: {
      ASSIGN_OR_RETURN(it, graveler_.DiffUncommitted(repo, right));
      break;
    }
  }
  std::string start = params.prefix;
  if (!params.after.empty()) {
    std::string next = params.after;
    next.push_back('\0');
    if (next > start) start = std::move(next);
  }
  it->SeekGE(start);
  DiffEntriesResult out;
  std::string last;
  while (it->Valid()) {
    const std::string_view key = it->key();
    if (key.substr(0, params.prefix.size()) != params.prefix) break;
    if (out.entries.size() == params.amount) {
      out.has_more = true;
      out.next_after = last;
      break;
    }
    std::size_t cut = std::string_view::npos;
    if (!params.delimiter.empty()) cut = key.find(params.delimiter, params.prefix.size());
    if (cut != std::string_view::npos) {
      DiffEntry group;
      group.path = std::string(key.substr(0, cut + params.delimiter.size()));
      group.common_prefix = true;
      group.type = graveler::DiffType::kChanged;
      const bool at_after = !params.after.empty() && group.path == params.after;
      const std::string next = PrefixSuccessor(group.path);
      if (!at_after) {
        last = group.path;
        out.entries.push_back(std::move(group));
      }
      if (next.empty()) break;
      it->SeekGE(next);
      continue;
    }
    DiffEntry e;
    e.path = std::string(key);
    e.type = it->type();
    const std::string_view data =
        e.type == graveler::DiffType::kRemoved ? it->left_data() : it->right_data();
    ASSIGN_OR_RETURN(Entry entry, EntryFromValue(key, data));
    e.size = entry.size;
    last = e.path;
    out.entries.push_back(std::move(e));
    it->Next();
  }
  RETURN_IF_ERROR(it->status());
  return out;
}

Result<std::unique_ptr<block::ObjectReader>> Catalog::OpenObject(
    const graveler::Repository& repo, const Entry& entry,
    const std::optional<block::ByteRange>& range) {
  const block::ObjectPointer pointer = Pointer(repo, entry);
  ASSIGN_OR_RETURN(block::Adapter * adapter, blocks_.ForNamespace(pointer.storage_namespace));
  return adapter->Get(pointer, range);
}

}  // namespace tarn::catalog
