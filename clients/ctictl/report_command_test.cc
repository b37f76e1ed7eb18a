// `ctictl report` against an in-process fake of ctid (fake_ctid.h): the request made of
// the flags, the table, the CSV, JSON and SVG files written, refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_split.h"
#include "commands.h"
#include "exit_codes.h"
#include "fake_ctid.h"
#include "report_format.h"

namespace cti::ctictl {
namespace {

using ::testing::HasSubstr;
using ReportTest = fake::FakeCtidTest;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// A month of two units: borgerservice answered 160 of 200 calls within phone hours and
// made 2 of 4 judged callbacks on time; skat had nothing judged.
cti::v1::ComplianceReportResponse Month() {
  cti::v1::ComplianceReportResponse report;
  report.set_from_day("2025-11-01");
  report.set_to_day("2025-11-30");
  report.mutable_at()->set_seconds(1764579600);  // 2025-12-01 10:00 Copenhagen
  report.set_structure_position(1234);
  cti::v1::UnitCompliance* bs = report.add_units();
  bs->set_unit_id("borgerservice");
  bs->set_unit_name("Borgerservice, \"BS\"");
  cti::v1::CallTally* in = bs->mutable_calls()->mutable_in_phone_hours();
  in->set_offered(200);
  in->set_answered(160);
  in->set_abandoned(20);
  in->set_failed(20);
  bs->mutable_calls()->set_answer_rate(0.8);
  cti::v1::WaitPercentile* p50 = bs->mutable_calls()->add_answer_wait_percentiles();
  p50->set_percent(50);
  p50->set_at_most_seconds(30);
  cti::v1::WaitPercentile* p95 = bs->mutable_calls()->add_answer_wait_percentiles();
  p95->set_percent(95);
  p95->set_beyond_last_bound(true);
  bs->mutable_callbacks()->set_requested(5);
  bs->mutable_callbacks()->set_on_time(2);
  bs->mutable_callbacks()->set_late(1);
  bs->mutable_callbacks()->set_open_overdue(1);
  bs->mutable_callbacks()->set_open_not_due(1);
  bs->mutable_callbacks()->set_on_time_rate(0.5);
  bs->set_breaches(3);
  cti::v1::UnitCompliance* skat = report.add_units();
  skat->set_unit_id("skat");
  skat->set_unit_name("Skat");
  *report.mutable_total() = *bs;
  report.mutable_total()->set_unit_name("all");
  cti::v1::RuleSummary* rule = report.add_rules();
  rule->set_rule("TP-4.5");
  rule->set_title("A sick employee's phone is forwarded to a colleague");
  rule->set_breaches(1);
  cti::v1::ComplianceFinding* finding = report.add_findings();
  finding->set_rule("TP-4.5");
  finding->set_breach(true);
  finding->set_unit_id("borgerservice");
  finding->set_text("e2 sick: 8h00m of phone hours without a forwarding (TP-4.5)");
  cti::v1::ComplianceFinding* note = report.add_findings();
  note->set_rule("TP-3.13");
  note->set_unit_id("skat");
  note->set_text("refused: reduction.approval: required (TP-3.13)");
  note->set_position(77);
  return report;
}

TEST_F(ReportTest, PrintsTheTableAndWritesCsvJsonAndSvg) {
  audit_.report = Month();
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "ctictl_report";
  std::filesystem::create_directories(dir);
  Connection connection(options_);
  ReportOptions options;
  options.from_day = "2025-11-01";
  options.to_day = "2025-11-30";
  options.unit_id = "borgerservice";
  options.csv_path = (dir / "report.csv").string();
  options.json_path = (dir / "report.json").string();
  options.svg_path = (dir / "report.svg").string();
  ASSERT_EQ(RunReport(connection, options, out_, err_), kExitOk) << err_.str();
  ASSERT_EQ(audit_.report_requests.size(), 1u);
  EXPECT_EQ(audit_.report_requests[0].tenant(), "demo");
  EXPECT_EQ(audit_.report_requests[0].from_day(), "2025-11-01");
  EXPECT_EQ(audit_.report_requests[0].to_day(), "2025-11-30");
  EXPECT_EQ(audit_.report_requests[0].unit_id(), "borgerservice");

  const std::string table = out_.str();
  EXPECT_THAT(table, HasSubstr("2025-11-01 to 2025-11-30"));
  EXPECT_THAT(table, HasSubstr("as of log position 1234"));
  EXPECT_THAT(table, HasSubstr("80.0%"));
  EXPECT_THAT(table, HasSubstr("<=30s"));
  EXPECT_THAT(table, HasSubstr(">600s"));
  EXPECT_THAT(table, HasSubstr("50.0%"));
  EXPECT_THAT(table, HasSubstr("! TP-4.5  borgerservice  e2 sick"));
  EXPECT_THAT(table,
              HasSubstr("  TP-3.13  skat  refused: reduction.approval: required (TP-3.13)  [#77]"));

  const std::vector<std::string> csv =
      absl::StrSplit(ReadFile(dir / "report.csv"), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(csv.size(), 4u);  // header, two units, the total
  EXPECT_THAT(csv[0], ::testing::StartsWith("unit_id,unit_name,from_day,to_day,offered_in_hours"));
  EXPECT_THAT(csv[1], ::testing::StartsWith(
                          "borgerservice,\"Borgerservice, \"\"BS\"\"\",2025-11-01,2025-11-30,200,"
                          "160,20,20,0,0.8000,30,,>600,"));
  EXPECT_THAT(csv[1], ::testing::EndsWith(",5,2,0,1,1,1,0.5000,0,0,0,0,0,0.0000,3"));
  EXPECT_THAT(csv[3], ::testing::StartsWith("*,all,"));

  EXPECT_THAT(ReadFile(dir / "report.json"), HasSubstr("\"structure_position\":\"1234\""));

  const std::string svg = ReadFile(dir / "report.svg");
  EXPECT_THAT(svg, ::testing::StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(svg, HasSubstr("<title id=\"title\">Answer rate within phone hours (TP-3.6)"));
  // borgerservice: answered 80 % (320 of 400 px), callbacks on time 50 % (200 px).
  EXPECT_THAT(svg, HasSubstr("width=\"320\" height=\"14\" fill=\"#1f5f99\""));
  EXPECT_THAT(svg, HasSubstr("width=\"200\" height=\"14\" fill=\"#d08a1e\""));
  EXPECT_THAT(svg, HasSubstr(">borgerservice</text>"));
  EXPECT_THAT(svg, HasSubstr(">n/a</text>"));  // skat: nothing judged
  EXPECT_THAT(svg, ::testing::EndsWith("</svg>\n"));
}

TEST_F(ReportTest, JsonGoesToStdoutAndAnUnwritableFileIsBadInput) {
  audit_.report = Month();
  Connection connection(options_);
  ReportOptions options;
  options.from_day = "2025-11-01";
  options.json = true;
  options.svg_path = "/nonexistent-dir/report.svg";
  EXPECT_EQ(RunReport(connection, options, out_, err_), kExitBadInput);
  EXPECT_EQ(audit_.report_requests.at(0).to_day(), "2025-11-01");  // --to defaults to --from
  EXPECT_THAT(out_.str(), HasSubstr("\"from_day\":\"2025-11-01\""));
  EXPECT_THAT(err_.str(), HasSubstr("report: --svg: cannot write /nonexistent-dir/report.svg"));
}

TEST_F(ReportTest, ARefusalIsPrintedWithTheServersReason) {
  audit_.refuse = true;
  Connection connection(options_);
  ReportOptions options;
  options.from_day = "2025-11-30";
  options.to_day = "2025-11-01";
  EXPECT_EQ(RunReport(connection, options, out_, err_), kExitServerRefused);
  EXPECT_THAT(err_.str(), HasSubstr("to_day: is before from_day"));
  EXPECT_TRUE(out_.str().empty());
}

}  // namespace
}  // namespace cti::ctictl
