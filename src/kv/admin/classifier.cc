#include "kv/admin/classifier.h"

#include <algorithm>
#include <limits>

#include "common/coding.h"

namespace tarn::kv {
namespace {

constexpr std::size_t kMaxFallbackKinds = 256;
constexpr std::size_t kMaxSegmentDisplay = 64;

}  // namespace

bool RecordClassifier::Pattern::Matches(std::string_view partition) const {
  return is_prefix ? partition.starts_with(text) : partition == text;
}

std::size_t RecordClassifier::Pattern::Specificity() const {
  return is_prefix ? text.size() : std::numeric_limits<std::size_t>::max();
}

Status RecordClassifier::ParsePattern(std::string_view pattern, Pattern* out) {
  if (pattern.empty()) return Status::InvalidArgument("kv stats: empty partition pattern");
  const bool is_prefix = pattern.back() == '*';
  if (is_prefix) pattern.remove_suffix(1);
  if (pattern.find('*') != std::string_view::npos) {
    return Status::InvalidArgument("kv stats: partition pattern \"" + EscapeBytes(pattern) +
                                   "\": '*' is allowed only at the end");
  }
  out->text = std::string(pattern);
  out->is_prefix = is_prefix;
  return Status::OK();
}

Status RecordClassifier::AddPartitionClass(std::string_view partition_pattern,
                                           std::string_view class_name) {
  if (class_name.empty()) return Status::InvalidArgument("kv stats: empty partition class");
  ClassRule rule;
  RETURN_IF_ERROR(ParsePattern(partition_pattern, &rule.pattern));
  rule.class_name = std::string(class_name);
  class_rules_.push_back(std::move(rule));
  return Status::OK();
}

Status RecordClassifier::AddKind(std::string_view partition_pattern, std::string_view key_prefix,
                                 std::string_view kind) {
  if (kind.empty()) return Status::InvalidArgument("kv stats: empty record kind");
  KindRule rule;
  RETURN_IF_ERROR(ParsePattern(partition_pattern, &rule.pattern));
  rule.key_prefix = std::string(key_prefix);
  rule.kind = std::string(kind);
  kind_rules_.push_back(std::move(rule));
  return Status::OK();
}

std::string RecordClassifier::PartitionClass(std::string_view partition) const {
  const ClassRule* best = nullptr;
  for (const ClassRule& rule : class_rules_) {
    if (!rule.pattern.Matches(partition)) continue;
    if (best == nullptr || rule.pattern.Specificity() > best->pattern.Specificity()) best = &rule;
  }
  if (best != nullptr) return best->class_name;
  const std::size_t cut = partition.find_first_of("/:");
  return EscapeBytes(partition.substr(0, cut), std::numeric_limits<std::size_t>::max());
}

RecordClassifier::PartitionClassifier RecordClassifier::ForPartition(
    std::string_view partition) const {
  PartitionClassifier out;
  out.class_ = PartitionClass(partition);
  out.other_ = out.class_ + "/(other)";
  std::vector<const KindRule*> applicable;
  for (const KindRule& rule : kind_rules_) {
    if (rule.pattern.Matches(partition)) applicable.push_back(&rule);
  }
  // Stable, so registration order breaks the remaining ties.
  std::stable_sort(applicable.begin(), applicable.end(), [](const KindRule* a, const KindRule* b) {
    if (a->key_prefix.size() != b->key_prefix.size()) {
      return a->key_prefix.size() > b->key_prefix.size();
    }
    return a->pattern.Specificity() > b->pattern.Specificity();
  });
  for (const KindRule* rule : applicable) out.rules_.emplace_back(rule->key_prefix, rule->kind);
  return out;
}

std::string_view RecordClassifier::PartitionClassifier::KindOf(std::string_view key) {
  for (const auto& [prefix, kind] : rules_) {
    if (key.starts_with(prefix)) return kind;
  }
  const std::size_t slash = key.find('/');
  const std::string_view segment = slash == std::string_view::npos ? "*" : key.substr(0, slash);
  auto it = fallback_.find(segment);
  if (it != fallback_.end()) return it->second;
  if (fallback_.size() >= kMaxFallbackKinds) return other_;
  std::string kind = class_ + "/" +
                     (slash == std::string_view::npos ? std::string("*")
                                                      : EscapeBytes(segment, kMaxSegmentDisplay));
  return fallback_.emplace(std::string(segment), std::move(kind)).first->second;
}

std::string RecordClassifier::KindOf(std::string_view partition, std::string_view key) const {
  PartitionClassifier c = ForPartition(partition);
  return std::string(c.KindOf(key));
}

}  // namespace tarn::kv
