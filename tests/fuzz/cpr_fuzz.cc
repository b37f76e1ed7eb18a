// The CPR detector and mask (TP-4.2): on any text, the masked text holds no CPR number,
// masking twice changes nothing more, and a text without one is left as it was.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "projections/internal/cpr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  using cti::projections::internal::ContainsCprNumber;
  using cti::projections::internal::MaskCprNumbers;
  int masked = 0;
  const std::string once = MaskCprNumbers(text, "[CPR-nr.]", &masked);
  if (ContainsCprNumber(once)) std::abort();
  if (MaskCprNumbers(once, "[CPR-nr.]") != once) std::abort();
  if ((masked > 0) != ContainsCprNumber(text)) std::abort();
  if (masked == 0 && once != text) std::abort();
  return 0;
}
