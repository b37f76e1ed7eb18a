#include "projections/personal_data.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "projections/internal/keys.h"
#include "projections/internal/store_impl.h"
#include "rocksdb/db.h"

namespace cti::projections {
namespace {

void AddDistinct(std::vector<std::string>* list, const std::string& value) {
  if (!value.empty() && std::find(list->begin(), list->end(), value) == list->end()) {
    list->push_back(value);
  }
}

// The employee fields of EmployeeHired.employee and EmployeeContactChanged.
template <typename M>
bool TakeEmployeeFields(M* from, cti::v1::PersonalData* data) {
  if (from->full_name().empty() && from->direct_number().empty() && from->mobile_number().empty() &&
      from->email().empty()) {
    return false;
  }
  data->set_full_name(std::move(*from->mutable_full_name()));
  data->set_direct_number(std::move(*from->mutable_direct_number()));
  data->set_mobile_number(std::move(*from->mutable_mobile_number()));
  data->set_email(std::move(*from->mutable_email()));
  from->clear_full_name();
  from->clear_direct_number();
  from->clear_mobile_number();
  from->clear_email();
  return true;
}

template <typename M>
void RestoreEmployeeFields(const cti::v1::PersonalData& data, M* to) {
  to->set_full_name(data.full_name());
  to->set_direct_number(data.direct_number());
  to->set_mobile_number(data.mobile_number());
  to->set_email(data.email());
}

template <typename M>
void EraseEmployeeFields(M* to) {
  to->set_full_name(kErasedText);
  to->clear_direct_number();
  to->clear_mobile_number();
  to->clear_email();
}

}  // namespace

std::string EmployeeSubject(absl::string_view employee_id) {
  return absl::StrCat("employee:", employee_id);
}

std::string MessageSubject(absl::string_view message_id) {
  return absl::StrCat("message:", message_id);
}

bool IsCallerSubject(absl::string_view subject) {
  if (!absl::ConsumePrefix(&subject, "caller:") || subject.size() != 32) return false;
  return std::all_of(subject.begin(), subject.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
  });
}

absl::StatusOr<std::vector<ErasedSubject>> ListErasedSubjects(const Store& store) {
  using internal::Cf;
  std::vector<ErasedSubject> erased;
  const internal::StoreImpl& impl = internal::ImplOf(store);
  const std::string prefix(internal::kMetaErasedPrefix);
  const std::string upper = internal::PrefixSuccessor(prefix);
  rocksdb::ReadOptions read;
  const rocksdb::Slice upper_slice(upper);
  read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl.db()->NewIterator(read, impl.cf(Cf::kMeta)));
  for (it->Seek(internal::ToSlice(prefix)); it->Valid(); it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    key.remove_prefix(prefix.size());
    if (key.empty() || it->value().size() != 8) continue;
    const size_t tenant_size = static_cast<unsigned char>(key[0]);
    if (key.size() <= 1 + tenant_size) continue;
    erased.push_back(ErasedSubject{.tenant = std::string(key.substr(1, tenant_size)),
                                   .subject = std::string(key.substr(1 + tenant_size)),
                                   .position = internal::DecodeBigEndian64(
                                       absl::string_view(it->value().data(), it->value().size()))});
  }
  if (!it->status().ok()) return internal::FromRocks(it->status(), "reading erased subjects");
  return erased;
}

bool TakePersonalData(cti::v1::Event* event, cti::v1::PersonalData* data,
                      PersonalSubjects* subjects) {
  *subjects = PersonalSubjects{};
  data->Clear();
  if (event->has_staff()) {
    cti::v1::StaffEvent* staff = event->mutable_staff();
    if (staff->has_employee_hired()) {
      cti::v1::Employee* e = staff->mutable_employee_hired()->mutable_employee();
      if (e->employee_id().empty() || !TakeEmployeeFields(e, data)) return false;
      subjects->employee_ids.push_back(e->employee_id());
      return true;
    }
    if (staff->has_employee_contact_changed()) {
      cti::v1::EmployeeContactChanged* c = staff->mutable_employee_contact_changed();
      if (c->employee_id().empty() || !TakeEmployeeFields(c, data)) return false;
      subjects->employee_ids.push_back(c->employee_id());
      return true;
    }
    return false;
  }
  if (!event->has_call()) return false;
  cti::v1::CallEvent* call = event->mutable_call();
  switch (call->change_case()) {
    case cti::v1::CallEvent::kOffered: {
      cti::v1::CallOffered* offered = call->mutable_offered();
      if (offered->caller_number().empty()) return false;
      subjects->caller_numbers.push_back(offered->caller_number());
      data->set_caller_number(std::move(*offered->mutable_caller_number()));
      offered->clear_caller_number();
      return true;
    }
    case cti::v1::CallEvent::kMessageTaken: {
      cti::v1::MessageTaken* m = call->mutable_message_taken();
      if (m->caller_name().empty() && m->callback_number().empty() && m->text().empty()) {
        return false;
      }
      if (!m->callback_number().empty()) {
        subjects->caller_numbers.push_back(m->callback_number());
      } else if (!m->message_id().empty()) {
        subjects->message_id = m->message_id();
      } else {
        return false;
      }
      data->set_caller_name(std::move(*m->mutable_caller_name()));
      data->set_callback_number(std::move(*m->mutable_callback_number()));
      data->set_text(std::move(*m->mutable_text()));
      m->clear_caller_name();
      m->clear_callback_number();
      m->clear_text();
      return true;
    }
    case cti::v1::CallEvent::kCallbackRequested: {
      cti::v1::CallbackRequested* c = call->mutable_callback_requested();
      if (c->callback_number().empty()) return false;
      subjects->caller_numbers.push_back(c->callback_number());
      data->set_callback_number(std::move(*c->mutable_callback_number()));
      c->clear_callback_number();
      return true;
    }
    case cti::v1::CallEvent::kRouteDecided: {
      cti::v1::CallRouteDecided* d = call->mutable_route_decided();
      for (const cti::v1::RouteStep& step : d->answer().steps()) {
        AddDistinct(&subjects->employee_ids, step.employee_id());
      }
      if (subjects->employee_ids.empty()) return false;
      *data->mutable_answer() = std::move(*d->mutable_answer());
      d->clear_answer();
      return true;
    }
    default:
      return false;
  }
}

void RestorePersonalData(const cti::v1::PersonalData& data, cti::v1::Event* event) {
  if (event->has_staff()) {
    cti::v1::StaffEvent* staff = event->mutable_staff();
    if (staff->has_employee_hired()) {
      RestoreEmployeeFields(data, staff->mutable_employee_hired()->mutable_employee());
    } else if (staff->has_employee_contact_changed()) {
      RestoreEmployeeFields(data, staff->mutable_employee_contact_changed());
    }
    return;
  }
  if (!event->has_call()) return;
  cti::v1::CallEvent* call = event->mutable_call();
  switch (call->change_case()) {
    case cti::v1::CallEvent::kOffered:
      call->mutable_offered()->set_caller_number(data.caller_number());
      break;
    case cti::v1::CallEvent::kMessageTaken: {
      cti::v1::MessageTaken* m = call->mutable_message_taken();
      m->set_caller_name(data.caller_name());
      m->set_callback_number(data.callback_number());
      m->set_text(data.text());
      break;
    }
    case cti::v1::CallEvent::kCallbackRequested:
      call->mutable_callback_requested()->set_callback_number(data.callback_number());
      break;
    case cti::v1::CallEvent::kRouteDecided:
      *call->mutable_route_decided()->mutable_answer() = data.answer();
      break;
    default:
      break;
  }
}

void FillErasedPersonalData(cti::v1::Event* event) {
  if (event->has_staff()) {
    cti::v1::StaffEvent* staff = event->mutable_staff();
    if (staff->has_employee_hired()) {
      EraseEmployeeFields(staff->mutable_employee_hired()->mutable_employee());
    } else if (staff->has_employee_contact_changed()) {
      EraseEmployeeFields(staff->mutable_employee_contact_changed());
    }
    return;
  }
  if (!event->has_call()) return;
  cti::v1::CallEvent* call = event->mutable_call();
  switch (call->change_case()) {
    case cti::v1::CallEvent::kOffered:
      call->mutable_offered()->clear_caller_number();
      break;
    case cti::v1::CallEvent::kMessageTaken: {
      cti::v1::MessageTaken* m = call->mutable_message_taken();
      m->set_caller_name(kErasedText);
      m->clear_callback_number();
      m->set_text(kErasedText);
      break;
    }
    case cti::v1::CallEvent::kCallbackRequested:
      call->mutable_callback_requested()->clear_callback_number();
      break;
    case cti::v1::CallEvent::kRouteDecided:
      call->mutable_route_decided()->clear_answer();
      break;
    default:
      break;
  }
}

}  // namespace cti::projections
