// `tarn router check` and `tarn router resolve`.
#include "router/commands.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <sstream>

#include "router/config.h"

namespace tarn::router {
namespace {

struct Flags {
  std::string file;
  std::string uri;
};

Result<std::shared_ptr<const RouteTable>> Load(const std::string& file) {
  ASSIGN_OR_RETURN(RouterConfig config, LoadRouterConfig(file));
  return RouteTable::Build(std::move(config));
}

std::string KindName(BackendKind k) { return k == BackendKind::kTarn ? "tarn" : "s3"; }

std::string Describe(const Backend& b) {
  return b.name + " (" + KindName(b.kind) + ", " +
         (b.endpoint.empty() ? "AWS S3 " + b.region : b.endpoint) + ")";
}

int Fail(const Status& s) {
  std::cerr << "error: " << s.message() << "\n";
  return 1;
}

int Check(const Flags& f) {
  Result<std::shared_ptr<const RouteTable>> table = Load(f.file);
  if (!table.ok()) return Fail(table.status());
  const RouteTable& t = **table;
  std::ostringstream out;
  out << f.file << ": " << t.config().routes.size() << " routes, " << t.config().backends.size()
      << " backends, " << t.config().credentials.size() << " client credentials; listens on "
      << t.config().listen << "\n";
  for (std::size_t i = 0; i < t.config().routes.size(); ++i) {
    const Route& r = t.route(i);
    const Backend& b = t.backend_of(i);
    out << "  " << (i + 1) << ". " << r.bucket << "/" << r.prefix << "*"
        << "  ->  " << b.scheme << "://"
        << (r.target_bucket.empty() ? std::string("<same bucket>") : r.target_bucket) << "/"
        << r.target_prefix << "*  on " << Describe(b) << (r.read_only ? "  [read-only]" : "")
        << (i == t.default_route() ? "  [default]" : "") << "\n";
  }
  std::cout << out.str();
  return 0;
}

int Resolve(const Flags& f) {
  std::size_t sep = f.uri.find("://");
  if (sep == std::string::npos || sep == 0) {
    std::cerr << "error: '" << f.uri << "' is not an address like s3://bucket/key\n";
    return 2;
  }
  std::string rest = f.uri.substr(sep + 3);
  std::size_t slash = rest.find('/');
  std::string bucket = rest.substr(0, slash);
  std::string key = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (bucket.empty()) {
    std::cerr << "error: '" << f.uri << "' names no bucket\n";
    return 2;
  }
  Result<std::shared_ptr<const RouteTable>> table = Load(f.file);
  if (!table.ok()) return Fail(table.status());
  Target t = (*table)->Resolve(bucket, key);
  std::cout << t.backend->scheme << "://" << t.bucket << "/" << t.key << "\n"
            << "backend: " << Describe(*t.backend) << "\n"
            << "route: " << (t.route + 1) << (t.read_only ? " (read-only)" : "") << "\n";
  return 0;
}

}  // namespace

void AddRouterCommands(CLI::App& app, int& exit_code) {
  CLI::App* router = app.add_subcommand(
      "router",
      "Route S3 requests by bucket and key prefix to S3 buckets or tarn repositories: "
      "check a configuration, resolve an address (docs/router.md)");
  router->require_subcommand(1);
  router->footer(
      "Configuration formats, by extension: .yaml/.yml (native), .properties (Hadoop "
      "RouterFileSystem mappings), .json (botwo mapping with backends).\n"
      "Exit codes: 0 ok, 1 invalid configuration, 2 bad usage.");
  auto f = std::make_shared<Flags>();
  CLI::App* check =
      router->add_subcommand("check", "Validate a router configuration and print its route table");
  check->add_option("file", f->file, "Configuration file")->required();
  check->callback([f, &exit_code] { exit_code = Check(*f); });
  CLI::App* resolve = router->add_subcommand(
      "resolve", "Print where an address goes: the translated address and the backend");
  resolve->add_option("file", f->file, "Configuration file")->required();
  resolve->add_option("uri", f->uri, "An address such as s3://bucket/key or s3a://bucket/key")
      ->required();
  resolve->footer(
      "Example: tarn router resolve routes.properties "
      "s3a://bucket/prefix/foo.parquet\n  -> lakefs://example-repo/dev/prefix/"
      "foo.parquet");
  resolve->callback([f, &exit_code] { exit_code = Resolve(*f); });
}

}  // namespace tarn::router
