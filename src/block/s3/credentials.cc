// Credential resolution for the S3 adapter: options, then environment, then the shared
// credentials file, as the AWS CLI and SDKs do for static credentials.
#include <fstream>
#include <sstream>
#include <string_view>

#include "block/s3/s3_adapter.h"

namespace tarn::block {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Lookup(const std::map<std::string, std::string>& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

// The keys of section `profile` in an INI-style credentials file.
Result<std::map<std::string, std::string>> ReadProfile(std::string_view text,
                                                       std::string_view profile) {
  std::map<std::string, std::string> values;
  bool in_profile = false;
  int line_number = 0;
  while (!text.empty()) {
    auto eol = text.find('\n');
    std::string_view line = Trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_number;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') {
        return Status::InvalidArgument("AWS credentials file, line " + std::to_string(line_number) +
                                       ": unterminated section");
      }
      std::string_view name = Trim(line.substr(1, line.size() - 2));
      // The config file spells non-default sections "profile NAME"; accept it here too.
      if (name.starts_with("profile ")) name = Trim(name.substr(8));
      in_profile = name == profile;
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument("AWS credentials file, line " + std::to_string(line_number) +
                                     ": expected key = value");
    }
    if (in_profile) {
      values[std::string(Trim(line.substr(0, eq)))] = std::string(Trim(line.substr(eq + 1)));
    }
  }
  return values;
}

}  // namespace

Result<S3Options> ResolveS3Credentials(S3Options options, const S3CredentialSources& sources) {
  const auto& env = sources.environment;
  if (options.region.empty()) options.region = Lookup(env, "AWS_REGION");
  if (options.region.empty()) options.region = Lookup(env, "AWS_DEFAULT_REGION");
  if (options.region.empty()) options.region = "us-east-1";

  if (!options.access_key_id.empty() && !options.secret_access_key.empty()) return options;

  std::string key_id = Lookup(env, "AWS_ACCESS_KEY_ID");
  std::string secret = Lookup(env, "AWS_SECRET_ACCESS_KEY");
  if (!key_id.empty() && !secret.empty()) {
    options.access_key_id = key_id;
    options.secret_access_key = secret;
    options.session_token = Lookup(env, "AWS_SESSION_TOKEN");
    return options;
  }

  std::string profile = sources.profile;
  if (profile.empty()) profile = Lookup(env, "AWS_PROFILE");
  if (profile.empty()) profile = "default";
  if (sources.credentials_file) {
    ASSIGN_OR_RETURN(auto values, ReadProfile(*sources.credentials_file, profile));
    key_id = values["aws_access_key_id"];
    secret = values["aws_secret_access_key"];
    if (!key_id.empty() && !secret.empty()) {
      options.access_key_id = key_id;
      options.secret_access_key = secret;
      options.session_token = values["aws_session_token"];
      return options;
    }
  }
  return Status::InvalidArgument(
      "no S3 credentials: set the access key id and secret in the configuration, or "
      "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or profile '" +
      profile + "' in the shared credentials file" +
      (sources.credentials_file ? "" : " (no credentials file was found)"));
}

std::optional<std::string> ReadSharedCredentialsFile(
    const std::map<std::string, std::string>& environment) {
  std::string path;
  if (auto it = environment.find("AWS_SHARED_CREDENTIALS_FILE"); it != environment.end()) {
    path = it->second;
  } else if (auto home = environment.find("HOME"); home != environment.end()) {
    path = home->second + "/.aws/credentials";
  }
  if (path.empty()) return std::nullopt;
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace tarn::block
