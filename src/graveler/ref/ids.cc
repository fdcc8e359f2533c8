#include "graveler/ref/ids.h"

#include "common/coding.h"
#include "graveler/ref/ref_manager.h"

namespace tarn::graveler::ref {
namespace {

constexpr std::size_t kMaxBranchIdBytes = 256;
constexpr std::size_t kMaxTagIdBytes = 256;

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string Quoted(std::string_view id) { return "'" + EscapeBytes(id) + "'"; }

}  // namespace

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status ValidateCommitId(std::string_view id, std::string_view what) {
  if (IsCommitId(id)) return Status::OK();
  return Status::InvalidArgument(std::string(what) + " " + Quoted(id) +
                                 " is not a commit id: expected 64 lowercase hex characters");
}

std::string RefsPartition(const Repository& repo) {
  std::string out;
  out.reserve(6 + repo.id.size() + repo.instance_uid.size());
  out.append("repo/").append(repo.id).append("/").append(repo.instance_uid);
  return out;
}

std::string KeyOf(std::string_view prefix, std::string_view id) {
  std::string out;
  out.reserve(prefix.size() + id.size());
  out.append(prefix).append(id);
  return out;
}

Status ValidateRepositoryId(std::string_view id) {
  auto bad = [&] {
    return Status::InvalidArgument(
        "repository id " + Quoted(id) +
        " is invalid: use 3-63 characters of a-z, 0-9 and '-', starting with a letter or digit");
  };
  if (id.size() < 3 || id.size() > 63) return bad();
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && !(i > 0 && c == '-')) return bad();
  }
  return Status::OK();
}

Status ValidateBranchId(std::string_view id) {
  if (id.empty() || id.size() > kMaxBranchIdBytes || !IsWordChar(id[0])) {
    return Status::InvalidArgument("branch id " + Quoted(id) +
                                   " is invalid: use 1-256 characters of A-Z, a-z, 0-9, '_' "
                                   "and '-', not starting with '-'");
  }
  for (char c : id) {
    if (!IsWordChar(c) && c != '-') {
      return Status::InvalidArgument("branch id " + Quoted(id) +
                                     " is invalid: only A-Z, a-z, 0-9, '_' and '-' are allowed");
    }
  }
  return Status::OK();
}

Status ValidateTagId(std::string_view id) {
  auto bad = [&](std::string_view rule) {
    return Status::InvalidArgument("tag id " + Quoted(id) + " is invalid: " + std::string(rule));
  };
  if (id.empty()) return bad("it is empty");
  if (id.size() > kMaxTagIdBytes) return bad("it is longer than 256 bytes");
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ') return bad("it holds whitespace or a control character");
    if (std::string_view("~^:?*[\\/@$").find(c) != std::string_view::npos) {
      return bad("none of ~ ^ : ? * [ \\ / @ $ may appear in a tag");
    }
  }
  if (id.find("..") != std::string_view::npos) return bad("'..' may not appear in a tag");
  if (id.front() == '.') return bad("a tag may not start with '.'");
  if (id.back() == '.') return bad("a tag may not end with '.'");
  if (id.ends_with(".lock")) return bad("a tag may not end with '.lock'");
  return Status::OK();
}

}  // namespace tarn::graveler::ref
