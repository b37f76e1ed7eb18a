// HttpServer: ctid's one HTTP layer, over GNU libmicrohttpd.
//
// Every HTTP endpoint of the product is a route on an HttpServer: exact path plus method,
// answered either by a Handler (one Response) or by a StreamHandler (a body written
// piece by piece for as long as the client stays, e.g. Server-Sent Events).
//
//   HttpServer server;
//   server.Handle("GET", "/metrics", [&](const Request&) {
//     return Response{.content_type = "text/plain; version=0.0.4", .body = Render()};
//   });
//   absl::Status started = server.Start({.listen = "127.0.0.1:9464"});
//
// Operation: HTTP/1.1 with keep-alive (a client may send any number of requests over one
// connection; idle connections are closed after Options::connection_timeout). The
// request body is read whole (up to Options::max_body_bytes) before the handler runs.
// Answers the server gives by itself: an unknown path 404 "not found: PATH"; a known
// path with another method 405 with an Allow header; a body over the limit 413; a
// Response with a status outside 100..599 or a header MHD refuses (e.g. a CR or LF in
// it) 500. HEAD is answered by the GET handler of the path, without the body.
// Concurrency: Handle and HandleStream before Start, from one thread. Handlers run on
// the server's threads (Options::threads), concurrently with each other, so they must
// be thread-safe; a handler holds its thread until it returns, which delays the other
// connections of that thread: keep handlers short (no waiting on other servers).
// Start, Stop and port() from the owner's thread. Stream methods from any thread.
// Shutdown: Stop() (or the destructor) stops accepting, ends every stream, waits for
// the handlers in flight and joins the threads. Not from a handler.
// Limitations: no TLS, no HTTP/2, no request trailers; the request line and headers
// must fit MHD's 32 KiB per-connection memory (MHD answers 414 or 431 itself).
#ifndef CTI_SERVER_HTTP_HTTP_SERVER_H_
#define CTI_SERVER_HTTP_HTTP_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"

namespace cti::server::http {

struct Request {
  // "GET", "POST", ... as the client sent it.
  std::string method{};
  // The URL path without the query, percent-decoded, e.g. "/metrics".
  std::string path{};
  // Query arguments, decoded (?a=1&b=x%20y -> {"a":"1","b":"x y"}). As in HTML forms, a
  // "+" decodes to a space: a client sends a literal "+" (an E.164 number) as %2B. A
  // repeated key keeps the last value; a key without "=" has the value "".
  absl::flat_hash_map<std::string, std::string> query{};
  // Request headers, names lower-cased; a repeated header's values joined with ", ".
  absl::flat_hash_map<std::string, std::string> headers{};
  // The whole body (at most Options::max_body_bytes).
  std::string body{};
  // "IP:PORT" of the client ("[IPv6]:PORT" for IPv6).
  std::string peer{};
};

// Every member has a default, so `Response{.body = text}` is a whole 200 answer.
struct Response {
  // 100..599; anything else is answered 500.
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body{};
  // Extra headers, sent in this order. Content-Length is set by the server.
  std::vector<std::pair<std::string, std::string>> headers{};
};

using Handler = std::function<Response(const Request&)>;

// The body of a streaming response, written from any thread. The client receives the
// bytes in order, as chunks of a chunked HTTP/1.1 body, promptly after each Write.
// Thread safety: all methods may be called from any thread, concurrently.
// Lifetime: the stream may be kept (shared_ptr) past the end of the connection and of
// the server; it is then closed and Write returns false.
class Stream {
 public:
  virtual ~Stream() = default;
  // Queues `bytes` for the client. False, and nothing queued, once the stream is closed:
  // after Close(), after the client went away, when the server stops, or when this
  // write would let more than Options::max_stream_buffer_bytes pile up unsent (a slow
  // client; the stream is then ended at once and the connection closed, so the client
  // sees an incomplete body). A client that went away is noticed when the server next
  // tries to send to it, so one or two Writes after the disconnect may still return
  // true: write a heartbeat now and then to notice departures.
  virtual bool Write(std::string_view bytes) = 0;
  // Ends the body once the queued bytes are sent; the connection stays open for the
  // client's next request. Idempotent.
  virtual void Close() = 0;
  // True once Write would return false.
  virtual bool closed() const = 0;
};

// Called once per request on a server thread, after the response headers (status 200,
// the content type given at registration, Cache-Control: no-cache) are queued. Keep
// the stream to write later; dropping it without Close() leaves the client waiting
// until the server stops or the client leaves.
using StreamHandler = std::function<void(const Request&, std::shared_ptr<Stream>)>;

struct Options {
  // "HOST:PORT": an IPv4 address in dotted form or an IPv6 address in brackets
  // ("[::1]:8080"); no host names. Port 0 picks a free port (see port()).
  std::string listen{};
  // Server threads (each with its own epoll loop); at least 1.
  int threads = 2;
  // A request body larger than this is answered 413 (at once when Content-Length says
  // so, otherwise once the body has been read; the connection is closed after).
  size_t max_body_bytes = 1 << 20;
  // Per stream: unsent bytes allowed before Write fails and the stream ends.
  size_t max_stream_buffer_bytes = 1 << 20;
  // Idle keep-alive connections are closed after this (rounded up to whole seconds, at
  // least 1; absl::InfiniteDuration(): never). Streams waiting for their next Write are
  // not idle.
  absl::Duration connection_timeout = absl::Seconds(60);
  // Open connections at most (streams included); further clients are refused.
  int max_connections = 1000;
};

class HttpServer {
 public:
  HttpServer();
  // Stop()s.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Routes are an exact path and a method ("GET"; case matters). Register before
  // Start; a later registration of the same method and path replaces the earlier one;
  // a registration after Start is ignored (and logged as an error).
  void Handle(std::string method, std::string path, Handler handler);
  void HandleStream(std::string method, std::string path, std::string content_type,
                    StreamHandler handler);

  // Binds exactly Options::listen and starts serving. INVALID_ARGUMENT naming "listen"
  // for an address that does not parse, or for bad options; UNAVAILABLE with the
  // operating system's reason when the address cannot be bound (e.g. the port is in
  // use: no port sharing); FAILED_PRECONDITION when it started before (a server serves
  // once: no Start after Stop). A failed Start may be tried again.
  absl::Status Start(const Options& options);

  // The bound port once Start succeeded; 0 before.
  int port() const;

  // Stops accepting, closes every stream (their Write returns false), waits for the
  // handlers in flight, closes the connections and joins the threads. Idempotent.
  // Must not be called from a handler.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cti::server::http

#endif  // CTI_SERVER_HTTP_HTTP_SERVER_H_
