#include "kv/schema.h"

#include "kv/kv.pb.h"

namespace tarn::kv {
namespace {

std::string Encode(uint32_t version, const SchemaRegistry& registry, const Clock& clock) {
  pb::SchemaVersion record;
  record.set_version(version);
  record.set_written_by(registry.binary_version);
  record.set_updated_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 clock.Now().time_since_epoch())
                                 .count());
  return record.SerializeAsString();
}

Result<uint32_t> Decode(const std::string& bytes) {
  pb::SchemaVersion record;
  if (!record.ParseFromString(bytes) || record.version() == 0) {
    return Status::Corruption(
        "the store's schema version record (tarn-meta/schema/version) is unreadable; restore "
        "the store from a dump (tarn kv load)");
  }
  return record.version();
}

}  // namespace

SchemaRegistry ProductionSchema() {
  SchemaRegistry registry;
  registry.current_version = 1;
#ifdef TARN_VERSION
  registry.binary_version = TARN_VERSION;
#endif
  return registry;
}

Result<uint32_t> ReadSchemaVersion(Store& store) {
  auto item = store.Get(kMetaPartition, kSchemaVersionKey);
  if (item.status().IsNotFound()) return 0u;
  if (!item.ok()) return item.status();
  return Decode(item->value);
}

Result<SchemaCheck> EnsureSchema(Store& store, const SchemaRegistry& registry, const Clock& clock,
                                 spdlog::logger& logger) {
  SchemaCheck check;
  for (;;) {
    auto item = store.Get(kMetaPartition, kSchemaVersionKey);
    if (item.status().IsNotFound()) {
      Status s = store.SetIf(kMetaPartition, kSchemaVersionKey,
                             Encode(registry.current_version, registry, clock),
                             Predicate::Absent());
      if (s.IsPreconditionFailed()) continue;  // another server stamped it first: re-read
      RETURN_IF_ERROR(s);
      check.stamped = true;
      check.version = registry.current_version;
      logger.info("metadata store stamped with schema version {}", check.version);
      return check;
    }
    if (!item.ok()) return item.status();
    ASSIGN_OR_RETURN(uint32_t version, Decode(item->value));
    if (check.found_version == 0) check.found_version = version;
    if (version == registry.current_version) {
      check.version = version;
      return check;
    }
    if (version > registry.current_version) {
      return Status::PreconditionFailed(
          "the metadata store has schema version " + std::to_string(version) +
          ", newer than the " + std::to_string(registry.current_version) +
          " this tarn understands; upgrade tarn to a release that knows it (refusing to start "
          "so nothing is damaged)");
    }
    const Migration* step = nullptr;
    for (const auto& m : registry.migrations) {
      if (m.from == version) step = &m;
    }
    if (step == nullptr || !step->run) {
      return Status::PreconditionFailed("no migration from metadata schema version " +
                                        std::to_string(version) + " to " +
                                        std::to_string(version + 1) + " is known to this tarn");
    }
    if (check.migrations_run == 0) {
      logger.warn(
          "the metadata store has schema version {} and this tarn needs {}: migrating now. If you "
          "have no recent dump, stop and take one first with `tarn kv dump --out FILE`.",
          version, registry.current_version);
    }
    logger.info("migrating metadata schema {} -> {}: {}", version, version + 1,
                step->description);
    RETURN_IF_ERROR(step->run(store).WithContext("schema migration " + std::to_string(version) +
                                                 " -> " + std::to_string(version + 1)));
    Status s = store.SetIf(kMetaPartition, kSchemaVersionKey, Encode(version + 1, registry, clock),
                           item->predicate());
    if (!s.ok() && !s.IsPreconditionFailed()) return s;  // lost race: re-read and continue
    if (s.ok()) ++check.migrations_run;
  }
}

}  // namespace tarn::kv
