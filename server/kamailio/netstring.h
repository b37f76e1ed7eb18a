// Netstrings (D. J. Bernstein): "<length>:<bytes>," with the length in decimal ASCII,
// the framing of Kamailio's evapi module with modparam("evapi", "netstring_format", 1).
//
//   NetstringDecoder decoder(/*max_frame_bytes=*/64 * 1024);
//   absl::Status fed = decoder.Feed(bytes_read);   // any split of the stream
//   std::string frame;
//   while (decoder.Next(&frame)) Handle(frame);
//   std::string out = EncodeNetstring("{\"ack\":\"17\"}");  // "14:{\"ack\":\"17\"},"
//
// The decoder takes the stream in pieces of any size (a frame split over reads, many
// frames in one read). A malformed length (not digits, a leading zero followed by more
// digits, more than 10 digits, no ':'), a frame longer than max_frame_bytes, or a frame
// not followed by ',' is INVALID_ARGUMENT naming what was wrong; the stream cannot be
// resynchronised after that, so the caller drops the connection (and Reset()s the
// decoder for the next one). An oversized frame is refused as soon as its length is
// read, before its bytes arrive.
// Thread safety: none; one decoder per connection.
#ifndef CTI_SERVER_KAMAILIO_NETSTRING_H_
#define CTI_SERVER_KAMAILIO_NETSTRING_H_

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace cti::server::kamailio {

// `payload` as one netstring.
std::string EncodeNetstring(std::string_view payload);

class NetstringDecoder {
 public:
  explicit NetstringDecoder(size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

  // Takes the next bytes of the stream. After an error every later Feed returns it
  // again until Reset(); frames decoded before the error can still be taken with Next.
  absl::Status Feed(std::string_view bytes);

  // Moves the oldest complete frame into `frame`; false when none is complete.
  bool Next(std::string* frame);

  // Forgets everything: a new stream (connection) begins.
  void Reset();

  // Bytes of an incomplete frame held (its length prefix included).
  size_t buffered() const { return buffer_.size(); }

 private:
  // Decodes what buffer_ holds into frames_.
  absl::Status Decode();

  const size_t max_frame_bytes_;
  std::string buffer_;  // undecoded bytes
  std::deque<std::string> frames_;
  absl::Status error_;
};

}  // namespace cti::server::kamailio

#endif  // CTI_SERVER_KAMAILIO_NETSTRING_H_
