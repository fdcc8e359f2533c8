#include "kv/rocksdb/rocksdb_status.h"

#include <string>

namespace tarn::kv {

Status FromRocksStatus(const rocksdb::Status& s, std::string_view path, std::string_view op) {
  if (s.ok()) return Status::OK();
  std::string message = "kv rocksdb ";
  message.append(path).append(": ").append(op).append(": ").append(s.ToString());
  using Code = rocksdb::Status::Code;
  switch (s.code()) {
    case Code::kOk:
      return Status::OK();
    case Code::kNotFound:
      return Status::NotFound(message);
    case Code::kCorruption:
      return Status::Corruption(message);
    case Code::kNotSupported:
      return Status::NotImplemented(message);
    case Code::kInvalidArgument:
      return Status::InvalidArgument(message);
    case Code::kIOError:
      if (s.IsNoSpace()) return Status::IOError(message + " (the disk is full)");
      return Status::IOError(message);
    // Transient by nature: a caller that retries can succeed.
    case Code::kBusy:
    case Code::kTryAgain:
    case Code::kTimedOut:
    case Code::kIncomplete:
      return Status::Unavailable(message);
    case Code::kShutdownInProgress:
      return Status::Cancelled(message);
    case Code::kExpired:
      return Status::DeadlineExceeded(message);
    case Code::kAborted:
      return Status::Conflict(message);
    case Code::kMergeInProgress:
    case Code::kCompactionTooLarge:
    case Code::kColumnFamilyDropped:
    case Code::kMaxCode:
      break;
  }
  return Status::Internal(message);
}

bool IsRocksLockError(const rocksdb::Status& s) {
  if (!s.IsIOError()) return false;
  // RocksDB reports both cases as plain IOErrors; only the wording tells them from others:
  // "While lock file: <path>/LOCK: ..." when another process holds the fcntl lock, and
  // "lock hold by current process ..." when this process already opened the store.
  std::string text = s.ToString();
  return text.find("While lock file") != std::string::npos ||
         text.find("lock hold by current process") != std::string::npos;
}

}  // namespace tarn::kv
