// Checks tarn's S3 signing against botocore, the signer of boto3 and the aws cli.
//
// tests/oracle/s3_signing_oracle.py generates thousands of random requests and botocore's
// signatures for them; this test runs it, then for every case checks that
//   - tarn signs the same request identically (canonical request, signature, headers, URL),
//   - tarn's verifier accepts botocore's request, and
//   - tarn's verifier rejects it after a one-byte change to anything the signature covers.
// aws-chunked bodies (botocore's AwsChunkedWrapper, and signed bodies built by the script from
// the published algorithm) are decoded and, for the signed ones, re-encoded byte for byte.
//
// The test fails when python3 or botocore is missing, unless TARN_SKIP_ORACLE=1. The
// interpreter is TARN_ORACLE_PYTHON, else /usr/bin/python3 (where Debian installs botocore),
// else python3 from PATH.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "common/clock.h"
#include "common/coding.h"
#include "s3/chunked.h"
#include "s3/errors.h"
#include "s3/sigv2.h"
#include "s3/sigv4_signer.h"
#include "s3/sigv4_verifier.h"
#include "s3/test_request.h"
#include "s3/uri_encoding.h"

#ifndef TARN_ORACLE_SCRIPT
#define TARN_ORACLE_SCRIPT "tests/oracle/s3_signing_oracle.py"
#endif

namespace tarn::s3 {
namespace {

using json = nlohmann::json;
using testing::OwnedRequest;

bool SkipRequested() {
  const char* skip = std::getenv("TARN_SKIP_ORACLE");
  return skip != nullptr && std::string_view(skip) == "1";
}

std::string PythonInterpreter() {
  if (const char* python = std::getenv("TARN_ORACLE_PYTHON"); python && *python) return python;
  if (std::filesystem::exists("/usr/bin/python3")) return "/usr/bin/python3";
  return "python3";
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

struct OracleData {
  json cases;
  std::string botocore_version;
};

// Runs the generator once per process; returns null and sets *error when it cannot.
const OracleData* LoadOracle(std::string* error) {
  static std::string load_error;
  static const OracleData* data = []() -> const OracleData* {
    const char* script_env = std::getenv("TARN_ORACLE_SCRIPT");
    std::string script = script_env && *script_env ? script_env : TARN_ORACLE_SCRIPT;
    std::filesystem::path out = std::filesystem::temp_directory_path() /
                                ("tarn_s3_oracle_" + std::to_string(::getpid()) + ".json");
    std::string command = ShellQuote(PythonInterpreter()) + " " + ShellQuote(script) + " --out " +
                          ShellQuote(out.string()) + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
      load_error = "cannot run: " + command;
      return nullptr;
    }
    std::string output;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof(buf), pipe)) output.append(buf, n);
    int rc = ::pclose(pipe);
    if (rc != 0) {
      int code = WIFEXITED(rc) ? WEXITSTATUS(rc) : rc;
      load_error = "the botocore oracle failed (exit status " + std::to_string(code) +
                   "; is python3-botocore installed? set TARN_SKIP_ORACLE=1 to skip):\n" + command +
                   "\n" + output;
      std::filesystem::remove(out);
      return nullptr;
    }
    std::ifstream in(out);
    auto* loaded = new OracleData;
    try {
      json doc = json::parse(in);
      loaded->cases = std::move(doc.at("cases"));
      loaded->botocore_version = doc.at("botocore_version").get<std::string>();
    } catch (const std::exception& e) {
      load_error = std::string("cannot parse the oracle output: ") + e.what();
      delete loaded;
      loaded = nullptr;
    }
    std::filesystem::remove(out);
    return loaded;
  }();
  *error = load_error;
  return data;
}

OwnedRequest RequestOf(const json& c, const char* headers_field = "headers") {
  OwnedRequest r;
  r.method = c.at("method").get<std::string>();
  r.path = c.at("path").get<std::string>();
  r.query = c.at("query").get<std::string>();
  for (const auto& h : c.at(headers_field)) {
    r.headers.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
  }
  if (c.contains("virtual_host_bucket")) {
    r.virtual_host_bucket = c.at("virtual_host_bucket").get<std::string>();
  }
  return r;
}

std::string Field(const json& c, const char* name) { return c.at(name).get<std::string>(); }

std::string Base64Field(const json& c, const char* name) {
  return Base64Decode(Field(c, name)).value();
}

bool BotocoreSkips(std::string_view name) {
  // botocore never signs these; a faithful comparison leaves them out too.
  return EqualsIgnoreCase(name, "user-agent") || EqualsIgnoreCase(name, "expect") ||
         EqualsIgnoreCase(name, "x-amzn-trace-id") || EqualsIgnoreCase(name, "authorization");
}

// Flips one letter or digit of `text` that is not part of a %XX escape, so the decoded value
// changes too. Returns false when there is none.
bool TamperAlnum(std::string& text, std::mt19937& rng, std::size_t from = 0,
                 std::size_t to = std::string::npos) {
  to = std::min(to, text.size());
  std::vector<std::size_t> positions;
  for (std::size_t i = from; i < to; ++i) {
    if (text[i] == '%') {
      i += 2;
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(text[i]))) positions.push_back(i);
  }
  if (positions.empty()) return false;
  char& c = text[positions[rng() % positions.size()]];
  if (c >= '0' && c <= '9') {
    c = c == '9' ? '0' : char(c + 1);
  } else if (c >= 'a' && c <= 'z') {
    c = c == 'z' ? 'a' : char(c + 1);
  } else {
    c = c == 'Z' ? 'A' : char(c + 1);
  }
  return true;
}

std::string* FindHeaderValue(OwnedRequest& r, std::string_view name) {
  for (auto& [n, v] : r.headers) {
    if (EqualsIgnoreCase(n, name)) return &v;
  }
  return nullptr;
}

class Verifier {
 public:
  Verifier(std::string access_key, std::string secret, TimePoint now)
      : clock_(now), lookup_([access_key, secret](std::string_view akid) -> Result<std::string> {
          if (akid == access_key) return secret;
          return Status::NotFound("unknown access key");
        }) {
    options_.region = "";
  }
  Result<AuthResult> V4Header(const OwnedRequest& r) {
    std::vector<Header> storage;
    return VerifySigV4Header(r.View(storage), {clock_, lookup_, options_, nullptr});
  }
  Result<AuthResult> V4Query(const OwnedRequest& r) {
    std::vector<Header> storage;
    return VerifySigV4Presigned(r.View(storage), {clock_, lookup_, options_, nullptr});
  }
  Result<AuthResult> V2Header(const OwnedRequest& r) {
    std::vector<Header> storage;
    return VerifySigV2Header(r.View(storage), {clock_, lookup_, options_, nullptr});
  }
  Result<AuthResult> V2Query(const OwnedRequest& r) {
    std::vector<Header> storage;
    return VerifySigV2Presigned(r.View(storage), {clock_, lookup_, options_, nullptr});
  }
  ManualClock& clock() { return clock_; }

 private:
  ManualClock clock_;
  SecretLookup lookup_;
  VerifierOptions options_;
};

class OracleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (SkipRequested()) GTEST_SKIP() << "TARN_SKIP_ORACLE=1";
    std::string error;
    data_ = LoadOracle(&error);
    ASSERT_NE(data_, nullptr) << error;
  }

  template <typename Fn>
  int ForEach(std::string_view kind, Fn fn) {
    int n = 0;
    for (const json& c : data_->cases) {
      if (c.at("kind").get<std::string>() != kind) continue;
      ++n;
      SCOPED_TRACE("oracle case " + std::to_string(c.at("id").get<int>()) + " (" +
                   std::string(kind) + ", botocore " + data_->botocore_version +
                   "): " + c.dump().substr(0, 1500));
      fn(c);
      if (HasFatalFailure() || ::testing::Test::HasFailure()) break;  // one report is enough
    }
    return n;
  }

  const OracleData* data_ = nullptr;
};

// ---- SigV4, Authorization header ----

TEST_F(OracleTest, SigV4HeaderSignaturesMatchBotocore) {
  int compared = 0, high_level = 0;
  int n = ForEach("v4_header", [&](const json& c) {
    TimePoint when = FromUnixSeconds(c.at("epoch").get<int64_t>());
    std::string amz_date = FormatAmzDate(when);
    CredentialScope scope{amz_date.substr(0, 8), Field(c, "region"), "s3"};
    SigningKey key = DeriveSigningKey(Field(c, "secret_key"), scope);
    OwnedRequest r = RequestOf(c);
    std::erase_if(r.headers, [](const auto& h) { return BotocoreSkips(h.first); });
    std::vector<Header> storage;
    auto sig =
        SignSigV4({r.method, r.path, r.query, r.View(storage).headers, Field(c, "payload_hash")},
                  Field(c, "access_key"), scope, amz_date, key);
    ASSERT_TRUE(sig.ok()) << sig.status().ToString();
    EXPECT_EQ(sig->signed_headers, Field(c, "signed_headers"));
    if (!c.at("normalized").get<bool>()) return;  // botocore signs odd wire bytes verbatim
    ++compared;
    EXPECT_EQ(sig->canonical_request, Field(c, "canonical_request"));
    EXPECT_EQ(sig->signature, Field(c, "signature"));

    if (c.at("date_mode").get<bool>()) return;  // botocore dated it with the Date header
    // The convenience signer, from the request as the client built it.
    OwnedRequest input = RequestOf(c, "input_headers");
    std::erase_if(input.headers, [](const auto& h) { return BotocoreSkips(h.first); });
    SigV4Signer signer({Field(c, "access_key"), Field(c, "secret_key"), Field(c, "token")},
                       {Field(c, "region"), "s3"});
    auto signed_headers = signer.Sign({input.method, input.path, input.query,
                                       input.View(storage).headers, Field(c, "payload_hash")},
                                      when);
    ASSERT_TRUE(signed_headers.ok()) << signed_headers.status().ToString();
    OwnedRequest botocore = RequestOf(c);
    for (const auto& [name, value] : signed_headers->headers) {
      std::string* expected = FindHeaderValue(botocore, name);
      ASSERT_NE(expected, nullptr) << name;
      EXPECT_EQ(value, *expected) << name;
    }
    ++high_level;
  });
  EXPECT_GE(n, 1000);
  EXPECT_GE(compared, n * 3 / 4);
  EXPECT_GE(high_level, n / 2);
  std::printf("[ oracle   ] %d SigV4 header cases, %d compared canonically, %d via SigV4Signer\n",
              n, compared, high_level);
}

TEST_F(OracleTest, SigV4HeaderVerifierAcceptsBotocoreAndRejectsTampering) {
  std::mt19937 rng(1);
  int tampered = 0;
  int n = ForEach("v4_header", [&](const json& c) {
    TimePoint when = FromUnixSeconds(c.at("epoch").get<int64_t>());
    auto skew = std::chrono::seconds(int(rng() % 1681) - 840);  // within +-14 minutes
    Verifier verifier(Field(c, "access_key"), Field(c, "secret_key"), when + skew);
    OwnedRequest r = RequestOf(c);
    auto result = verifier.V4Header(r);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->access_key_id, Field(c, "access_key"));
    EXPECT_EQ(result->session_token, Field(c, "token"));
    EXPECT_EQ(result->signed_at, when);
    EXPECT_EQ(result->scope.region, Field(c, "region"));

    // Two one-byte tampers per case: the signature, then something else it covers.
    for (int round = 0; round < 2; ++round) {
      OwnedRequest t = r;
      std::string* authorization = FindHeaderValue(t, "authorization");
      int kind = round == 0 ? 0 : 1 + int(rng() % 5);
      bool done = false;
      if (kind == 1) {
        std::string signed_list = Field(c, "signed_headers");
        std::vector<std::string> names;
        for (std::size_t p = 0; p <= signed_list.size();) {
          std::size_t q = std::min(signed_list.find(';', p), signed_list.size());
          names.push_back(signed_list.substr(p, q - p));
          p = q + 1;
        }
        std::string* value = FindHeaderValue(t, names[rng() % names.size()]);
        done = value && TamperAlnum(*value, rng);
      } else if (kind == 2) {
        done = TamperAlnum(t.path, rng);
      } else if (kind == 3) {
        done = TamperAlnum(t.query, rng);
      } else if (kind == 4) {
        t.method = t.method == "GET" ? "HEAD" : "GET";
        done = true;
      } else if (kind == 5) {
        done = TamperAlnum(*authorization, rng, authorization->find("Credential="),
                           authorization->find("Signature="));
      }
      if (!done) {
        std::size_t at = authorization->find("Signature=") + 10;
        done = TamperAlnum(*authorization, rng, at);
      }
      ASSERT_TRUE(done);
      auto bad = verifier.V4Header(t);
      EXPECT_FALSE(bad.ok()) << "tamper kind " << kind << " accepted";
      ++tampered;
    }
  });
  EXPECT_GE(n, 1000);
  std::printf("[ oracle   ] %d SigV4 header requests verified, %d tampered copies rejected\n", n,
              tampered);
}

TEST_F(OracleTest, SigV4HeaderVerifierEnforcesClockSkew) {
  int n = ForEach("v4_header", [&](const json& c) {
    TimePoint when = FromUnixSeconds(c.at("epoch").get<int64_t>());
    Verifier late(Field(c, "access_key"), Field(c, "secret_key"),
                  when + std::chrono::minutes(15) + std::chrono::seconds(1));
    EXPECT_EQ(S3CodeOf(late.V4Header(RequestOf(c)).status()), S3ErrorCode::kRequestTimeTooSkewed);
  });
  EXPECT_GE(n, 1000);
}

// ---- SigV4, presigned URLs ----

TEST_F(OracleTest, PresignedUrlsMatchBotocore) {
  int n = ForEach("v4_presign", [&](const json& c) {
    TimePoint when = FromUnixSeconds(c.at("epoch").get<int64_t>());
    SigV4Signer signer({Field(c, "access_key"), Field(c, "secret_key"), Field(c, "token")},
                       {Field(c, "region"), "s3"});
    OwnedRequest r = RequestOf(c);
    std::vector<Header> storage;
    auto url =
        signer.Presign({r.method, r.path, Field(c, "operation_query"), r.View(storage).headers,
                        std::chrono::seconds(c.at("expires").get<int64_t>())},
                       when);
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    EXPECT_EQ(url->signature.canonical_request, Field(c, "canonical_request"));
    EXPECT_EQ(url->signature.signature, Field(c, "signature"));
    EXPECT_EQ(url->query, Field(c, "query"));
  });
  EXPECT_GE(n, 1000);
  std::printf("[ oracle   ] %d presigned URLs signed identically\n", n);
}

TEST_F(OracleTest, PresignedVerifierAcceptsBotocoreAndRejectsTamperingAndExpiry) {
  std::mt19937 rng(2);
  int tampered = 0;
  int n = ForEach("v4_presign", [&](const json& c) {
    TimePoint when = FromUnixSeconds(c.at("epoch").get<int64_t>());
    int64_t expires = c.at("expires").get<int64_t>();
    Verifier verifier(Field(c, "access_key"), Field(c, "secret_key"),
                      when + std::chrono::seconds(int64_t(rng() % (expires + 1))));
    OwnedRequest r = RequestOf(c);
    auto result = verifier.V4Query(r);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->access_key_id, Field(c, "access_key"));
    EXPECT_EQ(result->session_token, Field(c, "token"));
    EXPECT_EQ(result->payload_mode, PayloadMode::kUnsigned);

    for (int round = 0; round < 2; ++round) {
      OwnedRequest t = r;
      int kind = round == 0 ? 0 : 1 + int(rng() % 4);
      bool done = false;
      if (kind == 1) {
        done = TamperAlnum(t.path, rng);
      } else if (kind == 2) {
        done = TamperAlnum(t.query, rng, 0, t.query.find("X-Amz-Signature="));
      } else if (kind == 3) {
        t.method = t.method == "GET" ? "PUT" : "GET";
        done = true;
      } else if (kind == 4) {
        std::string* value = FindHeaderValue(t, "host");
        done = value && TamperAlnum(*value, rng);
      }
      if (!done) done = TamperAlnum(t.query, rng, t.query.find("X-Amz-Signature=") + 16);
      ASSERT_TRUE(done);
      EXPECT_FALSE(verifier.V4Query(t).ok()) << "tamper kind " << kind << " accepted";
      ++tampered;
    }
    verifier.clock() = ManualClock(when + std::chrono::seconds(expires + 1));
    auto expired = verifier.V4Query(r);
    EXPECT_EQ(S3CodeOf(expired.status()), S3ErrorCode::kAccessDenied);
  });
  EXPECT_GE(n, 1000);
  std::printf("[ oracle   ] %d presigned URLs verified, %d tampered copies rejected\n", n,
              tampered);
}

// ---- SigV2 ----

TEST_F(OracleTest, SigV2HeaderMatchesBotocoreHmacV1Auth) {
  std::mt19937 rng(3);
  int signed_count = 0, tampered = 0;
  int n = ForEach("v2_header", [&](const json& c) {
    TimePoint when = FromUnixSeconds(c.at("epoch").get<int64_t>());
    Credentials creds{Field(c, "access_key"), Field(c, "secret_key"), Field(c, "token")};
    if (!c.at("with_amz_date").get<bool>()) {
      OwnedRequest input = RequestOf(c, "input_headers");
      std::vector<Header> storage;
      auto sig = SignSigV2Header(input.View(storage), creds, when);
      EXPECT_EQ(sig.authorization, Field(c, "authorization")) << sig.string_to_sign;
      ++signed_count;
    }
    Verifier verifier(creds.access_key_id, creds.secret_access_key,
                      when + std::chrono::seconds(int(rng() % 600) - 300));
    OwnedRequest r = RequestOf(c);
    auto result = verifier.V2Header(r);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->access_key_id, creds.access_key_id);

    OwnedRequest t = r;
    int kind = int(rng() % 5);
    bool done = false;
    if (kind == 1) {
      done = TamperAlnum(t.path, rng);
    } else if (kind == 2) {
      t.method = t.method == "GET" ? "PUT" : "GET";
      done = true;
    } else if (kind == 3) {
      std::vector<std::string*> signed_values;
      for (auto& [name, value] : t.headers) {
        if (StartsWithIgnoreCase(name, "x-amz-") || EqualsIgnoreCase(name, "content-type") ||
            EqualsIgnoreCase(name, "content-md5") || EqualsIgnoreCase(name, "date")) {
          signed_values.push_back(&value);
        }
      }
      if (!signed_values.empty()) {
        done = TamperAlnum(*signed_values[rng() % signed_values.size()], rng);
      }
    } else if (kind == 4) {
      // Only sub-resources are signed in SigV2; tamper inside one of them.
      std::size_t start = 0;
      while (start < t.query.size() && !done) {
        std::size_t end = std::min(t.query.find('&', start), t.query.size());
        std::string name = t.query.substr(
            start, t.query.find('=', start) < end ? t.query.find('=', start) - start : end - start);
        auto subs = SigV2SubResources();
        if (std::find(subs.begin(), subs.end(), name) != subs.end()) {
          done = TamperAlnum(t.query, rng, start, end);
        }
        start = end + 1;
      }
    }
    if (!done) {
      std::string* authorization = FindHeaderValue(t, "authorization");
      done = TamperAlnum(*authorization, rng, authorization->find(':'));
    }
    ASSERT_TRUE(done);
    EXPECT_FALSE(verifier.V2Header(t).ok()) << "tamper kind " << kind << " accepted";
    ++tampered;
  });
  EXPECT_GE(n, 500);
  EXPECT_GE(signed_count, n * 3 / 4);
  std::printf(
      "[ oracle   ] %d SigV2 header cases: %d signed identically, %d verified, %d "
      "tampered copies rejected\n",
      n, signed_count, n, tampered);
}

TEST_F(OracleTest, SigV2QueryMatchesBotocoreHmacV1QueryAuth) {
  std::mt19937 rng(4);
  int tampered = 0;
  int n = ForEach("v2_query", [&](const json& c) {
    TimePoint expires = FromUnixSeconds(c.at("expires").get<int64_t>());
    Credentials creds{Field(c, "access_key"), Field(c, "secret_key"), Field(c, "token")};
    OwnedRequest input = RequestOf(c, "input_headers");
    input.query = Field(c, "original_query");
    std::vector<Header> storage;
    auto presigned = PresignSigV2(input.View(storage), creds, expires);
    EXPECT_EQ(presigned.signature, *UriDecode(Field(c, "signature"), false))
        << presigned.string_to_sign;

    // What a browser sends for the URL: the path, the query and Host.
    OwnedRequest r;
    r.method = Field(c, "method");
    r.path = Field(c, "path");
    r.query = Field(c, "query");
    r.virtual_host_bucket = Field(c, "virtual_host_bucket");
    r.headers = {{"Host", Field(c, "host")}};
    Verifier verifier(creds.access_key_id, creds.secret_access_key,
                      expires - std::chrono::seconds(int(rng() % 3600)));
    auto result = verifier.V2Query(r);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->session_token, creds.session_token);

    OwnedRequest t = r;
    int kind = int(rng() % 4);
    bool done = false;
    if (kind == 1) {
      done = TamperAlnum(t.path, rng);
    } else if (kind == 2) {
      t.method = t.method == "GET" ? "PUT" : "GET";
      done = true;
    } else if (kind == 3) {
      std::size_t at = t.query.find("Expires=");
      done = TamperAlnum(t.query, rng, at + 8, t.query.find('&', at));
    }
    if (!done) {
      std::size_t at = t.query.find("Signature=");
      done = TamperAlnum(t.query, rng, at + 10, t.query.find('&', at));
    }
    ASSERT_TRUE(done);
    EXPECT_FALSE(verifier.V2Query(t).ok()) << "tamper kind " << kind << " accepted";
    ++tampered;
    verifier.clock().Advance(std::chrono::hours(2));
    EXPECT_EQ(S3CodeOf(verifier.V2Query(r).status()), S3ErrorCode::kAccessDenied);
  });
  EXPECT_GE(n, 300);
  std::printf(
      "[ oracle   ] %d SigV2 presigned URLs signed and verified, %d tampered copies "
      "rejected\n",
      n, tampered);
}

// ---- aws-chunked ----

Result<std::string> DecodeWithRandomSplits(const ChunkedDecoderOptions& options,
                                           std::string_view body, std::mt19937& rng) {
  ASSIGN_OR_RETURN(auto decoder, ChunkedDecoder::Create(options));
  std::string out;
  while (!body.empty()) {
    std::size_t n = std::min<std::size_t>(1 + rng() % 4000, body.size());
    std::string_view piece = body.substr(0, n);
    body.remove_prefix(n);
    while (!piece.empty()) {
      ASSIGN_OR_RETURN(std::string_view payload, decoder->Decode(&piece));
      out.append(payload);
    }
  }
  RETURN_IF_ERROR(decoder->Finish());
  return out;
}

TEST_F(OracleTest, DecodesBotocoreAwsChunkedBodies) {
  std::mt19937 rng(5);
  int n = ForEach("chunked_unsigned", [&](const json& c) {
    TimePoint when = FromUnixSeconds(c.at("epoch").get<int64_t>());
    Verifier verifier(Field(c, "access_key"), Field(c, "secret_key"), when);
    OwnedRequest r = RequestOf(c);
    auto auth = verifier.V4Header(r);
    ASSERT_TRUE(auth.ok()) << auth.status().ToString();
    ASSERT_EQ(auth->payload_mode, PayloadMode::kStreamingUnsignedTrailer);
    std::vector<Header> storage;
    auto options = ChunkedDecoderOptionsFor(*auth, r.View(storage).headers);
    ASSERT_TRUE(options.ok()) << options.status().ToString();
    std::string body = Base64Field(c, "body");
    std::string payload = Base64Field(c, "payload");
    auto decoded = DecodeWithRandomSplits(*options, body, rng);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, payload);
    if (!payload.empty()) {
      std::string bad = body;
      bad[bad.find("\r\n") + 2] ^= 0x20;  // the first payload byte
      EXPECT_EQ(S3CodeOf(DecodeWithRandomSplits(*options, bad, rng).status()),
                S3ErrorCode::kBadDigest);
    }
    std::string bad_trailer = body;
    std::size_t at = bad_trailer.find("x-amz-checksum-");
    at = bad_trailer.find(':', at) + 1;
    bad_trailer[at] = bad_trailer[at] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(DecodeWithRandomSplits(*options, bad_trailer, rng).ok());
  });
  EXPECT_GE(n, 50);
  std::printf("[ oracle   ] %d botocore aws-chunked bodies decoded\n", n);
}

TEST_F(OracleTest, SignedAwsChunkedBodiesDecodeAndReencodeIdentically) {
  std::mt19937 rng(6);
  int n = ForEach("chunked_signed", [&](const json& c) {
    TimePoint when = FromUnixSeconds(c.at("epoch").get<int64_t>());
    Verifier verifier(Field(c, "access_key"), Field(c, "secret_key"), when);
    OwnedRequest r = RequestOf(c);
    auto auth = verifier.V4Header(r);
    ASSERT_TRUE(auth.ok()) << auth.status().ToString();
    ASSERT_TRUE(auth->chunk_signing.has_value());
    EXPECT_EQ(auth->chunk_signing->seed_signature, Field(c, "seed_signature"));
    std::vector<Header> storage;
    auto options = ChunkedDecoderOptionsFor(*auth, r.View(storage).headers);
    ASSERT_TRUE(options.ok()) << options.status().ToString();
    std::string body = Base64Field(c, "body");
    std::string payload = Base64Field(c, "payload");
    auto decoded = DecodeWithRandomSplits(*options, body, rng);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, payload);

    ChunkedEncoderOptions encode{auth->payload_mode, auth->chunk_signing, std::nullopt};
    if (!Field(c, "trailer_checksum").empty()) {
      encode.trailer_checksum = ChecksumAlgorithmFromHeader(Field(c, "trailer_checksum"));
    }
    auto encoded = EncodeChunkedBody(encode, payload, c.at("chunk_size").get<uint64_t>());
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(*encoded, body);
    EXPECT_EQ(
        ChunkedEncoder::EncodedLength(encode, payload.size(), c.at("chunk_size").get<uint64_t>()),
        body.size());
    if (!payload.empty()) {
      std::string bad = body;
      bad[bad.find("\r\n") + 2] ^= 0x01;
      EXPECT_EQ(S3CodeOf(DecodeWithRandomSplits(*options, bad, rng).status()),
                S3ErrorCode::kSignatureDoesNotMatch);
    }
  });
  EXPECT_GE(n, 50);
  std::printf("[ oracle   ] %d signed aws-chunked bodies decoded and re-encoded\n", n);
}

}  // namespace
}  // namespace tarn::s3
