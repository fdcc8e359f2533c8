#include "kv/postgres/postgres_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

#include "kv/postgres/pg_codec.h"
#include "kv/postgres/pg_connection.h"
#include "kv/postgres/pg_error.h"
#include "kv/postgres/pg_pool.h"
#include "kv/postgres/pg_schema.h"

namespace tarn::kv {
namespace {

using pg::Clock;
using pg::Param;
using pg::PgResult;

// A btree index entry must fit in a third of a page (2704 bytes in PostgreSQL 15); this
// leaves room for the tuple header and the two length words.
constexpr std::size_t kMaxKeyBytes = 2560;
// Two values travel in one SetIf message, and a message may not exceed 1 GiB.
constexpr std::size_t kMaxValueBytes = std::size_t{256} << 20;
// Scan pages grow from the first to the last size, so short scans stay cheap and long ones
// take few round trips.
constexpr std::size_t kFirstPageRows = 100;
constexpr std::size_t kMaxPageRows = 1000;
constexpr std::size_t kMaxHintedPageRows = 10000;
constexpr std::size_t kListPageRows = 1000;
// A SetBatch larger than this is sent as several statements in one transaction.
constexpr std::size_t kMaxBatchStatementBytes = std::size_t{32} << 20;

Status CheckKey(std::string_view partition, std::string_view key) {
  if (partition.empty()) return Status::InvalidArgument("kv: partition must not be empty");
  if (key.empty()) return Status::InvalidArgument("kv: key must not be empty");
  if (partition.size() + key.size() > kMaxKeyBytes) {
    return Status::InvalidArgument("postgres: partition name plus key is " +
                                   std::to_string(partition.size() + key.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxKeyBytes));
  }
  return Status::OK();
}

Status CheckValue(std::string_view value) {
  if (value.size() > kMaxValueBytes) {
    return Status::InvalidArgument("postgres: value is " + std::to_string(value.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxValueBytes));
  }
  return Status::OK();
}

// libpq sends a null pointer as SQL NULL, so an empty view without storage (a default
// std::string_view) must still point somewhere to stay an empty value.
Param P(std::string_view bytes) {
  return Param{bytes.data() != nullptr ? bytes.data() : "", static_cast<int>(bytes.size())};
}

std::string_view Field(const PGresult* r, int row, int column) {
  return {PQgetvalue(r, row, column), static_cast<std::size_t>(PQgetlength(r, row, column))};
}

long long AffectedRows(const PGresult* r) {
  return std::atoll(PQcmdTuples(const_cast<PGresult*>(r)));
}

class PostgresStore final : public Store {
 public:
  PostgresStore(pg::ConnectOptions connect, int max_connections, std::string quoted_table)
      : statement_timeout_(connect.statement_timeout),
        connect_timeout_(connect.connect_timeout),
        pool_(std::move(connect), max_connections),
        quoted_table_(std::move(quoted_table)),
        statements_(pg::MakeStatements(quoted_table_)) {}

  Status Init() {
    return WithConnection(/*idempotent=*/true, [&](pg::Connection& c) {
      return pg::EnsureTable(c, quoted_table_, Deadline());
    });
  }

  std::string_view driver() const override { return "postgres"; }

  Result<Item> Get(std::string_view partition, std::string_view key) override {
    RETURN_IF_ERROR(CheckKey(partition, key));
    const Param params[] = {P(partition), P(key)};
    ASSIGN_OR_RETURN(PgResult r, Query(pg::kGet, params, /*idempotent=*/true));
    if (PQntuples(r.get()) == 0) return Status::NotFound("kv: key not found");
    return Item{std::string(Field(r.get(), 0, 0))};
  }

  Status Set(std::string_view partition, std::string_view key, std::string_view value) override {
    RETURN_IF_ERROR(CheckKey(partition, key));
    RETURN_IF_ERROR(CheckValue(value));
    const Param params[] = {P(partition), P(key), P(value)};
    return Query(pg::kSet, params, /*idempotent=*/true).status();
  }

  Status SetIf(std::string_view partition, std::string_view key, std::string_view value,
               const Predicate& predicate) override {
    RETURN_IF_ERROR(CheckKey(partition, key));
    RETURN_IF_ERROR(CheckValue(value));
    pg::StatementId id = pg::kSetIfValue;
    switch (predicate.kind()) {
      case Predicate::Kind::kAbsent:
        id = pg::kSetIfAbsent;
        break;
      case Predicate::Kind::kExists:
        id = pg::kSetIfExists;
        break;
      case Predicate::Kind::kValue:
        id = pg::kSetIfValue;
        break;
    }
    const Param params[] = {P(partition), P(key), P(value), P(predicate.value())};
    std::span<const Param> used(params, id == pg::kSetIfValue ? 4 : 3);
    // Not idempotent: run twice, a write that succeeded would report PreconditionFailed.
    ASSIGN_OR_RETURN(PgResult r, Query(id, used, /*idempotent=*/false));
    if (AffectedRows(r.get()) != 1) return Status::PreconditionFailed("kv: predicate failed");
    return Status::OK();
  }

  Status Delete(std::string_view partition, std::string_view key) override {
    RETURN_IF_ERROR(CheckKey(partition, key));
    const Param params[] = {P(partition), P(key)};
    return Query(pg::kDelete, params, /*idempotent=*/true).status();
  }

  Status SetBatch(std::string_view partition, std::span<const KeyValue> items) override;

  Result<std::unique_ptr<Iterator>> Scan(std::string_view partition, std::string_view start_key,
                                         const ScanOptions& options) override;

  Status DeletePartition(std::string_view partition) override {
    if (partition.empty()) return Status::InvalidArgument("kv: partition must not be empty");
    const Param params[] = {P(partition)};
    return Query(pg::kDeletePartition, params, /*idempotent=*/true).status();
  }

  Result<std::vector<std::string>> ListPartitions() override {
    std::vector<std::string> out;
    const std::string limit = pg::Int8Param(kListPageRows);
    std::string after;  // the empty name sorts before every partition name
    for (;;) {
      const Param params[] = {P(after), P(limit)};
      ASSIGN_OR_RETURN(PgResult r, Query(pg::kListPartitions, params, /*idempotent=*/true));
      const int rows = PQntuples(r.get());
      for (int i = 0; i < rows; ++i) out.emplace_back(Field(r.get(), i, 0));
      if (static_cast<std::size_t>(rows) < kListPageRows) return out;
      after = out.back();
    }
  }

  // One page of a scan: up to `limit` rows of `partition` from `start` (inclusive or not).
  Result<PgResult> FetchPage(std::string_view partition, std::string_view start, bool inclusive,
                             std::size_t limit) {
    const std::string n = pg::Int8Param(static_cast<int64_t>(limit));
    const Param params[] = {P(partition), P(start), P(n)};
    return Query(inclusive ? pg::kScanFrom : pg::kScanAfter, params, /*idempotent=*/true);
  }

 private:
  Clock::time_point Deadline() const {
    if (statement_timeout_.count() <= 0) return Clock::time_point::max();
    // The server's own statement_timeout fires first and keeps the connection usable; the
    // client deadline only catches a server that stopped answering altogether.
    return Clock::now() + statement_timeout_ + connect_timeout_;
  }

  // Runs `fn` on a pooled connection. When the connection broke, `fn` runs once more on a
  // fresh one if that cannot apply a write twice: the request never reached the server, or
  // the operation is idempotent. A missed deadline is not retried (the server is stuck).
  template <typename Fn>
  Status WithConnection(bool idempotent, Fn&& fn) {
    for (int attempt = 0;; ++attempt) {
      ASSIGN_OR_RETURN(pg::ConnectionPool::Lease lease, pool_.Acquire());
      Status s = fn(*lease);
      if (s.ok() || !lease->broken()) return s;
      const pg::Failure f = lease->failure();
      const bool safe =
          f == pg::Failure::kLostUnsent || (f == pg::Failure::kLostInDoubt && idempotent);
      if (attempt > 0 || !safe) return s;
    }
  }

  Result<PgResult> Query(pg::StatementId id, std::span<const Param> params, bool idempotent) {
    PgResult out;
    RETURN_IF_ERROR(WithConnection(idempotent, [&](pg::Connection& c) -> Status {
      ASSIGN_OR_RETURN(out, c.Exec(statements_[id], params, Deadline()));
      return Status::OK();
    }));
    return out;
  }

  const std::chrono::milliseconds statement_timeout_;
  const std::chrono::milliseconds connect_timeout_;
  pg::ConnectionPool pool_;
  const std::string quoted_table_;
  const std::vector<pg::Statement> statements_;
};

// Serves rows straight out of the page's PGresult (binary bytea, no copies); the next page
// starts after the last key served, so concurrent writes never make it repeat or reorder keys.
class PostgresIterator final : public Iterator {
 public:
  PostgresIterator(PostgresStore& store, std::string partition, std::size_t page_hint)
      : store_(store),
        partition_(std::move(partition)),
        fixed_page_(std::min(page_hint, kMaxHintedPageRows)) {}

  bool Valid() const override { return row_ < rows_; }

  void SeekGE(std::string_view key) override {
    if (!status_.ok()) return;
    // A key inside the current page needs no round trip: the page holds every row between its
    // first and last key.
    if (rows_ > 0 && key >= KeyAt(0) && key <= KeyAt(rows_ - 1)) {
      int lo = 0, hi = rows_ - 1;
      while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (KeyAt(mid) < key) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      row_ = lo;
      return;
    }
    cursor_.assign(key);
    Fetch(/*inclusive=*/true);
  }

  void Next() override {
    if (++row_ < rows_ || exhausted_) return;
    cursor_.assign(KeyAt(rows_ - 1));
    Fetch(/*inclusive=*/false);
  }

  std::string_view key() const override { return KeyAt(row_); }
  std::string_view value() const override { return Field(page_.get(), row_, 1); }
  Status status() const override { return status_; }

 private:
  std::string_view KeyAt(int row) const { return Field(page_.get(), row, 0); }

  std::size_t NextPageRows() {
    if (fixed_page_ > 0) return fixed_page_;
    growing_page_ = growing_page_ == 0 ? kFirstPageRows : std::min(growing_page_ * 2, kMaxPageRows);
    return growing_page_;
  }

  void Fetch(bool inclusive) {
    const std::size_t limit = NextPageRows();
    auto page = store_.FetchPage(partition_, cursor_, inclusive, limit);
    row_ = 0;
    if (!page.ok()) {
      status_ = std::move(page).status();
      page_.reset();
      rows_ = 0;
      return;
    }
    page_ = std::move(page).value();
    rows_ = PQntuples(page_.get());
    exhausted_ = static_cast<std::size_t>(rows_) < limit;
  }

  PostgresStore& store_;
  const std::string partition_;
  const std::size_t fixed_page_;  // 0: grow from kFirstPageRows to kMaxPageRows
  std::size_t growing_page_ = 0;
  PgResult page_;
  int rows_ = 0;
  int row_ = 0;
  bool exhausted_ = true;
  std::string cursor_;
  Status status_;
};

Status PostgresStore::SetBatch(std::string_view partition, std::span<const KeyValue> items) {
  if (partition.empty()) return Status::InvalidArgument("kv: partition must not be empty");
  for (const KeyValue& item : items) {
    RETURN_IF_ERROR(CheckKey(partition, item.key));
    RETURN_IF_ERROR(CheckValue(item.value));
  }
  if (items.empty()) return Status::OK();
  // ON CONFLICT DO UPDATE may not touch one row twice in a statement, so duplicates go first.
  const std::vector<uint32_t> order = pg::BatchOrder(items);

  // [begin, end) ranges of `order`, one statement each.
  std::vector<std::pair<std::size_t, std::size_t>> chunks;
  std::size_t begin = 0, bytes = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const KeyValue& item = items[order[i]];
    const std::size_t size = item.key.size() + item.value.size() + 8;
    if (i > begin && bytes + size > kMaxBatchStatementBytes) {
      chunks.emplace_back(begin, i);
      begin = i;
      bytes = 0;
    }
    bytes += size;
  }
  chunks.emplace_back(begin, order.size());

  pg::ByteaArrayWriter keys, values;
  // An upsert batch is idempotent and atomic, so it is safe to run again after a lost
  // connection.
  return WithConnection(/*idempotent=*/true, [&](pg::Connection& c) -> Status {
    const bool transaction = chunks.size() > 1;
    if (transaction) RETURN_IF_ERROR(c.ExecSql("BEGIN", {}, {}, Deadline()).status());
    for (const auto& [from, to] : chunks) {
      keys.Reset();
      values.Reset();
      for (std::size_t i = from; i < to; ++i) {
        keys.Add(items[order[i]].key);
        values.Add(items[order[i]].value);
      }
      const Param params[] = {P(partition), P(keys.Finish()), P(values.Finish())};
      Status s = c.Exec(statements_[pg::kSetBatch], params, Deadline()).status();
      if (!s.ok()) {
        if (transaction && !c.broken()) (void)c.ExecSql("ROLLBACK", {}, {}, Deadline());
        return s;
      }
    }
    if (transaction) RETURN_IF_ERROR(c.ExecSql("COMMIT", {}, {}, Deadline()).status());
    return Status::OK();
  });
}

Result<std::unique_ptr<Iterator>> PostgresStore::Scan(std::string_view partition,
                                                      std::string_view start_key,
                                                      const ScanOptions& options) {
  if (partition.empty()) return Status::InvalidArgument("kv: partition must not be empty");
  auto it = std::make_unique<PostgresIterator>(*this, std::string(partition), options.page_size);
  it->SeekGE(start_key);
  // A scan that cannot read its first page fails here rather than looking empty.
  RETURN_IF_ERROR(it->status());
  return std::unique_ptr<Iterator>(std::move(it));
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options) {
  if (options.max_connections < 1) {
    return Status::InvalidArgument("postgres: max_connections must be at least 1");
  }
  if (options.connect_timeout.count() <= 0) {
    return Status::InvalidArgument("postgres: connect_timeout must be positive");
  }
  if (options.statement_timeout.count() < 0) {
    return Status::InvalidArgument("postgres: statement_timeout must not be negative");
  }
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.connection_string.c_str(), &error);
  if (parsed == nullptr) {
    std::string detail = error != nullptr ? pg::OneLine(error) : "out of memory";
    if (error != nullptr) PQfreemem(error);
    return Status::InvalidArgument("postgres: invalid connection string: " + detail);
  }
  PQconninfoFree(parsed);
  ASSIGN_OR_RETURN(std::string quoted, pg::QuoteTableName(options.table));

  pg::ConnectOptions connect{options.connection_string, options.connect_timeout,
                             options.statement_timeout};
  auto store = std::make_unique<PostgresStore>(std::move(connect), options.max_connections, quoted);
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace tarn::kv
