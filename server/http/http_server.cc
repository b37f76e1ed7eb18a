#include "server/http/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "spdlog/spdlog.h"

namespace cti::server::http {
namespace {

// Largest piece MHD asks a stream for at once.
constexpr size_t kStreamBlockSize = 16 * 1024;

// The address to bind: a sockaddr_in or sockaddr_in6.
struct ListenAddress {
  sockaddr_storage storage{};
  bool ipv6 = false;
};

absl::StatusOr<ListenAddress> ParseListen(absl::string_view listen) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen \"", listen, "\": ", why,
                     " (expected HOST:PORT with an IPv4 address or an [IPv6] address)"));
  };
  const size_t colon = listen.rfind(':');
  if (colon == absl::string_view::npos) return bad("no port");
  absl::string_view host = listen.substr(0, colon);
  const absl::string_view port_text = listen.substr(colon + 1);
  int port = 0;
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(port_text, &port) || port > 65535) {
    return bad("port must be 0..65535");
  }
  ListenAddress address;
  if (absl::ConsumePrefix(&host, "[")) {
    if (!absl::ConsumeSuffix(&host, "]")) return bad("unclosed '['");
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET6, std::string(host).c_str(), &v6.sin6_addr) != 1) {
      return bad("not an IPv6 address");
    }
    std::memcpy(&address.storage, &v6, sizeof(v6));
    address.ipv6 = true;
  } else {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, std::string(host).c_str(), &v4.sin_addr) != 1) {
      return bad("not an IPv4 address");
    }
    std::memcpy(&address.storage, &v4, sizeof(v4));
  }
  return address;
}

std::string FormatPeer(const sockaddr* address) {
  if (address == nullptr) return "";
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof(v4));
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof(text));
    return absl::StrCat(text, ":", ntohs(v4.sin_port));
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof(v6));
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof(text));
    return absl::StrCat("[", text, "]:", ntohs(v6.sin6_port));
  }
  return "";
}

// Makes resuming a suspended connection safe against the daemon's destruction: a
// thread resuming holds `mu` shared from claiming the resumption until
// MHD_resume_connection returned; Stop takes it exclusively after closing every stream,
// so no resumption is under way, or can start, when the daemon goes.
struct ResumeGate {
  absl::Mutex mu;
};

class StreamImpl;

// The open streams, for Stop. A stream is in it from its start until MHD frees its
// response.
struct StreamRegistry {
  absl::Mutex mu;
  bool stopping ABSL_GUARDED_BY(mu) = false;
  absl::flat_hash_map<StreamImpl*, std::shared_ptr<StreamImpl>> streams ABSL_GUARDED_BY(mu);
};

struct Route {
  Handler handler;               // set for a plain route
  StreamHandler stream_handler;  // set for a streaming route
  std::string content_type;      // streams only
};

struct PathRoutes {
  std::map<std::string, Route> by_method;
  std::string allow;  // the Allow header of a 405, made at Start
};

// One request, from its headers to its answer (MHD's per-request pointer).
struct RequestState {
  const Route* route = nullptr;
  Request request;
  bool too_large = false;
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl() : gate_(std::make_shared<ResumeGate>()) {}

  void Register(std::string method, std::string path, Route route);
  absl::Status Start(const Options& options);
  int port() const { return port_.load(std::memory_order_acquire); }
  void Stop();

 private:
  static MHD_Result OnAccess(void* cls, MHD_Connection* connection, const char* url,
                             const char* method, const char* version, const char* upload_data,
                             size_t* upload_data_size, void** req_cls);
  static void OnCompleted(void* cls, MHD_Connection* connection, void** req_cls,
                          MHD_RequestTerminationCode toe);
  static void OnLog(void* cls, const char* format, va_list args);

  MHD_Result Access(MHD_Connection* connection, const char* url, const char* method,
                    const char* upload_data, size_t* upload_data_size, void** req_cls);
  const Route* FindRoute(const PathRoutes& routes, absl::string_view method) const;
  MHD_Result StartStream(MHD_Connection* connection, const Route& route, const Request& request);
  void Log(std::string message);

  Options options_;
  // Written before Start, read-only after.
  absl::flat_hash_map<std::string, PathRoutes> routes_;
  bool started_ = false;
  std::atomic<int> port_{0};
  const std::shared_ptr<ResumeGate> gate_;

  StreamRegistry registry_;
  // Set by Start, cleared by Stop (owner's thread only).
  MHD_Daemon* daemon_ = nullptr;

  absl::Mutex log_mu_;
  // While Start runs: MHD's messages, for the error of a failed start.
  bool capturing_log_ ABSL_GUARDED_BY(log_mu_) = false;
  std::vector<std::string> start_log_ ABSL_GUARDED_BY(log_mu_);
};

namespace {

// A streaming response body. MHD pulls bytes with Read (on the connection's thread);
// when none are queued the connection is suspended, and the next Write, Close or
// Shutdown resumes it. Whoever turns `suspended_` from true to false resumes, exactly
// once per suspension.
class StreamImpl final : public Stream {
 public:
  StreamImpl(StreamRegistry* registry, size_t max_buffer, std::shared_ptr<ResumeGate> gate)
      : registry_(registry), max_buffer_(max_buffer), gate_(std::move(gate)) {}

  bool Write(std::string_view bytes) override {
    absl::ReaderMutexLock gate_lock(&gate_->mu);
    MHD_Connection* resume = nullptr;
    bool accepted = false;
    {
      absl::MutexLock lock(&mu_);
      if (closed_) return false;
      if (buffer_.size() - read_ + bytes.size() > max_buffer_) {
        EndLocked(/*abort=*/true);
      } else {
        buffer_.append(bytes);
        accepted = true;
      }
      resume = TakeResumeLocked();
    }
    if (resume != nullptr) MHD_resume_connection(resume);
    return accepted;
  }

  void Close() override {
    absl::ReaderMutexLock gate_lock(&gate_->mu);
    MHD_Connection* resume = nullptr;
    {
      absl::MutexLock lock(&mu_);
      if (closed_) return;
      EndLocked(/*abort=*/false);
      resume = TakeResumeLocked();
    }
    if (resume != nullptr) MHD_resume_connection(resume);
  }

  bool closed() const override {
    absl::MutexLock lock(&mu_);
    return closed_;
  }

  // MHD's side. The connection the stream answers, before the response is queued.
  void Attach(MHD_Connection* connection) {
    absl::MutexLock lock(&mu_);
    connection_ = connection;
  }

  // MHD_ContentReaderCallback, on the connection's thread.
  static ssize_t Read(void* cls, uint64_t /*pos*/, char* buf, size_t max) {
    return (*static_cast<std::shared_ptr<StreamImpl>*>(cls))->ReadInto(buf, max);
  }

  // MHD_ContentReaderFreeCallback: the response is gone (the connection closed, the body
  // ended, or the server stopped).
  static void Free(void* cls) {
    auto* holder = static_cast<std::shared_ptr<StreamImpl>*>(cls);
    StreamImpl& stream = **holder;
    {
      absl::MutexLock lock(&stream.mu_);
      stream.EndLocked(/*abort=*/true);
      stream.suspended_ = false;
      stream.connection_ = nullptr;
    }
    {
      absl::MutexLock lock(&stream.registry_->mu);
      stream.registry_->streams.erase(&stream);
    }
    delete holder;
  }

  // For Stop: ends the stream at once (queued bytes dropped) and resumes its connection
  // so that MHD can close it. The caller is the one destroying the daemon, after.
  void Shutdown() {
    MHD_Connection* resume = nullptr;
    {
      absl::MutexLock lock(&mu_);
      EndLocked(/*abort=*/true);
      resume = TakeResumeLocked();
    }
    if (resume != nullptr) MHD_resume_connection(resume);
  }

 private:
  ssize_t ReadInto(char* buf, size_t max) {
    absl::MutexLock lock(&mu_);
    if (read_ < buffer_.size()) {
      const size_t n = std::min(max, buffer_.size() - read_);
      std::memcpy(buf, buffer_.data() + read_, n);
      read_ += n;
      if (read_ == buffer_.size()) {
        buffer_.clear();
        read_ = 0;
      } else if (read_ >= buffer_.size() / 2) {
        buffer_.erase(0, read_);
        read_ = 0;
      }
      return static_cast<ssize_t>(n);
    }
    if (closed_) {
      return aborted_ ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
    }
    // Nothing to send: park the connection until the next Write or Close. Called under
    // mu_, so no one can resume before the suspension happened.
    suspended_ = true;
    MHD_suspend_connection(connection_);
    return 0;
  }

  void EndLocked(bool abort) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (closed_) return;
    closed_ = true;
    if (abort) {
      aborted_ = true;
      buffer_.clear();
      buffer_.shrink_to_fit();
      read_ = 0;
    }
  }

  MHD_Connection* TakeResumeLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!suspended_) return nullptr;
    suspended_ = false;
    return connection_;
  }

  StreamRegistry* const registry_;  // outlives every response of its daemon
  const size_t max_buffer_;
  const std::shared_ptr<ResumeGate> gate_;
  mutable absl::Mutex mu_;
  MHD_Connection* connection_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::string buffer_ ABSL_GUARDED_BY(mu_);
  size_t read_ ABSL_GUARDED_BY(mu_) = 0;  // bytes of buffer_ already handed to MHD
  bool suspended_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool aborted_ ABSL_GUARDED_BY(mu_) = false;  // end by closing the connection
};

void DeleteString(void* cls) { delete static_cast<std::string*>(cls); }

MHD_Result CollectArgument(void* cls, MHD_ValueKind /*kind*/, const char* key, size_t key_size,
                           const char* value, size_t value_size) {
  auto& query = *static_cast<absl::flat_hash_map<std::string, std::string>*>(cls);
  query[std::string(key, key_size)] = value == nullptr ? "" : std::string(value, value_size);
  return MHD_YES;
}

MHD_Result CollectHeader(void* cls, MHD_ValueKind /*kind*/, const char* key, size_t key_size,
                         const char* value, size_t value_size) {
  auto& headers = *static_cast<absl::flat_hash_map<std::string, std::string>*>(cls);
  std::string name = absl::AsciiStrToLower(absl::string_view(key, key_size));
  const absl::string_view text = value == nullptr ? "" : absl::string_view(value, value_size);
  auto [it, inserted] = headers.try_emplace(std::move(name), text);
  if (!inserted) absl::StrAppend(&it->second, ", ", text);
  return MHD_YES;
}

// Builds MHD's response for `response`; nullptr when MHD refuses it (a bad header) or
// has no memory.
MHD_Response* MakeResponse(Response& response) {
  auto* body = new std::string(std::move(response.body));
  MHD_Response* made = MHD_create_response_from_buffer_with_free_callback_cls(
      body->size(), body->data(), &DeleteString, body);
  if (made == nullptr) {
    delete body;
    return nullptr;
  }
  bool ok = response.content_type.empty() ||
            MHD_add_response_header(made, MHD_HTTP_HEADER_CONTENT_TYPE,
                                    response.content_type.c_str()) == MHD_YES;
  for (const auto& [name, value] : response.headers) {
    if (!ok) break;
    ok = MHD_add_response_header(made, name.c_str(), value.c_str()) == MHD_YES;
    if (!ok) spdlog::error("http: response header \"{}\" refused", name);
  }
  if (!ok) {
    MHD_destroy_response(made);
    return nullptr;
  }
  return made;
}

MHD_Result Answer(MHD_Connection* connection, Response response) {
  if (response.status < 100 || response.status > 599) {
    spdlog::error("http: a handler answered status {}", response.status);
    response = Response{.status = 500, .body = "internal error: invalid status\n"};
  }
  const int status = response.status;
  MHD_Response* made = MakeResponse(response);
  if (made == nullptr) {
    Response fallback{.status = 500, .body = "internal error: invalid response header\n"};
    made = MakeResponse(fallback);
    if (made == nullptr) return MHD_NO;
    const MHD_Result queued = MHD_queue_response(connection, 500, made);
    MHD_destroy_response(made);
    return queued;
  }
  const MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned>(status), made);
  MHD_destroy_response(made);
  return queued;
}

}  // namespace

void HttpServer::Impl::Register(std::string method, std::string path, Route route) {
  if (started_) {
    spdlog::error("http: route {} {} registered after Start; ignored", method, path);
    return;
  }
  routes_[std::move(path)].by_method[std::move(method)] = std::move(route);
}

const Route* HttpServer::Impl::FindRoute(const PathRoutes& routes, absl::string_view method) const {
  auto it = routes.by_method.find(std::string(method));
  if (it != routes.by_method.end()) return &it->second;
  if (method == MHD_HTTP_METHOD_HEAD) {
    it = routes.by_method.find(MHD_HTTP_METHOD_GET);
    if (it != routes.by_method.end() && it->second.handler) return &it->second;
  }
  return nullptr;
}

absl::Status HttpServer::Impl::Start(const Options& options) {
  if (started_) {
    return absl::FailedPreconditionError("http server started before; a server starts once");
  }
  if (options.threads < 1) return absl::InvalidArgumentError("threads must be at least 1");
  if (options.max_connections < 1) {
    return absl::InvalidArgumentError("max_connections must be at least 1");
  }
  absl::StatusOr<ListenAddress> address = ParseListen(options.listen);
  if (!address.ok()) return address.status();
  options_ = options;
  started_ = true;

  for (auto& [path, routes] : routes_) {
    std::vector<std::string> methods;
    for (const auto& [method, route] : routes.by_method) methods.push_back(method);
    if (FindRoute(routes, MHD_HTTP_METHOD_HEAD) != nullptr &&
        !routes.by_method.contains(MHD_HTTP_METHOD_HEAD)) {
      methods.push_back(MHD_HTTP_METHOD_HEAD);
    }
    std::sort(methods.begin(), methods.end());
    routes.allow = absl::StrJoin(methods, ", ");
  }

  unsigned timeout_seconds = 0;  // never
  if (options.connection_timeout != absl::InfiniteDuration()) {
    const double seconds = std::ceil(absl::ToDoubleSeconds(options.connection_timeout));
    timeout_seconds = static_cast<unsigned>(
        std::clamp(seconds, 1.0, static_cast<double>(std::numeric_limits<unsigned>::max())));
  }
  std::vector<MHD_OptionItem> items = {
      {MHD_OPTION_SOCK_ADDR, 0, &address->storage},
      {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&Impl::OnLog), this},
      {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&Impl::OnCompleted), this},
      {MHD_OPTION_CONNECTION_TIMEOUT, static_cast<intptr_t>(timeout_seconds), nullptr},
      {MHD_OPTION_CONNECTION_LIMIT, static_cast<intptr_t>(options.max_connections), nullptr},
  };
  if (options.threads > 1) {
    items.push_back({MHD_OPTION_THREAD_POOL_SIZE, options.threads, nullptr});
  }
  items.push_back({MHD_OPTION_END, 0, nullptr});
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
  if (address->ipv6) flags |= MHD_USE_IPv6;

  if (MHD_is_feature_supported(MHD_FEATURE_AUTOSUPPRESS_SIGPIPE) != MHD_YES) {
    spdlog::warn("http: this libmicrohttpd may raise SIGPIPE; ignore the signal");
  }
  {
    absl::MutexLock lock(&log_mu_);
    capturing_log_ = true;
    start_log_.clear();
  }
  MHD_Daemon* daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &Impl::OnAccess, this,
                                        MHD_OPTION_ARRAY, items.data(), MHD_OPTION_END);
  std::vector<std::string> start_log;
  {
    absl::MutexLock lock(&log_mu_);
    capturing_log_ = false;
    start_log.swap(start_log_);
  }
  if (daemon == nullptr) {
    started_ = false;  // may be tried again
    return absl::UnavailableError(absl::StrCat(
        "listen ", options.listen, ": cannot serve HTTP: ",
        start_log.empty() ? "libmicrohttpd failed to start" : absl::StrJoin(start_log, "; ")));
  }
  int port = 0;
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  if (info != nullptr) port = info->port;
  if (port == 0) {
    info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_LISTEN_FD);
    sockaddr_storage bound{};
    socklen_t length = sizeof(bound);
    if (info != nullptr &&
        getsockname(info->listen_fd, reinterpret_cast<sockaddr*>(&bound), &length) == 0) {
      sockaddr_in6 v6;  // sin_port and sin6_port are at the same offset
      std::memcpy(&v6, &bound, sizeof(v6));
      port = ntohs(v6.sin6_port);
    }
  }
  port_.store(port, std::memory_order_release);
  daemon_ = daemon;
  return absl::OkStatus();
}

void HttpServer::Impl::Stop() {
  if (daemon_ == nullptr) return;
  std::vector<std::shared_ptr<StreamImpl>> streams;
  {
    absl::MutexLock lock(&registry_.mu);
    registry_.stopping = true;
    for (auto& [raw, stream] : registry_.streams) streams.push_back(stream);
  }
  for (const std::shared_ptr<StreamImpl>& stream : streams) stream->Shutdown();
  // Wait out resumptions under way; every later Write or Close sees a closed stream.
  { absl::MutexLock barrier(&gate_->mu); }
  // Closes the connections (freeing the streams' responses) and joins the threads,
  // which finish the handlers they are running first.
  MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
}

void HttpServer::Impl::Log(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
    message.pop_back();
  }
  {
    absl::MutexLock lock(&log_mu_);
    if (capturing_log_) {
      start_log_.push_back(message);
      return;
    }
  }
  // MHD reports a single client's trouble (it left mid-response, sent a bad request) as
  // well as the server's (accept failing, the connection limit, threads, polling). Only
  // the latter is worth a warning.
  const std::string lower = absl::AsciiStrToLower(message);
  const bool server_wide = absl::StrContains(lower, "accept") ||
                           absl::StrContains(lower, "limit") ||
                           absl::StrContains(lower, "thread") || absl::StrContains(lower, "epoll");
  if (server_wide) {
    spdlog::warn("http: {}", message);
  } else {
    spdlog::debug("http: {}", message);
  }
}

void HttpServer::Impl::OnLog(void* cls, const char* format, va_list args) {
  char text[512];
  std::vsnprintf(text, sizeof(text), format, args);
  static_cast<Impl*>(cls)->Log(text);
}

void HttpServer::Impl::OnCompleted(void* /*cls*/, MHD_Connection* /*connection*/, void** req_cls,
                                   MHD_RequestTerminationCode /*toe*/) {
  delete static_cast<RequestState*>(*req_cls);
  *req_cls = nullptr;
}

MHD_Result HttpServer::Impl::OnAccess(void* cls, MHD_Connection* connection, const char* url,
                                      const char* method, const char* /*version*/,
                                      const char* upload_data, size_t* upload_data_size,
                                      void** req_cls) {
  return static_cast<Impl*>(cls)->Access(connection, url, method, upload_data, upload_data_size,
                                         req_cls);
}

MHD_Result HttpServer::Impl::Access(MHD_Connection* connection, const char* url, const char* method,
                                    const char* upload_data, size_t* upload_data_size,
                                    void** req_cls) {
  auto* state = static_cast<RequestState*>(*req_cls);
  if (state == nullptr) {
    // First call: the headers are in, the body (if any) not yet.
    auto path = routes_.find(absl::string_view(url));
    if (path == routes_.end()) {
      return Answer(connection, {.status = 404, .body = absl::StrCat("not found: ", url, "\n")});
    }
    const Route* route = FindRoute(path->second, method);
    if (route == nullptr) {
      return Answer(connection, {.status = 405,
                                 .body = absl::StrCat("method ", method, " not allowed for ", url,
                                                      "; allowed: ", path->second.allow, "\n"),
                                 .headers = {{MHD_HTTP_HEADER_ALLOW, path->second.allow}}});
    }
    const char* length_text =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    uint64_t length = 0;
    if (length_text != nullptr && absl::SimpleAtoi(length_text, &length) &&
        length > options_.max_body_bytes) {
      return Answer(connection, {.status = 413,
                                 .body = absl::StrCat("request body over ", options_.max_body_bytes,
                                                      " bytes\n")});
    }
    state = new RequestState;
    state->route = route;
    Request& request = state->request;
    request.method = method;
    request.path = url;
    MHD_get_connection_values_n(connection, MHD_GET_ARGUMENT_KIND, &CollectArgument,
                                &request.query);
    MHD_get_connection_values_n(connection, MHD_HEADER_KIND, &CollectHeader, &request.headers);
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info != nullptr) request.peer = FormatPeer(info->client_addr);
    if (length_text != nullptr) request.body.reserve(length);
    *req_cls = state;
    return MHD_YES;
  }
  if (*upload_data_size != 0) {
    // A piece of the body.
    if (!state->too_large) {
      if (state->request.body.size() + *upload_data_size > options_.max_body_bytes) {
        state->too_large = true;
        std::string().swap(state->request.body);
      } else {
        state->request.body.append(upload_data, *upload_data_size);
      }
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  // The whole request is in.
  if (state->too_large) {
    return Answer(connection, {.status = 413,
                               .body = absl::StrCat("request body over ", options_.max_body_bytes,
                                                    " bytes\n")});
  }
  if (state->route->stream_handler) return StartStream(connection, *state->route, state->request);
  return Answer(connection, state->route->handler(state->request));
}

MHD_Result HttpServer::Impl::StartStream(MHD_Connection* connection, const Route& route,
                                         const Request& request) {
  auto stream = std::make_shared<StreamImpl>(&registry_, options_.max_stream_buffer_bytes, gate_);
  auto* holder = new std::shared_ptr<StreamImpl>(stream);
  MHD_Response* response = MHD_create_response_from_callback(
      MHD_SIZE_UNKNOWN, kStreamBlockSize, &StreamImpl::Read, holder, &StreamImpl::Free);
  if (response == nullptr) {
    delete holder;
    return MHD_NO;
  }
  stream->Attach(connection);
  {
    absl::MutexLock lock(&registry_.mu);
    registry_.streams.emplace(stream.get(), stream);
    if (registry_.stopping) stream->Shutdown();  // not suspended yet: resumes nothing
  }
  // From here on, destroying `response` frees the holder (and Forgets the stream).
  if (MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, route.content_type.c_str()) !=
          MHD_YES ||
      MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache") != MHD_YES) {
    spdlog::error("http: stream content type \"{}\" refused", route.content_type);
    MHD_destroy_response(response);
    return Answer(connection, {.status = 500, .body = "internal error: invalid content type\n"});
  }
  const MHD_Result queued = MHD_queue_response(connection, MHD_HTTP_OK, response);
  MHD_destroy_response(response);
  if (queued != MHD_YES) return MHD_NO;
  route.stream_handler(request, std::move(stream));
  return MHD_YES;
}

HttpServer::HttpServer() : impl_(std::make_unique<Impl>()) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(std::string method, std::string path, Handler handler) {
  Route route;
  route.handler = std::move(handler);
  impl_->Register(std::move(method), std::move(path), std::move(route));
}

void HttpServer::HandleStream(std::string method, std::string path, std::string content_type,
                              StreamHandler handler) {
  Route route;
  route.stream_handler = std::move(handler);
  route.content_type = std::move(content_type);
  impl_->Register(std::move(method), std::move(path), std::move(route));
}

absl::Status HttpServer::Start(const Options& options) { return impl_->Start(options); }

int HttpServer::port() const { return impl_->port(); }

void HttpServer::Stop() { impl_->Stop(); }

}  // namespace cti::server::http
