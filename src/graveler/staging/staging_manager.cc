#include "graveler/staging/staging_manager.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "common/coding.h"
#include "graveler/staging/staged_iterator.h"
#include "graveler/staging/staged_value.h"

namespace tarn::graveler::staging {
namespace {

constexpr std::string_view kPartitionPrefix = "stg/";

// Bytes assembled on the stack when they fit, which is the common case (a partition name, an
// identity and a catalog entry), and on the heap otherwise: a staged write allocates nothing.
template <std::size_t N>
class Scratch {
 public:
  explicit Scratch(std::size_t size) : size_(size) {
    if (size > N) heap_.resize(size);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  char* data() { return size_ > N ? heap_.data() : stack_; }
  std::string_view view() const { return {size_ > N ? heap_.data() : stack_, size_}; }

 private:
  char stack_[N];
  std::string heap_;
  std::size_t size_;
};

class PartitionName {
 public:
  explicit PartitionName(std::string_view token) : bytes_(kPartitionPrefix.size() + token.size()) {
    char* p = bytes_.data();
    std::memcpy(p, kPartitionPrefix.data(), kPartitionPrefix.size());
    std::memcpy(p + kPartitionPrefix.size(), token.data(), token.size());
  }
  std::string_view view() const { return bytes_.view(); }

 private:
  Scratch<192> bytes_;
};

class EncodedValue {
 public:
  EncodedValue(std::string_view identity, std::string_view data)
      : bytes_(StagedValueSize(identity, data)) {
    EncodeStagedValue(bytes_.data(), identity, data);
  }
  std::string_view view() const { return bytes_.view(); }

 private:
  Scratch<1024> bytes_;
};

Status CheckToken(const StagingToken& token) {
  if (token.empty()) {
    return Status::InvalidArgument(
        "staging: the staging token is empty; use the branch's token (StagingManager::NewToken "
        "makes one)");
  }
  return Status::OK();
}

Status NotAStagedValue(std::string_view partition, std::string_view key) {
  return Status::Corruption("staging: the record of key '" + EscapeBytes(key) +
                            "' in KV partition '" + EscapeBytes(partition) +
                            "' is not a StagedValue; the staging token's data is damaged: reset "
                            "the branch to drop it");
}

// 128 random bits. getrandom(2) keeps no state in the process, so tokens stay unique across
// threads and forked processes; the engine is a fallback for kernels without it.
void RandomBytes(unsigned char* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t got = getrandom(out + done, n - done, 0);
    if (got > 0) {
      done += static_cast<std::size_t>(got);
    } else if (got < 0 && errno != EINTR) {
      break;
    }
  }
  if (done == n) return;
  thread_local std::mt19937_64 engine = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  for (; done < n; ++done) out[done] = static_cast<unsigned char>(engine());
}

}  // namespace

StagingManager::StagingManager(kv::Store& store) : store_(store) {}

StagingToken StagingManager::NewToken(std::string_view repository_uid) {
  unsigned char random[16];
  RandomBytes(random, sizeof(random));
  StagingToken token;
  token.reserve(repository_uid.size() + 1 + 2 * sizeof(random));
  token.append(repository_uid);
  token.push_back('/');
  token.append(HexEncode(std::string_view(reinterpret_cast<const char*>(random), sizeof(random))));
  return token;
}

Result<std::optional<StagedLookup>> StagingManager::Get(const StagingToken& token,
                                                        std::string_view key) {
  RETURN_IF_ERROR(CheckToken(token));
  const PartitionName partition(token);
  auto item = store_.Get(partition.view(), key);
  if (!item.ok()) {
    if (item.status().IsNotFound()) return std::optional<StagedLookup>();
    return std::move(item).status();
  }
  StagedValueView view;
  if (!DecodeStagedValue(item->value, view)) return NotAStagedValue(partition.view(), key);
  Value value{std::string(view.identity), std::string(view.data)};
  // The stored bytes themselves are the predicate: SetIf compares them byte for byte.
  return std::optional<StagedLookup>(
      StagedLookup{std::move(value), kv::Predicate::Value(std::move(item->value))});
}

Status StagingManager::Set(const StagingToken& token, std::string_view key, const Value& value) {
  if (value.identity.empty()) {
    return Status::InvalidArgument(
        "staging: Set needs a value with an identity; stage a deletion with SetTombstone");
  }
  RETURN_IF_ERROR(CheckToken(token));
  const EncodedValue encoded(value.identity, value.data);
  return store_.Set(PartitionName(token).view(), key, encoded.view());
}

Status StagingManager::SetTombstone(const StagingToken& token, std::string_view key) {
  RETURN_IF_ERROR(CheckToken(token));
  // A StagedValue with both fields empty encodes to no bytes at all. The view points at a
  // real (empty) string: a driver may treat a null data pointer as SQL NULL.
  return store_.Set(PartitionName(token).view(), key, std::string_view("", 0));
}

Status StagingManager::SetIf(const StagingToken& token, std::string_view key, const Value& value,
                             const kv::Predicate& predicate) {
  RETURN_IF_ERROR(CheckToken(token));
  const EncodedValue encoded(value.identity, value.identity.empty() ? "" : value.data);
  return store_.SetIf(PartitionName(token).view(), key, encoded.view(), predicate);
}

Status StagingManager::DropKey(const StagingToken& token, std::string_view key) {
  RETURN_IF_ERROR(CheckToken(token));
  return store_.Delete(PartitionName(token).view(), key);
}

Result<std::unique_ptr<ValueIterator>> StagingManager::Scan(const StagingToken& token,
                                                            std::string_view start_key) {
  RETURN_IF_ERROR(CheckToken(token));
  std::string partition(PartitionName(token).view());
  ASSIGN_OR_RETURN(auto it, store_.Scan(partition, start_key));
  return NewStagedIterator(std::move(it), std::move(partition));
}

Result<bool> StagingManager::IsEmpty(const StagingToken& token) {
  RETURN_IF_ERROR(CheckToken(token));
  ASSIGN_OR_RETURN(auto it, store_.Scan(PartitionName(token).view(), {}, {.page_size = 1}));
  if (it->Valid()) return false;
  RETURN_IF_ERROR(it->status());
  return true;
}

Status StagingManager::Drop(const StagingToken& token) {
  RETURN_IF_ERROR(CheckToken(token));
  return store_.DeletePartition(PartitionName(token).view());
}

Result<std::vector<StagingToken>> StagingManager::ListTokens(std::string_view repository_uid) {
  if (repository_uid.empty()) return Status::InvalidArgument("a repository uid is required");
  const std::string prefix = "stg/" + std::string(repository_uid) + "/";
  ASSIGN_OR_RETURN(std::vector<std::string> partitions, store_.ListPartitions());
  std::vector<StagingToken> tokens;
  for (const auto& p : partitions) {
    if (p.compare(0, prefix.size(), prefix) == 0) tokens.push_back(p.substr(4));
  }
  return tokens;
}

}  // namespace tarn::graveler::staging
