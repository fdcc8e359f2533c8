// The default behaviour of the Adapter contract's optional methods.
#include "tarn/block/adapter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tarn::block {
namespace {

class FdReader final : public Reader {
 public:
  FdReader(int fd, const std::string& path) : fd_(fd), path_(path) {}
  ~FdReader() override { ::close(fd_); }
  Result<std::size_t> Read(std::span<char> out) override {
    for (;;) {
      const ssize_t n = ::read(fd_, out.data(), out.size());
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) {
        return Status::IOError("reading " + path_ + ": " + std::strerror(errno));
      }
    }
  }

 private:
  int fd_;
  const std::string& path_;
};

}  // namespace

Result<PutResult> Adapter::PutFile(const ObjectPointer& object, const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("opening " + path + ": " + std::strerror(errno));
  FdReader reader(fd, path);
  struct stat st;
  if (::fstat(fd, &st) != 0)
    return Status::IOError("stat of " + path + ": " + std::strerror(errno));
  PutOptions options;
  options.size = static_cast<uint64_t>(st.st_size);
  options.content_type = "application/octet-stream";
  return Put(object, reader, options);
}

}  // namespace tarn::block
