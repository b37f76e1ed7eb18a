// Call rules: the life of a call, voicemail (TP-3.14), messages (TP-6.2) and callbacks
// (TP-4.3).
//
// A call moves: offered -> ringing* -> answered -> (transferred -> ringing* ->
// answered?)* -> ended; or offered -> ringing* -> abandoned | failed. Abandoned (the
// caller hung up) and failed (every destination failed, or routing did; CallFailed) only
// before it was ever answered; ended only after; nothing after ended, abandoned or
// failed. A branch failure (CallBranchFailed: one destination busy, not answering, ...)
// may come while the call waits or rings, never while it is answered: when it names the
// target the call rings at, the call waits again (offered, or transferred after an
// answer) with no target; a failure of another branch (parallel ringing) changes
// nothing but is recorded. A ringing or branch failure that occurred before the answer or
// the end but is reported after it (replies race inside the PBX) is recorded and changes
// nothing, as is a ringing of the target that answered, reported after its answer.
//
// calls CF, under TenantPrefix(tenant) = T:
//   T 'c' call_id       -> state.Call
//   T 'v' voicemail_id  -> state.Voicemail
//   T 'm' message_id    -> state.Message
//   T 'o' message_id    -> "" while the message is in the e-mail outbox (TP-6.2;
//                          internal/message_records.h, apply_message_delivery.cc)
//   T 'b' callback_id   -> state.Callback
//   T 'p' ..., T 'q' ... -> callback and voicemail indexes and greetings
//                          (internal/reception_records.h, apply_callback.cc,
//                          apply_voicemail.cc)
//   T 'n' call_id       -> "" while the call is in progress (offered, not yet ended or
//                          abandoned): the live-calls index (live_calls.h)
//   T 't' employee_id NUL call_id -> "" while the employee talks on the call: answered
//                          by them (not their voicemail) and not yet transferred or
//                          ended (Route: busy)
//   T 'k' unit_id NUL day -> state.CallDayCounts: calls per unit and local day
//                          (internal/call_counts_records.h, apply_call_counts.cc)
#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "projections/internal/call_counts_records.h"
#include "projections/internal/directory_records.h"
#include "projections/internal/keys.h"
#include "projections/internal/message_records.h"
#include "projections/internal/routing_records.h"
#include "projections/internal/rules.h"
#include "projections/internal/state.pb.h"
#include "projections/internal/status_macros.h"

namespace cti::projections::internal {
namespace {

using cti::projections::state::CallPhase;

constexpr char kMessageTag = 'm';

absl::string_view PhaseName(CallPhase phase) {
  switch (phase) {
    case state::CALL_PHASE_OFFERED:
      return "offered";
    case state::CALL_PHASE_RINGING:
      return "ringing";
    case state::CALL_PHASE_ANSWERED:
      return "answered";
    case state::CALL_PHASE_TRANSFERRED:
      return "transferred";
    case state::CALL_PHASE_ENDED:
      return "ended";
    case state::CALL_PHASE_ABANDONED:
      return "abandoned";
    case state::CALL_PHASE_FAILED:
      return "failed";
    default:
      return "unknown";
  }
}

bool Finished(CallPhase phase) {
  return phase == state::CALL_PHASE_ENDED || phase == state::CALL_PHASE_ABANDONED ||
         phase == state::CALL_PHASE_FAILED;
}

// The employee talking on a call in `state`, or "" (nobody, a unit or number, or a
// voicemail).
absl::string_view Talker(const state::Call& state) {
  return state.phase() == state::CALL_PHASE_ANSWERED && state.target().has_employee_id() &&
                 !state.target_voicemail()
             ? absl::string_view(state.target().employee_id())
             : absl::string_view();
}

// A SIP final status of a failure: 300 to 699.
absl::Status CheckSipCode(const FieldPath& path, uint32_t code) {
  if (code < 300 || code > 699) {
    return InvalidField(path, absl::StrCat("must be a SIP failure status 300 to 699, not ", code));
  }
  return absl::OkStatus();
}

// The optional reason phrase of a failure.
absl::Status CheckReason(const FieldPath& path, absl::string_view reason) {
  CTI_RETURN_IF_ERROR(CheckOptionalText(path, reason, kMaxReasonChars));
  return CheckNoCpr(path, reason);
}

// Whether `a` is after `b`.
bool Later(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  return a.seconds() != b.seconds() ? a.seconds() > b.seconds() : a.nanos() > b.nanos();
}

// One life-cycle event (offered .. ended, abandoned, branch failed, failed).
absl::Status CallLifeCycle(ApplyContext& ctx, const FieldPath& path,
                           const cti::v1::CallEvent& call) {
  using C = cti::v1::CallEvent;
  CTI_RETURN_IF_ERROR(CheckOpaqueId(path / "call_id", call.call_id()));
  Txn& txn = ctx.txn;
  const std::string& t = ctx.tenant_prefix;
  const std::string key = CallKey(t, call.call_id());
  // Every call event parses and rewrites the call's state: on a small arena, its
  // timestamps and strings cost no heap allocations.
  alignas(8) char arena_block[1024];
  google::protobuf::ArenaOptions arena_options;
  arena_options.initial_block = arena_block;
  arena_options.initial_block_size = sizeof(arena_block);
  google::protobuf::Arena arena(arena_options);
  state::Call& state = *google::protobuf::Arena::CreateMessage<state::Call>(&arena);
  CTI_ASSIGN_OR_RETURN(bool known, txn.GetProto(Cf::kCalls, key, &state));

  if (call.change_case() == C::kOffered) {
    const FieldPath p = path / "offered";
    CTI_RETURN_IF_ERROR(
        CheckPhoneNumber(p / "caller_number", call.offered().caller_number(), false));
    CTI_RETURN_IF_ERROR(
        CheckPhoneNumber(p / "dialled_number", call.offered().dialled_number(), false));
    if (known) {
      return absl::FailedPreconditionError(
          absl::StrCat("call_id '", call.call_id(), "' was already offered"));
    }
    state.set_call_id(call.call_id());
    state.set_phase(state::CALL_PHASE_OFFERED);
    state.set_caller_number(call.offered().caller_number());
    state.set_dialled_number(call.offered().dialled_number());
    *state.mutable_offered_at() = ctx.event.occurred_at();
    state.set_offered_position(ctx.position);
    state.set_last_position(ctx.position);
    *state.mutable_phase_at() = ctx.event.occurred_at();
    CTI_RETURN_IF_ERROR(CountOffered(ctx, p, call.offered(), &state));
    CTI_RETURN_IF_ERROR(txn.Put(Cf::kCalls, LiveCallKey(t, call.call_id()), ""));
    return txn.PutProto(Cf::kCalls, key, state);
  }

  // Shape of the change before the state it needs.
  const cti::v1::CallTarget* target = nullptr;
  FieldPath target_path = path;
  bool voicemail = false;  // the target's voicemail, not the person or line
  FieldPath voicemail_path = path;
  switch (call.change_case()) {
    case C::kRinging:
      target = &call.ringing().target();
      target_path = path / "ringing" / "target";
      voicemail = call.ringing().voicemail();
      voicemail_path = path / "ringing" / "voicemail";
      break;
    case C::kAnswered:
      target = &call.answered().by();
      target_path = path / "answered" / "by";
      voicemail = call.answered().voicemail();
      voicemail_path = path / "answered" / "voicemail";
      break;
    case C::kTransferred:
      target = &call.transferred().to();
      target_path = path / "transferred" / "to";
      voicemail = call.transferred().voicemail();
      voicemail_path = path / "transferred" / "voicemail";
      break;
    case C::kBranchFailed:
      target = &call.branch_failed().target();
      target_path = path / "branch_failed" / "target";
      voicemail = call.branch_failed().voicemail();
      voicemail_path = path / "branch_failed" / "voicemail";
      CTI_RETURN_IF_ERROR(
          CheckSipCode(path / "branch_failed" / "sip_code", call.branch_failed().sip_code()));
      CTI_RETURN_IF_ERROR(
          CheckReason(path / "branch_failed" / "reason", call.branch_failed().reason()));
      break;
    case C::kFailed:
      CTI_RETURN_IF_ERROR(CheckSipCode(path / "failed" / "sip_code", call.failed().sip_code()));
      CTI_RETURN_IF_ERROR(CheckReason(path / "failed" / "reason", call.failed().reason()));
      break;
    default:
      break;
  }
  if (target != nullptr) CTI_RETURN_IF_ERROR(CheckCallTarget(txn, t, target_path, *target));
  if (voicemail && target->has_number()) {
    return InvalidField(voicemail_path,
                        "only an employee or a unit has a voicemail (TP-3.14), not a number");
  }
  if (!known) return NotFound("call_id", call.call_id());
  // A late report: a PBX reports replies from several processes (Kamailio's workers) and
  // re-sends what was not acknowledged, so a ringing or a branch failure can arrive
  // after the answer or the end it preceded. What rang or failed before the call was
  // answered or finished is history: accepted (the log keeps it for auditors), the
  // call's state unchanged.
  if ((call.has_ringing() || call.has_branch_failed()) &&
      (state.phase() == state::CALL_PHASE_ANSWERED || Finished(state.phase())) &&
      state.has_phase_at() && !Later(ctx.event.occurred_at(), state.phase_at())) {
    return absl::OkStatus();
  }
  // The same for the ringing of the very target that answered, whatever its instant:
  // that phone rings again only after a transfer (then the call is not answered), so
  // this is its ringing before the answer, stamped later by another worker's clock.
  if (call.has_ringing() && state.phase() == state::CALL_PHASE_ANSWERED &&
      SameCallTarget(state.target(), *target) && state.target_voicemail() == voicemail) {
    return absl::OkStatus();
  }
  if (Finished(state.phase())) {
    return absl::FailedPreconditionError(absl::StrCat("call_id '", call.call_id(), "' has already ",
                                                      PhaseName(state.phase()),
                                                      "; nothing can happen to it any more"));
  }
  const auto refuse = [&](absl::string_view what) {
    return absl::FailedPreconditionError(
        absl::StrCat("call_id '", call.call_id(), "' is ", PhaseName(state.phase()), ": ", what));
  };
  const CallPhase phase = state.phase();
  const bool answered_before = state.was_answered();
  const std::string talker_before(Talker(state));
  switch (call.change_case()) {
    case C::kRinging:
      if (phase == state::CALL_PHASE_ANSWERED) {
        return refuse("an answered call rings again only after a transfer");
      }
      state.set_phase(state::CALL_PHASE_RINGING);
      *state.mutable_target() = *target;
      state.set_target_voicemail(voicemail);
      break;
    case C::kAnswered:
      if (phase == state::CALL_PHASE_ANSWERED) return refuse("it cannot be answered twice");
      state.set_phase(state::CALL_PHASE_ANSWERED);
      state.set_was_answered(true);
      *state.mutable_target() = *target;
      state.set_target_voicemail(voicemail);
      *state.mutable_answered_at() = ctx.event.occurred_at();
      break;
    case C::kTransferred:
      if (phase != state::CALL_PHASE_ANSWERED) {
        return refuse("only an answered call can be transferred");
      }
      state.set_phase(state::CALL_PHASE_TRANSFERRED);
      *state.mutable_target() = *target;
      state.set_target_voicemail(voicemail);
      break;
    case C::kAbandoned:
      if (state.was_answered()) return refuse("an answered call ends, it is not abandoned");
      state.set_phase(state::CALL_PHASE_ABANDONED);
      *state.mutable_finished_at() = ctx.event.occurred_at();
      break;
    case C::kEnded:
      if (!state.was_answered()) return refuse("a call never answered is abandoned, not ended");
      state.set_phase(state::CALL_PHASE_ENDED);
      *state.mutable_finished_at() = ctx.event.occurred_at();
      break;
    case C::kBranchFailed:
      if (phase == state::CALL_PHASE_ANSWERED) {
        return refuse("a branch of an answered call cannot fail");
      }
      if (phase == state::CALL_PHASE_RINGING && SameCallTarget(state.target(), *target) &&
          state.target_voicemail() == voicemail) {
        state.set_phase(state.was_answered() ? state::CALL_PHASE_TRANSFERRED
                                             : state::CALL_PHASE_OFFERED);
        state.clear_target();
        state.set_target_voicemail(false);
      }
      break;
    case C::kFailed:
      if (state.was_answered()) return refuse("an answered call ends, it does not fail");
      state.set_phase(state::CALL_PHASE_FAILED);
      *state.mutable_finished_at() = ctx.event.occurred_at();
      break;
    default:
      return absl::InternalError("not a call life-cycle event");
  }
  state.set_last_position(ctx.position);
  // A failure of a branch the call does not ring at (parallel ringing) leaves the phase.
  if (!call.has_branch_failed() || state.phase() != phase) {
    *state.mutable_phase_at() = ctx.event.occurred_at();
  }
  if (Finished(state.phase())) {
    CTI_RETURN_IF_ERROR(txn.Delete(Cf::kCalls, LiveCallKey(t, call.call_id())));
  }
  if (call.has_answered() && !answered_before) {
    CTI_RETURN_IF_ERROR(
        CountOutcome(ctx, state, voicemail ? CallOutcome::kVoicemail : CallOutcome::kAnswered));
  } else if (call.has_abandoned()) {
    CTI_RETURN_IF_ERROR(CountOutcome(ctx, state, CallOutcome::kAbandoned));
  } else if (call.has_failed()) {
    CTI_RETURN_IF_ERROR(CountOutcome(ctx, state, CallOutcome::kFailed));
  }
  if (const absl::string_view talker = Talker(state); talker != talker_before) {
    if (!talker_before.empty()) {
      CTI_RETURN_IF_ERROR(txn.Delete(Cf::kCalls, TalkingKey(t, talker_before, call.call_id())));
    }
    if (!talker.empty()) {
      CTI_RETURN_IF_ERROR(txn.Put(Cf::kCalls, TalkingKey(t, talker, call.call_id()), ""));
    }
  }
  if ((call.has_ringing() || call.has_answered()) && target->has_employee_id() && !voicemail) {
    // Hunt groups order members by their last call (routing_records.h).
    std::string when;
    const google::protobuf::Timestamp& at = ctx.event.occurred_at();
    AppendBigEndian64(&when, static_cast<uint64_t>(at.seconds()) * 1000000u +
                                 static_cast<uint64_t>(at.nanos() / 1000));
    CTI_RETURN_IF_ERROR(txn.Put(Cf::kCalls, LastCallKey(t, target->employee_id()), when));
  }
  return txn.PutProto(Cf::kCalls, key, state);
}

// FAILED_PRECONDITION when a record with `key` already exists (ids are unique).
absl::Status CheckNew(Txn& txn, absl::string_view key, absl::string_view field,
                      absl::string_view id) {
  std::string value;
  CTI_ASSIGN_OR_RETURN(bool exists, txn.Get(Cf::kCalls, key, &value));
  if (exists) {
    return absl::FailedPreconditionError(absl::StrCat(field, " '", id, "' already exists"));
  }
  return absl::OkStatus();
}

absl::Status CheckOptionalCallId(const FieldPath& path, absl::string_view call_id) {
  return call_id.empty() ? absl::OkStatus() : CheckOpaqueId(path, call_id);
}

absl::Status MessageTaken(ApplyContext& ctx, const FieldPath& path,
                          const cti::v1::CallEvent& call) {
  const cti::v1::MessageTaken& change = call.message_taken();
  CTI_RETURN_IF_ERROR(CheckId(path / "message_id", change.message_id()));
  CTI_RETURN_IF_ERROR(CheckOptionalText(path / "caller_name", change.caller_name(), kMaxNameChars));
  CTI_RETURN_IF_ERROR(
      CheckPhoneNumber(path / "callback_number", change.callback_number(),
                       /*required=*/change.callback_wanted() && !ctx.personal_erased));
  CTI_RETURN_IF_ERROR(CheckOptionalText(path / "text", change.text(), kMaxMessageChars));
  CTI_RETURN_IF_ERROR(
      CheckCallTarget(ctx.txn, ctx.tenant_prefix, path / "for_target", change.for_target()));
  const std::string key = TaggedKey(ctx.tenant_prefix, kMessageTag, change.message_id());
  CTI_RETURN_IF_ERROR(CheckNew(ctx.txn, key, "message_id", change.message_id()));
  state::Message message;
  *message.mutable_taken() = change;
  message.set_call_id(call.call_id());
  *message.mutable_taken_at() = ctx.event.occurred_at();
  message.set_position(ctx.position);
  CTI_RETURN_IF_ERROR(
      ctx.txn.Put(Cf::kCalls, OutboxKey(ctx.tenant_prefix, change.message_id()), ""));
  return ctx.txn.PutProto(Cf::kCalls, key, message);
}

// A decision trace (CallRouteDecided): checked, then kept in the log only.
absl::Status RouteDecided(const FieldPath& path, const cti::v1::CallEvent& call,
                          bool personal_erased) {
  const cti::v1::CallRouteDecided& decided = call.route_decided();
  const cti::v1::RouteTarget& target = decided.target();
  if (target.target_case() == cti::v1::RouteTarget::TARGET_NOT_SET) {
    return InvalidField(path / "target", "is required");
  }
  if (target.has_case_target()) {
    const FieldPath key_path = path / "target" / "case_target";
    switch (target.case_target().key_case()) {
      case cti::v1::CaseTarget::kCpr:
        return InvalidField(key_path / "cpr", "a CPR number is never stored (TP-4.2)");
      case cti::v1::CaseTarget::kAddress:
        return InvalidField(key_path / "address",
                            "a citizen's address is not stored; the answer names the case key");
      case cti::v1::CaseTarget::kSurname:
        return InvalidField(key_path / "surname",
                            "a citizen's surname is not stored; the answer names the case key");
      default:
        break;
    }
  }
  if (personal_erased) return absl::OkStatus();  // the answer named people since erased
  if (decided.answer().steps().empty()) {
    return InvalidField(path / "answer" / "steps",
                        "Route never answers without a step (TP-4.8); at least one is required");
  }
  if (!decided.answer().has_at()) return InvalidField(path / "answer" / "at", "is required");
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyCall(ApplyContext& ctx, const FieldPath& path, const cti::v1::CallEvent& call) {
  using C = cti::v1::CallEvent;
  switch (call.change_case()) {
    case C::kOffered:
    case C::kRinging:
    case C::kAnswered:
    case C::kTransferred:
    case C::kAbandoned:
    case C::kEnded:
    case C::kBranchFailed:
    case C::kFailed:
      return CallLifeCycle(ctx, path, call);
    default:
      break;
  }
  if (call.has_route_decided()) {
    if (call.call_id().empty()) {
      return InvalidField(path / "call_id", "is required: a decision trace is for a call");
    }
    CTI_RETURN_IF_ERROR(CheckOpaqueId(path / "call_id", call.call_id()));
    return RouteDecided(path / "route_decided", call, ctx.personal_erased);
  }
  CTI_RETURN_IF_ERROR(CheckOptionalCallId(path / "call_id", call.call_id()));
  switch (call.change_case()) {
    case C::kVoicemailLeft:
      return ApplyVoicemailLeft(ctx, path / "voicemail_left", call);
    case C::kVoicemailListened:
      return ApplyVoicemailListened(ctx, path / "voicemail_listened", call.voicemail_listened());
    case C::kVoicemailGreetingSet:
      return ApplyVoicemailGreetingSet(ctx, path / "voicemail_greeting_set",
                                       call.voicemail_greeting_set());
    case C::kMessageTaken:
      return MessageTaken(ctx, path / "message_taken", call);
    case C::kCallbackRequested:
      return ApplyCallbackRequested(ctx, path / "callback_requested", call);
    case C::kCallbackAssigned:
      return ApplyCallbackAssigned(ctx, path / "callback_assigned", call.callback_assigned());
    case C::kCallbackCompleted:
      return ApplyCallbackCompleted(ctx, path / "callback_completed", call.callback_completed());
    case C::kMessageDelivered:
      return ApplyMessageDelivered(ctx, path / "message_delivered", call.message_delivered());
    case C::kMessageDeliveryFailed:
      return ApplyMessageDeliveryFailed(ctx, path / "message_delivery_failed",
                                        call.message_delivery_failed());
    default:
      break;
  }
  return InvalidField(path / "change", "exactly one change is required");
}

}  // namespace cti::projections::internal
