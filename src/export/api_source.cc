// The export Source over the REST API, with direct reads of local storage.
#include "export/api_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tarn::exporter {
namespace {

constexpr int kPageSize = 1000;

Result<SourceObject> ObjectFromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("path") || !j["path"].is_string()) {
    return Status::Internal("the server answered an object without a path: " +
                            j.dump().substr(0, 200));
  }
  SourceObject o;
  o.path = j["path"].get<std::string>();
  o.size = j.value("size_bytes", uint64_t{0});
  o.checksum = j.value("checksum", "");
  o.physical_address = j.value("physical_address", "");
  return o;
}

// A Reader over an open file descriptor, which it closes.
// A Reader over an open file descriptor of `size` bytes, which it closes. It stops at `size`
// without asking the kernel for the end of the file.
class FileReader final : public block::Reader {
 public:
  FileReader(int fd, uint64_t size) : fd_(fd), left_(size) {}
  ~FileReader() override { ::close(fd_); }
  Result<std::size_t> Read(std::span<char> out) override {
    if (left_ == 0) return std::size_t{0};
    for (;;) {
      ssize_t n = ::read(fd_, out.data(), std::min<uint64_t>(out.size(), left_));
      if (n > 0) left_ -= static_cast<uint64_t>(n);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) {
        return Status::IOError(std::string("reading object data from local storage: ") +
                               std::strerror(errno));
      }
    }
  }

 private:
  int fd_;
  uint64_t left_;
};

// A Reader over a streamed HTTP response.
class ResponseReader final : public block::Reader {
 public:
  explicit ResponseReader(std::unique_ptr<s3::HttpResponseStream> stream)
      : stream_(std::move(stream)) {}
  Result<std::size_t> Read(std::span<char> out) override { return stream_->Read(out); }

 private:
  std::unique_ptr<s3::HttpResponseStream> stream_;
};

}  // namespace

Result<std::unique_ptr<ApiSource>> ApiSource::Create(cli::RestClient& client,
                                                     std::string repository, ReadFrom read_from) {
  // The repository must exist; its absence is the most common mistake, so say so plainly.
  Result<nlohmann::json> repo = client.Call("GET", "/repositories/" + cli::Seg(repository));
  if (!repo.ok()) {
    if (repo.status().IsNotFound()) {
      return Status::NotFound("repository '" + repository + "' does not exist on the server");
    }
    return repo.status();
  }
  std::string local_root;
  if (read_from != ReadFrom::kServer) {
    Result<nlohmann::json> storage = client.Call("GET", "/config/storage");
    if (storage.ok() && storage->is_object() && storage->value("blockstore_type", "") == "local") {
      local_root = storage->value("blockstore_local_path", "");
    }
    if (local_root.empty() && read_from == ReadFrom::kStorage) {
      return Status::InvalidArgument(
          "--read-from storage needs a server on local storage that names its data directory; "
          "use --read-from server");
    }
  }
  return std::unique_ptr<ApiSource>(
      new ApiSource(client, std::move(repository), read_from, std::move(local_root)));
}

ApiSource::ApiSource(cli::RestClient& client, std::string repository, ReadFrom read_from,
                     std::string local_root)
    : client_(client),
      repository_(std::move(repository)),
      read_from_(read_from),
      local_root_(std::move(local_root)),
      direct_(!local_root_.empty()) {}

Result<std::string> ApiSource::BranchHead(std::string_view branch) {
  Result<nlohmann::json> b = client_.Call(
      "GET", "/repositories/" + cli::Seg(repository_) + "/branches/" + cli::Seg(branch));
  if (!b.ok()) {
    if (b.status().IsNotFound()) {
      return Status::NotFound("branch '" + std::string(branch) + "' does not exist in " +
                              repository_);
    }
    return b.status();
  }
  std::string id = b->value("commit_id", "");
  if (id.empty()) return Status::Internal("the server answered a branch without a commit_id");
  return id;
}

Result<std::string> ApiSource::ResolveCommit(std::string_view ref) {
  Result<nlohmann::json> c =
      client_.Call("GET", "/repositories/" + cli::Seg(repository_) + "/commits/" + cli::Seg(ref));
  if (!c.ok()) {
    if (c.status().IsNotFound()) {
      return Status::NotFound("commit '" + std::string(ref) + "' does not exist in " + repository_);
    }
    return c.status();
  }
  std::string id = c->value("id", "");
  if (id.empty()) return Status::Internal("the server answered a commit without an id");
  return id;
}

Status ApiSource::ListObjects(std::string_view commit,
                              const std::function<Status(const SourceObject&)>& each) {
  return client_.ListAll(
      "/repositories/" + cli::Seg(repository_) + "/refs/" + cli::Seg(commit) + "/objects/ls",
      {{"delimiter", ""}}, 0,
      [&](const nlohmann::json& j) -> Status {
        if (j.value("path_type", "object") != "object") return Status::OK();
        ASSIGN_OR_RETURN(SourceObject o, ObjectFromJson(j));
        return each(o);
      },
      kPageSize);
}

Status ApiSource::Diff(std::string_view from, std::string_view to,
                       const std::function<Status(const SourceChange&)>& each) {
  return client_.ListAll(
      "/repositories/" + cli::Seg(repository_) + "/refs/" + cli::Seg(from) + "/diff/" +
          cli::Seg(to),
      {{"type", "two_dot"}, {"delimiter", ""}}, 0,
      [&](const nlohmann::json& j) -> Status {
        if (j.value("path_type", "object") != "object") return Status::OK();
        SourceChange change;
        change.path = j.value("path", "");
        change.size = j.value("size_bytes", uint64_t{0});
        std::string type = j.value("type", "");
        if (type == "added") {
          change.kind = SourceChange::Kind::kAdded;
        } else if (type == "removed") {
          change.kind = SourceChange::Kind::kRemoved;
        } else if (type == "changed") {
          change.kind = SourceChange::Kind::kChanged;
        } else {
          return Status::Internal("the server answered a diff entry of type '" + type + "' for " +
                                  change.path);
        }
        return each(change);
      },
      kPageSize);
}

Result<SourceObject> ApiSource::Stat(std::string_view commit, std::string_view path) {
  ASSIGN_OR_RETURN(nlohmann::json j, client_.Call("GET",
                                                  "/repositories/" + cli::Seg(repository_) +
                                                      "/refs/" + cli::Seg(commit) + "/objects/stat",
                                                  {{"path", std::string(path)}}));
  return ObjectFromJson(j);
}

std::string ApiSource::LocalFile(std::string_view address) const {
  constexpr std::string_view kScheme = "local://";
  if (!address.starts_with(kScheme)) return "";
  std::string_view rest = address.substr(kScheme.size());
  // Only addresses under the server's data directory are read directly: an absolute address
  // (local:///...) or one with a ".." segment goes through the server, which checks it, so a
  // confused or hostile server cannot make the exporter copy arbitrary local files out.
  if (rest.starts_with('/') || rest.find("..") != std::string_view::npos) return "";
  return local_root_ + "/" + std::string(rest);
}

Result<std::unique_ptr<block::Reader>> ApiSource::Open(std::string_view commit,
                                                       const SourceObject& object) {
  if (direct_.load(std::memory_order_relaxed)) {
    std::string file = LocalFile(object.physical_address);
    if (!file.empty()) {
      int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
      struct stat st {};
      if (fd >= 0 && ::fstat(fd, &st) == 0 && static_cast<uint64_t>(st.st_size) == object.size) {
        if (object.size >= (1u << 20)) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        return std::unique_ptr<block::Reader>(new FileReader(fd, object.size));
      }
      int err = fd < 0 ? errno : 0;
      if (fd >= 0) ::close(fd);
      if (read_from_ == ReadFrom::kStorage) {
        return Status::IOError("cannot read " + object.path + " from local storage at " + file +
                               (err != 0 ? std::string(": ") + std::strerror(err)
                                         : std::string(": its size is not the object's")));
      }
      direct_.store(false);  // not this machine's storage: use the server from now on
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<s3::HttpResponseStream> stream,
                   client_.Download(repository_, commit, object.path));
  return std::unique_ptr<block::Reader>(new ResponseReader(std::move(stream)));
}

}  // namespace tarn::exporter
