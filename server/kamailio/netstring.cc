#include "server/kamailio/netstring.h"

#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cti::server::kamailio {
namespace {

// 10 digits hold any length up to 9,999,999,999 bytes: beyond any sane limit.
constexpr size_t kMaxLengthDigits = 10;

}  // namespace

std::string EncodeNetstring(std::string_view payload) {
  std::string out = absl::StrCat(payload.size(), ":");
  out.append(payload.data(), payload.size());
  out.push_back(',');
  return out;
}

absl::Status NetstringDecoder::Feed(std::string_view bytes) {
  if (!error_.ok()) return error_;
  buffer_.append(bytes.data(), bytes.size());
  error_ = Decode();
  return error_;
}

bool NetstringDecoder::Next(std::string* frame) {
  if (frames_.empty()) return false;
  *frame = std::move(frames_.front());
  frames_.pop_front();
  return true;
}

void NetstringDecoder::Reset() {
  buffer_.clear();
  frames_.clear();
  error_ = absl::OkStatus();
}

absl::Status NetstringDecoder::Decode() {
  size_t start = 0;
  absl::Status status;
  while (start < buffer_.size()) {
    // The length: digits up to ':'.
    size_t colon = start;
    uint64_t length = 0;
    while (colon < buffer_.size() &&
           absl::ascii_isdigit(static_cast<unsigned char>(buffer_[colon]))) {
      if (colon - start == kMaxLengthDigits) break;
      length = length * 10 + static_cast<uint64_t>(buffer_[colon] - '0');
      ++colon;
    }
    const size_t digits = colon - start;
    if (digits > 1 && buffer_[start] == '0') {
      status = absl::InvalidArgumentError("netstring length has a leading zero");
      break;
    }
    if (length > max_frame_bytes_) {
      status = absl::InvalidArgumentError(absl::StrCat(
          "netstring of ", length, " bytes is longer than the limit of ", max_frame_bytes_));
      break;
    }
    if (colon == buffer_.size()) break;  // the length goes on in the next read
    if (digits == 0 || buffer_[colon] != ':') {
      status = absl::InvalidArgumentError(
          digits == kMaxLengthDigits
              ? absl::StrCat("netstring length has more than ", kMaxLengthDigits, " digits")
              : "netstring does not start with a decimal length and ':'");
      break;
    }
    const size_t payload = colon + 1;
    if (buffer_.size() - payload < length + 1) break;  // payload and ',' not all here yet
    if (buffer_[payload + length] != ',') {
      status = absl::InvalidArgumentError(
          absl::StrCat("netstring of ", length, " bytes does not end with ','"));
      break;
    }
    frames_.emplace_back(buffer_, payload, length);
    start = payload + length + 1;
  }
  buffer_.erase(0, start);
  return status;
}

}  // namespace cti::server::kamailio
