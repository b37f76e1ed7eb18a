// The mail's text (TP-6.2): RFC 5322 headers, encoded words, quoted-printable, the
// Danish body and the Message-ID a resend shares.
#include "server/mail/mail.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "server/mail/message_mail.h"

namespace cti::mail {
namespace {

absl::TimeZone Copenhagen() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Copenhagen", &zone));
  return zone;
}

cti::projections::OutboxMessage AMessage() {
  cti::projections::OutboxMessage m;
  m.tenant = "demo";
  m.message_id = "besked:1";
  m.call_id = "c1";
  m.address = "ase.aero@sydby.dk";
  m.recipient_name = "Åse Ærø";
  m.caller_name = "Søren Kierkegaard";
  m.callback_number = "+4520123456";
  m.text = "Vil gerne tale om boligstøtte. Ring før kl. 14 = vigtigt";
  m.callback_wanted = true;
  // 2026-12-01 09:05 UTC = 10:05 in Copenhagen (CET), a Tuesday.
  m.taken_at = absl::FromCivil(absl::CivilSecond(2026, 12, 1, 9, 5, 0), absl::UTCTimeZone());
  return m;
}

TEST(MailTest, QuotedPrintableKeepsLinesShortAndEncodesUtf8) {
  EXPECT_EQ(QuotedPrintable("æ=ø\n"), "=C3=A6=3D=C3=B8\r\n");
  EXPECT_EQ(QuotedPrintable("trailing \nx"), "trailing=20\r\nx");
  const std::string long_line(200, 'a');
  for (absl::string_view line : absl::StrSplit(QuotedPrintable(long_line), "\r\n")) {
    EXPECT_LE(line.size(), 76u);
  }
}

TEST(MailTest, EncodedWordsOnlyWhenNeededAndNeverSplitACharacter) {
  EXPECT_EQ(EncodedWords("Besked fra Jens"), "Besked fra Jens");
  EXPECT_EQ(EncodedWords("æøå"), "=?UTF-8?B?w6bDuMOl?=");
  const std::string words =
      EncodedWords(std::string(60, 'x') + std::string(40, 'a') + "ø" + std::string(40, 'b'));
  for (absl::string_view word : absl::StrSplit(words, "\r\n ")) EXPECT_LE(word.size(), 75u);
}

TEST(MailTest, MessageIdAtomEscapesWhatADotAtomCannotHold) {
  EXPECT_EQ(MessageIdAtom("m-1_a"), "m-1_a");
  EXPECT_EQ(MessageIdAtom("a:b.c"), "a=3Ab=2Ec");
}

TEST(MailTest, TP_6_2_TheMailSaysWhomToCallBackInDanish) {
  const Mail mail = MailForMessage(AMessage(), "reception@sydby.dk", "Receptionen",
                                   AMessage().taken_at + absl::Minutes(1), Copenhagen());
  EXPECT_EQ(mail.subject, "Besked fra Søren Kierkegaard (+4520123456)");
  EXPECT_EQ(mail.message_id, "ctid-message.besked=3A1.demo@sydby.dk");
  EXPECT_TRUE(absl::StrContains(mail.body, "Fra: Søren Kierkegaard\n")) << mail.body;
  EXPECT_TRUE(absl::StrContains(mail.body, "Telefonnummer: +4520123456\n")) << mail.body;
  EXPECT_TRUE(absl::StrContains(mail.body, "Modtaget: tirsdag den 1. december 2026 kl. 10.05"))
      << mail.body;
  EXPECT_TRUE(absl::StrContains(mail.body, "Ring venligst tilbage i dag")) << mail.body;
  EXPECT_TRUE(absl::StrContains(mail.body, "TP-4.3")) << mail.body;

  const std::string text = RenderMail(mail);
  EXPECT_TRUE(absl::StrContains(text, "Date: Tue, 01 Dec 2026 10:06:00 +0100\r\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "From: \"Receptionen\" <reception@sydby.dk>\r\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "To: =?UTF-8?B?")) << text;
  EXPECT_TRUE(absl::StrContains(text, "<ase.aero@sydby.dk>\r\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "Subject: =?UTF-8?B?")) << text;
  EXPECT_TRUE(absl::StrContains(text, "Message-ID: <ctid-message.besked=3A1.demo@sydby.dk>\r\n"));
  EXPECT_TRUE(absl::StrContains(text, "Content-Type: text/plain; charset=UTF-8\r\n"));
  EXPECT_TRUE(absl::StrContains(text, "Content-Transfer-Encoding: quoted-printable\r\n"));
  EXPECT_TRUE(absl::StrContains(text, "\r\n\r\nHej =C3=85se =C3=86r=C3=B8\r\n")) << text;
  for (char c : text) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << "7-bit only";
}

TEST(MailTest, TP_4_3_NoCallbackWantedAndMissingParts) {
  cti::projections::OutboxMessage m = AMessage();
  m.callback_wanted = false;
  m.caller_name.clear();
  m.callback_number.clear();
  const Mail mail = MailForMessage(m, "reception@sydby.dk", "", m.taken_at, Copenhagen());
  EXPECT_EQ(mail.subject, "Besked fra en borger");
  EXPECT_TRUE(absl::StrContains(mail.body, "Ønsker at blive ringet op: nej.")) << mail.body;
  // Summer time: +0200.
  m.taken_at = absl::FromCivil(absl::CivilSecond(2026, 7, 1, 8, 0, 0), absl::UTCTimeZone());
  EXPECT_EQ(DanishTime(m.taken_at, Copenhagen()), "onsdag den 1. juli 2026 kl. 10.00");
}

}  // namespace
}  // namespace cti::mail
