#include "server/kamailio/route_endpoint.h"

#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "projections/internal/shape.h"
#include "projections/router.h"
#include "server/append.h"
#include "server/decision_trace.h"
#include "server/status_mapping.h"
#include "spdlog/spdlog.h"

namespace cti::server::kamailio {
namespace {

constexpr size_t kMaxCallIdBytes = 256;
constexpr char kEventIdPrefix[] = "sip:";

http::Response Text(int status, std::string message) {
  return http::Response{.status = status, .body = absl::StrCat(message, "\n")};
}

bool IsPhoneNumber(const std::string& number, size_t min_digits, size_t max_digits,
                   bool allow_plus) {
  std::string_view digits = number;
  if (allow_plus && !digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (digits.size() < min_digits || digits.size() > max_digits) return false;
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsCallId(const std::string& id) {
  if (id.empty() || id.size() > kMaxCallIdBytes) return false;
  for (char c : id) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

// The query parameter `name`, or nullptr when absent.
const std::string* Param(const http::Request& request, const char* name) {
  auto it = request.query.find(name);
  return it == request.query.end() ? nullptr : &it->second;
}

int HttpStatusOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kFailedPrecondition:
      return 409;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return 503;
    default:
      return 500;
  }
}

// FNV-1a, 64 bits, from `seed`: a stable digest (the same on every build and replica).
uint64_t Fnv1a(std::string_view bytes, uint64_t seed) {
  uint64_t hash = seed;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// Who the records of the routing lookup are from.
cti::v1::Actor KamailioActor() {
  cti::v1::Actor actor;
  actor.set_id("kamailio");
  actor.set_role(cti::v1::ROLE_SYSTEM);
  return actor;
}

}  // namespace

std::string RouteEventId(const std::string& call_id) {
  if (call_id.size() + sizeof(kEventIdPrefix) - 1 <= kMaxCallIdBytes) {
    return absl::StrCat(kEventIdPrefix, call_id);
  }
  return absl::StrFormat("%sfnv:%016x%016x", kEventIdPrefix, Fnv1a(call_id, 0xcbf29ce484222325ULL),
                         Fnv1a(call_id, 0x84222325cbf29ce4ULL));
}

class KamailioRouteEndpoint::Feed final : public HubListener {
 public:
  explicit Feed(KamailioRouteEndpoint* endpoint) : endpoint_(endpoint) {}
  void OnBatch(const std::shared_ptr<const AppliedBatch>& batch) override {
    for (const cti::v1::LogRecord* record : batch->records.records()) {
      if ((record->event().has_staff() || record->event().has_privacy()) &&
          !record->outcome().rejected()) {
        endpoint_->StaffChanged(record->event().tenant());
      }
    }
  }
  void OnShutdown() override {}

 private:
  KamailioRouteEndpoint* const endpoint_;
};

KamailioRouteEndpoint::KamailioRouteEndpoint(const ServiceDeps* deps, RtjsonOptions options,
                                             std::function<bool()> serving)
    : deps_(*deps), options_(std::move(options)), serving_(std::move(serving)) {}

absl::Status KamailioRouteEndpoint::Follow(SubscriptionHub* hub, int partitions) {
  auto feed = std::make_shared<Feed>(this);
  for (int p = 0; p < partitions; ++p) {
    if (absl::StatusOr<uint64_t> added = hub->Add(p, feed); !added.ok()) return added.status();
  }
  return absl::OkStatus();
}

void KamailioRouteEndpoint::StaffChanged(const std::string& tenant) {
  absl::MutexLock lock(&mu_);
  ++generations_[tenant];
}

void KamailioRouteEndpoint::ForgetPlans() {
  absl::MutexLock lock(&mu_);
  ++forgotten_;
  plans_.clear();
}

absl::StatusOr<std::shared_ptr<const cti::projections::NumberPlan>> KamailioRouteEndpoint::PlanOf(
    const std::string& tenant, const cti::projections::Store& store) {
  uint64_t generation = 0;
  {
    absl::MutexLock lock(&mu_);
    generation = forgotten_;
    auto gen = generations_.find(tenant);
    if (gen != generations_.end()) generation += gen->second;
    auto kept = plans_.find(tenant);
    if (kept != plans_.end() && kept->second.generation == generation) return kept->second.plan;
  }
  // Read after the generation: a staff change applied later bumps it again.
  absl::StatusOr<cti::projections::NumberPlan> read =
      cti::projections::ReadNumberPlan(store, tenant);
  if (!read.ok()) return read.status();
  auto plan = std::make_shared<const cti::projections::NumberPlan>(*std::move(read));
  absl::MutexLock lock(&mu_);
  KeptPlan& kept = plans_[tenant];
  if (kept.plan == nullptr || kept.generation <= generation) kept = {plan, generation};
  return plan;
}

absl::StatusOr<std::shared_ptr<const cti::projections::NumberPlan>>
KamailioRouteEndpoint::NumberPlanOf(const std::string& tenant) {
  std::shared_ptr<cti::projections::Store> store = deps_.stores->Get();
  if (store == nullptr) return absl::UnavailableError("ctid is stopping");
  return PlanOf(tenant, *store);
}

http::Response KamailioRouteEndpoint::Handle(const http::Request& request) {
  if (!serving_()) return Text(503, "ctid is not serving yet (starting or stopping)");
  if (absl::Status gate = ServingGate(deps_); !gate.ok()) return Text(503, gate.ToString());

  const std::string* tenant = Param(request, "tenant");
  if (tenant == nullptr || tenant->empty()) return Text(400, "tenant: is required");
  if (!cti::projections::internal::IsValidId(*tenant)) {
    return Text(400, "tenant: must be 1 to 64 letters, digits, '.', '_', ':' or '-'");
  }
  const std::string* to = Param(request, "to");
  if (to == nullptr || to->empty()) return Text(400, "to: is required");
  if (!IsPhoneNumber(*to, 2, 20, /*allow_plus=*/true)) {
    return Text(400, "to: must be 2 to 20 digits with an optional leading '+' (send '+' as %2B)");
  }
  const std::string* call_id = Param(request, "call_id");
  if (call_id == nullptr || call_id->empty()) return Text(400, "call_id: is required");
  if (!IsCallId(*call_id)) {
    return Text(400, "call_id: must be 1 to 256 printable ASCII characters without spaces");
  }
  const std::string* from = Param(request, "from");
  std::string caller;
  if (from != nullptr && IsPhoneNumber(*from, 2, 20, /*allow_plus=*/true)) caller = *from;

  std::shared_ptr<cti::projections::Store> store = deps_.stores->Get();
  if (store == nullptr) return Text(503, "ctid is stopping");
  const int partition = deps_.log->PartitionOf(*tenant);
  const uint64_t position = store->AppliedPosition(partition);

  cti::v1::RouteRequest route_request;
  route_request.set_tenant(*tenant);
  route_request.set_caller_number(caller);
  route_request.set_call_id(*call_id);
  absl::StatusOr<std::shared_ptr<const cti::projections::NumberPlan>> plan =
      PlanOf(*tenant, *store);
  if (!plan.ok()) return Text(HttpStatusOf(plan.status()), plan.status().ToString());
  if (const cti::v1::RouteTarget* target = (*plan)->Find(*to)) {
    *route_request.mutable_target() = *target;
  } else if (IsPhoneNumber(*to, 2, 8, /*allow_plus=*/false)) {
    route_request.mutable_target()->set_extension(*to);
  } else {
    return Text(404, absl::StrCat("to: no unit or employee of tenant '", *tenant,
                                  "' has the number ", *to));
  }

  const cti::projections::Router router(store.get(), deps_.zone, deps_.route_cache, partition);
  absl::StatusOr<cti::v1::RouteResponse> route = router.Route(route_request, deps_.clock->Now());
  if (!route.ok()) {
    if (absl::IsNotFound(route.status())) {
      return Text(404, absl::StrCat("to: ", route.status().message()));
    }
    return Text(HttpStatusOf(route.status()), std::string(route.status().message()));
  }
  route->set_position(position);
  absl::StatusOr<std::string> doc = BuildRtjson(*route, options_);
  if (!doc.ok()) return Text(500, doc.status().ToString());
  Record(*tenant, *call_id, caller, *to, (*plan)->UnitFor(*to));
  if (deps_.tracer != nullptr) {
    // The decision trace (CallRouteDecided), appended off this thread as the offer is.
    const bool posted = deps_.work->Post(
        [tracer = deps_.tracer, route_request = std::move(route_request),
         answer = *std::move(route)] { tracer->Record(KamailioActor(), route_request, answer); });
    if (!posted) spdlog::warn("kamailio route: call {} not traced: ctid is stopping", *call_id);
  }
  return http::Response{.content_type = "application/json", .body = *std::move(doc)};
}

void KamailioRouteEndpoint::Record(const std::string& tenant, const std::string& call_id,
                                   const std::string& from, const std::string& to,
                                   const std::string& unit_id) {
  cti::v1::Event event;
  event.set_event_id(RouteEventId(call_id));
  event.set_tenant(tenant);
  *event.mutable_occurred_at() = ToProtoTimestamp(deps_.clock->Now());
  if (call_id.size() <= 128) event.set_correlation_id(call_id);
  cti::v1::CallEvent* call = event.mutable_call();
  call->set_call_id(call_id);
  call->mutable_offered()->set_caller_number(from);
  call->mutable_offered()->set_dialled_number(to);
  call->mutable_offered()->set_unit_id(unit_id);
  const bool posted = deps_.work->Post([this, event = std::move(event)]() mutable {
    const cti::v1::Actor actor = KamailioActor();
    const auto failed = [this, &event](const absl::Status& status) {
      failures_.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("kamailio route: recording call {} of tenant {} failed: {}",
                   event.call().call_id(), event.tenant(), status.ToString());
    };
    absl::StatusOr<cti::v1::Event> prepared = PrepareEvent(event, "event", actor);
    if (!prepared.ok()) return failed(prepared.status());
    std::shared_ptr<cti::projections::Store> store = deps_.stores->Get();
    if (store == nullptr) return failed(absl::UnavailableError("ctid is stopping"));
    // A lookup repeated after the first was applied: nothing to record (its occurred_at
    // differs, so it is not compared with the original).
    if (store->EventPosition(prepared->tenant(), prepared->event_id()).ok()) {
      recordings_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    absl::StatusOr<std::optional<cti::v1::AppendResponse>> checked =
        CheckAppend(*prepared, /*client_event_id=*/true, *store, *deps_.log);
    store.reset();
    if (!checked.ok()) return failed(checked.status());
    deps_.log->AppendAsync(
        *std::move(prepared), [this, tenant = event.tenant(), call_id = event.call().call_id()](
                                  absl::StatusOr<cti::log::AppendResult> appended) {
          // FAILED_PRECONDITION: the event_id is in the log already
          // (a repeated lookup not yet applied): recorded once.
          if (appended.ok() || absl::IsFailedPrecondition(appended.status())) {
            recordings_.fetch_add(1, std::memory_order_relaxed);
            return;
          }
          failures_.fetch_add(1, std::memory_order_relaxed);
          spdlog::warn("kamailio route: recording call {} of tenant {} failed: {}", call_id, tenant,
                       appended.status().ToString());
        });
  });
  if (!posted) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("kamailio route: call {} of tenant {} not recorded: ctid is stopping", call_id,
                 tenant);
  }
}

}  // namespace cti::server::kamailio
