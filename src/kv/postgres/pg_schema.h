// Private to the PostgreSQL driver: the table, its creation and the statements over it.
//
// The layout and every statement are documented in docs/kv_postgres.md; change both together.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kv/postgres/pg_connection.h"
#include "tarn/result.h"

namespace tarn::kv::pg {

// Indexes into the vector MakeStatements returns.
enum StatementId : int {
  kGet,
  kSet,
  kSetIfAbsent,
  kSetIfExists,
  kSetIfValue,
  kDelete,
  kDeletePartition,
  kScanFrom,   // key >= $2
  kScanAfter,  // key > $2
  kSetBatch,
  kListPartitions,
  kStatementCount,
};

// Validates `table` ("name" or "schema.name", each [A-Za-z_][A-Za-z0-9_]*, at most 63 bytes)
// and returns it double-quoted for SQL, so its case is kept as written.
// Errors: InvalidArgument naming the rule.
Result<std::string> QuoteTableName(std::string_view table);

// The statements of a store over `quoted_table`, indexed by StatementId.
std::vector<Statement> MakeStatements(std::string_view quoted_table);

// Creates the table and its primary key if they do not exist yet. Servers that start at the
// same time serialize on an advisory lock derived from the table name, so every one of them
// succeeds. A role without CREATE privilege works as long as the table already exists.
// Errors: PermissionDenied when the table is missing and may not be created; those of
// Connection::ExecSql.
Status EnsureTable(Connection& conn, std::string_view quoted_table, Clock::time_point deadline);

}  // namespace tarn::kv::pg
