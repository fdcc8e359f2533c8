#include <cstdio>

#include "s3/chunked.h"

namespace tarn::s3 {
namespace {

constexpr std::string_view kChunkSignatureExt = ";chunk-signature=";
constexpr std::string_view kTrailerSignatureLine = "x-amz-trailer-signature:";

bool IsSignedMode(PayloadMode mode) {
  return mode == PayloadMode::kStreamingSigned || mode == PayloadMode::kStreamingSignedTrailer;
}

void AppendHexSize(std::string* out, uint64_t n) {
  char buf[24];
  int len = std::snprintf(buf, sizeof(buf), "%llx", static_cast<unsigned long long>(n));
  out->append(buf, static_cast<std::size_t>(len));
}

uint64_t HexDigits(uint64_t n) {
  uint64_t digits = 1;
  while (n >= 16) {
    n /= 16;
    ++digits;
  }
  return digits;
}

uint64_t Base64Length(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
    case ChecksumAlgorithm::kCrc32c:
      return 8;
    case ChecksumAlgorithm::kCrc64Nvme:
      return 12;
    case ChecksumAlgorithm::kSha1:
      return 28;
    case ChecksumAlgorithm::kSha256:
      return 44;
  }
  return 0;
}

}  // namespace

Result<std::unique_ptr<ChunkedEncoder>> ChunkedEncoder::Create(ChunkedEncoderOptions options) {
  if (!IsStreaming(options.mode)) {
    return Status::InvalidArgument("ChunkedEncoder needs a streaming payload mode");
  }
  if (IsSignedMode(options.mode) && !options.signing) {
    return Status::InvalidArgument("a signed aws-chunked mode needs a signing context");
  }
  if (options.mode == PayloadMode::kStreamingSigned && options.trailer_checksum) {
    return Status::InvalidArgument(
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD cannot carry a trailer; use the -TRAILER mode");
  }
  return std::unique_ptr<ChunkedEncoder>(new ChunkedEncoder(std::move(options)));
}

ChunkedEncoder::ChunkedEncoder(ChunkedEncoderOptions options) : options_(std::move(options)) {
  if (options_.signing) previous_signature_ = options_.signing->seed_signature;
  if (options_.trailer_checksum) checksum_ = std::make_unique<Checksum>(*options_.trailer_checksum);
}

ChunkedEncoder::~ChunkedEncoder() = default;

std::string_view ChunkedEncoder::trailer_header() const {
  return options_.trailer_checksum ? ChecksumHeaderName(*options_.trailer_checksum)
                                   : std::string_view();
}

void ChunkedEncoder::AppendChunk(std::string_view data, std::string* out) {
  AppendHexSize(out, data.size());
  if (IsSignedMode(options_.mode)) {
    previous_signature_ = ChunkSignatureHex(*options_.signing, previous_signature_, Sha256Of(data));
    out->append(kChunkSignatureExt);
    out->append(previous_signature_);
  }
  out->append("\r\n");
  out->append(data);
  out->append("\r\n");
  if (checksum_) checksum_->Update(data);
}

void ChunkedEncoder::Finish(std::string* out) {
  if (finished_) return;
  finished_ = true;
  out->push_back('0');
  if (IsSignedMode(options_.mode)) {
    previous_signature_ =
        ChunkSignatureHex(*options_.signing, previous_signature_, Sha256Of(std::string_view()));
    out->append(kChunkSignatureExt);
    out->append(previous_signature_);
  }
  out->append("\r\n");
  std::string canonical;  // "name:value\n" per trailing header, as the trailer signature covers
  if (checksum_) {
    canonical += ChecksumHeaderName(checksum_->algorithm());
    canonical += ':';
    canonical += checksum_->FinishBase64();
    canonical += '\n';
    out->append(canonical, 0, canonical.size() - 1);
    out->append("\r\n");
  }
  if (options_.mode == PayloadMode::kStreamingSignedTrailer) {
    out->append(kTrailerSignatureLine);
    out->append(TrailerSignatureHex(*options_.signing, previous_signature_, Sha256Of(canonical)));
    out->append("\r\n");
  }
  out->append("\r\n");
}

uint64_t ChunkedEncoder::EncodedLength(const ChunkedEncoderOptions& options, uint64_t payload_size,
                                       uint64_t chunk_size) {
  const bool is_signed = IsSignedMode(options.mode);
  const uint64_t signature_ext = is_signed ? kChunkSignatureExt.size() + 64 : 0;
  auto chunk = [&](uint64_t n) { return HexDigits(n) + signature_ext + 2 + n + 2; };
  uint64_t total = 0;
  if (chunk_size > 0) {
    uint64_t full = payload_size / chunk_size;
    uint64_t rest = payload_size % chunk_size;
    total += full * chunk(chunk_size);
    if (rest > 0) total += chunk(rest);
  }
  total += 1 + signature_ext + 2;  // the final chunk line
  if (options.trailer_checksum) {
    total += ChecksumHeaderName(*options.trailer_checksum).size() + 1 +
             Base64Length(*options.trailer_checksum) + 2;
  }
  if (options.mode == PayloadMode::kStreamingSignedTrailer) {
    total += kTrailerSignatureLine.size() + 64 + 2;
  }
  return total + 2;
}

Result<std::string> EncodeChunkedBody(ChunkedEncoderOptions options, std::string_view payload,
                                      uint64_t chunk_size) {
  if (chunk_size == 0) return Status::InvalidArgument("chunk size must be positive");
  ASSIGN_OR_RETURN(auto encoder, ChunkedEncoder::Create(std::move(options)));
  std::string out;
  while (!payload.empty()) {
    std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(chunk_size, payload.size()));
    encoder->AppendChunk(payload.substr(0, n), &out);
    payload.remove_prefix(n);
  }
  encoder->Finish(&out);
  return out;
}

}  // namespace tarn::s3
