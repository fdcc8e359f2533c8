// RecordClassifier: names the kind of a KV record ("repository", "branch", "user", ...) from its
// partition and key, so `tarn kv stats` can say where the space goes.
//
// Modules that own KV records register rules for them (e.g. graveler registers partition
// "graveler" + key prefix "repos/" -> "repository"); whatever no rule covers gets a fallback kind,
// "<partition class>/<first key segment>", so stats are informative before anything is
// registered.
//
// Partition patterns: an exact partition name, or a prefix followed by a single trailing '*'
// ("staging:*"); "*" alone matches every partition. '*' anywhere else is refused.
//
// Partition class: the class of the most specific matching AddPartitionClass rule (an exact
// pattern beats any prefix pattern, a longer prefix beats a shorter one, then the first
// registered); without one, the partition name up to its first '/' or ':' (the whole name when
// it has neither), with non-printable bytes escaped as \xNN.
//
// Kind: among the AddKind rules whose partition pattern matches and whose key prefix starts the
// key, the one with the longest key prefix, then the most specific partition pattern, then the
// first registered. Without one: "<partition class>/<segment>" where the segment is the key up
// to its first '/', escaped and cut to 64 bytes, or "*" for keys without '/'. To keep the output
// bounded, a partition contributes at most 256 fallback kinds; further segments count as
// "<partition class>/(other)".
//
// Thread safety: Add* must not run concurrently with anything else; once set up, the const
// methods may be called from any number of threads. A PartitionClassifier is used by one
// thread and must not outlive its RecordClassifier.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tarn/status.h"

namespace tarn::kv {

class RecordClassifier {
 public:
  RecordClassifier() = default;

  // Partitions matching `partition_pattern` belong to class `class_name`.
  // Errors: InvalidArgument for a malformed pattern or an empty class name.
  Status AddPartitionClass(std::string_view partition_pattern, std::string_view class_name);

  // Records in partitions matching `partition_pattern` whose key starts with `key_prefix` (any
  // key when empty) are of kind `kind`.
  // Errors: InvalidArgument for a malformed pattern or an empty kind name.
  Status AddKind(std::string_view partition_pattern, std::string_view key_prefix,
                 std::string_view kind);

  std::string PartitionClass(std::string_view partition) const;

  // Classifies the records of one partition; the rules that can apply are chosen once, so
  // classifying a key costs a few prefix comparisons and no allocation once its kind was seen.
  class PartitionClassifier {
   public:
    const std::string& partition_class() const { return class_; }
    // The kind of `key`; the view is valid until this object is destroyed or moved.
    std::string_view KindOf(std::string_view key);

   private:
    friend class RecordClassifier;
    std::string class_;
    std::vector<std::pair<std::string, std::string>> rules_;    // (key prefix, kind), best first
    std::map<std::string, std::string, std::less<>> fallback_;  // segment -> kind
    std::string other_;
  };
  PartitionClassifier ForPartition(std::string_view partition) const;

  // The kind of one record (convenience for tests and one-offs; allocates).
  std::string KindOf(std::string_view partition, std::string_view key) const;

 private:
  struct Pattern {
    std::string text;  // without the trailing '*'
    bool is_prefix = false;
    bool Matches(std::string_view partition) const;
    // Orders patterns: exact beats prefix, longer prefix beats shorter.
    std::size_t Specificity() const;
  };
  static Status ParsePattern(std::string_view pattern, Pattern* out);

  struct ClassRule {
    Pattern pattern;
    std::string class_name;
  };
  struct KindRule {
    Pattern pattern;
    std::string key_prefix;
    std::string kind;
  };
  std::vector<ClassRule> class_rules_;
  std::vector<KindRule> kind_rules_;
};

}  // namespace tarn::kv
