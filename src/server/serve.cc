#include "server/serve.h"

#include <signal.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include "api/api.h"
#include "auth/authorizer.h"
#include "auth/credentials.h"
#include "auth/policy_store.h"
#include "auth/rbac_authorizer.h"
#include "common/coding.h"
#include "common/logging.h"
#include "gateway/gateway.h"
#include "http/metrics.h"
#include "http/server.h"
#include "kv/schema.h"
#include "server/auth_setup.h"
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

// Runs `task` every `period` on its own thread until destroyed.
class PeriodicTask {
 public:
  PeriodicTask(std::chrono::milliseconds period, std::function<void()> task)
      : thread_([this, period, task = std::move(task)] {
          std::unique_lock lock(mu_);
          while (!cv_.wait_for(lock, period, [this] { return stop_; })) {
            lock.unlock();
            task();
            lock.lock();
          }
        }) {}
  ~PeriodicTask() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

void PrintBanner(const ServerOptions& options, const Engine& engine, uint16_t port,
                 const std::string& host, bool initialized) {
  std::string scheme = options.http.tls_cert_file.empty() ? "http" : "https";
  std::string base = scheme + "://" + (host == "0.0.0.0" ? std::string("127.0.0.1") : host) + ":" +
                     std::to_string(port);
  std::cout << "tarn is serving on " << base << "\n"
            << "  metadata store : " << DescribeStore(options.kv) << "\n"
            << "  data directory : "
            << std::filesystem::absolute(options.data_dir).lexically_normal().string() << "\n"
            << "  range cache    : "
            << std::filesystem::absolute(options.cache.dir).lexically_normal().string() << "\n";
  for (const auto& line : engine.storage_description()) {
    std::cout << "  object storage : " << line << "\n";
  }
  std::cout << "  S3 endpoint    : " << base << "  (bucket = repository, key = <branch>/<path>)\n"
            << "  REST API       : " << base << "/api/v1  (lakeFS API v1; lakectl and the lakeFS "
            << "SDKs work with it)\n"
            << "  health check   : curl " << base << "/_health\n"
            << "  metrics        : curl " << base << "/metrics\n";
  if (options.quickstart) {
    std::cout
        << "  credentials    : access key id " << auth::kQuickstartAccessKeyId
        << "\n                   secret access key " << auth::kQuickstartSecretAccessKey
        << "\n  try            : AWS_ACCESS_KEY_ID=" << auth::kQuickstartAccessKeyId
        << " AWS_SECRET_ACCESS_KEY=" << auth::kQuickstartSecretAccessKey
        << " \\\n                   aws --endpoint-url " << base
        << " s3 mb s3://my-repo && aws --endpoint-url " << base
        << " s3 cp README.md s3://my-repo/main/\n"
        << "  tarn CLI       : export TARN_ENDPOINT=" << base
        << " TARN_ACCESS_KEY_ID=" << auth::kQuickstartAccessKeyId
        << " TARN_SECRET_ACCESS_KEY=" << auth::kQuickstartSecretAccessKey
        << "\n                   tarn repo list; tarn commit tarn://my-repo/main -m 'first'\n";
  } else if (!initialized) {
    std::cout << "  no users yet   : stop the server and run `tarn setup --user-name admin` "
                 "(same --config/--data-dir) to create the first admin and its keys\n";
  }
  std::cout << "Stop it with Ctrl-C (graceful shutdown).\n" << std::flush;
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
  Status s =
      http::ParseListenAddress(options->listen_address, &http_options.host, &http_options.port);
  if (!s.ok()) return fail(s);

  auto lease = ServerLease::Acquire(
      **store, clock,
      LeaseInfo{RandomInstanceId(), HostName(), getpid(), options->listen_address, {}}, kLeaseTtl,
      *logger);
  if (!lease.ok()) return fail(lease.status().WithContext("registering the server in the store"));

  auto secret = ServerSecret(*options);
  if (!secret.ok()) return fail(secret.status().WithContext("opening the access key encryption"));
  auto box = auth::SecretBox::FromSecret(*secret);
  if (!box.ok()) return fail(box.status().WithContext("opening the access key encryption"));
  auth::CredentialStore credentials(**store, std::move(*box), clock);
  auth::PolicyStore policies(**store, clock);
  auto initialized = credentials.IsInitialized();
  if (!initialized.ok()) return fail(initialized.status());
  if (options->quickstart && !*initialized) {
    auto admin = auth::SetupAdmin(credentials, "admin",
                                  std::make_pair(std::string(auth::kQuickstartAccessKeyId),
                                                 std::string(auth::kQuickstartSecretAccessKey)));
    // Another quickstart server racing on the same store may have won: that is fine.
    if (!admin.ok() && admin.status().code() != StatusCode::kAlreadyExists) {
      return fail(admin.status().WithContext("creating the quickstart admin"));
    }
    *initialized = true;
  }
  // The built-in groups and policies, and every admin in Admins (idempotent).
  if (Status s = auth::Bootstrap(policies, credentials); !s.ok()) {
    return fail(s.WithContext("creating the built-in groups and policies"));
  }
  auth::RbacAuthorizer authorizer(policies, clock);

  gateway::GatewayOptions gateway_options;
  gateway_options.domains = options->gateway.domains;
  gateway_options.region = options->gateway.region;
  gateway_options.default_namespace = options->gateway.default_namespace;
  gateway_options.multipart_expiry = options->gateway.multipart_expiry;
  gateway::GatewayDeps deps;
  deps.catalog = &(*engine)->catalog();
  deps.blocks = &(*engine)->blocks();
  deps.store = store->get();
  deps.credentials = &credentials;
  deps.authorizer = &authorizer;
  deps.clock = &clock;
  deps.logger = *logger;
  gateway::Gateway gateway(std::move(deps), std::move(gateway_options));
  auto expire = std::make_unique<PeriodicTask>(std::chrono::hours(1), [&] {
    auto expired = gateway.ExpireMultipartUploads();
    if (!expired.ok()) {
      (*logger)->warn("expiring multipart uploads: {}", expired.status().ToString());
    } else if (*expired > 0) {
      (*logger)->info("expired {} abandoned multipart uploads", *expired);
    }
  });

  const int cores = std::max(1u, std::thread::hardware_concurrency());
  http_options.io_threads =
      options->http.io_threads > 0 ? options->http.io_threads : std::max(1, cores / 2);
  http_options.worker_threads =
      options->http.worker_threads > 0 ? options->http.worker_threads : 8 * cores;
  http_options.tls_cert_file = options->http.tls_cert_file;
  http_options.tls_key_file = options->http.tls_key_file;
  auto metrics = std::make_shared<http::Metrics>();
  http_options.metrics = metrics;
  if (options->http.access_log) http_options.access_log = *logger;

  api::ApiDeps api_deps;
  api_deps.catalog = &(*engine)->catalog();
  api_deps.credentials = &credentials;
  api_deps.authorizer = &authorizer;
  api_deps.clock = &clock;
  api_deps.logger = *logger;
  api_deps.policies = &policies;
  api_deps.rbac = &authorizer;
  api_deps.token_key = LoginTokenKey(*secret);
  // What repositories created without an explicit namespace use.
  api_deps.blockstore_type =
      std::string_view(options->gateway.default_namespace).starts_with("s3://") ? "s3" : "local";
  if (api_deps.blockstore_type == "local") {
    api_deps.blockstore_local_path = std::filesystem::absolute(options->blockstore.local_path);
  }
  api_deps.version = TARN_VERSION;
  api::Api api(std::move(api_deps));
  Routes routes(**store, *logger, &gateway, metrics, &api);
  auto server = http::Server::Start(
      http_options, [&routes](const http::Request& r) { return routes.Handle(r); }, *logger);
  if (!server.ok()) return fail(server.status());
  (*logger)->info("listening on {}:{} with {}", http_options.host, (*server)->port(),
                  DescribeStore(options->kv));
  PrintBanner(*options, **engine, (*server)->port(), http_options.host, *initialized);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  (*logger)->info("received {}, shutting down (in-flight requests get {} s)",
                  signal_number == SIGINT ? "SIGINT" : "SIGTERM", kShutdownDeadline.count() / 1000);
  (*server)->Shutdown(kShutdownDeadline);
  server->reset();
  expire.reset();
  engine->reset();
  lease->reset();
  store->reset();
  (*logger)->info("stopped");
  return 0;
}

}  // namespace tarn::server
