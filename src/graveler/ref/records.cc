#include "graveler/ref/records.h"

#include "graveler/ref/ref.pb.h"

namespace tarn::graveler::ref {
namespace {

template <typename Proto>
Status Parse(std::string_view bytes, std::string_view what, Proto& out) {
  if (out.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return Status::OK();
  return Status::Corruption("stored " + std::string(what) +
                            " record does not parse; the refs data is damaged, restore it from "
                            "a dump");
}

std::string Serialize(const google::protobuf::MessageLite& message) {
  std::string out;
  message.SerializeToString(&out);
  return out;
}

}  // namespace

std::string EncodeRepository(const Repository& repo) {
  pb::Repository p;
  p.set_id(repo.id);
  p.set_storage_namespace(repo.storage_namespace);
  p.set_default_branch(repo.default_branch);
  p.set_creation_date(repo.creation_date);
  p.set_read_only(repo.read_only);
  p.set_state(repo.state == Repository::State::kInDeletion ? pb::Repository::IN_DELETION
                                                           : pb::Repository::ACTIVE);
  p.set_instance_uid(repo.instance_uid);
  p.mutable_metadata()->insert(repo.metadata.begin(), repo.metadata.end());
  return Serialize(p);
}

Result<Repository> DecodeRepository(std::string_view bytes) {
  pb::Repository p;
  RETURN_IF_ERROR(Parse(bytes, "repository", p));
  Repository repo;
  repo.id = std::move(*p.mutable_id());
  repo.storage_namespace = std::move(*p.mutable_storage_namespace());
  repo.default_branch = std::move(*p.mutable_default_branch());
  repo.creation_date = p.creation_date();
  repo.read_only = p.read_only();
  repo.state = p.state() == pb::Repository::IN_DELETION ? Repository::State::kInDeletion
                                                        : Repository::State::kActive;
  repo.instance_uid = std::move(*p.mutable_instance_uid());
  repo.metadata.insert(p.metadata().begin(), p.metadata().end());
  return repo;
}

std::string EncodeBranch(const Branch& branch) {
  pb::Branch p;
  p.set_id(branch.id);
  p.set_commit_id(branch.commit_id);
  p.set_staging_token(branch.staging_token);
  for (const StagingToken& t : branch.sealed_tokens) p.add_sealed_tokens(t);
  return Serialize(p);
}

Result<Branch> DecodeBranch(std::string_view bytes) {
  pb::Branch p;
  RETURN_IF_ERROR(Parse(bytes, "branch", p));
  Branch branch;
  branch.id = std::move(*p.mutable_id());
  branch.commit_id = std::move(*p.mutable_commit_id());
  branch.staging_token = std::move(*p.mutable_staging_token());
  branch.sealed_tokens.reserve(p.sealed_tokens_size());
  for (std::string& t : *p.mutable_sealed_tokens()) branch.sealed_tokens.push_back(std::move(t));
  return branch;
}

std::string EncodeTag(const Tag& tag) {
  pb::Tag p;
  p.set_id(tag.id);
  p.set_commit_id(tag.commit_id);
  return Serialize(p);
}

Result<Tag> DecodeTag(std::string_view bytes) {
  pb::Tag p;
  RETURN_IF_ERROR(Parse(bytes, "tag", p));
  return Tag{std::move(*p.mutable_id()), std::move(*p.mutable_commit_id())};
}

std::string EncodeCommit(const Commit& commit) {
  pb::Commit p;
  p.set_id(commit.id);
  for (const CommitId& parent : commit.parents) p.add_parents(parent);
  p.set_metarange_id(commit.metarange_id);
  p.set_message(commit.message);
  p.set_committer(commit.committer);
  p.set_creation_date(commit.creation_date);
  for (const auto& [key, value] : commit.metadata) {
    pb::MetadataEntry* e = p.add_metadata();
    e->set_key(key);
    e->set_value(value);
  }
  p.set_generation(commit.generation);
  return Serialize(p);
}

Result<Commit> DecodeCommit(std::string_view bytes) {
  pb::Commit p;
  RETURN_IF_ERROR(Parse(bytes, "commit", p));
  Commit commit;
  commit.id = std::move(*p.mutable_id());
  commit.parents.reserve(p.parents_size());
  for (std::string& parent : *p.mutable_parents()) commit.parents.push_back(std::move(parent));
  commit.metarange_id = std::move(*p.mutable_metarange_id());
  commit.message = std::move(*p.mutable_message());
  commit.committer = std::move(*p.mutable_committer());
  commit.creation_date = p.creation_date();
  for (pb::MetadataEntry& e : *p.mutable_metadata()) {
    commit.metadata.emplace_hint(commit.metadata.end(), std::move(*e.mutable_key()),
                                 std::move(*e.mutable_value()));
  }
  commit.generation = p.generation();
  return commit;
}

}  // namespace tarn::graveler::ref
