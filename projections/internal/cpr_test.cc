#include "projections/internal/cpr.h"

#include "gtest/gtest.h"

namespace cti::projections::internal {
namespace {

TEST(ContainsCprNumber, FindsTheWrittenForms) {
  EXPECT_TRUE(ContainsCprNumber("010190-1234"));
  EXPECT_TRUE(ContainsCprNumber("010190 1234"));
  EXPECT_TRUE(ContainsCprNumber("0101901234"));
  EXPECT_TRUE(ContainsCprNumber("Møde med borger 311299-4321 om pension"));
  EXPECT_TRUE(ContainsCprNumber("cpr:2902001234."));  // 29 Feb: allowed in any year
  EXPECT_TRUE(ContainsCprNumber("(150575-0001)"));
}

TEST(ContainsCprNumber, IgnoresImplausibleDates) {
  EXPECT_FALSE(ContainsCprNumber("320190-1234"));  // day 32
  EXPECT_FALSE(ContainsCprNumber("011390-1234"));  // month 13
  EXPECT_FALSE(ContainsCprNumber("000190-1234"));  // day 0
  EXPECT_FALSE(ContainsCprNumber("310490-1234"));  // 31 April
  EXPECT_FALSE(ContainsCprNumber("300290-1234"));  // 30 February
}

TEST(ContainsCprNumber, IgnoresOtherNumbers) {
  EXPECT_FALSE(ContainsCprNumber("Kursus i Vejle"));
  EXPECT_FALSE(ContainsCprNumber("ring 73 76 76 76"));
  EXPECT_FALSE(ContainsCprNumber("+4512345678"));   // 45... is not a day
  EXPECT_FALSE(ContainsCprNumber("01019012345"));   // 11 digits
  EXPECT_FALSE(ContainsCprNumber("101019012345"));  // 12 digits
  EXPECT_FALSE(ContainsCprNumber("010190--1234"));  // two separators
  EXPECT_FALSE(ContainsCprNumber("010190-123"));    // short serial
  EXPECT_FALSE(ContainsCprNumber("sag 2024-0001234"));
  EXPECT_FALSE(ContainsCprNumber(""));
}

TEST(MaskCprNumbers, ReplacesEveryCprNumberAndNothingElse) {
  int masked = -1;
  EXPECT_EQ(MaskCprNumbers("Borger 010190-1234 og 0202021234, tlf. 73 76 76 76", "[CPR]", &masked),
            "Borger [CPR] og [CPR], tlf. 73 76 76 76");
  EXPECT_EQ(masked, 2);
  EXPECT_EQ(MaskCprNumbers("311299 4321.", "#", &masked), "#.");
  EXPECT_EQ(masked, 1);
  // What ContainsCprNumber does not read as one stays as it is.
  for (const char* kept :
       {"320190-1234", "01019012345", "sag 2024-0001234", "+4512345678", "", "ring 010190-123"}) {
    EXPECT_EQ(MaskCprNumbers(kept, "[CPR]", &masked), kept);
    EXPECT_EQ(masked, 0) << kept;
  }
  // No CPR number is left in any masked text.
  EXPECT_FALSE(ContainsCprNumber(MaskCprNumbers("0101901234 0101901234", "x")));
}

}  // namespace
}  // namespace cti::projections::internal
