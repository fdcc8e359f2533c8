// The aws-chunked body encoding of S3 uploads (Content-Encoding: aws-chunked), in its three
// forms, selected by x-amz-content-sha256:
//
//   STREAMING-AWS4-HMAC-SHA256-PAYLOAD          <hex>;chunk-signature=<sig>\r\n<data>\r\n ...
//                                               0;chunk-signature=<sig>\r\n\r\n
//   STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER  as above, then after the final chunk line:
//                                               <name>:<value>\r\n ...
//                                               x-amz-trailer-signature:<sig>\r\n\r\n
//   STREAMING-UNSIGNED-PAYLOAD-TRAILER          <hex>\r\n<data>\r\n ... 0\r\n
//                                               <name>:<value>\r\n ... \r\n
//
// Chunk signatures chain: each signs the previous signature (the request's for the first
// chunk), the empty-string hash and the chunk's SHA-256 (see ChunkSignatureHex). The trailer
// signature chains from the final (empty) chunk's. Trailing headers carry an additional
// checksum (x-amz-checksum-crc32 | crc32c | crc64nvme | sha1 | sha256) of the decoded payload,
// announced beforehand in the x-amz-trailer request header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "s3/checksum.h"
#include "s3/request.h"
#include "s3/sigv4.h"
#include "s3/verification.h"
#include "tarn/result.h"

namespace tarn::s3 {

struct ChunkedDecoderOptions {
  // One of the three streaming modes.
  PayloadMode mode = PayloadMode::kStreamingUnsignedTrailer;
  // Required for the two signed modes: where the chain starts (AuthResult::chunk_signing).
  std::optional<ChunkSigningContext> signing;
  // x-amz-decoded-content-length, when the request carries one: the decoded payload must have
  // exactly this many bytes.
  std::optional<uint64_t> decoded_content_length;
  // The lower-cased header names announced in x-amz-trailer. Every one must arrive; no other
  // may. At most one may be a checksum; that checksum is computed and compared.
  std::vector<std::string> expected_trailers;
};

// Builds decoder options for a verified request from its headers (x-amz-decoded-content-length,
// x-amz-trailer). Errors: InvalidRequest when the request is not a streaming upload or a signed
// mode lacks its signing context; InvalidArgument for a malformed decoded length; InvalidRequest
// for more than one announced checksum or an unknown checksum trailer.
Result<ChunkedDecoderOptions> ChunkedDecoderOptionsFor(const AuthResult& auth,
                                                       std::span<const Header> headers);

// Decodes an aws-chunked body fed in arbitrary pieces. Payload bytes come back as views into
// the caller's input; the decoder keeps only the current framing line (at most a few KiB), never
// a chunk's data, so memory stays bounded whatever the chunk size.
//
// A chunk's bytes are handed out before its signature (checked when the chunk ends) and before
// the trailer checksum: a caller must treat everything it received as void when Decode or
// Finish fails, exactly as it would for a body whose x-amz-content-sha256 does not match.
//
// Errors (S3Error-tagged): IncompleteBody (body ended early or shorter than
// x-amz-decoded-content-length), InvalidRequest (framing errors, more data than declared),
// SignatureDoesNotMatch (a chunk or trailer signature), MalformedTrailerError (missing,
// unannounced or malformed trailing headers), BadDigest (trailer checksum mismatch).
// After an error the decoder stays failed.
//
// Thread safety: none; one decoder per request.
class ChunkedDecoder {
 public:
  // Errors: InvalidArgument for a non-streaming mode, a signed mode without `signing`, or more
  // than one announced checksum.
  static Result<std::unique_ptr<ChunkedDecoder>> Create(ChunkedDecoderOptions options);
  ~ChunkedDecoder();

  // Consumes a prefix of `*input` and returns the next payload bytes (a view into `*input`);
  // returns an empty view once `*input` is used up. Call repeatedly until `*input` is empty.
  Result<std::string_view> Decode(std::string_view* input);
  // Signals the end of the body; verifies that the encoding ended and the lengths agree.
  Status Finish();

  bool done() const;
  uint64_t decoded_bytes() const { return decoded_bytes_; }
  // The trailing headers received (lower-cased names, trimmed values), without
  // x-amz-trailer-signature. Complete once done().
  const std::vector<std::pair<std::string, std::string>>& trailers() const { return trailers_; }

 private:
  explicit ChunkedDecoder(ChunkedDecoderOptions options);
  Status Fail(Status status);
  Status OnChunkLine(std::string_view line);
  Status OnChunkEnd();
  Status OnTrailerLine(std::string_view line);
  Status OnTrailersComplete();
  bool signed_chunks() const;

  enum class State { kChunkLine, kChunkData, kChunkDataEnd, kTrailer, kDone, kFailed };

  ChunkedDecoderOptions options_;
  State state_ = State::kChunkLine;
  Status failure_;
  std::string line_;  // the framing line being assembled
  uint64_t chunk_remaining_ = 0;
  int crlf_seen_ = 0;  // bytes of the "\r\n" after a chunk's data
  uint64_t decoded_bytes_ = 0;
  std::string previous_signature_;
  std::string chunk_signature_;  // claimed by the current chunk's line
  std::string expected_;         // computed for the current chunk
  std::string scratch_;          // the string to sign, reused chunk after chunk
  Digest chunk_hash_{DigestAlgorithm::kSha256};
  std::unique_ptr<Checksum> checksum_;  // the announced trailer checksum, if any
  std::vector<std::pair<std::string, std::string>> trailers_;
  std::string trailer_signature_;
  std::size_t trailer_bytes_ = 0;
};

// Decodes a complete body held in memory (tests, small requests).
Result<std::string> DecodeChunkedBody(ChunkedDecoderOptions options, std::string_view body);

struct ChunkedEncoderOptions {
  PayloadMode mode = PayloadMode::kStreamingUnsignedTrailer;
  // Required for the signed modes (SignedHeaders::chunk_context).
  std::optional<ChunkSigningContext> signing;
  // The trailer checksum to send (required to send a trailer in the unsigned mode).
  std::optional<ChecksumAlgorithm> trailer_checksum;
};

// Encodes a payload as aws-chunked, chunk by chunk. Thread safety: none.
class ChunkedEncoder {
 public:
  // Errors: InvalidArgument for a non-streaming mode or a signed mode without `signing`.
  static Result<std::unique_ptr<ChunkedEncoder>> Create(ChunkedEncoderOptions options);
  ~ChunkedEncoder();

  // Appends one framed chunk carrying `data` to `*out`. REQUIRES: !data.empty(), and Finish
  // not yet called.
  void AppendChunk(std::string_view data, std::string* out);
  // Appends the final empty chunk and the trailer section.
  void Finish(std::string* out);

  // The x-amz-trailer header value to announce ("" when no trailer is sent).
  std::string_view trailer_header() const;
  // The encoded size of a payload of `payload_size` bytes cut into chunks of `chunk_size`
  // (the last one shorter): what Content-Length must say.
  static uint64_t EncodedLength(const ChunkedEncoderOptions& options, uint64_t payload_size,
                                uint64_t chunk_size);

 private:
  explicit ChunkedEncoder(ChunkedEncoderOptions options);

  ChunkedEncoderOptions options_;
  std::string previous_signature_;
  std::unique_ptr<Checksum> checksum_;
  bool finished_ = false;
};

// Encodes a complete payload with chunks of `chunk_size` bytes.
// Errors: as ChunkedEncoder::Create; InvalidArgument for a zero chunk size.
Result<std::string> EncodeChunkedBody(ChunkedEncoderOptions options, std::string_view payload,
                                      uint64_t chunk_size);

}  // namespace tarn::s3
