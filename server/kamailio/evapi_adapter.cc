#include "server/kamailio/evapi_adapter.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "nlohmann/json.hpp"
#include "projections/directory.h"
#include "projections/live_calls.h"
#include "server/append.h"
#include "server/kamailio/netstring.h"
#include "server/logging.h"
#include "server/position_gate.h"
#include "spdlog/spdlog.h"

namespace cti::server::kamailio {
namespace {

constexpr int kConnectTimeoutMs = 5000;
// A connection that lasted this long (or carried an event) resets the backoff.
constexpr absl::Duration kStableConnection = absl::Seconds(1);

absl::Status SplitAddress(const std::string& address, std::string* host, std::string* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(absl::StrCat("address: '", address, "' is not HOST:PORT"));
  }
  *host = address.substr(0, colon);
  *port = address.substr(colon + 1);
  if (host->front() == '[') {
    if (host->size() < 3 || host->back() != ']') {
      return absl::InvalidArgumentError(
          absl::StrCat("address: '", address, "' has a bad [v6] host"));
    }
    *host = host->substr(1, host->size() - 2);
  } else if (host->find(':') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("address: '", address, "': write an IPv6 host as [v6]:PORT"));
  }
  int number = 0;
  if (!absl::SimpleAtoi(*port, &number) || number < 1 || number > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("address: '", address, "' needs a port from 1 to 65535"));
  }
  return absl::OkStatus();
}

bool NeedsTarget(EvapiKind kind) {
  return kind == EvapiKind::kRinging || kind == EvapiKind::kAnswered ||
         kind == EvapiKind::kBranchFailed;
}

bool Finishes(EvapiKind kind) {
  return kind == EvapiKind::kAbandoned || kind == EvapiKind::kEnded || kind == EvapiKind::kFailed ||
         kind == EvapiKind::kRoutingFailed;
}

bool IsDigits(const std::string& text, bool allow_plus) {
  std::string_view digits = text;
  if (allow_plus && !digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (digits.size() < 2 || digits.size() > 20) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string Errno(int error) { return std::strerror(error); }

}  // namespace

absl::Status CheckEvapiAddress(const std::string& address) {
  std::string host;
  std::string port;
  return SplitAddress(address, &host, &port);
}

struct EvapiAdapter::Item {
  EvapiMessage message;
  uint64_t generation = 0;  // the connection it came on: its ack goes back there
};

// One worker: the events of its calls, in arrival order per call.
class EvapiAdapter::Shard {
 public:
  explicit Shard(EvapiAdapter* adapter) : adapter_(*adapter) {}

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  void Push(Item item) {
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(item));
  }
  void Stop() {
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }

  // What the shard remembers of a call (its thread only).
  struct CallMemory {
    std::deque<Item> held;  // not acknowledged: the call was not offered yet
    absl::Time held_since;
    std::optional<EvapiDestination> target;  // where it last rang or was answered
    absl::Time touched;
  };

 private:
  bool Ready() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || !queue_.empty(); }

  void Run() {
    absl::Time last_expiry = adapter_.deps_.clock->Now();
    while (true) {
      std::optional<Item> item;
      {
        absl::MutexLock lock(&mu_);
        mu_.AwaitWithTimeout(absl::Condition(this, &Shard::Ready), absl::Seconds(1));
        if (stop_) return;
        if (!queue_.empty()) {
          item = std::move(queue_.front());
          queue_.pop_front();
        }
      }
      if (item.has_value()) Handle(*std::move(item));
      const absl::Time now = adapter_.deps_.clock->Now();
      if (now - last_expiry >= absl::Seconds(1) || now < last_expiry) {
        Expire(now);
        last_expiry = now;
      }
    }
  }

  void Handle(Item item) {
    const EvapiMessage& message = item.message;
    if (acked_.contains(message.id)) {  // a re-send of an acknowledged event
      adapter_.duplicates_.fetch_add(1, std::memory_order_relaxed);
      adapter_.SendAck(item.generation, message.id);
      return;
    }
    CallMemory& call = calls_[absl::StrCat(message.tenant, "\n", message.call_id)];
    call.touched = adapter_.deps_.clock->Now();
    for (Item& held : call.held) {
      if (held.message.id == message.id) {  // Kamailio re-sent a held event: try again
        held.generation = item.generation;
        RetryHeld(call);
        return;
      }
    }
    // Nothing overtakes a held event, but the INVITE that unblocks them.
    if (!call.held.empty() && message.kind != EvapiKind::kInvite) {
      RetryHeld(call);
      if (!call.held.empty()) {
        Hold(call, std::move(item));
        return;
      }
    }
    std::string why;
    const Outcome outcome = adapter_.Process(item, &call.target, &why);
    if (outcome == Outcome::kNotFound) {
      Hold(call, std::move(item));
      return;
    }
    Finish(item, outcome, why);
    if ((outcome == Outcome::kLanded || outcome == Outcome::kDuplicate) && !call.held.empty()) {
      RetryHeld(call);
    }
  }

  void Hold(CallMemory& call, Item item) {
    if (call.held.empty()) call.held_since = adapter_.deps_.clock->Now();
    spdlog::debug("kamailio evapi: event {} ({}) of call {} held: the call is not offered yet",
                  RedactForLog(item.message.id), EvapiKindName(item.message.kind),
                  RedactForLog(item.message.call_id));
    call.held.push_back(std::move(item));
    adapter_.held_.fetch_add(1, std::memory_order_relaxed);
  }

  // Tries the held events of `call` in order, up to one still not found.
  void RetryHeld(CallMemory& call) {
    while (!call.held.empty()) {
      std::string why;
      const Outcome outcome = adapter_.Process(call.held.front(), &call.target, &why);
      if (outcome == Outcome::kNotFound) return;
      const Item done = std::move(call.held.front());
      call.held.pop_front();
      adapter_.held_.fetch_sub(1, std::memory_order_relaxed);
      Finish(done, outcome, why);
    }
  }

  // Acknowledges, counts and logs what became of `item`.
  void Finish(const Item& item, Outcome outcome, const std::string& why) {
    const EvapiMessage& m = item.message;
    switch (outcome) {
      case Outcome::kLanded:
        adapter_.appended_.fetch_add(1, std::memory_order_relaxed);
        break;
      case Outcome::kDuplicate:
        adapter_.duplicates_.fetch_add(1, std::memory_order_relaxed);
        break;
      case Outcome::kRefused:
        adapter_.refused_.fetch_add(1, std::memory_order_relaxed);
        spdlog::warn("kamailio evapi: event {} ({}) of call {} refused: {}", RedactForLog(m.id),
                     EvapiKindName(m.kind), RedactForLog(m.call_id), RedactForLog(why));
        break;
      case Outcome::kTransient:
      case Outcome::kNotFound:
        adapter_.transient_.fetch_add(1, std::memory_order_relaxed);
        spdlog::warn(
            "kamailio evapi: event {} ({}) of call {} not recorded, left for Kamailio to "
            "re-send: {}",
            RedactForLog(m.id), EvapiKindName(m.kind), RedactForLog(m.call_id), RedactForLog(why));
        return;  // not acknowledged
    }
    acked_[m.id] = adapter_.deps_.clock->Now();
    adapter_.SendAck(item.generation, m.id);
  }

  void Expire(absl::Time now) {
    std::vector<std::string> forget;
    for (auto& [key, call] : calls_) {
      if (!call.held.empty() && now - call.held_since >= adapter_.options_.hold_for) {
        for (const Item& item : call.held) {
          adapter_.dropped_.fetch_add(1, std::memory_order_relaxed);
          adapter_.held_.fetch_sub(1, std::memory_order_relaxed);
          spdlog::warn(
              "kamailio evapi: event {} ({}) of call {} dropped: the call was not "
              "offered within {}",
              RedactForLog(item.message.id), EvapiKindName(item.message.kind),
              RedactForLog(item.message.call_id), absl::FormatDuration(adapter_.options_.hold_for));
          acked_[item.message.id] = now;
          adapter_.SendAck(item.generation, item.message.id);
        }
        call.held.clear();
      }
      if (call.held.empty() && now - call.touched >= adapter_.options_.remember_acks) {
        forget.push_back(key);
      }
    }
    for (const std::string& key : forget) calls_.erase(key);
    std::vector<std::string> old;
    for (const auto& [id, at] : acked_) {
      if (now - at >= adapter_.options_.remember_acks) old.push_back(id);
    }
    for (const std::string& id : old) acked_.erase(id);
  }

  EvapiAdapter& adapter_;
  std::thread thread_;
  absl::Mutex mu_;
  std::deque<Item> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  // The shard thread's own.
  absl::flat_hash_map<std::string, CallMemory> calls_;  // by tenant "\n" call_id
  absl::flat_hash_map<std::string, absl::Time> acked_;  // ack id -> when acknowledged
};

EvapiAdapter::EvapiAdapter(const ServiceDeps* deps, EvapiOptions options, PlanSource plans,
                           cti::Clock* wall)
    : deps_(*deps), options_(std::move(options)), plans_(std::move(plans)), wall_(wall) {}

EvapiAdapter::~EvapiAdapter() {
  Stop();
  if (wake_fd_ >= 0) close(wake_fd_);
}

absl::Status EvapiAdapter::Start() {
  if (started_) return absl::FailedPreconditionError("the evapi adapter was started already");
  if (absl::Status valid = CheckEvapiAddress(options_.address); !valid.ok()) return valid;
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) return absl::InternalError(absl::StrCat("eventfd: ", Errno(errno)));
  started_ = true;
  for (int i = 0; i < std::max(1, options_.shards); ++i) {
    shards_.push_back(std::make_unique<Shard>(this));
    shards_.back()->Start();
  }
  io_ = std::thread([this] { IoLoop(); });
  return absl::OkStatus();
}

void EvapiAdapter::Stop() {
  if (!started_ || stopping_.exchange(true, std::memory_order_acq_rel)) return;
  Wake();
  if (io_.joinable()) io_.join();
  for (const std::unique_ptr<Shard>& shard : shards_) shard->Stop();
  connected_.store(false, std::memory_order_relaxed);
}

EvapiAdapter::Counters EvapiAdapter::counters() const {
  Counters c;
  c.received = received_.load(std::memory_order_relaxed);
  c.appended = appended_.load(std::memory_order_relaxed);
  c.duplicates = duplicates_.load(std::memory_order_relaxed);
  c.refused = refused_.load(std::memory_order_relaxed);
  c.dropped = dropped_.load(std::memory_order_relaxed);
  c.transient = transient_.load(std::memory_order_relaxed);
  c.held = held_.load(std::memory_order_relaxed);
  c.connects = connects_.load(std::memory_order_relaxed);
  c.losses = losses_.load(std::memory_order_relaxed);
  c.connected = connected_.load(std::memory_order_relaxed);
  return c;
}

void EvapiAdapter::Wake() {
  const uint64_t one = 1;
  if (wake_fd_ >= 0) {
    [[maybe_unused]] ssize_t written = write(wake_fd_, &one, sizeof(one));
  }
}

bool EvapiAdapter::Pause(absl::Duration d) {
  const absl::Time until = absl::Now() + d;
  while (!stopping()) {
    const absl::Duration left = until - absl::Now();
    if (left <= absl::ZeroDuration()) return true;
    pollfd fds[1] = {{wake_fd_, POLLIN, 0}};
    poll(fds, 1, static_cast<int>(std::ceil(absl::ToDoubleMilliseconds(left))));
    if (fds[0].revents & POLLIN) {
      uint64_t value = 0;
      [[maybe_unused]] ssize_t got = read(wake_fd_, &value, sizeof(value));
    }
  }
  return false;
}

void EvapiAdapter::IoLoop() {
  absl::Duration backoff = options_.min_backoff;
  bool failure_logged = false;
  while (!stopping()) {
    std::string error;
    const int fd = Connect(&error);
    if (fd < 0) {
      if (stopping()) break;
      if (!failure_logged) {
        spdlog::warn("kamailio evapi: cannot connect to {}: {}; retrying (backoff up to {})",
                     options_.address, error, absl::FormatDuration(options_.max_backoff));
        failure_logged = true;
      }
      if (!Pause(backoff)) break;
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    failure_logged = false;
    uint64_t generation = 0;
    {
      absl::MutexLock lock(&mu_);
      generation = ++generation_;
      out_.clear();
    }
    connects_.fetch_add(1, std::memory_order_relaxed);
    connected_.store(true, std::memory_order_relaxed);
    spdlog::info("kamailio evapi: connected to {}", options_.address);
    const absl::Time began = absl::Now();
    bool got_frames = false;
    const std::string why = Serve(fd, generation, &got_frames);
    {
      absl::MutexLock lock(&mu_);
      generation_ = 0;
      out_.clear();
    }
    connected_.store(false, std::memory_order_relaxed);
    close(fd);
    if (stopping()) break;
    losses_.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("kamailio evapi: connection to {} lost: {}; reconnecting", options_.address, why);
    if (got_frames || absl::Now() - began >= kStableConnection) backoff = options_.min_backoff;
    if (!Pause(backoff)) break;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

int EvapiAdapter::Connect(std::string* error) {
  std::string host;
  std::string port;
  if (absl::Status split = SplitAddress(options_.address, &host, &port); !split.ok()) {
    *error = std::string(split.message());
    return -1;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    *error = gai_strerror(rc);
    return -1;
  }
  int connected = -1;
  *error = "no address";
  for (addrinfo* ai = found; ai != nullptr && connected < 0 && !stopping(); ai = ai->ai_next) {
    const int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      *error = Errno(errno);
      continue;
    }
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd fds[2] = {{fd, POLLOUT, 0}, {wake_fd_, POLLIN, 0}};
      rc = poll(fds, 2, kConnectTimeoutMs);
      if (rc == 0) {
        *error = "connect timed out";
        rc = -1;
      } else if (rc > 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
        int so_error = 0;
        socklen_t len = sizeof(so_error);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
        rc = so_error == 0 ? 0 : -1;
        if (so_error != 0) *error = Errno(so_error);
      } else {
        *error = "stopping";
        rc = -1;
      }
    } else if (rc != 0) {
      *error = Errno(errno);
    }
    if (rc == 0) {
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      connected = fd;
    } else {
      close(fd);
    }
  }
  freeaddrinfo(found);
  return connected;
}

std::string EvapiAdapter::Serve(int fd, uint64_t generation, bool* got_frames) {
  NetstringDecoder decoder(options_.max_frame_bytes);
  std::string buffer(64 * 1024, '\0');
  std::string frame;
  while (true) {
    bool want_write = false;
    {
      absl::MutexLock lock(&mu_);
      want_write = !out_.empty();
    }
    pollfd fds[2] = {{fd, static_cast<short>(POLLIN | (want_write ? POLLOUT : 0)), 0},
                     {wake_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return absl::StrCat("poll: ", Errno(errno));
    }
    if (fds[1].revents & POLLIN) {
      uint64_t value = 0;
      [[maybe_unused]] ssize_t got = read(wake_fd_, &value, sizeof(value));
    }
    if (stopping()) return "";
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t got = recv(fd, buffer.data(), buffer.size(), 0);
      if (got == 0) return "closed by Kamailio";
      if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return absl::StrCat("read: ", Errno(errno));
      }
      if (got > 0) {
        const absl::Status fed = decoder.Feed(std::string_view(buffer.data(), got));
        while (decoder.Next(&frame)) {
          *got_frames = true;
          Dispatch(frame, generation);
        }
        if (!fed.ok()) return absl::StrCat("connection reset: ", fed.message());
      }
    }
    if (fds[0].revents & POLLOUT) {
      absl::MutexLock lock(&mu_);
      const ssize_t sent = send(fd, out_.data(), out_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent > 0) {
        out_.erase(0, static_cast<size_t>(sent));
      } else if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return absl::StrCat("write: ", Errno(errno));
      }
    }
  }
}

void EvapiAdapter::Dispatch(const std::string& frame, uint64_t generation) {
  received_.fetch_add(1, std::memory_order_relaxed);
  std::string id;
  absl::StatusOr<EvapiMessage> message = ParseEvapiMessage(frame, &id);
  if (!message.ok()) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("kamailio evapi: event {} refused: {}",
                 id.empty() ? std::string("without an id (not acknowledged)") : RedactForLog(id),
                 RedactForLog(message.status().message()));
    if (!id.empty()) SendAck(generation, id);
    return;
  }
  const size_t shard = std::hash<std::string>()(message->call_id) % shards_.size();
  shards_[shard]->Push(Item{*std::move(message), generation});
}

void EvapiAdapter::SendAck(uint64_t generation, const std::string& id) {
  const std::string ack = EncodeNetstring(nlohmann::json{{"ack", id}}.dump());
  {
    absl::MutexLock lock(&mu_);
    if (generation != generation_) return;  // that connection is gone: Kamailio re-sends
    out_.append(ack);
  }
  Wake();
}

absl::Time EvapiAdapter::OccurredAt(const EvapiMessage& message) {
  const absl::Time now = deps_.clock->Now();
  if (!message.ts.has_value()) return now;
  const absl::Duration offset = now - wall_->Now();
  return *message.ts +
         absl::Milliseconds(static_cast<int64_t>(std::llround(absl::ToDoubleMilliseconds(offset))));
}

std::optional<EvapiDestination> EvapiAdapter::ResolveUri(const std::string& tenant,
                                                         const std::string& uri,
                                                         const cti::projections::Store& store) {
  const std::string user = UriUser(uri);
  if (user.empty()) return std::nullopt;
  EvapiDestination destination;
  cti::v1::CallTarget& target = destination.target;
  if (std::optional<std::string> mailbox =
          MatchUriTemplate(options_.rtjson.voicemail_uri, "{mailbox}", user);
      mailbox.has_value() && !mailbox->empty()) {
    cti::v1::GetEmployeeRequest request;
    request.set_tenant(tenant);
    request.set_employee_id(*mailbox);
    if (cti::projections::Directory(&store).GetEmployee(request).ok()) {
      target.set_employee_id(*mailbox);
    } else {
      target.set_unit_id(*mailbox);
    }
    destination.voicemail = true;
    return destination;
  }
  absl::StatusOr<std::shared_ptr<const cti::projections::NumberPlan>> plan = plans_(tenant);
  if (std::optional<std::string> unit =
          MatchUriTemplate(options_.rtjson.reception_uri, "{unit}", user);
      unit.has_value()) {
    // The call rings at reception: the tenant's reception unit; without one, the unit
    // the message is for when the URI names it.
    if (plan.ok() && !(*plan)->reception_unit().empty()) {
      target.set_unit_id((*plan)->reception_unit());
    } else if (!unit->empty()) {
      target.set_unit_id(*unit);
    } else {
      return std::nullopt;
    }
    return destination;
  }
  if (!IsDigits(user, /*allow_plus=*/true)) return std::nullopt;
  if (plan.ok()) {
    if (const cti::v1::RouteTarget* found = (*plan)->Find(user)) {
      if (found->has_employee_id()) {
        target.set_employee_id(found->employee_id());
        return destination;
      }
      if (found->has_unit_id()) {
        target.set_unit_id(found->unit_id());
        return destination;
      }
    }
    if (const std::string* employee = (*plan)->EmployeeWithExtension(user)) {
      target.set_employee_id(*employee);
      return destination;
    }
  } else {
    spdlog::warn("kamailio evapi: number plan of tenant {} unreadable: {}", tenant,
                 plan.status().ToString());
  }
  target.set_number(user);
  return destination;
}

std::optional<EvapiDestination> EvapiAdapter::CurrentTarget(const std::string& tenant,
                                                            const std::string& call_id,
                                                            const cti::projections::Store& store) {
  cti::v1::ListLiveCallsRequest request;
  request.set_tenant(tenant);
  absl::StatusOr<cti::v1::ListLiveCallsResponse> live =
      cti::projections::LiveCalls(&store).List(request);
  if (!live.ok()) return std::nullopt;
  for (const cti::v1::LiveCall& call : live->calls()) {
    if (call.call_id() == call_id && call.has_target()) {
      return EvapiDestination{call.target(), call.voicemail()};
    }
  }
  return std::nullopt;
}

EvapiAdapter::Outcome EvapiAdapter::Process(const Item& item,
                                            std::optional<EvapiDestination>* memory,
                                            std::string* why) {
  const EvapiMessage& message = item.message;
  std::optional<EvapiDestination> target;
  if (NeedsTarget(message.kind)) {
    std::shared_ptr<cti::projections::Store> store = deps_.stores->Get();
    if (store == nullptr) {
      *why = "ctid is stopping";
      return Outcome::kTransient;
    }
    if (!message.uri.empty()) {
      // A named destination is never guessed from the call's past: a wrong target
      // would misattribute the call in the log.
      target = ResolveUri(message.tenant, message.uri, *store);
      if (!target.has_value()) {
        *why = absl::StrCat("uri: '", message.uri,
                            "' names no extension, number, voicemail, or reception ctid knows (",
                            "a \"reception\" destination needs a unit of kind "
                            "UNIT_KIND_RECEPTION, TP-6.1)");
        return Outcome::kRefused;
      }
    } else {
      target = *memory;
      if (!target.has_value()) target = CurrentTarget(message.tenant, message.call_id, *store);
    }
  }
  absl::StatusOr<cti::v1::Event> event = MapEvapiMessage(message, target, OccurredAt(message));
  if (!event.ok()) {
    *why = std::string(event.status().message());
    return Outcome::kRefused;
  }
  if (event->call().has_offered() && !event->call().offered().dialled_number().empty()) {
    // The unit the call is counted for, as the routing lookup records it.
    absl::StatusOr<std::shared_ptr<const cti::projections::NumberPlan>> plan =
        plans_(message.tenant);
    if (plan.ok()) {
      event->mutable_call()->mutable_offered()->set_unit_id(
          (*plan)->UnitFor(event->call().offered().dialled_number()));
    }
  }
  const Outcome outcome = Append(*event, why);
  if (outcome == Outcome::kLanded || outcome == Outcome::kDuplicate) {
    if (message.kind == EvapiKind::kRinging || message.kind == EvapiKind::kAnswered) {
      *memory = target;
    } else if (Finishes(message.kind)) {
      memory->reset();
    }
  }
  return outcome;
}

EvapiAdapter::Outcome EvapiAdapter::Append(const cti::v1::Event& event, std::string* why) {
  cti::v1::Actor actor;
  actor.set_id("kamailio");
  actor.set_role(cti::v1::ROLE_SYSTEM);
  absl::StatusOr<cti::v1::Event> prepared = PrepareEvent(event, "event", actor);
  if (!prepared.ok()) {
    *why = prepared.status().ToString();
    return Outcome::kRefused;
  }
  const auto classify = [why](const absl::Status& status) {
    *why = status.ToString();
    switch (status.code()) {
      case absl::StatusCode::kNotFound:
        // The call is not offered yet (or not applied yet): hold the event. Any other
        // thing not found (an employee) is refused.
        return absl::StartsWith(status.message(), "call_id '") ? Outcome::kNotFound
                                                               : Outcome::kRefused;
      case absl::StatusCode::kFailedPrecondition:
        // A repeat whose payload differs (the routing lookup's own offer, a re-send
        // mapped at another instant) is the same event.
        return absl::StrContains(status.message(), "already used at position") ? Outcome::kDuplicate
                                                                               : Outcome::kRefused;
      case absl::StatusCode::kInvalidArgument:
      case absl::StatusCode::kOutOfRange:
      case absl::StatusCode::kAlreadyExists:
        return Outcome::kRefused;
      default:
        return Outcome::kTransient;
    }
  };
  if (absl::Status serving = ServingGate(deps_); !serving.ok()) return classify(serving);
  const int partition = deps_.log->PartitionOf(prepared->tenant());
  for (int attempt = 0;; ++attempt) {
    std::shared_ptr<cti::projections::Store> store = deps_.stores->Get();
    if (store == nullptr) return classify(absl::UnavailableError("ctid is stopping"));
    if (store->EventPosition(prepared->tenant(), prepared->event_id()).ok()) {
      return Outcome::kDuplicate;  // applied already (its occurred_at may differ)
    }
    absl::StatusOr<uint64_t> end = deps_.log->EndPosition(partition);
    if (!end.ok()) return classify(end.status());
    const uint64_t applied = deps_.waiters->Applied(partition);
    absl::StatusOr<std::optional<cti::v1::AppendResponse>> checked =
        CheckAppend(*prepared, /*client_event_id=*/true, *store, *deps_.log);
    store.reset();
    if (!checked.ok()) {
      if (attempt == 0 && applied < *end && MayPassLater(checked.status())) {
        // Earlier events of the call (or the routing lookup's offer) may be in the log
        // but not applied yet: wait for the log end seen now, then check once more.
        absl::Notification done;
        absl::Status waited;
        AppliedWait::Create(deps_, partition, *end, "the log position",
                            absl::StatusCode::kUnavailable)
            ->Start([&](absl::Status status) {
              waited = std::move(status);
              done.Notify();
            });
        done.WaitForNotification();
        if (!waited.ok()) return classify(waited);
        continue;
      }
      return classify(checked.status());
    }
    if (checked->has_value()) return Outcome::kDuplicate;
    break;
  }
  absl::StatusOr<cti::log::AppendResult> appended = deps_.log->Append(*prepared);
  if (!appended.ok()) {
    // FAILED_PRECONDITION: the event_id is in the log with another payload (see above).
    if (absl::IsFailedPrecondition(appended.status())) return Outcome::kDuplicate;
    *why = appended.status().ToString();
    return Outcome::kTransient;
  }
  return appended->duplicate ? Outcome::kDuplicate : Outcome::kLanded;
}

}  // namespace cti::server::kamailio
