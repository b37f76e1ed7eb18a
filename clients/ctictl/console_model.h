// The reception console's state and screen, apart from the terminal (`ctictl console`;
// TP-6.1 every call answered, TP-6.2 messages, TP-6.3 direct numbers, TP-3.7 who is
// available, TP-4.3 callbacks).
//
// ConsoleModel holds what the receptionist sees — the calls in progress, the search as
// they type with each hit's availability now, Route's answer for the chosen hit, and the
// message and callback forms — and turns keys into requests through a ConsoleBackend.
// Render() draws the screen as lines of text, so tests drive the model without a
// terminal; console_command.cc puts the lines on the terminal with ncurses.
//
// Keys (keyboard-first; every action is one key from the search box):
//   typing      search by name or task (æ, ø, å as typed)   Up/Down  choose a hit
//   Enter       where does a call for the hit go, and why     F2       the number to give
//   F3          take a message for the hit                    F4       request a callback
//   Esc         clear / leave a form                          F10, Ctrl-C  quit
// In a form: Tab or Down to the next field, Up to the previous, Enter on the last field
// sends it.
//
// Thread safety: none; one thread owns the model.
#ifndef CTI_CLIENTS_CTICTL_CONSOLE_MODEL_H_
#define CTI_CLIENTS_CTICTL_CONSOLE_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cti/v1/call_service.pb.h"
#include "cti/v1/directory_service.pb.h"
#include "cti/v1/event.pb.h"
#include "cti/v1/route_service.pb.h"

namespace cti::ctictl {

// What the console asks of ctid. Implemented over gRPC (console_backend.cc) and by
// fakes in tests.
class ConsoleBackend {
 public:
  virtual ~ConsoleBackend() = default;
  virtual absl::StatusOr<cti::v1::ListLiveCallsResponse> LiveCalls() = 0;
  virtual absl::StatusOr<cti::v1::SearchResponse> Search(const std::string& query) = 0;
  // Route for now (no `at`: calls in progress count).
  virtual absl::StatusOr<cti::v1::RouteResponse> Route(const cti::v1::RouteTarget& target) = 0;
  // Appends `event` (tenant and occurred_at set by the model); answers its position.
  virtual absl::StatusOr<uint64_t> Append(const cti::v1::Event& event) = 0;
};

struct ConsoleKey {
  enum class Kind {
    kText,  // `text` holds the typed characters (UTF-8)
    kBackspace,
    kEnter,
    kTab,
    kUp,
    kDown,
    kEscape,
    kRoute,     // Enter on a hit is the same
    kNumber,    // F2
    kMessage,   // F3
    kCallback,  // F4
    kQuit,      // F10, Ctrl-C
  };
  Kind kind = Kind::kText;
  std::string text;
};

class ConsoleModel {
 public:
  // `backend` must outlive the model. `zone`: the municipality's, for clock times.
  ConsoleModel(ConsoleBackend* backend, std::string tenant, absl::TimeZone zone);

  // Handles one key at `now`.
  void OnKey(const ConsoleKey& key, absl::Time now);
  // Reads the calls in progress again (the caller does so about once a second).
  void RefreshCalls(absl::Time now);

  // The screen, `height` lines of at most `width` columns (one column per character).
  std::vector<std::string> Render(int width, int height, absl::Time now) const;
  // Where the terminal cursor belongs: the search box or the focused form field.
  int cursor_row() const { return cursor_row_; }
  int cursor_column() const { return cursor_column_; }
  bool done() const { return done_; }

 private:
  enum class Mode { kSearch, kMessage, kCallback };
  struct Field {
    std::string label;
    std::string value;
  };

  void RunSearch();
  void ShowRoute(bool numbers_only);
  void OpenForm(Mode mode);
  void SubmitForm(absl::Time now);
  // The hit chosen, or nullptr.
  const cti::v1::SearchHit* Chosen() const;
  // The chosen hit as a call target and its name; false when none.
  bool ChosenTarget(cti::v1::CallTarget* target, std::string* name) const;

  ConsoleBackend* backend_;
  std::string tenant_;
  absl::TimeZone zone_;
  Mode mode_ = Mode::kSearch;
  std::string query_;
  cti::v1::SearchResponse hits_;
  int chosen_ = 0;
  cti::v1::ListLiveCallsResponse calls_;
  std::string calls_error_;
  std::vector<std::string> detail_;
  std::vector<Field> form_;
  int focus_ = 0;
  std::string status_;
  uint64_t sent_ = 0;  // messages and callbacks sent, for their ids
  bool done_ = false;
  mutable int cursor_row_ = 0;
  mutable int cursor_column_ = 0;
};

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_CONSOLE_MODEL_H_
