// `ctictl route` and `ctictl check` (RouteService).
#include <grpcpp/grpcpp.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cti/v1/audit_service.grpc.pb.h"
#include "cti/v1/route_service.grpc.pb.h"
#include "format.h"
#include "route_commands.h"
#include "route_format.h"

namespace cti::ctictl {
namespace {

// "a unit id", "a task", ...: what a target was taken as, for messages.
std::string TargetLabel(const cti::v1::RouteTarget& target) {
  switch (target.target_case()) {
    case cti::v1::RouteTarget::kEmployeeId:
      return "an employee id";
    case cti::v1::RouteTarget::kExtension:
      return "an extension";
    case cti::v1::RouteTarget::kName:
      return "a name";
    case cti::v1::RouteTarget::kUnitId:
      return "a unit id";
    case cti::v1::RouteTarget::kTask:
      return "a task";
    default:
      return "a case";
  }
}

}  // namespace

int RunRoute(Connection& connection, const RouteOptions& options, std::ostream& out,
             std::ostream& err) {
  absl::StatusOr<std::vector<cti::v1::RouteTarget>> targets = ParseRouteTargets(options.target);
  if (!targets.ok()) {
    err << "ctictl: route: " << targets.status().message() << "\n";
    return kExitUsage;
  }
  const absl::TimeZone zone = LocalZone();
  cti::v1::RouteRequest request;
  request.set_tenant(connection.options().tenant);
  if (!options.at.empty()) {
    absl::StatusOr<absl::Time> at = ParseAt(options.at, zone);
    if (!at.ok()) {
      err << "ctictl: route: " << at.status().message() << "\n";
      return kExitUsage;
    }
    *request.mutable_at() = ToTimestamp(*at);
  }
  request.set_caller_number(options.caller_number);
  request.set_min_position(options.min_position);
  std::optional<cti::v1::RouteAsOfRequest> as_of;
  if (!options.known.empty()) {
    if (options.at.empty()) {
      err << "ctictl: route: --known needs --at (the instant the question is about)\n";
      return kExitUsage;
    }
    as_of.emplace();
    uint64_t position = 0;
    if (options.known == "now") {
      as_of->set_known_now(true);
    } else if (absl::SimpleAtoi(options.known, &position) && position > 0) {
      as_of->set_known_position(position);
    } else if (options.known != "then") {
      absl::StatusOr<absl::Time> known = ParseAt(options.known, zone);
      if (!known.ok()) {
        err << "ctictl: route: --known: then, now, a log position or an instant ("
            << known.status().message() << ")\n";
        return kExitUsage;
      }
      *as_of->mutable_known_at() = ToTimestamp(*known);
    }
  }
  cti::v1::RouteService::Stub& stub = connection.route();
  // A bare TARGET is tried as each thing it can be until one names something.
  grpc::Status first_error;
  std::vector<std::string> tried;
  for (const cti::v1::RouteTarget& target : *targets) {
    *request.mutable_target() = target;
    grpc::Status status;
    if (as_of.has_value()) {
      *as_of->mutable_route() = request;
      cti::v1::RouteAsOfResponse response;
      status = connection.audit().RouteAsOf(connection.NewContext(true).get(), *as_of, &response);
      if (status.ok()) {
        out << (options.json
                    ? ToJson(response) + "\n"
                    : FormatRoute(response.answer(), zone) + FormatKnowledge(response, zone));
        return kExitOk;
      }
    } else {
      cti::v1::RouteResponse response;
      status = stub.Route(connection.NewContext(true).get(), request, &response);
      if (status.ok()) {
        out << (options.json ? ToJson(response) + "\n" : FormatRoute(response, zone));
        return kExitOk;
      }
    }
    if (status.error_code() != grpc::StatusCode::NOT_FOUND) {
      return ReportRpcError(err, "route", status);
    }
    if (tried.empty()) first_error = status;
    tried.push_back(TargetLabel(target));
  }
  if (tried.size() > 1) {
    first_error =
        grpc::Status(first_error.error_code(),
                     absl::StrCat(first_error.error_message(), " (also tried as ",
                                  absl::StrJoin(tried.begin() + 1, tried.end(), ", "), ")"));
  }
  return ReportRpcError(err, "route", first_error);
}

int RunCheck(Connection& connection, const CheckOptions& options, std::ostream& out,
             std::ostream& err) {
  cti::v1::CheckRequest request;
  request.set_tenant(connection.options().tenant);
  request.set_min_position(options.min_position);
  cti::v1::CheckResponse response;
  const grpc::Status status =
      connection.route().Check(connection.NewContext(true).get(), request, &response);
  if (!status.ok()) return ReportRpcError(err, "check", status);
  out << (options.json ? ToJson(response) + "\n" : FormatCheck(response));
  return response.findings().empty() ? kExitOk : kExitFindings;
}

}  // namespace cti::ctictl
