// The export Source over a tarn server's REST API (/api/v1): branches and commits resolved,
// objects listed and diffed by the server, bytes downloaded from it — or read straight from the
// server's local storage when this process can see the same files (the server runs on this
// machine with the local blockstore), which saves an HTTP round trip per object.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "cli/client.h"
#include "export/source.h"

namespace tarn::exporter {

enum class ReadFrom {
  kAuto,     // the storage when its files are readable here, else the server
  kServer,   // always through the server
  kStorage,  // always the storage; an unreadable file is an error
};

class ApiSource final : public Source {
 public:
  // `client` must outlive the source. Asks the server for its storage configuration to learn
  // where local object data lives. Errors: the client's (server unreachable, bad credentials),
  // NotFound for an unknown repository.
  static Result<std::unique_ptr<ApiSource>> Create(cli::RestClient& client, std::string repository,
                                                   ReadFrom read_from);

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

  // True while objects are read from the storage directly (kAuto turns it off at the first
  // file it cannot read).
  bool reading_storage() const { return direct_.load(); }

 private:
  ApiSource(cli::RestClient& client, std::string repository, ReadFrom read_from,
            std::string local_root);

  // The local file holding a physical address under the server's data directory; "" for any
  // other address (read through the server).
  std::string LocalFile(std::string_view physical_address) const;

  cli::RestClient& client_;
  std::string repository_;
  ReadFrom read_from_;
  std::string local_root_;  // the server's blockstore.local.path, "" when not local
  std::atomic<bool> direct_;
};

}  // namespace tarn::exporter
