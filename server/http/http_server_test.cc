#include "server/http/http_server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cti::server::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const bool kCurlReady = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();

struct Reply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  long new_connections = 0;
};

// One libcurl easy handle: requests made with it reuse its connection (keep-alive).
class Client {
 public:
  Client() : curl_(curl_easy_init()) {}
  ~Client() { curl_easy_cleanup(curl_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // `method` "GET", "HEAD" or another; `body` is sent when not empty (chunked when
  // `chunked`).
  Reply Fetch(const std::string& url, const std::string& method = "GET",
              const std::string& body = "", std::vector<std::string> headers = {},
              bool chunked = false) {
    Reply reply;
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Client::OnBody);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &Client::OnHeader);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &reply);
    Upload upload{body, 0};
    if (method == "HEAD") {
      curl_easy_setopt(curl_, CURLOPT_NOBODY, 1L);
    } else if (method != "GET") {
      curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    if (!body.empty() && chunked) {
      curl_easy_setopt(curl_, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl_, CURLOPT_READFUNCTION, &Client::OnRead);
      curl_easy_setopt(curl_, CURLOPT_READDATA, &upload);
      curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
      headers.push_back("Transfer-Encoding: chunked");
    } else if (!body.empty()) {
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    headers.push_back("Expect:");  // no 100-continue round trip
    curl_slist* list = nullptr;
    for (const std::string& header : headers) list = curl_slist_append(list, header.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    const CURLcode code = curl_easy_perform(curl_);
    curl_slist_free_all(list);
    EXPECT_EQ(code, CURLE_OK) << curl_easy_strerror(code) << " for " << url;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &reply.new_connections);
    return reply;
  }

 private:
  struct Upload {
    const std::string& data;
    size_t sent;
  };

  static size_t OnBody(char* data, size_t size, size_t count, void* user) {
    static_cast<Reply*>(user)->body.append(data, size * count);
    return size * count;
  }

  static size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    const absl::string_view line(data, size * count);
    const size_t colon = line.find(':');
    if (colon != absl::string_view::npos) {
      static_cast<Reply*>(user)->headers[absl::AsciiStrToLower(line.substr(0, colon))] =
          std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    }
    return size * count;
  }

  static size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    const size_t n = std::min(size * count, upload->data.size() - upload->sent);
    std::copy_n(upload->data.data() + upload->sent, n, buffer);
    upload->sent += n;
    return n;
  }

  CURL* curl_;
};

// A plain TCP client for what libcurl hides: chunks as they come, disconnects, a client
// that does not read.
class RawClient {
 public:
  // `receive_buffer` > 0 shrinks SO_RCVBUF (before connecting).
  explicit RawClient(int port, int receive_buffer = 0) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) {
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
    }
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() { Close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  bool Send(absl::string_view bytes) {
    return send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }

  // Reads until `text` has arrived (true) or `timeout` passed or the server closed
  // (false). Everything read stays in received().
  bool ReadUntil(absl::string_view text, absl::Duration timeout = absl::Seconds(5)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (!absl::StrContains(received_, text)) {
      if (!ReadSome(deadline)) return false;
    }
    return true;
  }

  // True when the server closed the connection before `timeout`.
  bool ReadToEnd(absl::Duration timeout = absl::Seconds(5)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (ReadSome(deadline)) {
    }
    return eof_;
  }

  // One response with a Content-Length body; returns its whole text.
  std::string ReadResponse() {
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    size_t end = 0;
    while ((end = received_.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadSome(deadline)) return "";
    }
    size_t length = 0;
    const size_t at = received_.find("Content-Length: ");
    if (at != std::string::npos && at < end) {
      const size_t line_end = received_.find("\r\n", at);
      absl::SimpleAtoi(received_.substr(at + 16, line_end - at - 16), &length);
    }
    while (received_.size() < end + 4 + length) {
      if (!ReadSome(deadline)) return "";
    }
    std::string response = received_.substr(0, end + 4 + length);
    received_.erase(0, end + 4 + length);
    return response;
  }

  const std::string& received() const { return received_; }

 private:
  bool ReadSome(absl::Time deadline) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration() || fd_ < 0) return false;
    timeval tv = absl::ToTimeval(std::max(left, absl::Milliseconds(1)));
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buffer[16384];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      if (n == 0 || errno == ECONNRESET) eof_ = true;
      return false;
    }
    received_.append(buffer, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string received_;
};

Options LocalOptions() {
  Options options;
  options.listen = "127.0.0.1:0";
  return options;
}

std::string Url(const HttpServer& server, absl::string_view path) {
  return absl::StrCat("http://127.0.0.1:", server.port(), path);
}

// The stream a StreamHandler was given, for the test's writer.
class StreamSlot {
 public:
  StreamHandler Handler() {
    return [this](const Request& request, std::shared_ptr<Stream> stream) {
      absl::MutexLock lock(&mu_);
      request_ = request;
      stream_ = std::move(stream);
    };
  }

  std::shared_ptr<Stream> Wait() {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(
                             +[](std::shared_ptr<Stream>* s) { return *s != nullptr; }, &stream_),
                         absl::Seconds(5));
    return stream_;
  }

 private:
  absl::Mutex mu_;
  Request request_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Stream> stream_ ABSL_GUARDED_BY(mu_);
};

constexpr char kEventsRequest[] = "GET /events HTTP/1.1\r\nHost: test\r\n\r\n";

TEST(HttpServerTest, GetAnswersStatusBodyContentTypeAndHeaders) {
  HttpServer server;
  server.Handle("GET", "/metrics", [](const Request&) {
    return Response{.content_type = "text/plain; version=0.0.4",
                    .body = "up 1\n",
                    .headers = {{"X-Extra", "yes"}}};
  });
  server.Handle("GET", "/down",
                [](const Request&) { return Response{.status = 503, .body = "catching up\n"}; });
  ASSERT_TRUE(server.Start(LocalOptions()).ok());
  ASSERT_GT(server.port(), 0);

  Client client;
  Reply reply = client.Fetch(Url(server, "/metrics"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "up 1\n");
  EXPECT_EQ(reply.headers["content-type"], "text/plain; version=0.0.4");
  EXPECT_EQ(reply.headers["x-extra"], "yes");
  EXPECT_EQ(reply.headers["content-length"], "5");

  reply = client.Fetch(Url(server, "/down"));
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.body, "catching up\n");
  EXPECT_EQ(reply.headers["content-type"], "text/plain; charset=utf-8");

  reply = client.Fetch(Url(server, "/metrics"), "HEAD");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "");
}

TEST(HttpServerTest, InvalidResponseIs500) {
  HttpServer server;
  server.Handle("GET", "/bad-header", [](const Request&) {
    return Response{.body = "x", .headers = {{"X-Split", "a\r\nInjected: 1"}}};
  });
  server.Handle("GET", "/bad-status", [](const Request&) { return Response{.status = 42}; });
  ASSERT_TRUE(server.Start(LocalOptions()).ok());
  Client client;
  Reply reply = client.Fetch(Url(server, "/bad-header"));
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.headers.count("injected"), 0u);
  EXPECT_EQ(client.Fetch(Url(server, "/bad-status")).status, 500);
}

TEST(HttpServerTest, RequestCarriesDecodedQueryHeadersAndPeer) {
  HttpServer server;
  absl::Mutex mu;
  Request seen;
  server.Handle("GET", "/lookup", [&](const Request& request) {
    absl::MutexLock lock(&mu);
    seen = request;
    return Response{};
  });
  ASSERT_TRUE(server.Start(LocalOptions()).ok());

  Client client;
  Reply reply =
      client.Fetch(Url(server, "/lookup?a=1&b=x%20y&a=2&flag&number=%2B4512345678&raw=+1"), "GET",
                   "", {"X-Tenant: Sydby", "X-Tenant: Nord"});
  ASSERT_EQ(reply.status, 200);
  absl::MutexLock lock(&mu);
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.path, "/lookup");
  EXPECT_EQ(seen.query["a"], "2");
  EXPECT_EQ(seen.query["b"], "x y");
  EXPECT_EQ(seen.query["flag"], "");
  EXPECT_EQ(seen.query["number"], "+4512345678");
  EXPECT_EQ(seen.query["raw"], " 1");  // form encoding: "+" is a space
  EXPECT_EQ(seen.query.size(), 5u);
  EXPECT_EQ(seen.headers["x-tenant"], "Sydby, Nord");
  EXPECT_EQ(seen.headers["host"], absl::StrCat("127.0.0.1:", server.port()));
  EXPECT_THAT(seen.peer, StartsWith("127.0.0.1:"));
  EXPECT_EQ(seen.body, "");
}

TEST(HttpServerTest, PathIsPercentDecoded) {
  HttpServer server;
  server.Handle("GET", "/units/caf\xC3\xA9 bar",
                [](const Request& request) { return Response{.body = request.path}; });
  ASSERT_TRUE(server.Start(LocalOptions()).ok());
  Client client;
  Reply reply = client.Fetch(Url(server, "/units/caf%C3%A9%20bar"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "/units/caf\xC3\xA9 bar");
}

TEST(HttpServerTest, OversizedHeadersAreRefusedAndTheServerGoesOn) {
  HttpServer server;
  server.Handle("GET", "/ping", [](const Request&) { return Response{.body = "pong"}; });
  ASSERT_TRUE(server.Start(LocalOptions()).ok());
  Client client;
  Reply reply =
      client.Fetch(Url(server, "/ping"), "GET", "", {"X-Big: " + std::string(40000, 'a')});
  EXPECT_GE(reply.status, 400);
  EXPECT_LT(reply.status, 500);
  std::printf("40 kB of headers: %ld\n", reply.status);
  Client other;
  EXPECT_EQ(other.Fetch(Url(server, "/ping")).body, "pong");
}

TEST(HttpServerTest, PostDeliversTheWholeBody) {
  HttpServer server;
  server.Handle("POST", "/echo", [](const Request& request) {
    return Response{.content_type = "application/octet-stream",
                    .body = absl::StrCat(request.method, " ", request.headers.at("content-type"),
                                         " ", request.body)};
  });
  ASSERT_TRUE(server.Start(LocalOptions()).ok());

  std::string body;
  for (int i = 0; body.size() < 300000; ++i) absl::StrAppend(&body, i, ",");
  Client client;
  Reply reply =
      client.Fetch(Url(server, "/echo"), "POST", body, {"Content-Type: application/json"});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "POST application/json " + body);

  reply = client.Fetch(Url(server, "/echo"), "POST", body, {"Content-Type: text/csv"},
                       /*chunked=*/true);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "POST text/csv " + body);
}

TEST(HttpServerTest, UnknownPathIs404AndOtherMethodIs405WithAllow) {
  HttpServer server;
  server.Handle("GET", "/thing", [](const Request&) { return Response{.body = "got"}; });
  server.Handle("PUT", "/thing", [](const Request&) { return Response{.body = "put"}; });
  ASSERT_TRUE(server.Start(LocalOptions()).ok());

  Client client;
  Reply reply = client.Fetch(Url(server, "/nope"));
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, "not found: /nope\n");

  reply = client.Fetch(Url(server, "/thing"), "POST", "x=1");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.headers["allow"], "GET, HEAD, PUT");
  reply = client.Fetch(Url(server, "/thing"), "DELETE");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.headers["allow"], "GET, HEAD, PUT");

  EXPECT_EQ(client.Fetch(Url(server, "/thing"), "PUT", "v").body, "put");
  EXPECT_EQ(client.Fetch(Url(server, "/thing")).body, "got");
}

TEST(HttpServerTest, BodyOverTheLimitIs413) {
  HttpServer server;
  server.Handle("POST", "/upload", [](const Request& request) {
    return Response{.body = absl::StrCat(request.body.size())};
  });
  Options options = LocalOptions();
  options.max_body_bytes = 1024;
  ASSERT_TRUE(server.Start(options).ok());

  Client client;
  EXPECT_EQ(client.Fetch(Url(server, "/upload"), "POST", std::string(1024, 'a')).body, "1024");
  Reply reply = client.Fetch(Url(server, "/upload"), "POST", std::string(1025, 'a'));
  EXPECT_EQ(reply.status, 413);
  reply = client.Fetch(Url(server, "/upload"), "POST", std::string(5000, 'b'), {},
                       /*chunked=*/true);
  EXPECT_EQ(reply.status, 413);
  // The server goes on.
  EXPECT_EQ(client.Fetch(Url(server, "/upload"), "POST", "small").body, "5");
}

TEST(HttpServerTest, KeepAliveServesRequestsOverOneConnection) {
  HttpServer server;
  std::atomic<int> calls = 0;
  absl::Mutex mu;
  std::vector<std::string> peers;
  server.Handle("GET", "/ping", [&](const Request& request) {
    absl::MutexLock lock(&mu);
    peers.push_back(request.peer);
    return Response{.body = absl::StrCat("pong ", ++calls)};
  });
  ASSERT_TRUE(server.Start(LocalOptions()).ok());

  Client client;
  Reply first = client.Fetch(Url(server, "/ping"));
  Reply second = client.Fetch(Url(server, "/ping"));
  EXPECT_EQ(first.body, "pong 1");
  EXPECT_EQ(second.body, "pong 2");
  EXPECT_EQ(first.new_connections, 1);
  EXPECT_EQ(second.new_connections, 0);
  absl::MutexLock lock(&mu);
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[0], peers[1]);
}

TEST(HttpServerTest, BadListenAddressIsInvalidArgumentNamingListen) {
  for (const char* listen : {"", "127.0.0.1", "localhost:80", "127.0.0.1:99999", "1.2.3:80",
                             "127.0.0.1:-1", "::1:80", "[::1]", "[::1:80", "0.0.0.0:http"}) {
    HttpServer server;
    Options options;
    options.listen = listen;
    const absl::Status status = server.Start(options);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << listen;
    EXPECT_THAT(status.message(), HasSubstr("listen")) << listen;
    EXPECT_EQ(server.port(), 0);
  }
}

TEST(HttpServerTest, PortInUseIsUnavailableWithTheReason) {
  HttpServer first;
  ASSERT_TRUE(first.Start(LocalOptions()).ok());
  HttpServer second;
  Options options;
  options.listen = absl::StrCat("127.0.0.1:", first.port());
  const absl::Status status = second.Start(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(status.message(), HasSubstr("Address already in use"));
  EXPECT_THAT(status.message(), HasSubstr(options.listen));
}

TEST(HttpServerTest, BindsExactlyTheGivenAddress) {
  HttpServer server;
  ASSERT_TRUE(server.Start(LocalOptions()).ok());
  // 127.0.0.2 is loopback too, but not the address bound.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(server.port()));
  inet_pton(AF_INET, "127.0.0.2", &address.sin_addr);
  EXPECT_NE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  close(fd);

  HttpServer v6;
  Options options;
  options.listen = "[::1]:0";
  const absl::Status status = v6.Start(options);
  if (status.ok()) {
    EXPECT_GT(v6.port(), 0);
  } else {
    std::printf("no IPv6 loopback here: %s\n", status.ToString().c_str());
  }
}

TEST(HttpServerTest, StreamDeliversWritesFromAnotherThreadUntilTheClientLeaves) {
  // MHD must not raise SIGPIPE when it writes to a client that left (MSG_NOSIGNAL).
  ASSERT_EQ(MHD_is_feature_supported(MHD_FEATURE_AUTOSUPPRESS_SIGPIPE), MHD_YES);
  HttpServer server;
  StreamSlot slot;
  server.HandleStream("GET", "/events", "text/event-stream", slot.Handler());
  ASSERT_TRUE(server.Start(LocalOptions()).ok());

  RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send(kEventsRequest));
  std::shared_ptr<Stream> stream = slot.Wait();
  ASSERT_NE(stream, nullptr);
  ASSERT_TRUE(client.ReadUntil("\r\n\r\n"));
  EXPECT_THAT(client.received(), StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(client.received(), HasSubstr("Content-Type: text/event-stream"));
  EXPECT_THAT(client.received(), HasSubstr("Transfer-Encoding: chunked"));

  std::thread writer([stream] {
    EXPECT_TRUE(stream->Write("data: one\n\n"));
    absl::SleepFor(absl::Milliseconds(20));  // the connection is parked in between
    EXPECT_TRUE(stream->Write("data: two\n\n"));
  });
  EXPECT_TRUE(client.ReadUntil("data: one\n\n"));
  EXPECT_TRUE(client.ReadUntil("data: two\n\n"));
  writer.join();

  // How soon a write reaches the client (SSE latency), for information.
  const absl::Time written = absl::Now();
  ASSERT_TRUE(stream->Write("data: three\n\n"));
  ASSERT_TRUE(client.ReadUntil("data: three\n\n"));
  std::printf("stream write to client: %.0f us\n",
              absl::ToDoubleMicroseconds(absl::Now() - written));

  client.Close();
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  bool accepted = true;
  while (accepted && absl::Now() < deadline) {
    accepted = stream->Write("data: ping\n\n");
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_FALSE(accepted);
  EXPECT_TRUE(stream->closed());
}

TEST(HttpServerTest, StreamCloseEndsTheBodyAndKeepsTheConnection) {
  HttpServer server;
  StreamSlot slot;
  server.HandleStream("GET", "/events", "text/event-stream", slot.Handler());
  server.Handle("GET", "/ping", [](const Request&) { return Response{.body = "pong"}; });
  ASSERT_TRUE(server.Start(LocalOptions()).ok());

  RawClient client(server.port());
  ASSERT_TRUE(client.Send(kEventsRequest));
  std::shared_ptr<Stream> stream = slot.Wait();
  ASSERT_NE(stream, nullptr);
  EXPECT_TRUE(stream->Write("data: last\n\n"));
  stream->Close();
  EXPECT_TRUE(stream->closed());
  EXPECT_FALSE(stream->Write("data: late\n\n"));
  ASSERT_TRUE(client.ReadUntil("data: last\n\n\r\n0\r\n\r\n"));
  EXPECT_THAT(client.received(), Not(HasSubstr("late")));

  // Same connection, next request.
  ASSERT_TRUE(client.Send("GET /ping HTTP/1.1\r\nHost: test\r\n\r\n"));
  EXPECT_TRUE(client.ReadUntil("pong"));
}

TEST(HttpServerTest, SlowStreamClientEndsTheStreamAtTheBufferLimit) {
  HttpServer server;
  StreamSlot slot;
  server.HandleStream("GET", "/events", "text/event-stream", slot.Handler());
  Options options = LocalOptions();
  options.max_stream_buffer_bytes = 64 * 1024;
  ASSERT_TRUE(server.Start(options).ok());

  RawClient client(server.port(), /*receive_buffer=*/4096);  // and reads nothing for now
  ASSERT_TRUE(client.Send(kEventsRequest));
  std::shared_ptr<Stream> stream = slot.Wait();
  ASSERT_NE(stream, nullptr);
  // Paced so that the server keeps sending until the socket buffers are full.
  const std::string piece(4096, 'x');
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  size_t written = 0;
  while (absl::Now() < deadline && stream->Write(piece)) {
    written += piece.size();
    absl::SleepFor(absl::Microseconds(50));
  }
  std::printf("a client that does not read took %zu KiB before its stream ended\n", written / 1024);
  EXPECT_TRUE(stream->closed());
  EXPECT_FALSE(stream->Write("x"));
  // The connection is closed without the body's end.
  EXPECT_TRUE(client.ReadToEnd());
  EXPECT_THAT(client.received(), Not(HasSubstr("\r\n0\r\n\r\n")));
}

TEST(HttpServerTest, StopEndsAnOpenStreamPromptly) {
  HttpServer server;
  StreamSlot slot;
  server.HandleStream("GET", "/events", "text/event-stream", slot.Handler());
  ASSERT_TRUE(server.Start(LocalOptions()).ok());

  RawClient client(server.port());
  ASSERT_TRUE(client.Send(kEventsRequest));
  std::shared_ptr<Stream> stream = slot.Wait();
  ASSERT_NE(stream, nullptr);
  ASSERT_TRUE(stream->Write("data: hello\n\n"));
  ASSERT_TRUE(client.ReadUntil("data: hello\n\n"));
  absl::SleepFor(absl::Milliseconds(20));  // the connection is parked, waiting for data

  const absl::Time start = absl::Now();
  server.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_TRUE(stream->closed());
  EXPECT_FALSE(stream->Write("data: after\n\n"));
  stream->Close();  // harmless
  EXPECT_TRUE(client.ReadToEnd());
  server.Stop();  // idempotent
}

// Writes racing MHD's parking and resuming of the connection: nothing lost, in order.
TEST(HttpServerTest, StreamKeepsEveryWriteInOrderUnderManySmallWrites) {
  HttpServer server;
  StreamSlot slot;
  server.HandleStream("GET", "/events", "text/event-stream", slot.Handler());
  ASSERT_TRUE(server.Start(LocalOptions()).ok());

  RawClient client(server.port());
  ASSERT_TRUE(client.Send(kEventsRequest));
  std::shared_ptr<Stream> stream = slot.Wait();
  ASSERT_NE(stream, nullptr);
  constexpr int kEvents = 20000;
  std::thread writer([stream] {
    for (int i = 0; i < kEvents; ++i) {
      ASSERT_TRUE(stream->Write(absl::StrCat("data: ", i, "\n\n")));
      if (i % 1000 == 0) absl::SleepFor(absl::Milliseconds(1));
    }
    stream->Close();
  });
  ASSERT_TRUE(client.ReadUntil("\r\n0\r\n\r\n", absl::Seconds(20)));
  writer.join();
  // Strip the chunk framing and check the events.
  std::string events;
  absl::string_view rest = client.received();
  rest.remove_prefix(rest.find("\r\n\r\n") + 4);
  while (!rest.empty()) {
    const size_t line_end = rest.find("\r\n");
    ASSERT_NE(line_end, absl::string_view::npos);
    size_t size = 0;
    ASSERT_TRUE(absl::SimpleHexAtoi(rest.substr(0, line_end), &size));
    if (size == 0) break;
    absl::StrAppend(&events, rest.substr(line_end + 2, size));
    rest.remove_prefix(line_end + 2 + size + 2);
  }
  std::string expected;
  for (int i = 0; i < kEvents; ++i) absl::StrAppend(&expected, "data: ", i, "\n\n");
  EXPECT_EQ(events, expected);
}

TEST(HttpServerTest, StopWhileStreamsAreWrittenIsSafe) {
  HttpServer server;
  absl::Mutex mu;
  std::vector<std::shared_ptr<Stream>> streams;
  server.HandleStream("GET", "/events", "text/event-stream",
                      [&](const Request&, std::shared_ptr<Stream> stream) {
                        absl::MutexLock lock(&mu);
                        streams.push_back(std::move(stream));
                      });
  // No stream is cut off as a slow client before Stop: the flat-out writers are read,
  // and the buffer leaves room for a reader the machine's load holds back.
  Options options = LocalOptions();
  options.max_stream_buffer_bytes = 64 << 20;
  ASSERT_TRUE(server.Start(options).ok());

  constexpr int kStreams = 6;
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < kStreams; ++i) {
    clients.push_back(std::make_unique<RawClient>(server.port()));
    ASSERT_TRUE(clients.back()->Send(kEventsRequest));
  }
  {
    absl::MutexLock lock(&mu);
    ASSERT_TRUE(mu.AwaitWithTimeout(
        absl::Condition(
            +[](std::vector<std::shared_ptr<Stream>>* s) { return s->size() == kStreams; },
            &streams),
        absl::Seconds(5)));
  }
  std::atomic<bool> done = false;
  std::vector<std::thread> writers;
  for (int i = 0; i < kStreams; ++i) {
    std::shared_ptr<Stream> stream;
    {
      absl::MutexLock lock(&mu);
      stream = streams[i];
    }
    writers.emplace_back([stream, &done, i] {
      // Some streams write flat out, some now and then (their connection parked).
      while (stream->Write("data: x\n\n")) {
        if (i % 2 == 0) absl::SleepFor(absl::Microseconds(200));
      }
      EXPECT_TRUE(done);
    });
  }
  // The clients of the flat-out writers read; the others do not.
  std::vector<std::thread> readers;
  for (int i = 1; i < kStreams; i += 2) {
    readers.emplace_back([&client = *clients[i]] { client.ReadToEnd(absl::Seconds(10)); });
  }
  absl::SleepFor(absl::Milliseconds(50));
  done = true;
  const absl::Time start = absl::Now();
  server.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  for (std::thread& writer : writers) writer.join();
  for (std::thread& reader : readers) reader.join();
}

TEST(HttpServerTest, StopWaitsForHandlersInFlight) {
  HttpServer server;
  absl::Notification started;
  std::atomic<bool> finished = false;
  server.Handle("GET", "/slow", [&](const Request&) {
    started.Notify();
    absl::SleepFor(absl::Milliseconds(300));
    finished = true;
    return Response{.body = "done"};
  });
  ASSERT_TRUE(server.Start(LocalOptions()).ok());

  RawClient client(server.port());
  ASSERT_TRUE(client.Send("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n"));
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(5)));
  server.Stop();
  EXPECT_TRUE(finished);
}

TEST(HttpServerTest, ConcurrentClientsAreAllAnswered) {
  HttpServer server;
  server.Handle("GET", "/echo",
                [](const Request& request) { return Response{.body = request.query.at("n")}; });
  ASSERT_TRUE(server.Start(LocalOptions()).ok());

  constexpr int kThreads = 8;
  constexpr int kRequests = 200;
  std::atomic<int> answered = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client client;
      for (int i = 0; i < kRequests; ++i) {
        const std::string n = absl::StrCat(t, "-", i);
        Reply reply = client.Fetch(Url(server, "/echo?n=" + n));
        if (reply.status == 200 && reply.body == n) ++answered;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(answered, kThreads * kRequests);
}

// Not a check: the figure the SIP proxy's routing lookup cares about.
TEST(HttpServerTest, PrintsKeepAliveLatency) {
  HttpServer server;
  server.Handle("GET", "/route", [](const Request& request) {
    return Response{.body = absl::StrCat("{\"target\":\"", request.query.at("to"), "\"}")};
  });
  ASSERT_TRUE(server.Start(LocalOptions()).ok());

  RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  const std::string request = "GET /route?to=4512345678 HTTP/1.1\r\nHost: test\r\n\r\n";
  std::vector<double> micros;
  for (int i = 0; i < 2000; ++i) {
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(client.Send(request));
    ASSERT_THAT(client.ReadResponse(), HasSubstr("4512345678"));
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(micros.begin(), micros.end());
  std::printf("keep-alive GET over loopback: median %.1f us, p99 %.1f us (2000 requests)\n",
              micros[micros.size() / 2], micros[micros.size() * 99 / 100]);
}

}  // namespace
}  // namespace cti::server::http
