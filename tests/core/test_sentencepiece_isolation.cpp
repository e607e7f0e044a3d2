// Asserts the isolated sentencepiece tokenizer in a process that links libtorch: training unigram and
// BPE models on generated captions, loading, encode/decode round trips, vocabulary lookups, clear
// errors; and the isolation itself: this binary must not link libsentencepiece (only the plugin
// loads it), and a fresh process doing torch work and then tokenizing must exit cleanly (the
// protobuf clash the plugin exists for crashes such a process; see sentencepiece_library.h).
// To add a case: add a TEST_F on SentencePieceTokenizerTest (models trained once per process) or a
// TEST that trains its own model with train_model().
#include <ATen/ATen.h>
#include <elf.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <link.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/tokenizers/sentencepiece_library.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "ds-spm-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A few hundred deterministic, caption-like lines.
std::string write_captions(const std::string& path, int lines) {
    const char* styles[] = {"a photo of", "a painting of", "a drawing of", "an illustration of",
                            "a close up of"};
    const char* adjectives[] = {"red", "blue",  "green", "small", "large",
                                "old", "young", "happy", "shiny", "dark"};
    const char* subjects[] = {"cat",  "dog", "horse", "astronaut", "robot", "castle",
                              "tree", "car", "bird",  "woman",     "man",   "house"};
    const char* actions[] = {"sitting on",  "standing near",   "riding",
                             "flying over", "walking through", "looking at"};
    const char* places[] = {"a wooden table", "the beach",  "a snowy mountain",
                            "a busy street",  "the forest", "a quiet lake"};
    const char* extras[] = {"", ", highly detailed", ", at sunset", ", in the rain", ", digital art", ", 4k"};
    uint64_t state = 12345;
    auto pick = [&](size_t n) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;  // Knuth's MMIX LCG
        return static_cast<size_t>((state >> 33) % n);
    };
    std::ofstream out(path);
    for (int i = 0; i < lines; ++i) {
        out << styles[pick(std::size(styles))] << " a " << adjectives[pick(std::size(adjectives))] << ' '
            << subjects[pick(std::size(subjects))] << ' ' << actions[pick(std::size(actions))] << ' '
            << places[pick(std::size(places))] << extras[pick(std::size(extras))];
        if (i % 25 == 0) out << " <sks>";  // a user-defined symbol, present in some captions
        out << '\n';
    }
    return path;
}

// Does a little torch work first, as the studio does before it loads any tokenizer.
void torch_work() {
    const at::Tensor a = at::arange(16, at::kFloat).reshape({4, 4});
    const at::Tensor b = at::matmul(a, a.t());
    ASSERT_FLOAT_EQ(b[0][0].item<float>(), 0 + 1 + 4 + 9);
}

std::string train_model(const TempDir& dir, const std::string& prefix, ds::SentencePieceModelType type) {
    ds::SentencePieceTrainOptions options;
    options.input_files = {write_captions(dir.file(prefix + ".txt"), 300)};
    options.model_prefix = dir.file(prefix);
    options.vocab_size = 100;
    options.model_type = type;
    options.character_coverage = 1.0;
    options.user_defined_symbols = {"<sks>"};
    options.pad_id = 3;
    options.extra_flags = {{"num_threads", "1"}};
    return ds::train_sentencepiece(options);
}

// Whether a loaded object's path mentions `part` (dl_iterate_phdr lists RTLD_LOCAL objects too).
bool loaded_object_contains(const std::string& part) {
    bool found = false;
    auto visit = [](dl_phdr_info* info, size_t, void* data) -> int {
        auto* args = static_cast<std::pair<const std::string*, bool*>*>(data);
        if (info->dlpi_name && std::strstr(info->dlpi_name, args->first->c_str())) *args->second = true;
        return 0;
    };
    std::pair<const std::string*, bool*> args{&part, &found};
    dl_iterate_phdr(visit, &args);
    return found;
}

// The DT_NEEDED entries of an ELF64 file, read from disk (no relocation subtleties).
std::vector<std::string> needed_libraries(const std::string& path) {
    const std::string bytes = read_text(path);
    auto at = [&](uint64_t offset, uint64_t size) {
        if (offset > bytes.size() || size > bytes.size() - offset)
            throw std::runtime_error("bad ELF: " + path);
        return bytes.data() + offset;
    };
    Elf64_Ehdr eh;
    std::memcpy(&eh, at(0, sizeof eh), sizeof eh);
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
        throw std::runtime_error("not an ELF64 file: " + path);
    std::vector<Elf64_Phdr> phdrs(eh.e_phnum);
    for (size_t i = 0; i < phdrs.size(); ++i)
        std::memcpy(&phdrs[i], at(eh.e_phoff + i * eh.e_phentsize, sizeof(Elf64_Phdr)), sizeof(Elf64_Phdr));
    auto file_offset = [&](uint64_t vaddr) {
        for (const auto& p : phdrs)
            if (p.p_type == PT_LOAD && vaddr >= p.p_vaddr && vaddr < p.p_vaddr + p.p_filesz)
                return vaddr - p.p_vaddr + p.p_offset;
        throw std::runtime_error("bad ELF address in " + path);
    };
    std::vector<uint64_t> needed;
    uint64_t strtab = 0;
    for (const auto& p : phdrs) {
        if (p.p_type != PT_DYNAMIC) continue;
        for (uint64_t off = 0; off + sizeof(Elf64_Dyn) <= p.p_filesz; off += sizeof(Elf64_Dyn)) {
            Elf64_Dyn d;
            std::memcpy(&d, at(p.p_offset + off, sizeof d), sizeof d);
            if (d.d_tag == DT_NULL) break;
            if (d.d_tag == DT_NEEDED) needed.push_back(d.d_un.d_val);
            if (d.d_tag == DT_STRTAB) strtab = d.d_un.d_ptr;
        }
    }
    std::vector<std::string> names;
    if (needed.empty()) return names;
    const uint64_t base = file_offset(strtab);
    for (uint64_t n : needed) names.emplace_back(at(base + n, 1));
    return names;
}

bool any_contains(const std::vector<std::string>& names, const std::string& part) {
    for (const auto& n : names)
        if (n.find(part) != std::string::npos) return true;
    return false;
}

class SentencePieceTokenizerTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        torch_work();
        dir_ = new TempDir();
        unigram_path_ = new std::string(train_model(*dir_, "unigram", ds::SentencePieceModelType::Unigram));
        bpe_path_ = new std::string(train_model(*dir_, "bpe", ds::SentencePieceModelType::Bpe));
    }
    static void TearDownTestSuite() {
        delete unigram_path_;
        delete bpe_path_;
        delete dir_;
    }
    static TempDir* dir_;
    static std::string* unigram_path_;
    static std::string* bpe_path_;
};
TempDir* SentencePieceTokenizerTest::dir_ = nullptr;
std::string* SentencePieceTokenizerTest::unigram_path_ = nullptr;
std::string* SentencePieceTokenizerTest::bpe_path_ = nullptr;

TEST_F(SentencePieceTokenizerTest, EncodeDecodeRoundTripsForBothModelTypes) {
    for (const std::string* path : {unigram_path_, bpe_path_}) {
        SCOPED_TRACE(*path);
        const auto tok = ds::SentencePieceTokenizer::load(*path);
        EXPECT_EQ(tok.model_path(), *path);
        EXPECT_EQ(tok.vocab_size(), 100);
        for (const std::string text : {"a photo of a red cat sitting on the beach",
                                       "an illustration of a shiny robot riding a horse, digital art",
                                       "a close up of a happy astronaut", ""}) {
            const std::vector<int32_t> ids = tok.encode(text);
            EXPECT_EQ(ids.empty(), text.empty());
            for (int32_t id : ids) {
                EXPECT_GE(id, 0);
                EXPECT_LT(id, tok.vocab_size());
            }
            EXPECT_EQ(tok.decode(ids), text);
        }
        // Frequent words become few pieces: a caption from the corpus is far shorter than its characters.
        EXPECT_LT(tok.encode("a photo of a red cat sitting on the beach").size(), 30u);
    }
}

TEST_F(SentencePieceTokenizerTest, SpecialAndUserDefinedPiecesExist) {
    const auto tok = ds::SentencePieceTokenizer::load(*unigram_path_);
    EXPECT_EQ(tok.unk_id(), 0);
    EXPECT_EQ(tok.bos_id(), 1);
    EXPECT_EQ(tok.eos_id(), 2);
    EXPECT_EQ(tok.pad_id(), 3);
    EXPECT_EQ(tok.id_to_piece(0), "<unk>");
    EXPECT_EQ(tok.id_to_piece(1), "<s>");
    EXPECT_EQ(tok.id_to_piece(2), "</s>");
    EXPECT_EQ(tok.piece_to_id("</s>"), 2);
    const int32_t sks = tok.piece_to_id("<sks>");
    ASSERT_GE(sks, 0);
    EXPECT_EQ(tok.id_to_piece(sks), "<sks>");
    const std::vector<int32_t> ids = tok.encode("a photo of <sks> dog");
    EXPECT_EQ(std::count(ids.begin(), ids.end(), sks), 1);
    // The word-start piece of the most frequent word is in any trained vocabulary.
    EXPECT_GE(tok.piece_to_id("\xE2\x96\x81"
                              "a"),
              0);  // "▁a"
    EXPECT_EQ(tok.piece_to_id("certainly-not-a-piece"), -1);
    for (int32_t id = 0; id < tok.vocab_size(); ++id) EXPECT_EQ(tok.piece_to_id(tok.id_to_piece(id)), id);
}

TEST_F(SentencePieceTokenizerTest, UnknownCharactersBecomeUnk) {
    const auto tok = ds::SentencePieceTokenizer::load(*bpe_path_);
    const std::vector<int32_t> ids = tok.encode("a \xCE\xA9 cat");  // Ω never occurs in the corpus
    EXPECT_NE(std::find(ids.begin(), ids.end(), tok.unk_id()), ids.end());
}

TEST_F(SentencePieceTokenizerTest, BadIdsAndFilesGiveClearErrors) {
    const auto tok = ds::SentencePieceTokenizer::load(*unigram_path_);
    auto message = [](const auto& f) -> std::string {
        try {
            f();
        } catch (const std::runtime_error& e) {
            return e.what();
        }
        return "(no error)";
    };
    EXPECT_NE(message([&] { tok.decode({5, 100}); }).find("id 100 at position 1"), std::string::npos);
    EXPECT_NE(message([&] { tok.decode({-1}); }).find("outside the vocabulary"), std::string::npos);
    EXPECT_NE(message([&] { tok.id_to_piece(-3); }).find("id -3"), std::string::npos);

    const std::string missing = dir_->file("missing.model");
    EXPECT_NE(message([&] { ds::SentencePieceTokenizer::load(missing); }).find(missing), std::string::npos);
    const std::string garbage = dir_->file("garbage.model");
    std::ofstream(garbage) << "this is not a protobuf model";
    EXPECT_NE(message([&] { ds::SentencePieceTokenizer::load(garbage); }).find(garbage), std::string::npos);
}

TEST_F(SentencePieceTokenizerTest, TrainWritesModelAndVocabFiles) {
    const std::string vocab = read_text(dir_->file("unigram.vocab"));
    EXPECT_EQ(std::count(vocab.begin(), vocab.end(), '\n'), 100);
    EXPECT_EQ(vocab.rfind("<unk>\t0\n", 0), 0u) << vocab.substr(0, 40);
    EXPECT_NE(vocab.find("\n<sks>\t"), std::string::npos);
    // No temporary files are left beside the outputs.
    for (const auto& e : fs::directory_iterator(fs::path(*unigram_path_).parent_path()))
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(SentencePieceTrain, BadOptionsAreRefusedWithTheReason) {
    TempDir dir;
    auto message = [](const ds::SentencePieceTrainOptions& o) -> std::string {
        try {
            ds::train_sentencepiece(o);
        } catch (const std::runtime_error& e) {
            return e.what();
        }
        return "(no error)";
    };
    ds::SentencePieceTrainOptions o;
    o.model_prefix = dir.file("m");
    EXPECT_NE(message(o).find("no input file"), std::string::npos);
    o.input_files = {dir.file("absent.txt")};
    EXPECT_NE(message(o).find("absent.txt"), std::string::npos);
    o.input_files = {write_captions(dir.file("c.txt"), 50)};
    o.vocab_size = 5000;  // far more pieces than 50 captions hold, with the hard limit on
    const std::string too_big = message(o);
    EXPECT_NE(too_big.find("sentencepiece training failed"), std::string::npos) << too_big;
    EXPECT_NE(too_big.find("5000"), std::string::npos) << too_big;
    o.vocab_size = 60;
    o.extra_flags = {{"no_such_flag", "1"}};
    EXPECT_NE(message(o).find("no_such_flag"), std::string::npos);
    o.extra_flags.clear();
    o.model_prefix = dir.file("no-folder/m");
    EXPECT_NE(message(o).find("no-folder"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir.file("m.model")));
}

TEST(SentencePiecePlugin, NotFoundErrorSaysWhereItLooked) {
    try {
        ds::find_sentencepiece_plugin({"/nonexistent/one", "/nonexistent/two"});
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("ds_sentencepiece_plugin.so"), std::string::npos) << m;
        EXPECT_NE(m.find("/nonexistent/one, /nonexistent/two"), std::string::npos) << m;
        EXPECT_NE(m.find("DS_PLUGIN_DIR"), std::string::npos) << m;
    }
}

TEST(SentencePiecePlugin, SearchOrderIsEnvThenExecutableThenBuildTree) {
    const char* old = std::getenv("DS_PLUGIN_DIR");
    const std::string saved = old ? old : "";
    ::setenv("DS_PLUGIN_DIR", "/custom/plugins", 1);
    const auto dirs = ds::sentencepiece_plugin_search_dirs();
    if (old)
        ::setenv("DS_PLUGIN_DIR", saved.c_str(), 1);
    else
        ::unsetenv("DS_PLUGIN_DIR");
    ASSERT_GE(dirs.size(), 2u);
    EXPECT_EQ(dirs[0], "/custom/plugins");
    EXPECT_EQ(dirs[1], fs::read_symlink("/proc/self/exe").parent_path().string() + "/lib");
    // The plugin of this build is found and exports what the loader checks.
    const std::string path = ds::sentencepiece_plugin_path();
    EXPECT_EQ(fs::path(path).filename(), "ds_sentencepiece_plugin.so");
}

// The regression guard for the isolation, part 1: nothing in this torch-linked binary may link
// sentencepiece directly (its protobuf would clash with libtorch's before main() runs).
TEST(SentencePieceIsolation, TestBinaryDoesNotLinkSentencepiece) {
    const auto needed = needed_libraries("/proc/self/exe");
    EXPECT_TRUE(any_contains(needed, "libtorch")) << "the DT_NEEDED reader found no libtorch";
    EXPECT_FALSE(any_contains(needed, "sentencepiece"));
    EXPECT_FALSE(any_contains(needed_libraries("/proc/self/exe"), "ds_sentencepiece_plugin"));
    // ...while the plugin does link it (so the check above can tell the difference).
    EXPECT_TRUE(any_contains(needed_libraries(ds::sentencepiece_plugin_path()), "libsentencepiece"));
    EXPECT_FALSE(any_contains(needed_libraries(ds::sentencepiece_plugin_path()), "torch"));
}

// Part 2, also run alone in a fresh process by the next test: torch first, then the tokenizer.
TEST(SentencePieceIsolation, TorchThenTokenizerInOneProcess) {
    torch_work();
    if (!ds::sentencepiece_plugin_loaded()) {
        // In a fresh process nothing has pulled sentencepiece in yet: only the plugin may.
        EXPECT_FALSE(loaded_object_contains("libsentencepiece"));
    }
    EXPECT_TRUE(loaded_object_contains("libprotobuf"));  // libtorch's protobuf is loaded
    TempDir dir;
    const auto tok = ds::SentencePieceTokenizer::load(train_model(dir, "m", ds::SentencePieceModelType::Bpe));
    EXPECT_EQ(tok.decode(tok.encode("a photo of a dog")), "a photo of a dog");
    EXPECT_TRUE(loaded_object_contains("libsentencepiece"));
    EXPECT_TRUE(ds::sentencepiece_plugin_loaded());
    torch_work();  // torch still works with both protobufs in the process
}

TEST(SentencePieceIsolation, FreshProcessRunsTorchAndTokenizer) {
    TempDir dir;
    const std::string log = dir.file("child.log");
    const std::string exe = fs::read_symlink("/proc/self/exe").string();
    std::string filter = "--gtest_filter=SentencePieceIsolation.TorchThenTokenizerInOneProcess";
    std::vector<char*> argv = {const_cast<char*>(exe.c_str()), filter.data(), nullptr};
    // The child inherits the environment except gtest's (GTEST_OUTPUT would overwrite our report).
    std::vector<std::string> env_storage;
    for (char** e = environ; *e; ++e)
        if (std::strncmp(*e, "GTEST_", 6) != 0) env_storage.emplace_back(*e);
    std::vector<char*> envp;
    for (auto& s : env_storage) envp.push_back(s.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ASSERT_EQ(spawned, 0) << std::strerror(spawned);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    const std::string output = read_text(log);
    ASSERT_FALSE(WIFSIGNALED(status))
        << "the child died of signal " << WTERMSIG(status) << " (" << strsignal(WTERMSIG(status)) << "):\n"
        << output;
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << output;
    EXPECT_NE(output.find("[  PASSED  ] 1 test"), std::string::npos) << output;  // it ran, and alone
}

}  // namespace
