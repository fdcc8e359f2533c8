// The block-adapter destination.
#include "export/adapter_destination.h"

#include "block/etag.h"

namespace tarn::exporter {
namespace {

constexpr std::size_t kPage = 1000;

class AdapterDestination final : public Destination {
 public:
  AdapterDestination(std::unique_ptr<block::Adapter> adapter, std::string ns)
      : adapter_(std::move(adapter)), ns_(std::move(ns)) {}

  std::string Describe() const override { return ns_; }

  Result<WriteResult> Write(std::string_view path, block::Reader& body, uint64_t size) override {
    block::PutOptions options;
    options.size = size;
    ASSIGN_OR_RETURN(block::PutResult put, adapter_->Put(At(path), body, options));
    return WriteResult{put.size, put.etag};
  }

  Result<WriteResult> CopyFrom(std::string_view address, std::string_view path,
                               uint64_t size) override {
    const std::string scheme = std::string(adapter_->scheme()) + "://";
    if (!address.starts_with(scheme)) {
      return Destination::CopyFrom(address, path, size);
    }
    std::string_view rest = address.substr(scheme.size());
    std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) {
      return Status::InvalidArgument("physical address '" + std::string(address) +
                                     "' names no object");
    }
    block::ObjectPointer source{scheme + std::string(rest.substr(0, slash)),
                                std::string(rest.substr(slash + 1))};
    ASSIGN_OR_RETURN(block::PutResult put, adapter_->Copy(source, At(path)));
    return WriteResult{put.size, put.etag};
  }

  Result<std::optional<DestinationEntry>> Stat(std::string_view path) override {
    Result<block::ObjectInfo> info = adapter_->Head(At(path));
    if (!info.ok()) {
      if (info.status().IsNotFound()) return std::optional<DestinationEntry>();
      return info.status();
    }
    return std::optional<DestinationEntry>(
        DestinationEntry{std::string(path), info->size, info->etag});
  }

  Result<std::unique_ptr<block::Reader>> Open(std::string_view path) override {
    ASSIGN_OR_RETURN(std::unique_ptr<block::ObjectReader> reader,
                     adapter_->Get(At(path), std::nullopt));
    return std::unique_ptr<block::Reader>(std::move(reader));
  }

  Result<std::string> ContentMd5(std::string_view path) override {
    ASSIGN_OR_RETURN(std::unique_ptr<block::Reader> reader, Open(path));
    return Md5OfReader(*reader);
  }

  Status Remove(std::string_view path) override { return adapter_->Delete(At(path)); }

  Status List(const std::function<Status(const DestinationEntry&)>& each) override {
    std::string after;
    for (;;) {
      ASSIGN_OR_RETURN(block::ListPage page, adapter_->List(ns_, "", after, kPage));
      for (block::ListEntry& e : page.entries) {
        RETURN_IF_ERROR(each(DestinationEntry{e.key, e.size, e.etag}));
      }
      if (!page.truncated || page.entries.empty()) return Status::OK();
      after = page.entries.back().key;
    }
  }

  Status Flush() override { return Status::OK(); }

 private:
  block::ObjectPointer At(std::string_view path) const {
    return block::ObjectPointer{ns_, std::string(path)};
  }

  std::unique_ptr<block::Adapter> adapter_;
  std::string ns_;
};

}  // namespace

std::unique_ptr<Destination> NewAdapterDestination(std::unique_ptr<block::Adapter> adapter,
                                                   std::string storage_namespace) {
  return std::make_unique<AdapterDestination>(std::move(adapter), std::move(storage_namespace));
}

}  // namespace tarn::exporter
