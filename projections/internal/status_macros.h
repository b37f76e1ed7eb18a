// Early-return helpers for absl::Status / absl::StatusOr inside projections/.
#ifndef CTI_PROJECTIONS_INTERNAL_STATUS_MACROS_H_
#define CTI_PROJECTIONS_INTERNAL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns the status of `expr` from the current function unless it is OK.
#define CTI_RETURN_IF_ERROR(expr)                                                   \
  do {                                                                              \
    if (::absl::Status cti_status_ = (expr); !cti_status_.ok()) return cti_status_; \
  } while (false)

#define CTI_STATUS_MACROS_CONCAT_INNER_(a, b) a##b
#define CTI_STATUS_MACROS_CONCAT_(a, b) CTI_STATUS_MACROS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::StatusOr<T>); returns its status unless OK, else moves the
// value into `lhs` (a declaration such as `bool found` or an existing variable).
#define CTI_ASSIGN_OR_RETURN(lhs, expr) \
  CTI_ASSIGN_OR_RETURN_IMPL_(CTI_STATUS_MACROS_CONCAT_(cti_statusor_, __LINE__), lhs, expr)
#define CTI_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                               \
  if (!statusor.ok()) return statusor.status();         \
  lhs = std::move(*statusor)

#endif  // CTI_PROJECTIONS_INTERNAL_STATUS_MACROS_H_
