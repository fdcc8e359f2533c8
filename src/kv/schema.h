// The schema version of a store and its forward migrations.
//
// A store records the version of the metadata layout it holds under ("tarn-meta",
// "schema/version") as a SchemaVersion protobuf. At every start EnsureSchema:
//   - stamps a fresh store with the binary's version;
//   - refuses a store whose version is newer than the binary knows (FailedPrecondition-style
//     PreconditionFailed naming both versions: upgrade tarn);
//   - migrates an older store forward one version at a time, after logging that the user should
//     take a dump first (`tarn kv dump`). Each step is committed with SetIf on the version record,
//     so two servers starting together never both record the same step; a migration must
//     therefore be idempotent.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "tarn/kv/store.h"

namespace tarn::kv {

inline constexpr std::string_view kMetaPartition = "tarn-meta";
inline constexpr std::string_view kSchemaVersionKey = "schema/version";

// Moves a store from version `from` to `from + 1`.
struct Migration {
  uint32_t from = 0;
  std::string description;
  std::function<Status(Store&)> run;
};

struct SchemaRegistry {
  uint32_t current_version = 1;
  std::vector<Migration> migrations;  // one per step below current_version
  std::string binary_version;         // recorded in the version record
};

// The registry of this build of tarn.
SchemaRegistry ProductionSchema();

struct SchemaCheck {
  uint32_t found_version = 0;  // 0 for a fresh store
  uint32_t version = 0;        // after EnsureSchema
  bool stamped = false;        // fresh store stamped
  int migrations_run = 0;
};

// Errors: PreconditionFailed for a newer store or a missing migration step; Corruption for an
// unreadable version record; whatever a migration or the store returns.
Result<SchemaCheck> EnsureSchema(Store& store, const SchemaRegistry& registry, const Clock& clock,
                                 spdlog::logger& logger);

// Reads the recorded version; 0 when the store has none yet.
Result<uint32_t> ReadSchemaVersion(Store& store);

}  // namespace tarn::kv
