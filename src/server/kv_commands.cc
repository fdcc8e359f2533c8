// `tarn kv dump|load|migrate|stats`: admin commands over the metadata store. They find the store
// as `tarn serve` does (--config, --data-dir, TARN_*) unless given a store URL.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <memory>

#include "kv/admin/dump.h"
#include "kv/admin/load.h"
#include "kv/admin/migrate.h"
#include "kv/admin/stats.h"
#include "server/commands.h"
#include "server/config_loading.h"
#include "server/lease.h"
#include "server/store_factory.h"

namespace tarn::server {

namespace {

struct StoreFlags {
  ConfigFlags config;
  std::optional<std::string> store_url;
};

void AddStoreFlags(CLI::App& cmd, StoreFlags& flags) {
  AddConfigFlags(cmd, flags.config);
  cmd.add_option("--store", flags.store_url,
                 "Store URL instead of the configured store: rocksdb:///path, "
                 "postgres://user@host:port/db, mem://");
}

Result<KvOptions> ResolveStore(const StoreFlags& flags) {
  if (flags.store_url) return KvOptionsFromUrl(*flags.store_url);
  ASSIGN_OR_RETURN(ServerOptions options, LoadServerOptions(flags.config, ProcessEnvironment()));
  return options.kv;
}

int Fail(std::string_view command, const Status& s) {
  std::cerr << "tarn kv " << command << ": " << s.ToString() << "\n";
  return 1;
}

std::string Count(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

kv::ProgressCallback ProgressPrinter(std::string_view verb) {
  return [verb = std::string(verb)](const kv::Progress& p) {
    std::cerr << "  " << verb << " " << Count(p.total_keys) << " keys\r" << std::flush;
  };
}

int RunDump(const StoreFlags& flags, const std::string& out_path) {
  auto kv_options = ResolveStore(flags);
  if (!kv_options.ok()) return Fail("dump", kv_options.status());
  auto store = OpenStore(*kv_options, StoreAccess::kReadOnly);
  if (!store.ok()) return Fail("dump", store.status());
  kv::DumpReport report;
  Status s;
  if (out_path == "-") {
    s = kv::Dump(**store, std::cout, {}, &report);
  } else {
    // Write next to the target and rename, so an interrupted dump never looks complete.
    std::string tmp = out_path + ".partial";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) {
        return Fail("dump", Status::IOError("cannot create '" + tmp + "': check the directory "
                                            "exists and is writable"));
      }
      s = kv::Dump(**store, out, {}, &report);
      out.close();
      if (s.ok() && !out) s = Status::IOError("writing '" + tmp + "' failed (disk full?)");
    }
    if (s.ok() && std::rename(tmp.c_str(), out_path.c_str()) != 0) {
      s = Status::IOError("cannot rename '" + tmp + "' to '" + out_path + "'");
    }
    if (!s.ok()) std::remove(tmp.c_str());
  }
  if (!s.ok()) return Fail("dump", s);
  std::cerr << "dumped " << Count(report.entries) << " keys in " << Count(report.partitions)
            << " partitions from " << DescribeStore(*kv_options) << " ("
            << Count(report.bytes_written) << " bytes)\n";
  return 0;
}

int RunLoad(const StoreFlags& flags, const std::string& in_path, const std::string& strategy) {
  auto kv_options = ResolveStore(flags);
  if (!kv_options.ok()) return Fail("load", kv_options.status());
  auto store = OpenStore(*kv_options, StoreAccess::kReadWrite);
  if (!store.ok()) return Fail("load", store.status());
  SystemClock clock;
  Status busy = CheckNoActiveServer(**store, clock, "load into it");
  if (!busy.ok()) return Fail("load", busy);
  kv::LoadOptions options;
  options.strategy = strategy == "skip" ? kv::LoadStrategy::kSkip : kv::LoadStrategy::kOverwrite;
  options.progress = ProgressPrinter("loaded");
  kv::LoadReport report;
  Status s = kv::LoadFile(**store, in_path, options, &report);
  if (!s.ok()) return Fail("load", s);
  std::cerr << "loaded " << Count(report.written) << " keys";
  if (options.strategy == kv::LoadStrategy::kSkip) {
    std::cerr << " (" << Count(report.skipped) << " existing keys kept)";
  }
  std::cerr << " in " << Count(report.dump.partitions) << " partitions into "
            << DescribeStore(*kv_options) << "\n";
  return 0;
}

int RunMigrate(const StoreFlags& flags, const std::string& from_url, const std::string& to_url,
               const kv::MigrateOptions& base) {
  StoreFlags from_flags = flags;
  if (!from_url.empty()) from_flags.store_url = from_url;
  auto from_options = ResolveStore(from_flags);
  if (!from_options.ok()) return Fail("migrate", from_options.status());
  auto to_options = KvOptionsFromUrl(to_url);
  if (!to_options.ok()) return Fail("migrate", to_options.status());
  auto from = OpenStore(*from_options, StoreAccess::kReadWrite);
  if (!from.ok()) return Fail("migrate", from.status());
  auto to = OpenStore(*to_options, StoreAccess::kReadWrite);
  if (!to.ok()) return Fail("migrate", to.status());
  SystemClock clock;
  for (auto* store : {from->get(), to->get()}) {
    Status busy = CheckNoActiveServer(*store, clock, "migrate");
    if (!busy.ok()) return Fail("migrate", busy);
  }
  kv::MigrateOptions options = base;
  options.progress = ProgressPrinter("copied");
  std::cerr << "migrating " << DescribeStore(*from_options) << " -> "
            << DescribeStore(*to_options) << "\n";
  kv::MigrateReport report;
  Status s = kv::Migrate(**from, **to, options, &report);
  if (!s.ok()) return Fail("migrate", s);
  std::cerr << "\ncopied " << Count(report.entries) << " keys in " << Count(report.partitions)
            << " partitions; " << (report.verified ? "verified" : "not verified")
            << " (key count and SHA-256 per partition)\n";
  return 0;
}

int RunStats(const StoreFlags& flags, bool json) {
  auto kv_options = ResolveStore(flags);
  if (!kv_options.ok()) return Fail("stats", kv_options.status());
  auto store = OpenStore(*kv_options, StoreAccess::kReadOnly);
  if (!store.ok()) return Fail("stats", store.status());
  auto stats = kv::CollectStats(**store);
  if (!stats.ok()) return Fail("stats", stats.status());
  std::cout << (json ? kv::FormatStatsJson(*stats) : kv::FormatStatsTable(*stats));
  return 0;
}

}  // namespace

void AddKvCommands(CLI::App& app, int& exit_code) {
  CLI::App* kv = app.add_subcommand(
      "kv", "Metadata store administration: dump, load, migrate between drivers, stats");
  kv->require_subcommand(1);

  auto dump_flags = std::make_shared<StoreFlags>();
  auto dump_out = std::make_shared<std::string>();
  CLI::App* dump = kv->add_subcommand(
      "dump", "Write every partition of the store to a portable, versioned dump file. Safe "
              "while a server runs (the store is opened read-only).");
  AddStoreFlags(*dump, *dump_flags);
  dump->add_option("--out", *dump_out, "Dump file to write ('-' for standard output)")
      ->required();
  dump->callback([dump_flags, dump_out, &exit_code] {
    exit_code = RunDump(*dump_flags, *dump_out);
  });

  auto load_flags = std::make_shared<StoreFlags>();
  auto load_in = std::make_shared<std::string>();
  auto strategy = std::make_shared<std::string>("overwrite");
  CLI::App* load = kv->add_subcommand(
      "load", "Load a dump file into the store. The whole file is validated before anything is "
              "written; refuses a store that a running server uses.");
  AddStoreFlags(*load, *load_flags);
  load->add_option("--in", *load_in, "Dump file to read")->required();
  load->add_option("--strategy", *strategy,
                   "overwrite: the dump's values replace existing keys; skip: existing keys stay")
      ->check(CLI::IsMember({"overwrite", "skip"}))
      ->capture_default_str();
  load->callback([load_flags, load_in, strategy, &exit_code] {
    exit_code = RunLoad(*load_flags, *load_in, *strategy);
  });

  auto migrate_flags = std::make_shared<StoreFlags>();
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto migrate_options = std::make_shared<kv::MigrateOptions>();
  CLI::App* migrate = kv->add_subcommand(
      "migrate", "Copy every key from one store to another (e.g. rocksdb -> postgres when one "
                 "machine is no longer enough), then verify key counts and a SHA-256 per "
                 "partition on both sides.");
  AddConfigFlags(*migrate, migrate_flags->config);
  migrate->add_option("--from", *from,
                      "Source store URL (default: the configured store, as tarn serve finds it)");
  migrate->add_option("--to", *to, "Destination store URL, e.g. postgres://user@host/db")
      ->required();
  migrate->add_option("--batch-size", migrate_options->batch_size, "Keys per batched write")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  migrate->add_flag("--allow-non-empty", migrate_options->allow_non_empty,
                    "Copy into a destination that already holds keys");
  migrate->footer(
      "Example:\n  tarn kv migrate --from rocksdb:///var/lib/tarn/kv "
      "--to postgres://tarn@db:5432/tarn");
  migrate->callback([migrate_flags, from, to, migrate_options, &exit_code] {
    exit_code = RunMigrate(*migrate_flags, *from, *to, *migrate_options);
  });

  auto stats_flags = std::make_shared<StoreFlags>();
  auto json = std::make_shared<bool>(false);
  CLI::App* stats = kv->add_subcommand(
      "stats", "Show the driver, partitions, and key counts and bytes per record kind. Safe "
               "while a server runs.");
  AddStoreFlags(*stats, *stats_flags);
  stats->add_flag("--json", *json, "Machine-readable output");
  stats->callback([stats_flags, json, &exit_code] { exit_code = RunStats(*stats_flags, *json); });
}

}  // namespace tarn::server
