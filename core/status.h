// Status and StatusOr<T>: how every listbench module reports success or
// failure. Nothing throws across a module boundary; foreign errors are
// converted in exactly one place per library (FromSqlite, FromRocks).
//
// Thread safety: a Status is a value; distinct objects may be used from
// different threads without synchronization.
#ifndef LISTBENCH_CORE_STATUS_H_
#define LISTBENCH_CORE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace listbench {

enum class StatusCode : int {
  kOk = 0,
  kNotFound = 1,         // the entity does not exist for this tenant
  kConflict = 2,         // duplicate id, stale version, invalid state transition
  kInvalidArgument = 3,  // the request itself is malformed
  kIOError = 4,          // the storage layer failed; a write's outcome is unknown
  kCorruption = 5,       // stored data is unreadable or inconsistent
  kNotSupported = 6,     // e.g. a store made by another engine or format version
};

// Stable lower-case name of a code, e.g. "not_found". Used in canonical output.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status NotSupported(std::string m) { return {StatusCode::kNotSupported, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsConflict() const { return code_ == StatusCode::kConflict; }
  bool IsInvalidArgument() const { return code_ == StatusCode::kInvalidArgument; }
  // IOError or Corruption: the storage failed, not the request. Every other
  // code is an outcome of the store's contract (core/store.h).
  bool IsStorageError() const {
    return code_ == StatusCode::kIOError || code_ == StatusCode::kCorruption;
  }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "OK" or "<code name>: <message>".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status s) : status_(std::move(s)) { assert(!status_.ok()); }  // NOLINT
  StatusOr(T v) : value_(std::move(v)) {}                                // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  // REQUIRES: ok()
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T& value() & {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace listbench

// Returns early from the enclosing function if `expr` is not OK. The local
// gets a unique name, so the macro nests (a lambda in `expr` may use it).
#define LB_RETURN_IF_ERROR(expr) LB_RETURN_IF_ERROR_IMPL(expr, LB_CONCAT(lb_status_, __COUNTER__))
#define LB_CONCAT(a, b) LB_CONCAT_IMPL(a, b)
#define LB_CONCAT_IMPL(a, b) a##b
#define LB_RETURN_IF_ERROR_IMPL(expr, var) \
  do {                                     \
    ::listbench::Status var = (expr);      \
    if (!var.ok()) return var;             \
  } while (0)

#endif  // LISTBENCH_CORE_STATUS_H_
