#include "console_model.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace cti::ctictl {
namespace {

constexpr int kMaxCallLines = 6;
constexpr const char* kHelp =
    "Enter: hvor går kaldet hen  F2: nummer  F3: besked  F4: ring tilbage  Esc: ryd  F10: afslut";

// Characters (code points) in UTF-8 `s`: one terminal column each.
int Columns(absl::string_view s) {
  int n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// `s` cut to `width` columns (on a character boundary) and padded with spaces to it.
std::string Fit(absl::string_view s, int width) {
  std::string out;
  int columns = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0) {
      len = 4;
    } else if (c >= 0xE0) {
      len = 3;
    } else if (c >= 0xC0) {
      len = 2;
    }
    if (columns + 1 > width) break;
    out.append(s.data() + i, std::min(len, s.size() - i));
    ++columns;
    i += len;
  }
  out.append(static_cast<size_t>(std::max(0, width - columns)), ' ');
  return out;
}

// `s` without its last UTF-8 character.
void PopCharacter(std::string* s) {
  while (!s->empty()) {
    const unsigned char c = static_cast<unsigned char>(s->back());
    s->pop_back();
    if ((c & 0xC0) != 0x80) break;
  }
}

absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

std::string Waited(absl::Duration d) {
  const int64_t seconds = std::max<int64_t>(0, absl::ToInt64Seconds(d));
  if (seconds >= 24 * 3600) return ">1 døgn";
  if (seconds >= 3600) {
    return absl::StrFormat("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  }
  return absl::StrFormat("%d:%02d", seconds / 60, seconds % 60);
}

const char* StateDa(cti::v1::LiveCallState state) {
  switch (state) {
    case cti::v1::LIVE_CALL_STATE_WAITING:
      return "venter";
    case cti::v1::LIVE_CALL_STATE_RINGING:
      return "ringer";
    case cti::v1::LIVE_CALL_STATE_TALKING:
      return "taler ";
    default:
      return "?     ";
  }
}

std::string TargetText(const cti::v1::LiveCall& call) {
  const char* const voicemail = call.voicemail() ? " (telefonsvarer)" : "";
  if (call.target().has_employee_id()) return absl::StrCat(call.target().employee_id(), voicemail);
  if (call.target().has_unit_id()) return absl::StrCat(call.target().unit_id(), voicemail);
  if (call.target().has_number()) return call.target().number();
  return "omstillingen";
}

std::string StepText(const cti::v1::RouteStep& step) {
  switch (step.kind()) {
    case cti::v1::STEP_KIND_RING_EMPLOYEE:
      return absl::StrCat("ring ", step.display_name(), " (", step.number(), ")");
    case cti::v1::STEP_KIND_RING_GROUP:
    case cti::v1::STEP_KIND_HUNT_GROUP:
    case cti::v1::STEP_KIND_HOTLINE: {
      std::vector<std::string> names;
      for (const cti::v1::RouteStep& m : step.members()) names.push_back(m.display_name());
      return absl::StrCat(step.kind() == cti::v1::STEP_KIND_RING_GROUP ? "ringegruppe " : "jagt ",
                          step.display_name(), ": ", absl::StrJoin(names, ", "));
    }
    case cti::v1::STEP_KIND_DIAL_NUMBER:
      return absl::StrCat("viderestil til ", step.number());
    case cti::v1::STEP_KIND_VOICEMAIL:
      return absl::StrCat("telefonsvarer ", step.display_name());
    case cti::v1::STEP_KIND_RECEPTION_MESSAGE:
      return "omstillingen tager imod en besked (TP-6.2)";
    default:
      return step.display_name();
  }
}

}  // namespace

ConsoleModel::ConsoleModel(ConsoleBackend* backend, std::string tenant, absl::TimeZone zone)
    : backend_(backend), tenant_(std::move(tenant)), zone_(zone) {}

const cti::v1::SearchHit* ConsoleModel::Chosen() const {
  if (chosen_ < 0 || chosen_ >= hits_.hits_size()) return nullptr;
  return &hits_.hits(chosen_);
}

bool ConsoleModel::ChosenTarget(cti::v1::CallTarget* target, std::string* name) const {
  const cti::v1::SearchHit* hit = Chosen();
  if (hit == nullptr) return false;
  if (hit->has_employee()) {
    target->set_employee_id(hit->employee().employee_id());
    *name = hit->employee().full_name();
  } else {
    target->set_unit_id(hit->unit().unit_id());
    *name = hit->unit().name();
  }
  return true;
}

void ConsoleModel::RefreshCalls(absl::Time now) {
  (void)now;
  absl::StatusOr<cti::v1::ListLiveCallsResponse> calls = backend_->LiveCalls();
  if (calls.ok()) {
    calls_ = *std::move(calls);
    calls_error_.clear();
  } else {
    calls_error_ = absl::StrCat("kald: ", calls.status().message());
  }
}

void ConsoleModel::RunSearch() {
  chosen_ = 0;
  detail_.clear();
  hits_.Clear();
  if (absl::StripAsciiWhitespace(query_).empty()) return;
  absl::StatusOr<cti::v1::SearchResponse> hits = backend_->Search(query_);
  if (!hits.ok()) {
    status_ = absl::StrCat("søgning: ", hits.status().message());
    return;
  }
  hits_ = *std::move(hits);
  status_.clear();
}

void ConsoleModel::ShowRoute(bool numbers_only) {
  cti::v1::CallTarget chosen;
  std::string name;
  if (!ChosenTarget(&chosen, &name)) {
    status_ = "Søg først efter en person eller en afdeling.";
    return;
  }
  cti::v1::RouteTarget target;
  if (chosen.has_employee_id()) {
    target.set_employee_id(chosen.employee_id());
  } else {
    target.set_unit_id(chosen.unit_id());
  }
  absl::StatusOr<cti::v1::RouteResponse> route = backend_->Route(target);
  detail_.clear();
  if (!route.ok()) {
    status_ = absl::StrCat("route: ", route.status().message());
    return;
  }
  const cti::v1::CallerInfo& tell = route->tell_caller();
  if (numbers_only) {
    // TP-3.5: an unlisted number is never given; the unit's is (TP-6.3).
    if (!tell.direct_number().empty()) {
      detail_.push_back(absl::StrCat("Direkte nummer til ", name, ": ", tell.direct_number()));
    } else if (!tell.unit_number().empty()) {
      detail_.push_back(absl::StrCat(
          name, " har intet nummer, der må gives ud. Afdelingens nummer: ", tell.unit_number(),
          " (", tell.unit_name(), ")"));
    } else {
      detail_.push_back(absl::StrCat("Der er intet nummer at give for ", name, "."));
    }
    return;
  }
  detail_.push_back(absl::StrCat("Kald til ", name, ":"));
  int n = 1;
  for (const cti::v1::RouteStep& step : route->steps()) {
    detail_.push_back(absl::StrCat("  ", n++, ". ", StepText(step)));
  }
  if (!tell.say().empty()) detail_.push_back(absl::StrCat("Sig: ", tell.say()));
  for (const cti::v1::RouteReason& reason : route->reasons()) {
    detail_.push_back(absl::StrCat("  ", reason.rule(), ": ", reason.text()));
  }
}

void ConsoleModel::OpenForm(Mode mode) {
  cti::v1::CallTarget target;
  std::string name;
  if (!ChosenTarget(&target, &name)) {
    status_ = "Søg først efter den, det gælder.";
    return;
  }
  mode_ = mode;
  focus_ = 0;
  form_.clear();
  if (mode == Mode::kMessage) {
    form_ = {{"Opkalderens navn", ""}, {"Nummer", ""}, {"Besked", ""}, {"Ring tilbage (j/n)", "j"}};
    status_ = absl::StrCat("Besked til ", name, " (TP-6.2). Enter i sidste felt sender.");
  } else {
    form_ = {{"Nummer der skal ringes til", ""}};
    status_ = absl::StrCat(name, " ringer tilbage i dag (TP-4.3). Enter sender.");
  }
}

void ConsoleModel::SubmitForm(absl::Time now) {
  cti::v1::CallTarget target;
  std::string name;
  if (!ChosenTarget(&target, &name)) return;
  cti::v1::Event event;
  event.set_tenant(tenant_);
  const int64_t seconds = absl::ToUnixSeconds(now);
  event.mutable_occurred_at()->set_seconds(seconds);
  const std::string id = absl::StrCat("console-", absl::ToUnixMicros(now), "-", ++sent_);
  cti::v1::CallEvent* call = event.mutable_call();
  if (mode_ == Mode::kMessage) {
    cti::v1::MessageTaken* message = call->mutable_message_taken();
    message->set_message_id(id);
    *message->mutable_for_target() = target;
    message->set_caller_name(form_[0].value);
    message->set_callback_number(form_[1].value);
    message->set_text(form_[2].value);
    const std::string yes(absl::StripAsciiWhitespace(form_[3].value));
    message->set_callback_wanted(yes == "j" || yes == "J" || yes == "ja" || yes == "y");
  } else {
    cti::v1::CallbackRequested* callback = call->mutable_callback_requested();
    callback->set_callback_id(id);
    *callback->mutable_assignee() = target;
    callback->set_callback_number(form_[0].value);
    callback->set_source(cti::v1::CALLBACK_SOURCE_CITIZEN_REQUESTED);
  }
  absl::StatusOr<uint64_t> position = backend_->Append(event);
  if (!position.ok()) {
    // The form stays open with what was typed: the server names the field to correct.
    status_ = absl::StrCat("Ikke gemt: ", position.status().message());
    return;
  }
  status_ = absl::StrCat(mode_ == Mode::kMessage ? "Besked til " : "Tilbagekald til ", name,
                         " gemt (", id, ", position ", *position, ").");
  mode_ = Mode::kSearch;
  form_.clear();
}

void ConsoleModel::OnKey(const ConsoleKey& key, absl::Time now) {
  using K = ConsoleKey::Kind;
  if (key.kind == K::kQuit) {
    done_ = true;
    return;
  }
  if (mode_ != Mode::kSearch) {
    Field& field = form_[static_cast<size_t>(focus_)];
    const int last = static_cast<int>(form_.size()) - 1;
    switch (key.kind) {
      case K::kText:
        field.value += key.text;
        break;
      case K::kBackspace:
        PopCharacter(&field.value);
        break;
      case K::kTab:
      case K::kDown:
        focus_ = std::min(focus_ + 1, last);
        break;
      case K::kUp:
        focus_ = std::max(focus_ - 1, 0);
        break;
      case K::kEnter:
        if (focus_ < last) {
          ++focus_;
        } else {
          SubmitForm(now);
        }
        break;
      case K::kEscape:
        mode_ = Mode::kSearch;
        form_.clear();
        status_ = "Annulleret.";
        break;
      default:
        break;
    }
    return;
  }
  switch (key.kind) {
    case K::kText:
      query_ += key.text;
      RunSearch();
      break;
    case K::kBackspace:
      PopCharacter(&query_);
      RunSearch();
      break;
    case K::kUp:
      chosen_ = std::max(chosen_ - 1, 0);
      detail_.clear();
      break;
    case K::kDown:
    case K::kTab:
      chosen_ = std::min(chosen_ + 1, std::max(0, hits_.hits_size() - 1));
      detail_.clear();
      break;
    case K::kEnter:
    case K::kRoute:
      ShowRoute(/*numbers_only=*/false);
      break;
    case K::kNumber:
      ShowRoute(/*numbers_only=*/true);
      break;
    case K::kMessage:
      OpenForm(Mode::kMessage);
      break;
    case K::kCallback:
      OpenForm(Mode::kCallback);
      break;
    case K::kEscape:
      query_.clear();
      RunSearch();
      status_.clear();
      break;
    default:
      break;
  }
}

std::vector<std::string> ConsoleModel::Render(int width, int height, absl::Time now) const {
  width = std::max(width, 20);
  std::vector<std::string> lines;
  const absl::CivilSecond local = absl::ToCivilSecond(now, zone_);
  lines.push_back(
      absl::StrFormat("Omstilling · %s · %02d:%02d", tenant_, local.hour(), local.minute()));
  const cti::v1::LiveCount& total = calls_.total();
  lines.push_back(calls_error_.empty()
                      ? absl::StrCat("Kald i gang: ", calls_.calls_size(), " (venter ",
                                     total.waiting(), ", ringer ", total.ringing(), ", taler ",
                                     total.talking(), ")")
                      : calls_error_);
  for (int i = 0; i < std::min(calls_.calls_size(), kMaxCallLines); ++i) {
    const cti::v1::LiveCall& call = calls_.calls(i);
    lines.push_back(
        absl::StrCat("  ", StateDa(call.state()), " ", Waited(now - TimeOf(call.offered_at())),
                     "  ", call.caller_number().empty() ? "(skjult nummer)" : call.caller_number(),
                     " → ", TargetText(call)));
  }
  if (calls_.calls_size() > kMaxCallLines) {
    lines.push_back(absl::StrCat("  … og ", calls_.calls_size() - kMaxCallLines, " mere"));
  }
  const std::string rule(static_cast<size_t>(width), '-');
  lines.push_back(rule);
  cursor_row_ = static_cast<int>(lines.size());
  cursor_column_ = Columns("Søg: ") + Columns(query_);
  lines.push_back(absl::StrCat("Søg: ", query_));
  // Hits, then the detail or the form, then the status line at the bottom.
  const int room = std::max(0, height - static_cast<int>(lines.size()) - 2);
  const std::vector<std::string>* below = &detail_;
  std::vector<std::string> form_lines;
  if (mode_ != Mode::kSearch) {
    for (size_t i = 0; i < form_.size(); ++i) {
      form_lines.push_back(absl::StrCat(static_cast<int>(i) == focus_ ? "> " : "  ", form_[i].label,
                                        ": ", form_[i].value));
    }
    below = &form_lines;
  }
  const int hit_room = std::max(1, room - static_cast<int>(below->size()) - 1);
  const int first = std::max(0, std::min(chosen_ - hit_room + 1, hits_.hits_size() - hit_room));
  if (hits_.hits().empty() && !absl::StripAsciiWhitespace(query_).empty()) {
    lines.push_back("  (ingen fundet)");
  }
  for (int i = first; i < std::min(hits_.hits_size(), first + hit_room); ++i) {
    const cti::v1::SearchHit& hit = hits_.hits(i);
    std::string row;
    if (hit.has_employee()) {
      const cti::v1::Employee& e = hit.employee();
      row = absl::StrCat(Fit(e.full_name(), 24), " ", Fit(e.extension(), 6), " ",
                         Fit(hit.unit_name(), 24), " ", hit.availability().text());
    } else {
      row = absl::StrCat(Fit(hit.unit().name(), 24), " ", Fit("", 6), " ", Fit("(afdeling)", 24),
                         " ", hit.unit().phone_number());
    }
    lines.push_back(absl::StrCat(i == chosen_ ? "> " : "  ", row));
  }
  lines.push_back(rule);
  for (size_t i = 0; i < below->size(); ++i) {
    if (mode_ != Mode::kSearch && static_cast<int>(i) == focus_) {
      cursor_row_ = static_cast<int>(lines.size());
      cursor_column_ = Columns((*below)[i]);
    }
    lines.push_back((*below)[i]);
  }
  while (static_cast<int>(lines.size()) < height - 1) lines.push_back("");
  lines.resize(static_cast<size_t>(std::max(1, height - 1)));
  lines.push_back(status_.empty() ? kHelp : status_);
  for (std::string& line : lines) line = Fit(line, width);
  cursor_row_ = std::min(cursor_row_, height - 1);
  cursor_column_ = std::min(cursor_column_, width - 1);
  return lines;
}

}  // namespace cti::ctictl
