#include "server/calendar_import/internal/mapping.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cti::calendar_import::internal {
namespace {

constexpr size_t kMaxSubjectChars = 500;
constexpr size_t kMaxUidChars = 239;  // 256 minus "#" and a 16-character instance.
constexpr char kPrivateSubject[] = "Privat aftale";

// Lower-cases ASCII and the Latin-1 capitals (Æ Ø Å Ä Ö Ü É ...) of UTF-8 text.
std::string Fold(absl::string_view text) {
  std::string folded(text);
  for (size_t i = 0; i < folded.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(folded[i]);
    if (c < 0x80) {
      folded[i] = absl::ascii_tolower(c);
    } else if (c == 0xC3 && i + 1 < folded.size()) {
      const unsigned char next = static_cast<unsigned char>(folded[i + 1]);
      if (next >= 0x80 && next <= 0x9E && next != 0x97)
        folded[i + 1] = static_cast<char>(next + 0x20);
      ++i;
    }
  }
  return folded;
}

// Words of folded text: runs of ASCII letters and digits and non-ASCII bytes.
std::vector<std::string> Words(absl::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : Fold(text)) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || absl::ascii_isalnum(u)) {
      word.push_back(c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

bool IsSick(const std::string& w) {
  if (absl::StartsWith(w, "sick")) return true;
  if (absl::EndsWith(w, "syg")) return true;  // "syg", "barnsyg".
  // "sygdom", "sygemeldt", "sygedag"; not the nurse or the hospital.
  return absl::StartsWith(w, "syg") && !absl::StartsWith(w, "sygepleje") &&
         !absl::StartsWith(w, "sygehus") && !absl::StartsWith(w, "sygesikring");
}

bool IsVacation(const std::string& w) {
  return absl::StrContains(w, "ferie") || absl::StartsWith(w, "vacation") ||
         absl::StartsWith(w, "holiday");
}

bool IsCourse(const std::string& w) {
  return absl::StrContains(w, "kursus") || absl::StartsWith(w, "kurs") ||
         absl::StartsWith(w, "course");
}

bool IsOffSite(const std::string& w) {
  return absl::StrContains(w, "hjemmebesøg") || absl::StrContains(w, "udebesøg") || w == "ude" ||
         w == "offsite";
}

}  // namespace

cti::v1::AbsenceKind KindFromKeywords(absl::string_view text) {
  const std::vector<std::string> words = Words(text);
  auto any = [&words](const std::function<bool(const std::string&)>& test) {
    for (const std::string& w : words) {
      if (test(w)) return true;
    }
    return false;
  };
  if (any(IsSick)) return cti::v1::ABSENCE_KIND_SICK;
  if (any(IsVacation)) return cti::v1::ABSENCE_KIND_VACATION;
  if (any(IsCourse)) return cti::v1::ABSENCE_KIND_COURSE;
  if (any(IsOffSite)) return cti::v1::ABSENCE_KIND_OFF_SITE;
  for (size_t i = 0; i + 1 < words.size(); ++i) {  // "off site", "off-site", "home visit".
    if ((words[i] == "off" && words[i + 1] == "site") ||
        (words[i] == "home" && absl::StartsWith(words[i + 1], "visit"))) {
      return cti::v1::ABSENCE_KIND_OFF_SITE;
    }
  }
  return cti::v1::ABSENCE_KIND_UNSPECIFIED;
}

cti::v1::AbsenceKind KindOf(const PresenceFields& fields) {
  cti::v1::AbsenceKind kind = KindFromKeywords(absl::StrJoin(fields.categories, ", "));
  if (kind == cti::v1::ABSENCE_KIND_UNSPECIFIED) kind = KindFromKeywords(fields.summary);
  if (kind != cti::v1::ABSENCE_KIND_UNSPECIFIED) return kind;
  const std::string busy = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(fields.busy_status));
  if (busy == "OOF") return cti::v1::ABSENCE_KIND_AWAY;
  if (busy == "WORKINGELSEWHERE") return cti::v1::ABSENCE_KIND_OFF_SITE;
  return cti::v1::ABSENCE_KIND_MEETING;
}

std::optional<cti::v1::ShowAs> ShowAsOf(const PresenceFields& fields) {
  const std::string busy = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(fields.busy_status));
  if (busy == "FREE") return std::nullopt;
  if (busy == "TENTATIVE") return cti::v1::SHOW_AS_TENTATIVE;
  if (busy == "BUSY" || busy == "OOF" || busy == "WORKINGELSEWHERE") return cti::v1::SHOW_AS_BUSY;
  if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(fields.transp), "TRANSPARENT")) {
    return std::nullopt;
  }
  if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(fields.status), "TENTATIVE")) {
    return cti::v1::SHOW_AS_TENTATIVE;
  }
  return cti::v1::SHOW_AS_BUSY;
}

std::string TruncateUtf8(absl::string_view text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // A continuation byte.
    if (chars == max_chars) return std::string(text.substr(0, i));
    ++chars;
  }
  return std::string(text);
}

std::string SubjectOf(absl::string_view summary, bool is_private) {
  if (is_private) return kPrivateSubject;
  std::string clean;
  clean.reserve(summary.size());
  for (char c : summary) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) continue;
    clean.push_back(c);
  }
  return TruncateUtf8(absl::StripAsciiWhitespace(clean), kMaxSubjectChars);
}

std::string BasicUtc(absl::Time instant) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", instant, absl::UTCTimeZone());
}

std::string Sha256Hex(absl::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1 ||
      size != 32) {
    // OpenSSL without SHA-256 cannot happen on a working system; fail loudly rather
    // than hand out colliding ids.
    std::abort();
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), size));
}

std::string EntryIdOf(absl::string_view uid, std::optional<absl::Time> instance) {
  const bool usable =
      !uid.empty() && uid.size() <= kMaxUidChars &&
      std::all_of(uid.begin(), uid.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  std::string id = usable ? std::string(uid) : "uid-sha256:" + Sha256Hex(uid).substr(0, 40);
  if (instance.has_value()) absl::StrAppend(&id, "#", BasicUtc(*instance));
  return id;
}

std::string EventIdOf(const cti::v1::CalendarEntryUpserted& entry,
                      const google::protobuf::Timestamp& occurred_at,
                      absl::string_view id_context) {
  // Length-prefixed fields, so that no two different entries give the same bytes.
  std::string bytes;
  auto field = [&bytes](absl::string_view value) {
    absl::StrAppend(&bytes, value.size(), ":", value, ";");
  };
  field("cti-ics-import/1");
  field(entry.employee_id());
  field(entry.entry_id());
  field(absl::StrCat(entry.kind()));
  field(absl::StrCat(entry.show_as()));
  field(absl::StrCat(entry.start().seconds(), ".", entry.start().nanos()));
  field(absl::StrCat(entry.end().seconds(), ".", entry.end().nanos()));
  field(entry.subject());
  field(absl::StrCat(occurred_at.seconds(), ".", occurred_at.nanos()));
  field(id_context);
  return absl::StrCat("ics:", entry.employee_id(), ":", Sha256Hex(bytes).substr(0, 32));
}

}  // namespace cti::calendar_import::internal
