#include "server/commands.h"

#include <CLI/CLI.hpp>
#include <memory>

#include "server/auth_setup.h"
#include "server/config_loading.h"
#include "server/serve.h"

namespace tarn::server {

void AddConfigFlags(CLI::App& cmd, ConfigFlags& flags) {
  cmd.add_option("--config", flags.config_file,
                 "YAML configuration file (env TARN_CONFIG); see docs/configuration.md");
  cmd.add_option("--data-dir", flags.data_dir,
                 "Directory for embedded metadata and local data (config data_dir, default "
                 "./tarn-data)");
}

void AddServeCommand(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ConfigFlags>();
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Run the tarn server: opens the metadata store (stamping or checking its schema version)\n"
      "and serves on one port: the S3 gateway (bucket = repository, key = <branch>/<path>;\n"
      "docs/s3_compatibility.md), the REST API under /api/v1 (docs/api.md), GET /_health\n"
      "(whether the store answers) and GET /metrics (Prometheus).\n"
      "Configuration: flags > TARN_* environment > --config file > defaults.");
  AddConfigFlags(*serve, *flags);
  serve->add_flag("--quickstart", flags->quickstart,
                  "Embedded defaults for a laptop or CI: RocksDB metadata and local storage "
                  "under --data-dir, loopback only, and an admin with the well-known quickstart "
                  "access key (printed at start)");
  serve->add_option("--listen", flags->listen_address,
                    "HOST:PORT to listen on (config listen_address, env TARN_LISTEN_ADDRESS, "
                    "default 127.0.0.1:8000)");
  serve->add_option("--log-level", flags->log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  serve
      ->add_option("--log-format", flags->log_format,
                   "text (for people, default) or json (one object per line)")
      ->check(CLI::IsMember({"text", "json"}));
  serve->footer(
      "Examples:\n"
      "  tarn serve --quickstart                       # everything under ./tarn-data\n"
      "  tarn serve --config tarn.yaml --listen 0.0.0.0:8000\n"
      "  TARN_KV_TYPE=postgres TARN_KV_POSTGRES_CONNECTION_STRING=postgres://... tarn serve");
  serve->callback([flags, &exit_code] { exit_code = RunServe(*flags); });
}

}  // namespace tarn::server

namespace tarn::server {

void AddSetupCommand(CLI::App& app, int& exit_code) {
  struct SetupArgs {
    ConfigFlags flags;
    std::string user_name;
    std::string access_key_id;
    std::string secret_access_key;
  };
  auto args = std::make_shared<SetupArgs>();
  CLI::App* setup = app.add_subcommand(
      "setup",
      "Create the first admin user of an installation and print its access keys (once).\n"
      "Run it against the server's store while the server is stopped (RocksDB) or at any time\n"
      "(PostgreSQL). --quickstart servers create their admin themselves.");
  AddConfigFlags(*setup, args->flags);
  setup->add_option("--user-name", args->user_name, "Name of the admin user")->required();
  setup->add_option("--access-key-id", args->access_key_id,
                    "Use this access key id instead of a generated one (with "
                    "--secret-access-key)");
  setup->add_option("--secret-access-key", args->secret_access_key,
                    "Use this secret access key instead of a generated one");
  setup->footer(
      "Examples:\n"
      "  tarn setup --config tarn.yaml --user-name admin\n"
      "  tarn setup --data-dir /var/lib/tarn --user-name admin --access-key-id AKIA... "
      "--secret-access-key ...");
  setup->callback([args, &exit_code] {
    exit_code =
        RunSetup(args->flags, args->user_name, args->access_key_id, args->secret_access_key);
  });
}

}  // namespace tarn::server
