#include "export/testing/fakes.h"

#include "block/etag.h"
#include "block/reader.h"

namespace tarn::exporter::testing {

Result<std::string> MemorySource::BranchHead(std::string_view branch) {
  auto it = branches_.find(branch);
  if (it == branches_.end()) return Status::NotFound("branch " + std::string(branch));
  return it->second;
}

Result<std::string> MemorySource::ResolveCommit(std::string_view ref) {
  if (commits_.contains(ref)) return std::string(ref);
  for (const auto& [id, tree] : commits_) {
    if (id.starts_with(ref)) return id;
  }
  return Status::NotFound("commit " + std::string(ref));
}

Result<const Tree*> MemorySource::Find(std::string_view commit) const {
  auto it = commits_.find(commit);
  if (it == commits_.end()) return Status::NotFound("commit " + std::string(commit));
  return &it->second;
}

SourceObject MemorySource::Object(const std::string& path, const std::string& content) {
  return SourceObject{path, content.size(), block::Md5HexOf(content), "mem://src/" + path};
}

Status MemorySource::ListObjects(std::string_view commit,
                                 const std::function<Status(const SourceObject&)>& each) {
  ASSIGN_OR_RETURN(const Tree* tree, Find(commit));
  for (const auto& [path, content] : *tree) RETURN_IF_ERROR(each(Object(path, content)));
  return Status::OK();
}

Status MemorySource::Diff(std::string_view from, std::string_view to,
                          const std::function<Status(const SourceChange&)>& each) {
  ASSIGN_OR_RETURN(const Tree* a, Find(from));
  ASSIGN_OR_RETURN(const Tree* b, Find(to));
  std::map<std::string, SourceChange::Kind> changes;
  for (const auto& [path, content] : *a) {
    auto it = b->find(path);
    if (it == b->end()) {
      changes[path] = SourceChange::Kind::kRemoved;
    } else if (it->second != content) {
      changes[path] = SourceChange::Kind::kChanged;
    }
  }
  for (const auto& [path, content] : *b) {
    if (!a->contains(path)) changes[path] = SourceChange::Kind::kAdded;
  }
  for (const auto& [path, kind] : changes) {
    uint64_t size = kind == SourceChange::Kind::kRemoved ? 0 : b->at(path).size();
    RETURN_IF_ERROR(each(SourceChange{kind, path, size}));
  }
  return Status::OK();
}

Result<SourceObject> MemorySource::Stat(std::string_view commit, std::string_view path) {
  ASSIGN_OR_RETURN(const Tree* tree, Find(commit));
  auto it = tree->find(std::string(path));
  if (it == tree->end()) return Status::NotFound("object " + std::string(path));
  return Object(it->first, it->second);
}

Result<std::unique_ptr<block::Reader>> MemorySource::Open(std::string_view commit,
                                                          const SourceObject& object) {
  ++opens_;
  ASSIGN_OR_RETURN(const Tree* tree, Find(commit));
  auto it = tree->find(object.path);
  if (it == tree->end()) return Status::NotFound("object " + object.path);
  std::string bytes = it->second;
  if (auto c = corrupt_.find(object.path); c != corrupt_.end()) bytes = c->second;
  return std::unique_ptr<block::Reader>(new block::StringReader(std::move(bytes)));
}

Result<WriteResult> MemoryDestination::Write(std::string_view path, block::Reader& body,
                                             uint64_t size) {
  {
    std::lock_guard lock(mu_);
    if (auto it = refuse_.find(std::string(path)); it != refuse_.end()) return it->second;
    if (auto it = transient_.find(std::string(path)); it != transient_.end() && it->second > 0) {
      --it->second;
      return Status::Unavailable("transient failure writing " + std::string(path));
    }
  }
  ASSIGN_OR_RETURN(std::string bytes, block::ReadAll(body, 1 << 26));
  if (bytes.size() != size) return Status::InvalidArgument("size mismatch");
  std::lock_guard lock(mu_);
  if (corrupt_writes_.contains(std::string(path))) bytes += "!";
  files_[std::string(path)] = bytes;
  log_.push_back("write " + std::string(path));
  return WriteResult{bytes.size(), block::Md5HexOf(bytes)};
}

Result<WriteResult> MemoryDestination::CopyFrom(std::string_view physical_address,
                                                std::string_view path, uint64_t size) {
  std::lock_guard lock(mu_);
  if (copy_prefix_.empty() || !physical_address.starts_with(copy_prefix_)) {
    return Status::NotImplemented("no server-side copy from " + std::string(physical_address));
  }
  auto it = copyable_.find(std::string(physical_address));
  if (it == copyable_.end()) return Status::NotFound(std::string(physical_address));
  files_[std::string(path)] = it->second;
  log_.push_back("copy " + std::string(path));
  (void)size;
  return WriteResult{it->second.size(), block::Md5HexOf(it->second)};
}

Result<std::optional<DestinationEntry>> MemoryDestination::Stat(std::string_view path) {
  std::lock_guard lock(mu_);
  auto it = files_.find(std::string(path));
  if (it == files_.end()) return std::optional<DestinationEntry>();
  return std::optional<DestinationEntry>(
      DestinationEntry{it->first, it->second.size(), block::Md5HexOf(it->second)});
}

Result<std::unique_ptr<block::Reader>> MemoryDestination::Open(std::string_view path) {
  std::lock_guard lock(mu_);
  auto it = files_.find(std::string(path));
  if (it == files_.end()) return Status::NotFound(std::string(path));
  return std::unique_ptr<block::Reader>(new block::StringReader(it->second));
}

Result<std::string> MemoryDestination::ContentMd5(std::string_view path) {
  std::lock_guard lock(mu_);
  auto it = files_.find(std::string(path));
  if (it == files_.end()) return Status::NotFound(std::string(path));
  return block::Md5HexOf(it->second);
}

Status MemoryDestination::Remove(std::string_view path) {
  std::lock_guard lock(mu_);
  if (auto it = refuse_.find(std::string(path)); it != refuse_.end()) return it->second;
  files_.erase(std::string(path));
  log_.push_back("remove " + std::string(path));
  return Status::OK();
}

Status MemoryDestination::List(const std::function<Status(const DestinationEntry&)>& each) {
  std::map<std::string, std::string> snapshot = files();
  for (const auto& [path, content] : snapshot) {
    RETURN_IF_ERROR(each(DestinationEntry{path, content.size(), block::Md5HexOf(content)}));
  }
  return Status::OK();
}

Status MemoryDestination::Flush() {
  std::lock_guard lock(mu_);
  ++flushes_;
  return Status::OK();
}

}  // namespace tarn::exporter::testing
