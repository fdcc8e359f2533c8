#include "kv/postgres/pg_schema.h"

#include <cstdint>

#include "kv/postgres/pg_codec.h"

namespace tarn::kv::pg {
namespace {

bool ValidIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  for (char c : s) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

// FNV-1a: a stable 64-bit advisory lock key, the same in every tarn process.
int64_t LockKey(std::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<int64_t>(h);
}

Statement Make(StatementId id, const char* name, std::string sql, std::vector<Oid> types) {
  return Statement{id, std::string("tarn_kv_") + name, std::move(sql), std::move(types)};
}

}  // namespace

Result<std::string> QuoteTableName(std::string_view table) {
  std::string_view schema;
  std::string_view name = table;
  if (auto dot = table.find('.'); dot != std::string_view::npos) {
    schema = table.substr(0, dot);
    name = table.substr(dot + 1);
    if (!ValidIdentifier(schema)) name = {};  // reported below
  }
  if (!ValidIdentifier(name)) {
    return Status::InvalidArgument(
        "postgres: table name \"" + std::string(table) +
        "\" must be NAME or SCHEMA.NAME, each of letters, digits and '_', not starting with a "
        "digit, at most 63 characters");
  }
  std::string quoted;
  if (!schema.empty()) quoted += "\"" + std::string(schema) + "\".";
  quoted += "\"" + std::string(name) + "\"";
  return quoted;
}

std::vector<Statement> MakeStatements(std::string_view quoted_table) {
  const std::string t(quoted_table);
  const std::vector<Oid> pk_key = {kByteaOid, kByteaOid};
  const std::vector<Oid> pk_key_value = {kByteaOid, kByteaOid, kByteaOid};
  const std::vector<Oid> scan = {kByteaOid, kByteaOid, kInt8Oid};
  std::vector<Statement> s;
  s.reserve(kStatementCount);
  s.push_back(Make(kGet, "get", "SELECT value FROM " + t + " WHERE partition_key = $1 AND key = $2",
                   pk_key));
  s.push_back(Make(kSet, "set",
                   "INSERT INTO " + t +
                       " (partition_key, key, value) VALUES ($1, $2, $3)"
                       " ON CONFLICT (partition_key, key) DO UPDATE SET value = EXCLUDED.value",
                   pk_key_value));
  s.push_back(Make(kSetIfAbsent, "set_if_absent",
                   "INSERT INTO " + t +
                       " (partition_key, key, value) VALUES ($1, $2, $3)"
                       " ON CONFLICT (partition_key, key) DO NOTHING",
                   pk_key_value));
  s.push_back(Make(kSetIfExists, "set_if_exists",
                   "UPDATE " + t + " SET value = $3 WHERE partition_key = $1 AND key = $2",
                   pk_key_value));
  s.push_back(
      Make(kSetIfValue, "set_if_value",
           "UPDATE " + t + " SET value = $3 WHERE partition_key = $1 AND key = $2 AND value = $4",
           {kByteaOid, kByteaOid, kByteaOid, kByteaOid}));
  s.push_back(Make(kDelete, "delete", "DELETE FROM " + t + " WHERE partition_key = $1 AND key = $2",
                   pk_key));
  s.push_back(Make(kDeletePartition, "delete_partition",
                   "DELETE FROM " + t + " WHERE partition_key = $1", {kByteaOid}));
  s.push_back(Make(kScanFrom, "scan_from",
                   "SELECT key, value FROM " + t +
                       " WHERE partition_key = $1 AND key >= $2 ORDER BY key LIMIT $3",
                   scan));
  s.push_back(Make(kScanAfter, "scan_after",
                   "SELECT key, value FROM " + t +
                       " WHERE partition_key = $1 AND key > $2 ORDER BY key LIMIT $3",
                   scan));
  s.push_back(Make(kSetBatch, "set_batch",
                   "INSERT INTO " + t +
                       " (partition_key, key, value) SELECT $1, u.k, u.v"
                       " FROM unnest($2::bytea[], $3::bytea[]) AS u(k, v)"
                       " ON CONFLICT (partition_key, key) DO UPDATE SET value = EXCLUDED.value",
                   {kByteaOid, kByteaArrayOid, kByteaArrayOid}));
  // A loose index scan: each step jumps to the next distinct partition through the primary
  // key, so listing costs one index probe per partition instead of a read of every row. The
  // outer LIMIT stops the recursion after one page.
  const std::string next_after = "(SELECT partition_key FROM " + t +
                                 " WHERE partition_key > %s ORDER BY partition_key LIMIT 1)";
  auto next = [&](const char* bound) {
    std::string out = next_after;
    out.replace(out.find("%s"), 2, bound);
    return out;
  };
  s.push_back(Make(kListPartitions, "list_partitions",
                   "WITH RECURSIVE parts(p) AS (" + next("$1") + " UNION ALL SELECT " +
                       next("parts.p") + " FROM parts WHERE parts.p IS NOT NULL)" +
                       " SELECT p FROM parts WHERE p IS NOT NULL LIMIT $2",
                   {kByteaOid, kInt8Oid}));
  return s;
}

Status EnsureTable(Connection& conn, std::string_view quoted_table, Clock::time_point deadline) {
  // Checking first lets a role without CREATE privilege use a table an administrator made.
  const Oid text_type[] = {kTextOid};
  const Param name{quoted_table.data(), static_cast<int>(quoted_table.size())};
  ASSIGN_OR_RETURN(PgResult exists, conn.ExecSql("SELECT to_regclass($1) IS NOT NULL", text_type,
                                                 {&name, 1}, deadline));
  if (PQntuples(exists.get()) == 1 && PQgetlength(exists.get(), 0, 0) == 1 &&
      PQgetvalue(exists.get(), 0, 0)[0] == 1) {
    return Status::OK();
  }

  // CREATE TABLE IF NOT EXISTS alone is not safe against a concurrent creator (both may pass
  // the existence check and one then fails on a catalog unique index), so creators take turns.
  const std::string lock_key =
      Int8Param(LockKey("tarn/kv/create-table/" + std::string(quoted_table)));
  const Oid int8_type[] = {kInt8Oid};
  const Param key{lock_key.data(), static_cast<int>(lock_key.size())};
  const std::string create = "CREATE TABLE IF NOT EXISTS " + std::string(quoted_table) +
                             " (partition_key BYTEA NOT NULL, key BYTEA NOT NULL,"
                             " value BYTEA NOT NULL, PRIMARY KEY (partition_key, key))";
  Status s = conn.ExecSql("BEGIN", {}, {}, deadline).status();
  if (s.ok()) {
    s = conn.ExecSql("SELECT pg_advisory_xact_lock($1)", int8_type, {&key, 1}, deadline).status();
  }
  if (s.ok()) s = conn.ExecSql(create, {}, {}, deadline).status();
  if (s.ok()) s = conn.ExecSql("COMMIT", {}, {}, deadline).status();
  if (!s.ok()) {
    if (!conn.broken()) (void)conn.ExecSql("ROLLBACK", {}, {}, deadline);
    if (s.code() == StatusCode::kPermissionDenied) {
      return Status::PermissionDenied(
          std::string(s.message()) + "; the table " + std::string(quoted_table) +
          " does not exist and this role may not create it: create it as described in "
          "docs/kv_postgres.md or grant CREATE on the schema");
    }
    return s;
  }
  return Status::OK();
}

}  // namespace tarn::kv::pg
