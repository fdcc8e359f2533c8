// In-memory Source and Destination for the export engine's tests: the source holds commits as
// path -> content maps; the destination records the order of its writes and can be told to
// refuse or corrupt paths.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "export/destination.h"
#include "export/source.h"

namespace tarn::exporter::testing {

using Tree = std::map<std::string, std::string>;  // path -> content

class MemorySource final : public Source {
 public:
  explicit MemorySource(std::string repository) : repository_(std::move(repository)) {}

  void AddCommit(const std::string& id, Tree tree) { commits_[id] = std::move(tree); }
  void SetBranch(const std::string& branch, const std::string& commit) {
    branches_[branch] = commit;
  }
  // Makes Open return these bytes for a path instead of the real ones (a corrupt read).
  void CorruptReads(const std::string& path, std::string bytes) { corrupt_[path] = bytes; }
  int opens() const { return opens_; }

  const std::string& repository() const override { return repository_; }
  Result<std::string> BranchHead(std::string_view branch) override;
  Result<std::string> ResolveCommit(std::string_view ref) override;
  Status ListObjects(std::string_view commit,
                     const std::function<Status(const SourceObject&)>& each) override;
  Status Diff(std::string_view from, std::string_view to,
              const std::function<Status(const SourceChange&)>& each) override;
  Result<SourceObject> Stat(std::string_view commit, std::string_view path) override;
  Result<std::unique_ptr<block::Reader>> Open(std::string_view commit,
                                              const SourceObject& object) override;

 private:
  Result<const Tree*> Find(std::string_view commit) const;
  static SourceObject Object(const std::string& path, const std::string& content);

  std::string repository_;
  std::map<std::string, Tree, std::less<>> commits_;
  std::map<std::string, std::string, std::less<>> branches_;
  std::map<std::string, std::string, std::less<>> corrupt_;
  std::atomic<int> opens_{0};
};

class MemoryDestination final : public Destination {
 public:
  std::string Describe() const override { return "mem-dest"; }
  Result<WriteResult> Write(std::string_view path, block::Reader& body, uint64_t size) override;
  Result<WriteResult> CopyFrom(std::string_view physical_address, std::string_view path,
                               uint64_t size) override;
  Result<std::optional<DestinationEntry>> Stat(std::string_view path) override;
  Result<std::unique_ptr<block::Reader>> Open(std::string_view path) override;
  Result<std::string> ContentMd5(std::string_view path) override;
  Status Remove(std::string_view path) override;
  Status List(const std::function<Status(const DestinationEntry&)>& each) override;
  Status Flush() override;

  // Test controls and observations. Not for concurrent use with the methods above.
  void Put(const std::string& path, std::string content) { files_[path] = std::move(content); }
  void Refuse(const std::string& path, Status status) { refuse_[path] = std::move(status); }
  void Unrefuse(const std::string& path) { refuse_.erase(path); }
  // The next `times` writes of `path` fail with Unavailable.
  void FailTransiently(const std::string& path, int times) { transient_[path] = times; }
  // Writes of `path` store different bytes than they were given (a corrupting destination).
  void CorruptWrites(const std::string& path) { corrupt_writes_.insert(path); }
  // CopyFrom succeeds for physical addresses starting with this prefix (copying from `source`).
  void AllowServerSideCopy(std::string prefix, std::map<std::string, std::string> by_address) {
    copy_prefix_ = std::move(prefix);
    copyable_ = std::move(by_address);
  }
  // Every completed write and removal, in order: "write <path>" / "remove <path>".
  std::vector<std::string> log() const {
    std::lock_guard lock(mu_);
    return log_;
  }
  std::map<std::string, std::string> files() const {
    std::lock_guard lock(mu_);
    return files_;
  }
  int flushes() const { return flushes_; }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> files_;
  std::map<std::string, Status> refuse_;
  std::map<std::string, int> transient_;
  std::set<std::string> corrupt_writes_;
  std::string copy_prefix_;
  std::map<std::string, std::string> copyable_;
  std::vector<std::string> log_;
  int flushes_ = 0;
};

}  // namespace tarn::exporter::testing
