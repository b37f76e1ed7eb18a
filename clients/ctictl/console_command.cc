// `ctictl console`: the reception console on a terminal (ncurses), over ConsoleModel.
#include <clocale>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "console_commands.h"
#include "console_model.h"
#include "exit_codes.h"
#include "format.h"

// Last: curses defines macros (OK, ERR, timeout) that collide with names in gRPC's headers.
#include <curses.h>  // NOLINT(build/include_order)

namespace cti::ctictl {
namespace {

absl::Status StatusOf(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

// ConsoleBackend over the cti.v1 gRPC API.
class GrpcConsoleBackend final : public ConsoleBackend {
 public:
  explicit GrpcConsoleBackend(Connection& connection) : connection_(connection) {}

  absl::StatusOr<cti::v1::ListLiveCallsResponse> LiveCalls() override {
    cti::v1::ListLiveCallsRequest request;
    request.set_tenant(connection_.options().tenant);
    cti::v1::ListLiveCallsResponse response;
    grpc::Status status =
        connection_.calls().ListLiveCalls(connection_.NewContext(true).get(), request, &response);
    if (!status.ok()) return StatusOf(status);
    return response;
  }
  absl::StatusOr<cti::v1::SearchResponse> Search(const std::string& query) override {
    cti::v1::SearchRequest request;
    request.set_tenant(connection_.options().tenant);
    request.set_query(query);
    request.set_limit(50);
    cti::v1::SearchResponse response;
    grpc::Status status =
        connection_.directory().Search(connection_.NewContext(true).get(), request, &response);
    if (!status.ok()) return StatusOf(status);
    return response;
  }
  absl::StatusOr<cti::v1::RouteResponse> Route(const cti::v1::RouteTarget& target) override {
    cti::v1::RouteRequest request;
    request.set_tenant(connection_.options().tenant);
    *request.mutable_target() = target;
    cti::v1::RouteResponse response;
    grpc::Status status =
        connection_.route().Route(connection_.NewContext(true).get(), request, &response);
    if (!status.ok()) return StatusOf(status);
    return response;
  }
  absl::StatusOr<uint64_t> Append(const cti::v1::Event& event) override {
    cti::v1::AppendRequest request;
    *request.mutable_event() = event;
    cti::v1::AppendResponse response;
    grpc::Status status =
        connection_.events().Append(connection_.NewContext(true).get(), request, &response);
    if (!status.ok()) return StatusOf(status);
    return response.position();
  }

 private:
  Connection& connection_;
};

// The key read by get_wch as a ConsoleKey; false for keys the console ignores.
bool KeyOf(int kind, wint_t ch, ConsoleKey* key) {
  using K = ConsoleKey::Kind;
  if (kind == KEY_CODE_YES) {
    switch (ch) {
      case KEY_BACKSPACE:
        key->kind = K::kBackspace;
        return true;
      case KEY_ENTER:
        key->kind = K::kEnter;
        return true;
      case KEY_UP:
        key->kind = K::kUp;
        return true;
      case KEY_DOWN:
        key->kind = K::kDown;
        return true;
      case KEY_BTAB:
        key->kind = K::kUp;
        return true;
      default:
        break;
    }
    if (ch == static_cast<wint_t>(KEY_F(2)))
      key->kind = K::kNumber;
    else if (ch == static_cast<wint_t>(KEY_F(3)))
      key->kind = K::kMessage;
    else if (ch == static_cast<wint_t>(KEY_F(4)))
      key->kind = K::kCallback;
    else if (ch == static_cast<wint_t>(KEY_F(10)))
      key->kind = K::kQuit;
    else
      return false;
    return true;
  }
  switch (ch) {
    case 3:  // Ctrl-C (raw mode)
      key->kind = K::kQuit;
      return true;
    case '\n':
    case '\r':
      key->kind = K::kEnter;
      return true;
    case '\t':
      key->kind = K::kTab;
      return true;
    case 27:
      key->kind = K::kEscape;
      return true;
    case 127:
    case 8:
      key->kind = K::kBackspace;
      return true;
    default:
      break;
  }
  if (ch < 32) return false;
  // One character as UTF-8.
  std::string text;
  const uint32_t c = static_cast<uint32_t>(ch);
  if (c < 0x80) {
    text.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    text.push_back(static_cast<char>(0xC0 | (c >> 6)));
    text.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    text.push_back(static_cast<char>(0xE0 | (c >> 12)));
    text.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    text.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    text.push_back(static_cast<char>(0xF0 | (c >> 18)));
    text.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    text.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    text.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
  key->kind = K::kText;
  key->text = std::move(text);
  return true;
}

void Draw(const ConsoleModel& model, absl::Time now) {
  int height = 0;
  int width = 0;
  getmaxyx(stdscr, height, width);
  const std::vector<std::string> lines = model.Render(width, height, now);
  for (int row = 0; row < static_cast<int>(lines.size()) && row < height; ++row) {
    move(row, 0);
    clrtoeol();
    // The last column of the last row would scroll the screen: leave it.
    const std::string& line = lines[static_cast<size_t>(row)];
    mvaddnstr(row, 0, line.c_str(), static_cast<int>(line.size()) - (row == height - 1 ? 1 : 0));
  }
  move(model.cursor_row(), model.cursor_column());
  refresh();
}

}  // namespace

int RunConsole(Connection& connection, const ConsoleOptions& options, std::ostream& err) {
  GrpcConsoleBackend backend(connection);
  ConsoleModel model(&backend, connection.options().tenant, LocalZone());
  // Fail before taking over the terminal when ctid cannot be reached.
  absl::StatusOr<cti::v1::ListLiveCallsResponse> first = backend.LiveCalls();
  if (!first.ok()) {
    err << "ctictl: console: " << first.status().message() << "\n";
    return kExitUnreachable;
  }
  std::setlocale(LC_ALL, "");
  if (initscr() == nullptr) {
    err << "ctictl: console: not a terminal\n";
    return kExitUsage;
  }
  raw();
  noecho();
  keypad(stdscr, TRUE);
  set_escdelay(25);
  timeout(200);
  absl::Time last_refresh = absl::InfinitePast();
  while (!model.done()) {
    const absl::Time now = absl::Now();
    if (now - last_refresh >= options.refresh) {
      model.RefreshCalls(now);
      last_refresh = now;
    }
    Draw(model, now);
    wint_t ch = 0;
    const int kind = get_wch(&ch);
    if (kind == ERR) continue;
    ConsoleKey key;
    if (KeyOf(kind, ch, &key)) model.OnKey(key, absl::Now());
  }
  endwin();
  return kExitOk;
}

}  // namespace cti::ctictl
