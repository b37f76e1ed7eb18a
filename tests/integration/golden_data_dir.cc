#include "tests/integration/golden_data_dir.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cti/v1/admin_service.grpc.pb.h"
#include "cti/v1/directory_service.grpc.pb.h"
#include "cti/v1/route_service.grpc.pb.h"
#include "google/protobuf/text_format.h"
#include "tests/support/cti_client.h"

namespace cti::test_support::golden {
namespace {

constexpr char kRequestSuffix[] = ".request.textproto";
constexpr char kResponseSuffix[] = ".response.textproto";

absl::StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs one unary call and normalizes the answer.
template <typename Response, typename Call>
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Unary(Call call) {
  auto response = std::make_unique<Response>();
  std::unique_ptr<grpc::ClientContext> context = Ctx(absl::Seconds(30));
  grpc::Status status = call(context.get(), response.get());
  if (!status.ok()) return ToAbsl(status);
  Normalize(response.get());
  return response;
}

}  // namespace

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> NewRequest(const std::string& kind) {
  if (kind == "status") return std::make_unique<cti::v1::GetStatusRequest>();
  if (kind == "route") return std::make_unique<cti::v1::RouteRequest>();
  if (kind == "search") return std::make_unique<cti::v1::SearchRequest>();
  if (kind == "employee") return std::make_unique<cti::v1::GetEmployeeRequest>();
  if (kind == "unit") return std::make_unique<cti::v1::GetUnitRequest>();
  return absl::InvalidArgumentError(absl::StrCat("unknown kind of question '", kind, "'"));
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> NewResponse(const std::string& kind) {
  if (kind == "status") return std::make_unique<cti::v1::GetStatusResponse>();
  if (kind == "route") return std::make_unique<cti::v1::RouteResponse>();
  if (kind == "search") return std::make_unique<cti::v1::SearchResponse>();
  if (kind == "employee") return std::make_unique<cti::v1::GetEmployeeResponse>();
  if (kind == "unit") return std::make_unique<cti::v1::GetUnitResponse>();
  return absl::InvalidArgumentError(absl::StrCat("unknown kind of question '", kind, "'"));
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Ask(
    const CtidProcess& ctid, const std::string& kind, const google::protobuf::Message& request) {
  std::shared_ptr<grpc::Channel> channel = ctid.Channel(Admin());
  if (kind == "status") {
    auto stub = cti::v1::AdminService::NewStub(channel);
    return Unary<cti::v1::GetStatusResponse>([&](grpc::ClientContext* c, auto* r) {
      return stub->GetStatus(c, static_cast<const cti::v1::GetStatusRequest&>(request), r);
    });
  }
  if (kind == "route") {
    auto stub = cti::v1::RouteService::NewStub(channel);
    return Unary<cti::v1::RouteResponse>([&](grpc::ClientContext* c, auto* r) {
      return stub->Route(c, static_cast<const cti::v1::RouteRequest&>(request), r);
    });
  }
  auto stub = cti::v1::DirectoryService::NewStub(channel);
  if (kind == "search") {
    return Unary<cti::v1::SearchResponse>([&](grpc::ClientContext* c, auto* r) {
      return stub->Search(c, static_cast<const cti::v1::SearchRequest&>(request), r);
    });
  }
  if (kind == "employee") {
    return Unary<cti::v1::GetEmployeeResponse>([&](grpc::ClientContext* c, auto* r) {
      return stub->GetEmployee(c, static_cast<const cti::v1::GetEmployeeRequest&>(request), r);
    });
  }
  if (kind == "unit") {
    return Unary<cti::v1::GetUnitResponse>([&](grpc::ClientContext* c, auto* r) {
      return stub->GetUnit(c, static_cast<const cti::v1::GetUnitRequest&>(request), r);
    });
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown kind of question '", kind, "'"));
}

void Normalize(google::protobuf::Message* response) {
  if (auto* status = dynamic_cast<cti::v1::GetStatusResponse*>(response)) {
    status->clear_started_at();
    status->clear_server_version();
    status->clear_log_unreachable();
    status->clear_building();
    status->clear_projector_error();
  } else if (auto* search = dynamic_cast<cti::v1::SearchResponse*>(response)) {
    for (cti::v1::SearchHit& hit : *search->mutable_hits()) {
      if (hit.has_availability()) hit.mutable_availability()->clear_at();
    }
  }
}

absl::StatusOr<std::vector<RecordedQuestion>> ReadQuestions(const std::string& answers_dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(answers_dir, error)) {
    const std::string file = entry.path().filename().string();
    if (absl::EndsWith(file, kRequestSuffix)) {
      names.push_back(file.substr(0, file.size() - std::string(kRequestSuffix).size()));
    } else if (!absl::EndsWith(file, kResponseSuffix)) {
      return absl::InvalidArgumentError(
          absl::StrCat(entry.path().string(), ": neither a request nor a response"));
    }
  }
  if (error) return absl::NotFoundError(absl::StrCat(answers_dir, ": ", error.message()));
  std::sort(names.begin(), names.end());
  std::vector<RecordedQuestion> questions;
  for (const std::string& name : names) {
    RecordedQuestion& q = questions.emplace_back();
    q.name = name;
    std::vector<std::string> parts = absl::StrSplit(name, absl::MaxSplits('-', 2));
    if (parts.size() < 2) return absl::InvalidArgumentError(absl::StrCat(name, ": no kind"));
    q.kind = parts[1];
    absl::StatusOr<std::unique_ptr<google::protobuf::Message>> request = NewRequest(q.kind);
    if (!request.ok()) return request.status();
    q.request = *std::move(request);
    absl::StatusOr<std::unique_ptr<google::protobuf::Message>> response = NewResponse(q.kind);
    if (!response.ok()) return response.status();
    q.response = *std::move(response);
    for (auto [suffix, message] : {std::pair{kRequestSuffix, q.request.get()},
                                   std::pair{kResponseSuffix, q.response.get()}}) {
      const std::string path = absl::StrCat(answers_dir, "/", name, suffix);
      absl::StatusOr<std::string> text = ReadText(path);
      if (!text.ok()) return text.status();
      if (!google::protobuf::TextFormat::ParseFromString(*text, message)) {
        return absl::DataLossError(
            absl::StrCat(path, ": not a ", message->GetDescriptor()->full_name()));
      }
    }
  }
  return questions;
}

std::string ToTextproto(const google::protobuf::Message& message) {
  google::protobuf::TextFormat::Printer printer;
  printer.SetUseUtf8StringEscaping(true);
  std::string text;
  printer.PrintToString(message, &text);
  return absl::StrCat("# proto-message: ", message.GetDescriptor()->full_name(),
                      "\n# Recorded by make_golden_data_dir: never edit it.\n\n", text);
}

}  // namespace cti::test_support::golden
