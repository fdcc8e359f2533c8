// OpenDestination: a destination URI to a local directory or an S3 bucket prefix.
#include <filesystem>

#include "block/etag.h"
#include "block/s3/s3_adapter.h"
#include "block/uri.h"
#include "export/adapter_destination.h"
#include "export/local_destination.h"

namespace tarn::exporter {
namespace {

std::string Env(const std::map<std::string, std::string>& env, const char* name) {
  auto it = env.find(name);
  return it == env.end() ? "" : it->second;
}

Result<std::unique_ptr<Destination>> OpenS3(std::string_view uri, const S3DestinationOptions& o) {
  Result<block::NamespaceUri> parsed = block::ParseNamespaceOf(uri, "s3");
  if (!parsed.ok() || parsed->authority.empty()) {
    return Status::InvalidArgument("'" + std::string(uri) +
                                   "' is not an S3 destination; write s3://bucket or "
                                   "s3://bucket/prefix");
  }
  block::S3Options s3;
  s3.endpoint = o.endpoint;
  if (s3.endpoint.empty()) s3.endpoint = Env(o.environment, "AWS_ENDPOINT_URL_S3");
  if (s3.endpoint.empty()) s3.endpoint = Env(o.environment, "AWS_ENDPOINT_URL");
  s3.region = o.region;
  s3.force_path_style = o.force_path_style;
  block::S3CredentialSources sources;
  sources.environment = o.environment;
  if (!o.profile.empty()) {
    // A profile named on the command line wins over keys in the environment.
    for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}) {
      sources.environment.erase(name);
    }
  }
  sources.credentials_file = o.credentials_file;
  sources.profile = o.profile;
  Result<block::S3Options> resolved = block::ResolveS3Credentials(std::move(s3), sources);
  if (!resolved.ok()) {
    return Status::InvalidArgument("no credentials for the destination " + std::string(uri) + ": " +
                                   std::string(resolved.status().message()) +
                                   "; --dest-profile names another profile");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<block::Adapter> adapter, block::NewS3Adapter(*resolved));
  return NewAdapterDestination(std::move(adapter), parsed->ToString());
}

}  // namespace

Result<std::string> Md5OfReader(block::Reader& reader) {
  constexpr std::size_t kBufferSize = 1 << 20;
  thread_local std::unique_ptr<char[]> buffer(new char[kBufferSize]);
  block::Md5 md5;
  for (;;) {
    ASSIGN_OR_RETURN(std::size_t n, reader.Read(std::span<char>(buffer.get(), kBufferSize)));
    if (n == 0) break;
    md5.Update(std::string_view(buffer.get(), n));
  }
  return block::Md5Hex(md5.Finish());
}

Result<std::unique_ptr<Destination>> OpenDestination(std::string_view uri,
                                                     const S3DestinationOptions& s3) {
  if (uri.starts_with("s3://") || uri.starts_with("S3://")) return OpenS3(uri, s3);
  std::string_view path = uri;
  if (path.starts_with("file://")) {
    path.remove_prefix(7);
    if (!path.starts_with('/')) {
      return Status::InvalidArgument("'" + std::string(uri) +
                                     "' is not a file URI; write file:///absolute/path");
    }
  } else if (std::size_t scheme = path.find("://"); scheme != std::string_view::npos) {
    return Status::InvalidArgument("destination '" + std::string(uri) +
                                   "': unknown scheme; use a local directory or "
                                   "s3://bucket/prefix");
  }
  if (path.empty()) return Status::InvalidArgument("the destination is empty");
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(std::filesystem::path(path), ec);
  if (ec) {
    return Status::InvalidArgument("destination '" + std::string(uri) + "': " + ec.message());
  }
  return NewLocalDestination(absolute.lexically_normal().string());
}

}  // namespace tarn::exporter
