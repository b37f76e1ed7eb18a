#include "server/calendar_import/internal/mapping.h"

#include <gtest/gtest.h>

#include "server/calendar_import/testing/ics_test_util.h"

namespace cti::calendar_import::internal {
namespace {

TEST(KindFromKeywordsTest, DanishAndEnglishKeywords) {
  struct Case {
    const char* text;
    cti::v1::AbsenceKind kind;
  };
  const Case cases[] = {
      {"Syg", cti::v1::ABSENCE_KIND_SICK},
      {"SYGEMELDT", cti::v1::ABSENCE_KIND_SICK},
      {"Barnsyg", cti::v1::ABSENCE_KIND_SICK},
      {"Sick leave", cti::v1::ABSENCE_KIND_SICK},
      {"Møde med sygeplejerske", cti::v1::ABSENCE_KIND_UNSPECIFIED},
      {"Sygehus: møde om udskrivning", cti::v1::ABSENCE_KIND_UNSPECIFIED},
      {"Sommerferie", cti::v1::ABSENCE_KIND_VACATION},
      {"FERIE", cti::v1::ABSENCE_KIND_VACATION},
      {"Vacation", cti::v1::ABSENCE_KIND_VACATION},
      {"Bank holiday", cti::v1::ABSENCE_KIND_VACATION},
      {"Førstehjælpskursus", cti::v1::ABSENCE_KIND_COURSE},
      {"Kurset i Vejle", cti::v1::ABSENCE_KIND_COURSE},
      {"Konkursbehandling", cti::v1::ABSENCE_KIND_UNSPECIFIED},
      {"Excel course", cti::v1::ABSENCE_KIND_COURSE},
      {"HJEMMEBESØG Vestbyen", cti::v1::ABSENCE_KIND_OFF_SITE},
      {"Ude", cti::v1::ABSENCE_KIND_OFF_SITE},
      {"Studerende på besøg", cti::v1::ABSENCE_KIND_UNSPECIFIED},
      {"Off-site workshop", cti::v1::ABSENCE_KIND_OFF_SITE},
      {"Home visit", cti::v1::ABSENCE_KIND_OFF_SITE},
      {"Syg - aflyst kursus", cti::v1::ABSENCE_KIND_SICK},  // Sick ranks first.
      {"Teammøde", cti::v1::ABSENCE_KIND_UNSPECIFIED},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(KindFromKeywords(c.text), c.kind) << c.text;
  }
}

TEST(KindOfTest, CategoriesThenSummaryThenBusyStatus) {
  PresenceFields fields;
  fields.summary = "Kursus";
  fields.categories = {"Ferie"};
  EXPECT_EQ(KindOf(fields), cti::v1::ABSENCE_KIND_VACATION);
  fields.categories = {"Rød kategori"};
  EXPECT_EQ(KindOf(fields), cti::v1::ABSENCE_KIND_COURSE);
  fields.summary = "Tandlæge";
  fields.busy_status = "oof";
  EXPECT_EQ(KindOf(fields), cti::v1::ABSENCE_KIND_AWAY);
  fields.busy_status = "WORKINGELSEWHERE";
  EXPECT_EQ(KindOf(fields), cti::v1::ABSENCE_KIND_OFF_SITE);
  fields.busy_status = "BUSY";
  EXPECT_EQ(KindOf(fields), cti::v1::ABSENCE_KIND_MEETING);
}

TEST(ShowAsOfTest, BusyStatusThenTranspThenStatus) {
  PresenceFields fields;
  EXPECT_EQ(ShowAsOf(fields), cti::v1::SHOW_AS_BUSY);
  fields.status = "TENTATIVE";
  EXPECT_EQ(ShowAsOf(fields), cti::v1::SHOW_AS_TENTATIVE);
  fields.transp = "TRANSPARENT";
  EXPECT_EQ(ShowAsOf(fields), std::nullopt);
  fields.busy_status = "OOF";
  EXPECT_EQ(ShowAsOf(fields), cti::v1::SHOW_AS_BUSY);
  fields.busy_status = "TENTATIVE";
  EXPECT_EQ(ShowAsOf(fields), cti::v1::SHOW_AS_TENTATIVE);
  fields.busy_status = "FREE";
  fields.transp = "OPAQUE";
  EXPECT_EQ(ShowAsOf(fields), std::nullopt);
}

TEST(TruncateUtf8Test, CountsCharactersNotBytes) {
  EXPECT_EQ(TruncateUtf8("Søren Ærø", 3), "Sør");
  EXPECT_EQ(TruncateUtf8("æøå", 2), "æø");
  EXPECT_EQ(TruncateUtf8("😀😀", 1), "😀");
  EXPECT_EQ(TruncateUtf8("kort", 500), "kort");
  EXPECT_EQ(SubjectOf("  Møde\x01 i\r\nLyngby\t ", false), "Møde i\nLyngby");
  EXPECT_EQ(SubjectOf("Lægebesøg", true), "Privat aftale");
}

TEST(IdsTest, EntryIdsAndEventIds) {
  const absl::Time t = cti::calendar_import::testing::Utc("2025-03-10T08:00:00Z");
  EXPECT_EQ(BasicUtc(t), "20250310T080000Z");
  EXPECT_EQ(EntryIdOf("abc@example.dk", std::nullopt), "abc@example.dk");
  EXPECT_EQ(EntryIdOf("abc@example.dk", t), "abc@example.dk#20250310T080000Z");
  EXPECT_EQ(EntryIdOf("a b", std::nullopt), "uid-sha256:" + Sha256Hex("a b").substr(0, 40));
  EXPECT_EQ(EntryIdOf(std::string(240, 'x'), std::nullopt).substr(0, 11), "uid-sha256:");
  EXPECT_EQ(EntryIdOf(std::string(239, 'x'), std::nullopt), std::string(239, 'x'));
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  cti::v1::CalendarEntryUpserted entry;
  entry.set_employee_id("e17");
  entry.set_entry_id("abc");
  google::protobuf::Timestamp occurred;
  occurred.set_seconds(1700000000);
  const std::string id = EventIdOf(entry, occurred, "");
  EXPECT_EQ(id.substr(0, 8), "ics:e17:");
  EXPECT_EQ(id.size(), 40u);
  EXPECT_EQ(EventIdOf(entry, occurred, ""), id);
  EXPECT_NE(EventIdOf(entry, occurred, "admin"), id);
  entry.set_subject("x");
  EXPECT_NE(EventIdOf(entry, occurred, ""), id);
}

}  // namespace
}  // namespace cti::calendar_import::internal
