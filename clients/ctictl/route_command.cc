// `ctictl route` and `ctictl check` (RouteService).
#include <grpcpp/grpcpp.h>

#include <array>
#include <iostream>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cti/v1/route_service.grpc.pb.h"
#include "format.h"
#include "route_commands.h"
#include "route_format.h"

namespace cti::ctictl {
namespace {

constexpr char kTargetForms[] =
    "employee:ID, ext:NUMBER, unit:ID, task:WORD, name:\"FULL NAME\", a bare employee id or "
    "extension, or --task TASK with a case key";

bool AllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// An organisation id as the server takes it: 1 to 64 characters from [A-Za-z0-9._:-].
bool LooksLikeId(absl::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

// DDMMYY-SSSS (dash optional) with a real day of a real month (29 February allowed: the
// century is not known here).
bool LooksLikeCpr(absl::string_view text) {
  std::string digits(text);
  if (digits.size() == 11 && digits[6] == '-') digits.erase(6, 1);
  if (digits.size() != 10 || !AllDigits(digits)) return false;
  const int day = (digits[0] - '0') * 10 + (digits[1] - '0');
  const int month = (digits[2] - '0') * 10 + (digits[3] - '0');
  static constexpr std::array<int, 12> kDaysIn = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month >= 1 && month <= 12 && day >= 1 && day <= kDaysIn[month - 1];
}

absl::StatusOr<cti::v1::RouteTarget> ParseCaseTarget(const RouteTargetOptions& options) {
  if (!options.target.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("give TARGET ('", options.target, "') or --task with a case key, not both"));
  }
  const int keys = !options.case_key.empty() + !options.cpr.empty() + !options.address.empty() +
                   !options.surname.empty();
  if (keys != 1) {
    return absl::InvalidArgumentError(
        "--task needs exactly one of --case-key, --cpr, --address, --surname");
  }
  cti::v1::RouteTarget target;
  cti::v1::CaseTarget* case_target = target.mutable_case_target();
  case_target->set_task(options.task);
  case_target->set_unit_id(options.unit);
  if (!options.case_key.empty()) {
    if (options.case_key.find(':') == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--case-key: expected KIND:VALUE, e.g. cpr-day:17, cpr-digit:4, "
                       "address:vestergade:12 or surname:Å, got '",
                       options.case_key, "'"));
    }
    case_target->set_case_key(options.case_key);
  } else if (!options.cpr.empty()) {
    if (!LooksLikeCpr(options.cpr)) {
      return absl::InvalidArgumentError(
          "--cpr: not a CPR number (DDMMYY-SSSS, dash optional, a real day and month); "
          "its digits are not repeated here");
    }
    case_target->set_cpr(options.cpr);
  } else if (!options.address.empty()) {
    case_target->set_address(options.address);
  } else {
    case_target->set_surname(options.surname);
  }
  return target;
}

// Connection holds no RouteService stub: one on a channel of its own to the same
// server (the identity and deadline still come from Connection::NewContext).
std::unique_ptr<cti::v1::RouteService::Stub> NewRouteStub(const Connection& connection) {
  return cti::v1::RouteService::NewStub(
      grpc::CreateChannel(connection.options().server, grpc::InsecureChannelCredentials()));
}

}  // namespace

absl::StatusOr<cti::v1::RouteTarget> ParseRouteTarget(const RouteTargetOptions& options) {
  if (!options.task.empty()) return ParseCaseTarget(options);
  if (!options.case_key.empty() || !options.cpr.empty() || !options.address.empty() ||
      !options.surname.empty() || !options.unit.empty()) {
    return absl::InvalidArgumentError(
        "--case-key, --cpr, --address, --surname and --unit need --task TASK (a case target)");
  }
  const std::string& text = options.target;
  if (text.empty())
    return absl::InvalidArgumentError(absl::StrCat("TARGET is required: ", kTargetForms));
  cti::v1::RouteTarget target;
  const size_t colon = text.find(':');
  if (colon != std::string::npos) {
    const std::string prefix = absl::AsciiStrToLower(text.substr(0, colon));
    const std::string value = text.substr(colon + 1);
    const bool known = prefix == "employee" || prefix == "ext" || prefix == "extension" ||
                       prefix == "unit" || prefix == "task" || prefix == "name";
    if (known && value.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("TARGET '", text, "': nothing after '", prefix, ":'"));
    }
    if (prefix == "employee") {
      target.set_employee_id(value);
      return target;
    }
    if (prefix == "ext" || prefix == "extension") {
      if (!AllDigits(value)) {
        return absl::InvalidArgumentError(
            absl::StrCat("TARGET '", text, "': an extension is digits, e.g. ext:4711"));
      }
      target.set_extension(value);
      return target;
    }
    if (prefix == "unit") {
      target.set_unit_id(value);
      return target;
    }
    if (prefix == "task") {
      target.set_task(value);
      return target;
    }
    if (prefix == "name") {
      target.set_name(value);
      return target;
    }
    // Another prefix: ids may contain ':' themselves (e.g. "hr:1234").
  }
  if (AllDigits(text)) {
    target.set_extension(text);
    return target;
  }
  if (LooksLikeId(text)) {
    target.set_employee_id(text);
    return target;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("TARGET '", text, "' is not an employee id or extension: write name:\"", text,
                   "\" for a name or task:", text, " for a task (", kTargetForms, ")"));
}

absl::StatusOr<absl::Time> ParseAt(absl::string_view text, const absl::TimeZone& zone) {
  absl::Time at;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &at, &error)) return at;
  for (const char* local :
       {"%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"}) {
    std::string ignored;
    if (absl::ParseTime(local, text, zone, &at, &ignored)) return at;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--at: expected RFC 3339 (2024-03-01T14:00:00+01:00 or ...Z) or a local time ",
                   "in ", zone.name(), " (2024-03-01T14:00), got '", text, "'"));
}

int RunRoute(Connection& connection, const RouteOptions& options, std::ostream& out,
             std::ostream& err) {
  absl::StatusOr<cti::v1::RouteTarget> target = ParseRouteTarget(options.target);
  if (!target.ok()) {
    err << "ctictl: route: " << target.status().message() << "\n";
    return kExitUsage;
  }
  const absl::TimeZone zone = LocalZone();
  cti::v1::RouteRequest request;
  request.set_tenant(connection.options().tenant);
  *request.mutable_target() = *std::move(target);
  if (!options.at.empty()) {
    absl::StatusOr<absl::Time> at = ParseAt(options.at, zone);
    if (!at.ok()) {
      err << "ctictl: route: " << at.status().message() << "\n";
      return kExitUsage;
    }
    const int64_t seconds = absl::ToUnixSeconds(*at);
    request.mutable_at()->set_seconds(seconds);
    request.mutable_at()->set_nanos(
        static_cast<int32_t>(absl::ToInt64Nanoseconds(*at - absl::FromUnixSeconds(seconds))));
  }
  request.set_caller_number(options.caller_number);
  request.set_min_position(options.min_position);
  cti::v1::RouteResponse response;
  const grpc::Status status =
      NewRouteStub(connection)->Route(connection.NewContext(true).get(), request, &response);
  if (!status.ok()) return ReportRpcError(err, "route", status);
  out << (options.json ? ToJson(response) + "\n" : FormatRoute(response, zone));
  return kExitOk;
}

int RunCheck(Connection& connection, const CheckOptions& options, std::ostream& out,
             std::ostream& err) {
  cti::v1::CheckRequest request;
  request.set_tenant(connection.options().tenant);
  request.set_min_position(options.min_position);
  cti::v1::CheckResponse response;
  const grpc::Status status =
      NewRouteStub(connection)->Check(connection.NewContext(true).get(), request, &response);
  if (!status.ok()) return ReportRpcError(err, "check", status);
  out << (options.json ? ToJson(response) + "\n" : FormatCheck(response));
  return response.findings().empty() ? kExitOk : kExitFindings;
}

}  // namespace cti::ctictl
