// Sealing and opening the personal data of log records (GDPR erasure by
// crypto-shredding): the cipher side of projections/personal_data.h, which names the
// fields. Formats are Sealed and SealedShare in cti/v1/event.proto.
//
// Sealing is deterministic: the same event, sealed with the same keys, gives the same
// bytes (every nonce and the data key are derived from the keys, the tenant, the
// event_id and a hash of the data, as in SIV constructions). So a retried append
// compares equal to the record in the log, and a nonce is never reused with other data.
// Opening needs the key of every subject the record names; one erased key leaves it
// sealed for good.
//
// Subjects: "employee:<employee_id>"; "caller:<32 hex>" = HMAC-SHA-256 of the
// caller's number in canonical form (CanonicalNumber) under the tenant's pseudonym
// secret, truncated to 128 bits; "message:<message_id>" for a message without a
// number. Thread-safe (as KeyVault).
#ifndef CTI_SERVER_PRIVACY_SEALER_H_
#define CTI_SERVER_PRIVACY_SEALER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cti/v1/event.pb.h"
#include "server/privacy/key_vault.h"

namespace cti::server::privacy {

// A number as it identifies a caller: digits only; a Danish number given with +45 or
// 0045 (11 or 12 digits) as its 8 national digits; any other '+' as "00".
std::string CanonicalNumber(absl::string_view number);

// The caller subject of `number` in `tenant`.
absl::StatusOr<std::string> CallerSubject(KeyVault& vault, absl::string_view tenant,
                                          absl::string_view number);

// Moves the personal data of `event` into event->personal, sealed for its subjects
// (their keys are made when new). Nothing changes for an event without personal data,
// or one already sealed. `*key_write` (optional) is set to the latest vault write of
// the keys used: the record may go to the log once vault.Durable(*key_write).
// REQUIRES: tenant and event_id set.
absl::Status Seal(KeyVault& vault, cti::v1::Event* event, uint64_t* key_write = nullptr);

// What Open made of a record.
enum class OpenResult {
  kNotSealed,  // no personal data was sealed in it
  kOpened,     // the fields are back in the payload; `personal` is cleared
  kErased,     // a subject's key is gone: left as it was (projections read it as erased)
};

// Opens event->personal back into the payload. DATA_LOSS when a key is there but the
// record does not open with it (damaged or forged); the record is then left as it was.
absl::StatusOr<OpenResult> Open(KeyVault& vault, cti::v1::Event* event);

// For PersonalDataErased: replaces caller_number with caller_subject. Nothing changes
// for any other record.
absl::Status PseudonymizeErasure(KeyVault& vault, cti::v1::Event* event);

// The subject a PersonalDataErased names ("" for any other record). After
// PseudonymizeErasure.
std::string ErasedSubjectOf(const cti::v1::Event& event);

}  // namespace cti::server::privacy

#endif  // CTI_SERVER_PRIVACY_SEALER_H_
