#include "server/privacy/sealer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "projections/personal_data.h"

namespace cti::server::privacy {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

// Parts joined with their lengths, so no two lists of parts give the same bytes.
std::string Framed(std::initializer_list<absl::string_view> parts) {
  std::string out;
  for (absl::string_view part : parts) {
    const uint32_t n = static_cast<uint32_t>(part.size());
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
    out.append(part.data(), part.size());
  }
  return out;
}

std::string HmacSha256(absl::string_view key, absl::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &length);
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string Sha256(absl::string_view data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return std::string(reinterpret_cast<char*>(out), sizeof(out));
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// AES-256-GCM: ciphertext with the 16-byte tag appended.
absl::StatusOr<std::string> GcmSeal(absl::string_view key, absl::string_view nonce,
                                    absl::string_view plain, absl::string_view ad) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out(plain.size() + kTagBytes, '\0');
  int n = 0;
  int total = 0;
  unsigned char* o = reinterpret_cast<unsigned char*>(out.data());
  if (ctx == nullptr ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key), Bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, Bytes(ad), static_cast<int>(ad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), o, &n, Bytes(plain), static_cast<int>(plain.size())) != 1) {
    return absl::InternalError("sealing personal data: the cipher failed");
  }
  total = n;
  if (EVP_EncryptFinal_ex(ctx.get(), o + total, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          o + plain.size()) != 1) {
    return absl::InternalError("sealing personal data: the cipher failed");
  }
  return out;
}

// Opens GcmSeal's output; std::nullopt when it does not authenticate.
std::optional<std::string> GcmOpen(absl::string_view key, absl::string_view nonce,
                                   absl::string_view sealed, absl::string_view ad) {
  if (key.size() != kKeyBytes || nonce.size() != kNonceBytes || sealed.size() < kTagBytes) {
    return std::nullopt;
  }
  const size_t length = sealed.size() - kTagBytes;
  std::string tag(sealed.substr(length));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out(length, '\0');
  unsigned char* o = reinterpret_cast<unsigned char*>(out.data());
  int n = 0;
  if (ctx == nullptr ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key), Bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, Bytes(ad), static_cast<int>(ad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), o, &n, Bytes(sealed), static_cast<int>(length)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), o + n, &n) != 1) {
    return std::nullopt;
  }
  return out;
}

void XorInto(std::string* into, absl::string_view with) {
  for (size_t i = 0; i < into->size() && i < with.size(); ++i) (*into)[i] ^= with[i];
}

std::string ShareAd(absl::string_view tenant, absl::string_view subject, absl::string_view key_id) {
  return Framed({"share", tenant, subject, key_id});
}

std::string DataAd(const cti::v1::Event& event) {
  return Framed({"data", event.tenant(), event.event_id()});
}

std::string SerializeDeterministic(const cti::v1::PersonalData& data) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    data.SerializeToCodedStream(&coded);
  }
  return out;
}

absl::Status SealError(const cti::v1::Event& event, const absl::Status& cause) {
  return absl::Status(cause.code(), absl::StrCat("sealing the personal data of event '",
                                                 event.event_id(), "': ", cause.message()));
}

}  // namespace

std::string CanonicalNumber(absl::string_view number) {
  std::string digits;
  if (absl::StartsWith(number, "+")) digits = "00";
  for (char c : number) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  if (digits.size() == 12 && absl::StartsWith(digits, "0045")) return digits.substr(4);
  return digits;
}

absl::StatusOr<std::string> CallerSubject(KeyVault& vault, absl::string_view tenant,
                                          absl::string_view number) {
  absl::StatusOr<std::string> secret = vault.PseudonymSecret(tenant);
  if (!secret.ok()) return secret.status();
  const std::string mac = HmacSha256(*secret, Framed({"caller", CanonicalNumber(number)}));
  return absl::StrCat("caller:", absl::BytesToHexString(absl::string_view(mac).substr(0, 16)));
}

absl::Status Seal(KeyVault& vault, cti::v1::Event* event, uint64_t* key_write) {
  if (key_write != nullptr) *key_write = 0;
  if (event->has_personal()) return absl::OkStatus();
  cti::v1::PersonalData data;
  cti::projections::PersonalSubjects named;
  if (!cti::projections::TakePersonalData(event, &data, &named)) return absl::OkStatus();
  std::vector<std::string> subjects;
  for (const std::string& id : named.employee_ids) {
    subjects.push_back(cti::projections::EmployeeSubject(id));
  }
  for (const std::string& number : named.caller_numbers) {
    absl::StatusOr<std::string> subject = CallerSubject(vault, event->tenant(), number);
    if (!subject.ok()) return SealError(*event, subject.status());
    if (std::find(subjects.begin(), subjects.end(), *subject) == subjects.end()) {
      subjects.push_back(*std::move(subject));
    }
  }
  if (!named.message_id.empty()) {
    subjects.push_back(cti::projections::MessageSubject(named.message_id));
  }
  std::vector<SubjectKey> keys;
  std::string all_keys;
  for (const std::string& subject : subjects) {
    absl::StatusOr<SubjectKey> key = vault.CurrentKey(event->tenant(), subject);
    if (!key.ok()) return SealError(*event, key.status());
    all_keys += key->key;
    if (key_write != nullptr) *key_write = std::max(*key_write, key->write);
    keys.push_back(*std::move(key));
  }
  const std::string plain = SerializeDeterministic(data);
  const std::string digest = Sha256(plain);
  const std::string data_key =
      HmacSha256(all_keys, Framed({"dek", event->tenant(), event->event_id(), digest}));
  cti::v1::Sealed sealed;
  std::string last_share = data_key;
  for (size_t i = 0; i < subjects.size(); ++i) {
    const std::string ad = ShareAd(event->tenant(), subjects[i], keys[i].key_id);
    std::string share;
    if (i + 1 < subjects.size()) {
      share = HmacSha256(keys[i].key, Framed({"part", ad, event->event_id(), digest}));
      XorInto(&last_share, share);
    } else {
      share = last_share;
    }
    const std::string nonce =
        HmacSha256(keys[i].key, Framed({"nonce", ad, event->event_id(), digest}))
            .substr(0, kNonceBytes);
    absl::StatusOr<std::string> ciphertext = GcmSeal(keys[i].key, nonce, share, ad);
    if (!ciphertext.ok()) return SealError(*event, ciphertext.status());
    cti::v1::SealedShare* out = sealed.add_shares();
    out->set_subject(subjects[i]);
    out->set_key_id(keys[i].key_id);
    out->set_nonce(nonce);
    out->set_ciphertext(*std::move(ciphertext));
  }
  const std::string nonce =
      HmacSha256(data_key, Framed({"nonce", event->event_id()})).substr(0, kNonceBytes);
  absl::StatusOr<std::string> ciphertext = GcmSeal(data_key, nonce, plain, DataAd(*event));
  if (!ciphertext.ok()) return SealError(*event, ciphertext.status());
  sealed.set_nonce(nonce);
  sealed.set_ciphertext(*std::move(ciphertext));
  *event->mutable_personal() = std::move(sealed);
  return absl::OkStatus();
}

absl::StatusOr<OpenResult> Open(KeyVault& vault, cti::v1::Event* event) {
  if (!event->has_personal()) return OpenResult::kNotSealed;
  const cti::v1::Sealed& sealed = event->personal();
  if (sealed.shares().empty()) return OpenResult::kErased;
  auto damaged = [&](absl::string_view what) {
    return absl::DataLossError(
        absl::StrCat("the personal data of event '", event->event_id(), "' does not open: ", what));
  };
  std::string data_key(kKeyBytes, '\0');
  for (const cti::v1::SealedShare& share : sealed.shares()) {
    absl::StatusOr<std::optional<std::string>> key =
        vault.FindKey(event->tenant(), share.subject(), share.key_id());
    if (!key.ok()) return key.status();
    if (!key->has_value()) return OpenResult::kErased;
    std::optional<std::string> part =
        GcmOpen(**key, share.nonce(), share.ciphertext(),
                ShareAd(event->tenant(), share.subject(), share.key_id()));
    if (!part.has_value() || part->size() != kKeyBytes) {
      return damaged(absl::StrCat("the share of ", share.subject(), " fails authentication"));
    }
    XorInto(&data_key, *part);
  }
  std::optional<std::string> plain =
      GcmOpen(data_key, sealed.nonce(), sealed.ciphertext(), DataAd(*event));
  if (!plain.has_value()) return damaged("the data fails authentication");
  cti::v1::PersonalData data;
  if (!data.ParseFromString(*plain)) return damaged("the data does not parse");
  cti::projections::RestorePersonalData(data, event);
  event->clear_personal();
  return OpenResult::kOpened;
}

absl::Status PseudonymizeErasure(KeyVault& vault, cti::v1::Event* event) {
  if (!event->has_privacy() || !event->privacy().has_personal_data_erased()) {
    return absl::OkStatus();
  }
  cti::v1::PersonalDataErased* erased = event->mutable_privacy()->mutable_personal_data_erased();
  if (erased->subject_case() != cti::v1::PersonalDataErased::kCallerNumber) {
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> subject =
      CallerSubject(vault, event->tenant(), erased->caller_number());
  if (!subject.ok()) return subject.status();
  erased->set_caller_subject(*std::move(subject));
  return absl::OkStatus();
}

std::string ErasedSubjectOf(const cti::v1::Event& event) {
  if (!event.has_privacy() || !event.privacy().has_personal_data_erased()) return "";
  const cti::v1::PersonalDataErased& erased = event.privacy().personal_data_erased();
  switch (erased.subject_case()) {
    case cti::v1::PersonalDataErased::kEmployeeId:
      return cti::projections::EmployeeSubject(erased.employee_id());
    case cti::v1::PersonalDataErased::kCallerSubject:
      return erased.caller_subject();
    case cti::v1::PersonalDataErased::kMessageId:
      return cti::projections::MessageSubject(erased.message_id());
    default:
      return "";
  }
}

}  // namespace cti::server::privacy
