// RequestBody: the request body with every content check S3 makes (see context.h).
#include <charconv>
#include <cstring>

#include "block/etag.h"
#include "common/coding.h"
#include "gateway/context.h"
#include "s3/checksum.h"
#include "s3/chunked.h"

namespace tarn::gateway {

using s3::S3Error;
using s3::S3ErrorCode;

struct RequestBody::Impl {
  std::shared_ptr<http::BodyReader> source;
  uint64_t max_bytes = 0;
  std::optional<uint64_t> declared;  // decoded size, when known
  uint64_t delivered = 0;
  bool finished = false;

  std::unique_ptr<s3::ChunkedDecoder> chunked;
  std::string raw;           // undecoded aws-chunked input
  std::string_view pending;  // its unconsumed part
  bool source_done = false;

  std::optional<s3::PayloadVerifier> sha256;
  std::optional<block::Md5> md5;
  std::string expected_md5;  // binary
  std::optional<s3::Checksum> checksum;
  std::string expected_checksum;  // base64, from the header
  std::string md5_hex;

  void Observe(std::string_view bytes) {
    if (sha256) sha256->Update(bytes);
    if (md5) md5->Update(bytes);
    if (checksum) checksum->Update(bytes);
  }

  Status SourceError(const Status& s) {
    if (s.code() == StatusCode::kCancelled) {
      return S3Error(
          S3ErrorCode::kIncompleteBody,
          "the request body ended before its declared length: " + std::string(s.message()));
    }
    if (s.code() == StatusCode::kDeadlineExceeded) {
      return S3Error(S3ErrorCode::kRequestTimeout,
                     "the client stopped sending the request body: " + std::string(s.message()));
    }
    if (s.code() == StatusCode::kInvalidArgument &&
        s.message().find("too large") != std::string_view::npos) {
      return S3Error(S3ErrorCode::kEntityTooLarge, s.message());
    }
    return s;
  }

  // Every check that needs the whole body.
  Status Finish() {
    finished = true;
    if (chunked) {
      Status s = chunked->Finish();
      if (!s.ok()) return s;
      // A checksum trailer is verified by the decoder.
    }
    if (declared && delivered != *declared) {
      return S3Error(S3ErrorCode::kIncompleteBody,
                     "the request body has " + std::to_string(delivered) + " bytes but declared " +
                         std::to_string(*declared));
    }
    if (sha256) RETURN_IF_ERROR(sha256->Finish());
    if (md5) {
      auto digest = md5->Finish();
      md5_hex = block::Md5Hex(digest);
      if (!expected_md5.empty() &&
          std::memcmp(digest.data(), expected_md5.data(), digest.size()) != 0) {
        return S3Error(S3ErrorCode::kBadDigest,
                       "the Content-MD5 you specified did not match what was received");
      }
    }
    if (checksum) {
      std::string got = checksum->FinishBase64();
      if (got != expected_checksum) {
        return S3Error(S3ErrorCode::kBadDigest,
                       "the " + std::string(s3::ChecksumHeaderName(checksum->algorithm())) +
                           " you specified did not match the calculated checksum");
      }
    }
    return Status::OK();
  }

  Result<std::size_t> ReadPlain(std::span<char> out) {
    if (!source) return std::size_t{0};
    auto n = source->Read(out);
    if (!n.ok()) return SourceError(n.status());
    return *n;
  }

  Result<std::size_t> ReadChunked(std::span<char> out) {
    for (;;) {
      if (pending.empty() && !source_done) {
        raw.resize(64 * 1024);
        auto n = source ? source->Read(std::span<char>(raw.data(), raw.size()))
                        : Result<std::size_t>(std::size_t{0});
        if (!n.ok()) return SourceError(n.status());
        if (*n == 0) {
          source_done = true;
          raw.clear();
        } else {
          raw.resize(*n);
        }
        pending = raw;
      }
      if (pending.empty()) return std::size_t{0};
      // Decode at most what fits in `out`: the decoder hands back views into `pending`.
      std::string_view window = pending;
      auto bytes = chunked->Decode(&window);
      if (!bytes.ok()) return bytes.status();
      if (bytes->size() > out.size()) {
        // Give back what does not fit: rewind by re-decoding is not possible, so copy the
        // tail into a carry buffer.
        std::memcpy(out.data(), bytes->data(), out.size());
        carry.assign(bytes->data() + out.size(), bytes->size() - out.size());
        pending = window;
        return out.size();
      }
      pending = window;
      if (!bytes->empty()) {
        std::memcpy(out.data(), bytes->data(), bytes->size());
        return bytes->size();
      }
    }
  }

  std::string carry;  // decoded bytes that did not fit the caller's buffer
  std::size_t carry_pos = 0;
};

RequestBody::RequestBody(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RequestBody::~RequestBody() = default;

Result<std::unique_ptr<RequestBody>> RequestBody::Open(const Context& context, uint64_t max_bytes) {
  const http::Request& request = context.request;
  auto impl = std::make_unique<Impl>();
  impl->source = request.body;
  impl->max_bytes = max_bytes;

  const auto& auth = context.auth;
  bool aws_chunked = s3::IsStreaming(auth.payload_mode);
  if (!aws_chunked && auth.method != s3::AuthMethod::kSigV4Header &&
      auth.method != s3::AuthMethod::kSigV4Query) {
    // SigV2 and presigned requests may still declare a streaming body.
    auto sha = request.header("x-amz-content-sha256");
    aws_chunked = sha.starts_with("STREAMING-");
  }
  if (aws_chunked) {
    std::vector<s3::Header> headers;
    headers.reserve(request.headers.size());
    for (const auto& h : request.headers) headers.push_back({h.name, h.value});
    s3::AuthResult effective = auth;
    if (!s3::IsStreaming(effective.payload_mode)) {
      effective.payload_mode = s3::PayloadMode::kStreamingUnsignedTrailer;
    }
    ASSIGN_OR_RETURN(auto options, s3::ChunkedDecoderOptionsFor(effective, headers));
    impl->declared = options.decoded_content_length;
    ASSIGN_OR_RETURN(impl->chunked, s3::ChunkedDecoder::Create(std::move(options)));
  } else {
    impl->declared = request.content_length;
    if (!impl->declared && request.header("transfer-encoding").empty() && request.body != nullptr) {
      return S3Error(S3ErrorCode::kMissingContentLength, "send the body's size in Content-Length");
    }
    if (auth.payload_mode == s3::PayloadMode::kSignedHash && !auth.payload_sha256.empty()) {
      impl->sha256.emplace(auth.payload_sha256);
    }
  }
  if (impl->declared && *impl->declared > max_bytes) {
    return S3Error(S3ErrorCode::kEntityTooLarge, "the body of " + std::to_string(*impl->declared) +
                                                     " bytes exceeds the maximum of " +
                                                     std::to_string(max_bytes) +
                                                     " (use a multipart upload)");
  }

  auto content_md5 = request.header("content-md5");
  if (!content_md5.empty()) {
    auto decoded = Base64Decode(content_md5);
    if (!decoded || decoded->size() != 16) {
      return S3Error(S3ErrorCode::kInvalidDigest,
                     "the Content-MD5 you specified is not the base64 of 16 bytes");
    }
    impl->expected_md5 = std::move(*decoded);
    impl->md5.emplace();
  }
  // A checksum sent as a header (a trailer one is the chunked decoder's business).
  for (const auto& h : request.headers) {
    if (!s3::StartsWithIgnoreCase(h.name, "x-amz-checksum-")) continue;
    auto algorithm = s3::ChecksumAlgorithmFromHeader(s3::ToLowerAscii(h.name));
    if (!algorithm) continue;  // x-amz-checksum-algorithm, x-amz-checksum-type, ...
    impl->checksum.emplace(*algorithm);
    impl->expected_checksum = h.value;
    break;
  }
  return std::unique_ptr<RequestBody>(new RequestBody(std::move(impl)));
}

Result<std::size_t> RequestBody::Read(std::span<char> out) {
  Impl& d = *impl_;
  if (d.finished || out.empty()) return std::size_t{0};
  std::size_t n = 0;
  if (d.carry_pos < d.carry.size()) {
    n = std::min(out.size(), d.carry.size() - d.carry_pos);
    std::memcpy(out.data(), d.carry.data() + d.carry_pos, n);
    d.carry_pos += n;
    if (d.carry_pos == d.carry.size()) {
      d.carry.clear();
      d.carry_pos = 0;
    }
  } else {
    ASSIGN_OR_RETURN(n, d.chunked ? d.ReadChunked(out) : d.ReadPlain(out));
  }
  if (n == 0) {
    RETURN_IF_ERROR(d.Finish());
    return std::size_t{0};
  }
  d.delivered += n;
  if (d.delivered > d.max_bytes) {
    return S3Error(S3ErrorCode::kEntityTooLarge, "the body exceeds the maximum of " +
                                                     std::to_string(d.max_bytes) +
                                                     " bytes (use a multipart upload)");
  }
  if (d.declared && d.delivered > *d.declared) {
    return S3Error(S3ErrorCode::kInvalidRequest, "the body is longer than its declared length");
  }
  d.Observe(std::string_view(out.data(), n));
  return n;
}

std::optional<uint64_t> RequestBody::size() const { return impl_->declared; }

std::string RequestBody::md5_hex() const { return impl_->md5_hex; }

}  // namespace tarn::gateway
