#include "report_format.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "format.h"

namespace cti::ctictl {
namespace {

std::string Percent(double rate, bool judged) {
  return judged ? absl::StrFormat("%.1f%%", 100.0 * rate) : "-";
}

std::string Wait(const cti::v1::CallCompliance& calls, uint32_t percent) {
  for (const cti::v1::WaitPercentile& p : calls.answer_wait_percentiles()) {
    if (p.percent() != percent) continue;
    return p.beyond_last_bound() ? ">600s" : absl::StrCat("<=", p.at_most_seconds(), "s");
  }
  return "-";
}

std::string CsvWait(const cti::v1::CallCompliance& calls, uint32_t percent) {
  for (const cti::v1::WaitPercentile& p : calls.answer_wait_percentiles()) {
    if (p.percent() != percent) continue;
    return p.beyond_last_bound() ? ">600" : absl::StrCat(p.at_most_seconds());
  }
  return "";
}

bool CallbacksJudged(const cti::v1::CallbackCompliance& c) {
  return c.requested() > c.open_not_due();
}

bool VoicemailJudged(const cti::v1::VoicemailCompliance& v) {
  return v.left() > v.unlistened_not_due();
}

std::string UnitLabel(const cti::v1::UnitCompliance& unit) {
  if (unit.unit_id().empty()) return unit.unit_name().empty() ? "(no unit)" : unit.unit_name();
  return unit.unit_id();
}

std::vector<std::string> UnitRow(const cti::v1::UnitCompliance& unit) {
  const cti::v1::CallCompliance& calls = unit.calls();
  const cti::v1::CallTally& in = calls.in_phone_hours();
  const cti::v1::CallbackCompliance& cb = unit.callbacks();
  const cti::v1::VoicemailCompliance& vm = unit.voicemail();
  return {UnitLabel(unit),
          absl::StrCat(in.offered()),
          absl::StrCat(in.answered()),
          absl::StrCat(in.abandoned() + in.failed()),
          Percent(calls.answer_rate(), in.offered() > 0),
          Wait(calls, 50),
          Wait(calls, 95),
          absl::StrCat(cb.requested()),
          absl::StrCat(cb.late() + cb.open_overdue()),
          Percent(cb.on_time_rate(), CallbacksJudged(cb)),
          absl::StrCat(vm.left()),
          absl::StrCat(vm.listened_late() + vm.unlistened_overdue()),
          Percent(vm.on_time_rate(), VoicemailJudged(vm)),
          absl::StrCat(unit.breaches())};
}

std::string CsvField(absl::string_view text) {
  if (text.find_first_of(",\"\n\r") == absl::string_view::npos) return std::string(text);
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

std::string Xml(absl::string_view text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&apos;"}});
}

}  // namespace

std::string FormatComplianceReport(const cti::v1::ComplianceReportResponse& report,
                                   absl::TimeZone zone) {
  std::vector<std::vector<std::string>> rows;
  for (const cti::v1::UnitCompliance& unit : report.units()) rows.push_back(UnitRow(unit));
  std::vector<std::string> total = UnitRow(report.total());
  total[0] = "(all)";
  rows.push_back(std::move(total));
  std::string out = absl::StrCat(
      "Compliance with the telephone policy, ", report.from_day(), " to ", report.to_day(),
      " (open callbacks and voicemails judged at ", FormatLocalTime(report.at(), zone),
      "; hours, calendars and units as of log position ", report.structure_position(), ")\n\n",
      "Calls within phone hours (TP-3.6), callbacks (TP-4.3) and voicemail (TP-3.14):\n",
      RenderTable(
          {"UNIT", "OFFERED", "ANSWERED", "LOST", "ANSWER RATE", "WAIT 50%", "WAIT 95%",
           "CALLBACKS", "LATE/OPEN", "ON TIME", "VOICEMAILS", "LATE/OPEN", "ON TIME", "BREACHES"},
          rows),
      "\n");
  std::vector<std::vector<std::string>> rules;
  for (const cti::v1::RuleSummary& rule : report.rules()) {
    rules.push_back(
        {rule.rule(), rule.title(), absl::StrCat(rule.breaches()), absl::StrCat(rule.notes())});
  }
  absl::StrAppend(&out, "Per rule:\n",
                  RenderTable({"RULE", "WHAT IT ASKS", "BREACHES", "NOTES"}, rules), "\n");
  if (report.findings().empty()) {
    absl::StrAppend(&out, "No findings.\n");
    return out;
  }
  absl::StrAppend(&out, "Findings (! a breach):\n");
  for (const cti::v1::ComplianceFinding& f : report.findings()) {
    absl::StrAppend(&out, f.breach() ? "! " : "  ", f.rule(), "  ",
                    f.unit_id().empty() ? "-" : f.unit_id(), "  ", f.text());
    if (f.position() != 0) absl::StrAppend(&out, "  [#", f.position(), "]");
    absl::StrAppend(&out, "\n");
  }
  if (report.findings_truncated()) {
    absl::StrAppend(&out, "(more findings than listed: the per-rule counts include them all)\n");
  }
  return out;
}

std::string ComplianceCsv(const cti::v1::ComplianceReportResponse& report) {
  std::string out =
      "unit_id,unit_name,from_day,to_day,offered_in_hours,answered_in_hours,abandoned_in_hours,"
      "failed_in_hours,voicemail_in_hours,answer_rate,wait_p50_s,wait_p80_s,wait_p95_s,"
      "wait_mean_ms,offered_all_day,callbacks_requested,callbacks_on_time,callbacks_same_day,"
      "callbacks_late,callbacks_open_overdue,callbacks_open_not_due,callbacks_on_time_rate,"
      "voicemails_left,voicemails_on_time,voicemails_late,voicemails_unlistened_overdue,"
      "voicemails_unlistened_not_due,voicemails_on_time_rate,breaches\r\n";
  auto row = [&](const cti::v1::UnitCompliance& unit, absl::string_view id) {
    const cti::v1::CallCompliance& calls = unit.calls();
    const cti::v1::CallTally& in = calls.in_phone_hours();
    const cti::v1::CallbackCompliance& cb = unit.callbacks();
    const cti::v1::VoicemailCompliance& vm = unit.voicemail();
    absl::StrAppend(&out, CsvField(id), ",", CsvField(unit.unit_name()), ",", report.from_day(),
                    ",", report.to_day(), ",", in.offered(), ",", in.answered(), ",",
                    in.abandoned(), ",", in.failed(), ",", in.voicemail(), ",",
                    absl::StrFormat("%.4f", calls.answer_rate()), ",", CsvWait(calls, 50), ",",
                    CsvWait(calls, 80), ",", CsvWait(calls, 95), ",",
                    calls.answer_wait_mean_millis(), ",", calls.all().offered(), ",");
    absl::StrAppend(&out, cb.requested(), ",", cb.on_time(), ",", cb.same_day(), ",", cb.late(),
                    ",", cb.open_overdue(), ",", cb.open_not_due(), ",",
                    absl::StrFormat("%.4f", cb.on_time_rate()), ",", vm.left(), ",",
                    vm.listened_on_time(), ",", vm.listened_late(), ",", vm.unlistened_overdue(),
                    ",", vm.unlistened_not_due(), ",", absl::StrFormat("%.4f", vm.on_time_rate()),
                    ",", unit.breaches(), "\r\n");
  };
  for (const cti::v1::UnitCompliance& unit : report.units()) row(unit, unit.unit_id());
  row(report.total(), "*");
  return out;
}

std::string ComplianceSvg(const cti::v1::ComplianceReportResponse& report) {
  std::vector<const cti::v1::UnitCompliance*> units;
  for (const cti::v1::UnitCompliance& unit : report.units()) units.push_back(&unit);
  units.push_back(&report.total());
  constexpr int kLabelWidth = 220;
  constexpr int kBarWidth = 400;
  constexpr int kRowHeight = 40;
  constexpr int kTop = 70;
  const int height = kTop + kRowHeight * static_cast<int>(units.size()) + 40;
  const int width = kLabelWidth + kBarWidth + 140;
  std::string out = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\" "
      "aria-labelledby=\"title\">\n",
      width, height, width, height);
  absl::StrAppend(&out,
                  "<title id=\"title\">Answer rate within phone hours (TP-3.6) and callbacks ",
                  "on time (TP-4.3) per unit, ", Xml(report.from_day()), " to ",
                  Xml(report.to_day()), "</title>\n");
  absl::StrAppend(&out, "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
  absl::StrAppend(&out, absl::StrFormat("<text x=\"10\" y=\"22\" font-size=\"15\" "
                                        "font-weight=\"bold\">Telephone policy, %s to %s</text>\n",
                                        Xml(report.from_day()), Xml(report.to_day())));
  absl::StrAppend(
      &out, absl::StrFormat("<rect x=\"10\" y=\"34\" width=\"12\" height=\"12\" fill=\"#1f5f99\"/>"
                            "<text x=\"28\" y=\"44\">answered within phone hours (TP-3.6)</text>\n"
                            "<rect x=\"270\" y=\"34\" width=\"12\" height=\"12\" fill=\"#d08a1e\"/>"
                            "<text x=\"288\" y=\"44\">callbacks on time (TP-4.3)</text>\n"));
  // Grid lines at 0, 25, 50, 75 and 100 %.
  for (int pct = 0; pct <= 100; pct += 25) {
    const int x = kLabelWidth + kBarWidth * pct / 100;
    absl::StrAppend(&out, absl::StrFormat("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                                          "stroke=\"#cccccc\"/><text x=\"%d\" y=\"%d\" "
                                          "text-anchor=\"middle\" fill=\"#555555\">%d%%</text>\n",
                                          x, kTop - 8, x, height - 30, x, height - 16, pct));
  }
  for (size_t i = 0; i < units.size(); ++i) {
    const cti::v1::UnitCompliance& unit = *units[i];
    const int y = kTop + kRowHeight * static_cast<int>(i);
    const std::string label = i + 1 == units.size() ? "(all)" : UnitLabel(unit);
    absl::StrAppend(&out, absl::StrFormat("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                                          kLabelWidth - 8, y + 20, Xml(label)));
    struct Bar {
      double rate;
      bool judged;
      const char* colour;
      int offset;
    };
    const Bar bars[] = {
        {unit.calls().answer_rate(), unit.calls().in_phone_hours().offered() > 0, "#1f5f99", 4},
        {unit.callbacks().on_time_rate(), CallbacksJudged(unit.callbacks()), "#d08a1e", 20}};
    for (const Bar& bar : bars) {
      const int length = bar.judged ? static_cast<int>(bar.rate * kBarWidth + 0.5) : 0;
      absl::StrAppend(&out, absl::StrFormat("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" "
                                            "fill=\"%s\"/>",
                                            kLabelWidth, y + bar.offset, length, bar.colour));
      absl::StrAppend(
          &out, absl::StrFormat("<text x=\"%d\" y=\"%d\">%s</text>\n", kLabelWidth + length + 6,
                                y + bar.offset + 12, bar.judged ? Percent(bar.rate, true) : "n/a"));
    }
  }
  absl::StrAppend(&out, "</svg>\n");
  return out;
}

}  // namespace cti::ctictl
