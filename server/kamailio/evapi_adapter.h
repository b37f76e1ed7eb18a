// EvapiAdapter: Kamailio's call events into the log (issue 9 item 2; the contract is
// server/README.md "Kamailio call events"). ctid connects as a client to the TCP
// listener of Kamailio's evapi module (`--kamailio-evapi HOST:PORT`), reads one
// netstring per event (a JSON object, evapi_event.h), appends the matching cti.v1 call
// event as actor "kamailio" (ROLE_SYSTEM) through the append path of every Append
// (PrepareEvent, CheckAppend, the log: validated, idempotent by event_id) and answers
// {"ack":"<id>"} once the event is durably in the log (new or a duplicate) or refused
// for good.
//
// Operation:
//   - One I/O thread: connects (0.1 s backoff doubling to 5 s between failed attempts),
//     reads and decodes frames, hands each event to the shard of its call, writes the
//     acks. "connected" and "lost" are logged once per change (lost as a warning).
//     A malformed netstring (bad length, a frame over max_frame_bytes) resets the
//     connection (logged); Kamailio re-sends what was not acknowledged.
//   - `shards` worker threads: the events of one call always go to the same shard and
//     are appended strictly in arrival order; calls of different shards run at once.
//     A worker blocks on its append (the log group-commits concurrent appends).
//   - NOT_FOUND for a call not offered yet (a reply before its INVITE event): the event
//     is held, not acknowledged, with the later events of its call behind it, and tried
//     again after the next event of the call lands and whenever Kamailio re-sends it;
//     after `hold_for` (injected clock) it is dropped: acknowledged, a warning, counted.
//   - Refused for good (INVALID_ARGUMENT, FAILED_PRECONDITION such as "already
//     abandoned", a malformed event with an id): acknowledged, a warning, counted.
//   - Transient (UNAVAILABLE, RESOURCE_EXHAUSTED, not serving yet, stopping): not
//     acknowledged and forgotten: Kamailio re-sends it.
//   - Ids acknowledged in the last `remember_acks` are acknowledged again at once
//     when re-sent (counted as duplicates), without touching the store.
//   - occurred_at: Kamailio's "ts" moved by the injected clock's offset from the wall
//     clock (rounded to a millisecond, so a re-sent event maps to the same payload),
//     i.e. now - (wall_now - ts); the injected clock's now when "ts" is absent.
//   - Targets: a branch URI's user part is a voicemail or reception URI of the
//     RtjsonOptions templates (voicemail-{mailbox}: the employee, else the unit;
//     reception: the {unit} when the template has one), else a number of the tenant's
//     number plan (a unit's or employee's number), else an active employee's extension,
//     else a bare number; without a usable URI, the target the call last rang at or was
//     answered by (this adapter's memory, else the live-calls projection).
// Logs name ids, kinds and outcomes (RedactForLog over what Kamailio sent), never
// numbers.
// Concurrency: Start once; Stop from any thread (not a worker); counters() any time.
// Limitations: one connection (one Kamailio); events of a call whose shard is blocked
// (a slow append) wait with the other calls of that shard.
#ifndef CTI_SERVER_KAMAILIO_EVAPI_ADAPTER_H_
#define CTI_SERVER_KAMAILIO_EVAPI_ADAPTER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "projections/number_plan.h"
#include "server/clock.h"
#include "server/kamailio/evapi_event.h"
#include "server/kamailio/rtjson.h"
#include "server/service_deps.h"

namespace cti::server::kamailio {

struct EvapiOptions {
  // Kamailio's evapi listener, "HOST:PORT" (HOST a name, an IPv4 address or "[v6]").
  std::string address;
  // The voicemail and reception URI templates (and SIP domain) of the routing
  // endpoint: branch URIs are read back with them.
  RtjsonOptions rtjson;
  // Worker threads (calls are spread over them by Call-ID).
  int shards = 8;
  // Frames longer than this reset the connection.
  size_t max_frame_bytes = 64 * 1024;
  // How long an event of a call not offered yet is held (injected clock).
  absl::Duration hold_for = absl::Seconds(60);
  // How long acknowledged ids are remembered (injected clock).
  absl::Duration remember_acks = absl::Minutes(2);
  // Reconnection backoff (real time).
  absl::Duration min_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

// INVALID_ARGUMENT (naming "address") unless `address` is HOST:PORT with a port 1..65535.
absl::Status CheckEvapiAddress(const std::string& address);

class EvapiAdapter {
 public:
  // `tenant`'s number plan (KamailioRouteEndpoint::NumberPlanOf).
  using PlanSource =
      std::function<absl::StatusOr<std::shared_ptr<const cti::projections::NumberPlan>>(
          const std::string& tenant)>;

  struct Counters {
    uint64_t received = 0;    // frames read
    uint64_t appended = 0;    // new records in the log
    uint64_t duplicates = 0;  // acknowledged as already in the log
    uint64_t refused = 0;     // acknowledged as refused for good (or malformed)
    uint64_t dropped = 0;     // held longer than hold_for, then acknowledged
    uint64_t transient = 0;   // not acknowledged: a transient error
    uint64_t held = 0;        // events held now (a gauge)
    uint64_t connects = 0;    // connections made
    uint64_t losses = 0;      // connections lost (or reset)
    bool connected = false;
  };

  // `deps` and `wall` must outlive the adapter. REQUIRES: CheckEvapiAddress(address)
  // and CheckRtjsonOptions(rtjson) are OK.
  EvapiAdapter(const ServiceDeps* deps, EvapiOptions options, PlanSource plans,
               cti::Clock* wall = cti::RealClock::Get());
  ~EvapiAdapter();
  EvapiAdapter(const EvapiAdapter&) = delete;
  EvapiAdapter& operator=(const EvapiAdapter&) = delete;

  // Starts the I/O and worker threads. Call once.
  absl::Status Start();
  // Closes the connection, ends the threads (a worker finishes the event in hand) and
  // joins them. Events not yet acknowledged stay with Kamailio. Idempotent.
  void Stop();

  Counters counters() const;
  const std::string& address() const { return options_.address; }

 private:
  class Shard;
  struct Item;
  enum class Outcome { kLanded, kDuplicate, kRefused, kNotFound, kTransient };

  void IoLoop();
  // Serves one connection until it fails (the reason) or Stop ("").
  std::string Serve(int fd, uint64_t generation, bool* got_frames);
  // Connects to the address; -1 with `error` set when it fails or Stop came.
  int Connect(std::string* error);
  // Waits `d` (real time) or until Stop; false when stopping.
  bool Pause(absl::Duration d);
  void Wake();
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void Dispatch(const std::string& frame, uint64_t generation);
  // Queues {"ack":"<id>"} for the connection `generation` (dropped if it is gone).
  void SendAck(uint64_t generation, const std::string& id);

  // Worker side (shard threads).
  // Maps and appends one event; `memory` is the call's last known target (read and
  // updated). `why` receives the reason of a refusal or transient failure.
  Outcome Process(const Item& item, std::optional<EvapiDestination>* memory, std::string* why);
  std::optional<EvapiDestination> ResolveUri(const std::string& tenant, const std::string& uri,
                                             const cti::projections::Store& store);
  std::optional<EvapiDestination> CurrentTarget(const std::string& tenant,
                                                const std::string& call_id,
                                                const cti::projections::Store& store);
  Outcome Append(const cti::v1::Event& event, std::string* why);
  absl::Time OccurredAt(const EvapiMessage& message);

  const ServiceDeps& deps_;
  const EvapiOptions options_;
  const PlanSource plans_;
  cti::Clock* const wall_;

  std::atomic<bool> stopping_{false};
  int wake_fd_ = -1;  // eventfd: Stop and queued acks wake the I/O thread
  std::thread io_;
  std::vector<std::unique_ptr<Shard>> shards_;
  bool started_ = false;

  mutable absl::Mutex mu_;                        // the connection's outgoing side
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // of the current connection; 0: none
  std::string out_ ABSL_GUARDED_BY(mu_);          // acks not yet written

  std::atomic<uint64_t> received_{0}, appended_{0}, duplicates_{0}, refused_{0}, dropped_{0},
      transient_{0}, held_{0}, connects_{0}, losses_{0};
  std::atomic<bool> connected_{false};
};

}  // namespace cti::server::kamailio

#endif  // CTI_SERVER_KAMAILIO_EVAPI_ADAPTER_H_
