#include "server/serve.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <random>

#include "common/coding.h"
#include "common/logging.h"
#include "http/server.h"
#include "kv/schema.h"
#include "server/engine.h"
#include "server/lease.h"
#include "server/routes.h"
#include "server/store_factory.h"

namespace tarn::server {
namespace {

constexpr std::chrono::milliseconds kLeaseTtl{30000};
constexpr std::chrono::milliseconds kShutdownDeadline{20000};

std::string RandomInstanceId() {
  std::random_device rd;
  std::string bytes(8, '\0');
  for (auto& c : bytes) c = static_cast<char>(rd());
  return HexEncode(bytes);
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "unknown-host";
  return buf;
}

void PrintBanner(const ServerOptions& options, const Engine& engine, uint16_t port,
                 const std::string& host) {
  std::string base = "http://" + (host == "0.0.0.0" ? std::string("127.0.0.1") : host) + ":" +
                     std::to_string(port);
  std::cout << "tarn is serving on " << base << "\n"
            << "  metadata store : " << DescribeStore(options.kv) << "\n"
            << "  data directory : " << std::filesystem::absolute(options.data_dir).lexically_normal().string()
            << "\n"
            << "  range cache    : " << std::filesystem::absolute(options.cache.dir).lexically_normal().string()
            << "\n";
  for (const auto& line : engine.storage_description()) {
    std::cout << "  object storage : " << line << "\n";
  }
  std::cout << "  health check   : curl " << base << "/_health\n"
            << "Stop it with Ctrl-C (graceful shutdown).\n"
            << std::flush;
}

}  // namespace

int RunServe(const ConfigFlags& flags) {
  // Block the shutdown signals before any thread starts so only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto fail = [](const Status& s) {
    std::cerr << "tarn serve: " << s.ToString() << "\n";
    return 1;
  };
  auto options = LoadServerOptions(flags, ProcessEnvironment());
  if (!options.ok()) return fail(options.status());
  auto logger = MakeLogger("tarn", options->log);
  if (!logger.ok()) return fail(logger.status());

  std::error_code ec;
  std::filesystem::create_directories(options->data_dir, ec);
  if (ec) {
    return fail(Status::IOError("cannot create data directory '" + options->data_dir +
                                "': " + ec.message() + " (choose another with --data-dir)"));
  }
  auto store = OpenStore(options->kv, StoreAccess::kReadWrite);
  if (!store.ok()) return fail(store.status());

  SystemClock clock;
  auto schema = kv::EnsureSchema(**store, kv::ProductionSchema(), clock, **logger);
  if (!schema.ok()) return fail(schema.status());

  auto engine = BuildEngine(*options, **store, clock, ProcessEnvironment());
  if (!engine.ok()) return fail(engine.status().WithContext("starting the versioning engine"));

  http::ServerOptions http_options;
  Status s = http::ParseListenAddress(options->listen_address, &http_options.host,
                                      &http_options.port);
  if (!s.ok()) return fail(s);

  auto lease = ServerLease::Acquire(
      **store, clock,
      LeaseInfo{RandomInstanceId(), HostName(), getpid(), options->listen_address, {}}, kLeaseTtl,
      *logger);
  if (!lease.ok()) return fail(lease.status().WithContext("registering the server in the store"));

  Routes routes(**store, *logger);
  auto server = http::Server::Start(
      http_options, [&routes](const http::Request& r) { return routes.Handle(r); }, *logger);
  if (!server.ok()) return fail(server.status());
  (*logger)->info("listening on {}:{} with {}", http_options.host, (*server)->port(),
                  DescribeStore(options->kv));
  PrintBanner(*options, **engine, (*server)->port(), http_options.host);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  (*logger)->info("received {}, shutting down (in-flight requests get {} s)",
                  signal_number == SIGINT ? "SIGINT" : "SIGTERM", kShutdownDeadline.count() / 1000);
  (*server)->Shutdown(kShutdownDeadline);
  server->reset();
  engine->reset();
  lease->reset();
  store->reset();
  (*logger)->info("stopped");
  return 0;
}

}  // namespace tarn::server
