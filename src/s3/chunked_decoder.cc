#include <algorithm>
#include <charconv>

#include "s3/chunked.h"
#include "s3/errors.h"

namespace tarn::s3 {
namespace {

// Framing lines are short ("<hex>;chunk-signature=<64 hex>"); anything longer is garbage
// or an attempt to make the decoder buffer.
constexpr std::size_t kMaxLineLength = 4096;
constexpr std::size_t kMaxTrailerBytes = 16 * 1024;
constexpr std::string_view kChunkSignaturePrefix = "chunk-signature=";
constexpr std::string_view kTrailerSignatureName = "x-amz-trailer-signature";

Status Framing(std::string_view why) {
  return S3Error(S3ErrorCode::kInvalidRequest, "malformed aws-chunked body: " + std::string(why));
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsSignedMode(PayloadMode mode) {
  return mode == PayloadMode::kStreamingSigned || mode == PayloadMode::kStreamingSignedTrailer;
}

}  // namespace

Result<ChunkedDecoderOptions> ChunkedDecoderOptionsFor(const AuthResult& auth,
                                                       std::span<const Header> headers) {
  if (!IsStreaming(auth.payload_mode)) {
    return S3Error(S3ErrorCode::kInvalidRequest, "the request does not carry an aws-chunked body");
  }
  ChunkedDecoderOptions options;
  options.mode = auth.payload_mode;
  if (IsSignedMode(auth.payload_mode)) {
    if (!auth.chunk_signing) {
      return S3Error(S3ErrorCode::kInvalidRequest,
                     "a signed aws-chunked body needs a SigV4 header signature to chain from");
    }
    options.signing = auth.chunk_signing;
  }
  if (auto v = FindHeader(headers, "x-amz-decoded-content-length")) {
    std::string_view text = TrimWhitespace(*v);
    uint64_t length = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "x-amz-decoded-content-length must be a non-negative integer");
    }
    options.decoded_content_length = length;
  }
  if (auto v = FindHeader(headers, "x-amz-trailer")) {
    std::string_view rest = *v;
    while (!rest.empty()) {
      std::size_t comma = rest.find(',');
      std::string_view name = TrimWhitespace(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (name.empty()) continue;
      std::string lower = ToLowerAscii(name);
      if (lower.starts_with("x-amz-checksum-") && !ChecksumAlgorithmFromHeader(lower)) {
        return S3Error(S3ErrorCode::kInvalidRequest,
                       "unsupported checksum trailer '" + lower + "' in x-amz-trailer");
      }
      options.expected_trailers.push_back(std::move(lower));
    }
  }
  return options;
}

Result<std::unique_ptr<ChunkedDecoder>> ChunkedDecoder::Create(ChunkedDecoderOptions options) {
  if (!IsStreaming(options.mode)) {
    return Status::InvalidArgument("ChunkedDecoder needs a streaming payload mode");
  }
  if (IsSignedMode(options.mode) && !options.signing) {
    return Status::InvalidArgument("a signed aws-chunked mode needs a signing context");
  }
  int checksums = 0;
  for (const auto& name : options.expected_trailers) {
    if (ChecksumAlgorithmFromHeader(name)) ++checksums;
  }
  if (checksums > 1) {
    return S3Error(S3ErrorCode::kInvalidRequest, "x-amz-trailer may announce only one checksum");
  }
  return std::unique_ptr<ChunkedDecoder>(new ChunkedDecoder(std::move(options)));
}

ChunkedDecoder::ChunkedDecoder(ChunkedDecoderOptions options) : options_(std::move(options)) {
  for (const auto& name : options_.expected_trailers) {
    if (auto algorithm = ChecksumAlgorithmFromHeader(name)) {
      checksum_ = std::make_unique<Checksum>(*algorithm);
    }
  }
  if (options_.signing) previous_signature_ = options_.signing->seed_signature;
  line_.reserve(128);
  chunk_signature_.reserve(64);
  expected_.reserve(64);
  previous_signature_.reserve(64);
  scratch_.reserve(256);
}

ChunkedDecoder::~ChunkedDecoder() = default;

bool ChunkedDecoder::signed_chunks() const { return IsSignedMode(options_.mode); }

bool ChunkedDecoder::done() const { return state_ == State::kDone; }

Status ChunkedDecoder::Fail(Status status) {
  state_ = State::kFailed;
  failure_ = status;
  return status;
}

Result<std::string_view> ChunkedDecoder::Decode(std::string_view* input) {
  while (!input->empty()) {
    switch (state_) {
      case State::kFailed:
        return failure_;
      case State::kDone:
        return Fail(Framing("data after the end of the body"));
      case State::kChunkLine:
      case State::kTrailer: {
        std::size_t nl = input->find('\n');
        std::size_t take = nl == std::string_view::npos ? input->size() : nl + 1;
        if (line_.size() + take > kMaxLineLength) {
          return Fail(Framing(state_ == State::kChunkLine ? "chunk header line too long"
                                                          : "trailing header line too long"));
        }
        line_.append(input->data(), take);
        input->remove_prefix(take);
        if (nl == std::string_view::npos) break;
        line_.pop_back();  // '\n'
        Status s = state_ == State::kChunkLine ? OnChunkLine(line_) : OnTrailerLine(line_);
        line_.clear();
        if (!s.ok()) return Fail(std::move(s));
        break;
      }
      case State::kChunkData: {
        std::size_t n = static_cast<std::size_t>(
            std::min<uint64_t>(chunk_remaining_, static_cast<uint64_t>(input->size())));
        std::string_view payload = input->substr(0, n);
        input->remove_prefix(n);
        chunk_remaining_ -= n;
        decoded_bytes_ += n;
        if (options_.decoded_content_length && decoded_bytes_ > *options_.decoded_content_length) {
          return Fail(S3Error(S3ErrorCode::kInvalidRequest,
                              "the aws-chunked body carries more than x-amz-decoded-content-length "
                              "(" +
                                  std::to_string(*options_.decoded_content_length) + ") bytes"));
        }
        if (signed_chunks()) chunk_hash_.Update(payload);
        if (checksum_) checksum_->Update(payload);
        if (chunk_remaining_ == 0) {
          state_ = State::kChunkDataEnd;
          crlf_seen_ = 0;
        }
        return payload;
      }
      case State::kChunkDataEnd: {
        char want = crlf_seen_ == 0 ? '\r' : '\n';
        if ((*input)[0] != want) return Fail(Framing("chunk data not followed by CRLF"));
        input->remove_prefix(1);
        if (++crlf_seen_ == 2) {
          Status s = OnChunkEnd();
          if (!s.ok()) return Fail(std::move(s));
        }
        break;
      }
    }
  }
  if (state_ == State::kFailed) return failure_;
  return std::string_view();
}

Status ChunkedDecoder::OnChunkLine(std::string_view line) {
  if (line.empty() || line.back() != '\r') return Framing("chunk header line must end in CRLF");
  line.remove_suffix(1);
  std::size_t semi = line.find(';');
  std::string_view size_text = line.substr(0, semi);
  std::string_view extensions =
      semi == std::string_view::npos ? std::string_view() : line.substr(semi + 1);
  if (size_text.empty() || size_text.size() > 15 ||
      !std::all_of(size_text.begin(), size_text.end(), IsHexDigit)) {
    return Framing("chunk size '" + std::string(size_text.substr(0, 32)) +
                   "' is not a hexadecimal number");
  }
  uint64_t size = 0;
  std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);

  if (signed_chunks()) {
    if (!extensions.starts_with(kChunkSignaturePrefix)) {
      return S3Error(S3ErrorCode::kSignatureDoesNotMatch,
                     "aws-chunked chunk without a chunk-signature");
    }
    std::string_view signature = extensions.substr(kChunkSignaturePrefix.size());
    if (signature.size() != 64 || !std::all_of(signature.begin(), signature.end(), IsHexDigit)) {
      return S3Error(S3ErrorCode::kSignatureDoesNotMatch,
                     "aws-chunked chunk-signature is not 64 hexadecimal digits");
    }
    chunk_signature_.assign(signature);  // reuses the buffer of the previous chunk
    for (char& c : chunk_signature_) c = (c >= 'A' && c <= 'F') ? char(c - 'A' + 'a') : c;
  }
  if (size > 0) {
    chunk_remaining_ = size;
    state_ = State::kChunkData;
    return Status::OK();
  }
  // The final chunk: its signature covers the empty payload; the trailer section follows.
  if (signed_chunks()) RETURN_IF_ERROR(OnChunkEnd());
  state_ = State::kTrailer;
  return Status::OK();
}

Status ChunkedDecoder::OnChunkEnd() {
  if (signed_chunks()) {
    Sha256Bytes hash{};
    chunk_hash_.FinishInto(hash.data());
    ChunkSignatureInto(*options_.signing, previous_signature_, hash, &scratch_, &expected_);
    if (!ConstantTimeEquals(expected_, chunk_signature_)) {
      return S3Error(S3ErrorCode::kSignatureDoesNotMatch,
                     "aws-chunked chunk signature does not match after " +
                         std::to_string(decoded_bytes_) + " payload bytes");
    }
    previous_signature_.swap(expected_);
  }
  if (state_ == State::kChunkDataEnd) state_ = State::kChunkLine;
  return Status::OK();
}

Status ChunkedDecoder::OnTrailerLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) {
    RETURN_IF_ERROR(OnTrailersComplete());
    state_ = State::kDone;
    return Status::OK();
  }
  trailer_bytes_ += line.size();
  if (trailer_bytes_ > kMaxTrailerBytes) {
    return S3Error(S3ErrorCode::kMalformedTrailerError, "trailing headers are too large");
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return S3Error(S3ErrorCode::kMalformedTrailerError,
                   "trailing header line is not of the form name:value");
  }
  std::string name = ToLowerAscii(TrimWhitespace(line.substr(0, colon)));
  std::string value(TrimWhitespace(line.substr(colon + 1)));
  if (name == kTrailerSignatureName) {
    if (!trailer_signature_.empty()) {
      return S3Error(S3ErrorCode::kMalformedTrailerError, "x-amz-trailer-signature appears twice");
    }
    trailer_signature_ = ToLowerAscii(value);
    return Status::OK();
  }
  if (std::find(options_.expected_trailers.begin(), options_.expected_trailers.end(), name) ==
      options_.expected_trailers.end()) {
    return S3Error(S3ErrorCode::kMalformedTrailerError,
                   "trailing header '" + name + "' was not announced in x-amz-trailer");
  }
  for (const auto& [n, v] : trailers_) {
    if (n == name) {
      return S3Error(S3ErrorCode::kMalformedTrailerError,
                     "trailing header '" + name + "' appears twice");
    }
  }
  trailers_.emplace_back(std::move(name), std::move(value));
  return Status::OK();
}

Status ChunkedDecoder::OnTrailersComplete() {
  if (options_.mode == PayloadMode::kStreamingSigned && !trailers_.empty()) {
    return S3Error(S3ErrorCode::kMalformedTrailerError,
                   "STREAMING-AWS4-HMAC-SHA256-PAYLOAD bodies carry no trailing headers");
  }
  for (const auto& name : options_.expected_trailers) {
    bool found = std::any_of(trailers_.begin(), trailers_.end(),
                             [&](const auto& t) { return t.first == name; });
    if (!found) {
      return S3Error(S3ErrorCode::kMalformedTrailerError,
                     "the trailing header '" + name + "' announced in x-amz-trailer is missing");
    }
  }
  if (options_.mode == PayloadMode::kStreamingSignedTrailer) {
    if (trailer_signature_.empty()) {
      return S3Error(S3ErrorCode::kSignatureDoesNotMatch,
                     "the trailing headers carry no x-amz-trailer-signature");
    }
    std::vector<std::pair<std::string, std::string>> sorted = trailers_;
    std::sort(sorted.begin(), sorted.end());
    std::string canonical;
    for (const auto& [n, v] : sorted) {
      canonical += n;
      canonical += ':';
      canonical += v;
      canonical += '\n';
    }
    std::string expected =
        TrailerSignatureHex(*options_.signing, previous_signature_, Sha256Of(canonical));
    if (!ConstantTimeEquals(expected, trailer_signature_)) {
      return S3Error(S3ErrorCode::kSignatureDoesNotMatch,
                     "the aws-chunked trailer signature does not match");
    }
  } else if (options_.mode == PayloadMode::kStreamingSigned && !trailer_signature_.empty()) {
    return S3Error(S3ErrorCode::kMalformedTrailerError,
                   "STREAMING-AWS4-HMAC-SHA256-PAYLOAD bodies carry no trailer signature");
  }
  if (checksum_) {
    std::string_view name = ChecksumHeaderName(checksum_->algorithm());
    std::string actual = checksum_->FinishBase64();
    for (const auto& [n, v] : trailers_) {
      if (n == name && v != actual) {
        return S3Error(S3ErrorCode::kBadDigest, "the " + std::string(name) + " you specified (" +
                                                    v + ") did not match the calculated (" +
                                                    actual + ")");
      }
    }
  }
  return Status::OK();
}

Status ChunkedDecoder::Finish() {
  if (state_ == State::kFailed) return failure_;
  // Some clients end the body right after the last trailing header, without the empty line.
  if (state_ == State::kTrailer && line_.empty()) {
    Status s = OnTrailersComplete();
    if (!s.ok()) return Fail(std::move(s));
    state_ = State::kDone;
  }
  if (state_ != State::kDone) {
    return Fail(
        S3Error(S3ErrorCode::kIncompleteBody, "the aws-chunked body ended before its final chunk"));
  }
  if (options_.decoded_content_length && decoded_bytes_ != *options_.decoded_content_length) {
    return Fail(S3Error(S3ErrorCode::kIncompleteBody,
                        "the aws-chunked body carries " + std::to_string(decoded_bytes_) +
                            " bytes, x-amz-decoded-content-length says " +
                            std::to_string(*options_.decoded_content_length)));
  }
  return Status::OK();
}

Result<std::string> DecodeChunkedBody(ChunkedDecoderOptions options, std::string_view body) {
  ASSIGN_OR_RETURN(auto decoder, ChunkedDecoder::Create(std::move(options)));
  std::string out;
  while (!body.empty()) {
    ASSIGN_OR_RETURN(std::string_view payload, decoder->Decode(&body));
    out.append(payload);
  }
  RETURN_IF_ERROR(decoder->Finish());
  return out;
}

}  // namespace tarn::s3
