// A driver for the fuzz targets when they are built without libFuzzer (GCC, the normal
// build): runs LLVMFuzzerTestOneInput on every seed file given (files or folders), then on
// `--mutations N` inputs made from the seeds by a fixed pseudo-random sequence (bit flips,
// inserted and deleted bytes, splices of two seeds, repeated digits). The same inputs on
// every run: CTest runs it as a bounded smoke test. Real fuzzing is libFuzzer's
// (tests/fuzz/README.md).
//
//   cpr_fuzz [--mutations N] [--seed S] SEED_FILE_OR_DIR...
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::string bytes;
  if (std::FILE* file = std::fopen(path.c_str(), "rb")) {
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) bytes.append(buffer, n);
    std::fclose(file);
  }
  return bytes;
}

void Run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::string Mutate(const std::vector<std::string>& seeds, std::mt19937_64& random) {
  std::string s = seeds[random() % seeds.size()];
  const int edits = 1 + static_cast<int>(random() % 8);
  for (int e = 0; e < edits; ++e) {
    const size_t at = s.empty() ? 0 : random() % (s.size() + 1);
    switch (random() % 6) {
      case 0:  // flip a bit
        if (!s.empty()) s[at % s.size()] ^= static_cast<char>(1u << (random() % 8));
        break;
      case 1:  // insert a byte
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>(random() % 256));
        break;
      case 2:  // delete a run
        if (!s.empty()) s.erase(at % s.size(), 1 + random() % 8);
        break;
      case 3: {  // splice a piece of another seed
        const std::string& other = seeds[random() % seeds.size()];
        if (!other.empty()) {
          const size_t from = random() % other.size();
          s.insert(at, other.substr(from, 1 + random() % 32));
        }
        break;
      }
      case 4:  // digits: what the CPR detector and numbers meet
        s.insert(at, std::to_string(random() % 10000000000ULL));
        break;
      default:  // truncate
        s.resize(at);
        break;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 0;
  uint64_t seed = 1;
  std::vector<std::string> seeds;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--mutations" && i + 1 < argc) {
      mutations = std::strtol(argv[++i], nullptr, 10);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) seeds.push_back(ReadFile(entry.path()));
      }
    } else {
      seeds.push_back(ReadFile(arg));
    }
  }
  if (seeds.empty()) seeds.push_back("");
  for (const std::string& s : seeds) Run(s);
  std::mt19937_64 random(seed);
  for (long n = 0; n < mutations; ++n) Run(Mutate(seeds, random));
  std::printf("%s: %zu seeds and %ld mutations ran clean\n", argv[0], seeds.size(), mutations);
  return 0;
}
