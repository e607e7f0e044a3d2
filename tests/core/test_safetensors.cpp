// Asserts safetensors I/O: every dtype (incl. 0-dim and zero-size) and metadata round-trip; reads are
// zero-copy views of a private mapping that writes never reach the file; corrupt files give a one-line
// SafetensorsError naming the file and the problem (never a crash, also under byte flips and
// truncation); failed writes leave the previous file intact; the shared fixtures read correctly.
// To add a corrupt-file case: add a row to corrupt_cases() (label, file bytes, expected part of the message).
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/io/safetensors.h"
#include "tests/support/fixtures.h"

namespace {

namespace fs = std::filesystem;
using Tensors = std::vector<std::pair<std::string, at::Tensor>>;

// A fresh folder under the system temp folder, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "ds-safetensors-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(path_)) out.push_back(e.path().filename().string());
        return out;
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string le64(uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }

// A safetensors file from a literal header and data section (header length computed unless given).
std::string make_file(const std::string& header, const std::string& data, int64_t header_length = -1) {
    const uint64_t n = header_length < 0 ? header.size() : static_cast<uint64_t>(header_length);
    return le64(n) + header + data;
}

std::string message_of(const std::string& path) {
    try {
        ds::SafetensorsFile::open(path);
    } catch (const ds::SafetensorsError& e) {
        return e.what();
    }
    return "(no error)";
}

Tensors all_dtype_tensors() {
    return {
        {"f64", at::arange(6, at::kDouble).reshape({2, 3}) / 7.0},
        {"f32", at::linspace(-3, 3, 24, at::kFloat).reshape({2, 3, 4})},
        {"f16", (at::arange(10, at::kFloat) * 0.37 - 1.5).to(at::kHalf)},
        {"bf16", (at::arange(10, at::kFloat) * -0.73 + 2.5).to(at::kBFloat16)},
        {"i64", at::tensor({INT64_MIN, int64_t(-1), int64_t(0), INT64_MAX}, at::kLong)},
        {"i32", at::tensor({INT32_MIN, -5, 7, INT32_MAX}, at::kInt)},
        {"i16", at::arange(-3, 3, at::kShort)},
        {"i8", at::tensor({-128, -1, 0, 127}, at::kChar)},
        {"u8", at::tensor({0, 1, 200, 255}, at::kByte)},
        {"bool", at::tensor({1, 0, 1}, at::kByte).to(at::kBool)},
        {"scalar", at::scalar_tensor(3.25, at::kFloat)},                 // 0-dim: shape []
        {"empty", at::zeros({0, 3}, at::kFloat)},                        // zero-size
        {"empty_mid", at::zeros({2, 0, 4}, at::kLong)},                  // zero-size inside the data
        {"transposed", at::arange(12, at::kFloat).reshape({3, 4}).t()},  // not contiguous on input
    };
}

// The header as written, and its length field.
std::pair<uint64_t, std::string> raw_header(const std::string& path) {
    const std::string bytes = read_bytes(path);
    uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    return {n, bytes.substr(8, n)};
}

// Whether `pointer` lies in a mapping of `path` in /proc/self/maps.
bool inside_mapping_of(const void* pointer, const std::string& path) {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    const auto p = reinterpret_cast<uintptr_t>(pointer);
    const std::string canonical = fs::canonical(path).string();
    while (std::getline(maps, line)) {
        if (line.size() < canonical.size() ||
            line.compare(line.size() - canonical.size(), canonical.size(), canonical) != 0)
            continue;
        std::istringstream fields(line);
        std::string range;
        fields >> range;
        const auto dash = range.find('-');
        const uintptr_t lo = std::stoull(range.substr(0, dash), nullptr, 16);
        const uintptr_t hi = std::stoull(range.substr(dash + 1), nullptr, 16);
        if (p >= lo && p < hi) return true;
    }
    return false;
}

TEST(SafetensorsRoundTrip, AllDtypesShapesAndValues) {
    TempDir dir;
    const std::string path = dir.file("all.safetensors");
    const Tensors tensors = all_dtype_tensors();
    ds::write_safetensors(path, tensors);
    const auto file = ds::SafetensorsFile::open(path);
    ASSERT_EQ(file.entries().size(), tensors.size());
    const char* dtype_names[] = {"F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL"};
    for (size_t i = 0; i < tensors.size(); ++i) {
        const auto& [name, expected] = tensors[i];
        SCOPED_TRACE(name);
        // The entries come in offset order, which is the order given to the writer.
        EXPECT_EQ(file.entries()[i].name, name);
        if (i < std::size(dtype_names)) {
            EXPECT_EQ(file.entry(name).dtype, dtype_names[i]);
        }
        const at::Tensor got = file.tensor(name);
        EXPECT_EQ(got.scalar_type(), expected.scalar_type());
        EXPECT_EQ(got.sizes(), expected.sizes());
        EXPECT_TRUE(at::equal(got, expected));
    }
    EXPECT_EQ(file.tensor("scalar").dim(), 0);
    EXPECT_EQ(file.entry("scalar").shape, std::vector<int64_t>{});
    EXPECT_EQ(file.entry("empty").begin, file.entry("empty").end);
    EXPECT_TRUE(file.metadata().empty());
}

TEST(SafetensorsRoundTrip, HeaderIsPaddedAndOmitsEmptyMetadata) {
    TempDir dir;
    const std::string path = dir.file("h.safetensors");
    ds::write_safetensors(path, {{"a", at::ones({3}, at::kByte)}});
    const auto [n, header] = raw_header(path);
    EXPECT_EQ(n % 8, 0u);
    EXPECT_EQ(header.find("__metadata__"), std::string::npos);
    EXPECT_EQ(header.substr(0, header.find_last_not_of(' ') + 1),
              R"({"a":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}})");
    EXPECT_EQ(read_bytes(path).size(), 8 + n + 3);
}

TEST(SafetensorsRoundTrip, Metadata) {
    TempDir dir;
    const std::string path = dir.file("m.safetensors");
    const std::map<std::string, std::string> metadata = {
        {"format", "pt"}, {"note", "quotes \" and\nnewlines, ünïcödé ✓"}, {"empty", ""}};
    ds::write_safetensors(path, {{"x", at::ones({2}, at::kFloat)}}, metadata);
    const auto file = ds::SafetensorsFile::open(path);
    EXPECT_EQ(file.metadata(), metadata);
    EXPECT_FALSE(file.contains("__metadata__"));
    EXPECT_EQ(file.entries().size(), 1u);
}

TEST(SafetensorsRead, TensorsAreZeroCopyViewsOfTheMapping) {
    TempDir dir;
    const std::string path = dir.file("z.safetensors");
    ds::write_safetensors(path, all_dtype_tensors());
    const auto file = ds::SafetensorsFile::open(path);
    for (const char* name : {"f64", "f32", "f16", "i64", "bool"}) {
        SCOPED_TRACE(name);
        const at::Tensor a = file.tensor(name);
        const at::Tensor b = file.tensor(name);
        EXPECT_EQ(a.data_ptr(), b.data_ptr());
        EXPECT_TRUE(inside_mapping_of(a.data_ptr(), path));
    }
    // Asking for the stored dtype returns the same view; another dtype converts.
    EXPECT_EQ(file.tensor("f16", at::kHalf).data_ptr(), file.tensor("f16").data_ptr());
    const at::Tensor f32 = file.tensor("f16", at::kFloat);
    EXPECT_EQ(f32.scalar_type(), at::kFloat);
    EXPECT_TRUE(at::equal(f32, file.tensor("f16").to(at::kFloat)));
}

// Releasing the pages under a mapped tensor (what the loaders do once they converted it) gives
// memory back without changing what the tensor reads; other tensors are never touched (on heap
// memory the same call would zero live data). The memory figure itself: ds-bench-load.
TEST(SafetensorsRead, ReleasedPagesReadTheSameAndHeapTensorsAreLeftAlone) {
    TempDir dir;
    const std::string path = dir.file("release.safetensors");
    const at::Tensor expected = at::arange(1 << 20, at::kFloat).mul_(0.5);  // 4 MiB: many whole pages
    ds::write_safetensors(path, {{"w", expected}});
    const auto file = ds::SafetensorsFile::open(path);
    const at::Tensor mapped = file.tensor("w");
    ASSERT_TRUE(at::equal(mapped, expected));
    ds::release_mapped_pages(mapped);
    EXPECT_TRUE(at::equal(mapped, expected));  // faulted back in from the file
    EXPECT_TRUE(inside_mapping_of(mapped.data_ptr(), path));

    const at::Tensor heap = expected.clone();
    ds::release_mapped_pages(heap);
    EXPECT_TRUE(at::equal(heap, expected));
    ds::release_mapped_pages(at::Tensor());  // undefined: nothing to do
    const at::Tensor strided = file.tensor("w").view({1024, 1024}).t();
    ds::release_mapped_pages(strided);  // not contiguous: left alone
    EXPECT_TRUE(at::equal(strided, expected.view({1024, 1024}).t()));
}

TEST(SafetensorsRead, TensorKeepsTheMappingAliveAfterTheFileObjectIsGone) {
    TempDir dir;
    const std::string path = dir.file("alive.safetensors");
    const at::Tensor expected = at::arange(1000, at::kFloat);
    ds::write_safetensors(path, {{"x", expected}});
    at::Tensor kept;
    {
        const auto file = ds::SafetensorsFile::open(path);
        kept = file.tensor("x");
    }
    fs::remove(path);  // the mapping, not the name, holds the data
    EXPECT_TRUE(at::equal(kept, expected));
}

TEST(SafetensorsRead, WritingIntoATensorNeverTouchesTheFile) {
    TempDir dir;
    const std::string path = dir.file("w.safetensors");
    ds::write_safetensors(path, all_dtype_tensors());
    const std::string before = read_bytes(path);
    {
        const auto file = ds::SafetensorsFile::open(path);
        file.tensor("f32").fill_(42.0f);
        file.tensor("i64").zero_();
        EXPECT_EQ(file.tensor("f32").max().item<float>(), 42.0f);  // the write did land in memory
    }
    EXPECT_EQ(read_bytes(path), before);
    const auto reopened = ds::SafetensorsFile::open(path);
    EXPECT_TRUE(at::equal(reopened.tensor("f32"), all_dtype_tensors()[1].second));
}

TEST(SafetensorsRead, MisalignedDataIsCopied) {
    TempDir dir;
    const std::string path = dir.file("odd.safetensors");
    // A U8 of 1 byte first, so the F32 after it starts at an odd offset (the header is 8-aligned).
    std::string header = R"({"pad":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                         R"("x":{"dtype":"F32","shape":[2],"data_offsets":[1,9]}})";
    header.append((8 - header.size() % 8) % 8, ' ');
    const float values[2] = {1.5f, -2.25f};
    write_bytes(path, make_file(header, std::string("\x07", 1) +
                                            std::string(reinterpret_cast<const char*>(values), 8)));
    const auto file = ds::SafetensorsFile::open(path);
    const at::Tensor x = file.tensor("x");
    EXPECT_EQ(reinterpret_cast<uintptr_t>(x.data_ptr()) % alignof(float), 0u);
    EXPECT_FALSE(inside_mapping_of(x.data_ptr(), path));
    EXPECT_EQ(x[0].item<float>(), 1.5f);
    EXPECT_EQ(x[1].item<float>(), -2.25f);
    EXPECT_EQ(file.tensor("pad").item<uint8_t>(), 7);
    EXPECT_TRUE(inside_mapping_of(file.tensor("pad").data_ptr(), path));
}

TEST(SafetensorsRead, EntriesAreInOffsetOrderAndUnknownNamesAreRefused) {
    TempDir dir;
    const std::string path = dir.file("order.safetensors");
    // JSON key order (alphabetical here) differs from the data order.
    const std::string header = R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]},)"
                               R"("b":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})";
    write_bytes(path, make_file(header, "wxyz"));
    const auto file = ds::SafetensorsFile::open(path);
    ASSERT_EQ(file.entries().size(), 2u);
    EXPECT_EQ(file.entries()[0].name, "b");
    EXPECT_EQ(file.entries()[1].name, "a");
    EXPECT_EQ(file.entry("a").begin, 2u);
    EXPECT_TRUE(file.contains("a"));
    EXPECT_FALSE(file.contains("c"));
    try {
        file.entry("c");
        FAIL() << "no error for a missing tensor";
    } catch (const ds::SafetensorsError& e) {
        EXPECT_EQ(std::string(e.what()), path + ": no tensor named 'c'");
    }
    EXPECT_THROW(file.tensor("c"), ds::SafetensorsError);
}

struct CorruptCase {
    const char* label;
    std::string bytes;
    const char* expected;  // a part of the message
};

std::string f32_entry(const std::string& name, const std::string& shape, uint64_t begin, uint64_t end) {
    return "\"" + name + R"(":{"dtype":"F32","shape":)" + shape + R"(,"data_offsets":[)" +
           std::to_string(begin) + "," + std::to_string(end) + "]}";
}

const std::vector<CorruptCase>& corrupt_cases() {
    static const std::vector<CorruptCase> cases = {
        {"empty file", "", "file is empty"},
        {"shorter than the length field", std::string("\x02\0\0", 3),
         "shorter than the 8-byte header length"},
        {"header length 0", make_file("", "", 0), "too small"},
        {"header length over 100 MiB", make_file("{}", "", (100ll << 20) + 1), "exceeds the 100 MiB limit"},
        {"header length past the end", make_file("{}", "", 4096), "points past the end of the file"},
        {"truncated header JSON", make_file(R"({"a":{"dtype":"F32")", ""), "not valid JSON"},
        {"bad JSON", make_file("{not json}", ""), "not valid JSON"},
        {"header is not an object", make_file("[1,2]", ""), "not a JSON object"},
        {"deeply nested header", make_file(R"({"a":{"shape":[[[[1]]]]}})", ""), "nested deeper"},
        {"entry is not an object", make_file(R"({"a":3})", ""),
         "tensor 'a' is not described by a JSON object"},
        {"unknown dtype", make_file(R"({"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}})", "x"),
         "tensor 'a' has unknown dtype 'F8'"},
        {"missing dtype", make_file(R"({"a":{"shape":[1],"data_offsets":[0,1]}})", "x"),
         "tensor 'a' has no dtype"},
        {"missing shape", make_file(R"({"a":{"dtype":"U8","data_offsets":[0,1]}})", "x"), "has no shape"},
        {"negative dimension", make_file("{" + f32_entry("a", "[-1,2]", 0, 8) + "}", std::string(8, '\0')),
         "invalid dimension -1"},
        {"fractional dimension", make_file("{" + f32_entry("a", "[1.5]", 0, 4) + "}", std::string(4, '\0')),
         "not an integer"},
        {"shape overflows",
         make_file("{" + f32_entry("a", "[4294967296,4294967296]", 0, 4) + "}", std::string(4, '\0')),
         "too large"},
        {"size mismatch",
         make_file("{" + f32_entry("unet.x.weight", "[2,3]", 0, 12) + "}", std::string(12, '\0')),
         "tensor 'unet.x.weight' has 12 bytes for shape [2,3] F32 (24 expected)"},
        {"missing data_offsets", make_file(R"({"a":{"dtype":"U8","shape":[1]}})", "x"), "data_offsets"},
        {"negative offset", make_file(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}})", "x"),
         "data_offsets"},
        {"begin after end", make_file("{" + f32_entry("a", "[0]", 4, 0) + "}", std::string(4, '\0')),
         "begin after end"},
        {"offsets outside the file",
         make_file("{" + f32_entry("a", "[4]", 0, 16) + "}", std::string(8, '\0')),
         "past the end of the data section (8 bytes)"},
        {"truncated data",
         make_file("{" + f32_entry("a", "[2]", 0, 8) + "," + f32_entry("b", "[2]", 8, 16) + "}",
                   std::string(12, '\0')),
         "tensor 'b' has data_offsets [8,16] past the end of the data section"},
        {"overlapping ranges",
         make_file("{" + f32_entry("a", "[3]", 0, 12) + "," + f32_entry("b", "[2]", 8, 16) + "}",
                   std::string(16, '\0')),
         "tensors 'a' [0,12] and 'b' [8,16] overlap"},
        {"range inside another",
         make_file("{" + f32_entry("a", "[4]", 0, 16) + "," + f32_entry("b", "[1]", 4, 8) + "}",
                   std::string(16, '\0')),
         "overlap"},
        {"duplicate name",
         make_file("{" + f32_entry("a", "[1]", 0, 4) + "," + f32_entry("a", "[1]", 4, 8) + "}",
                   std::string(8, '\0')),
         "tensor 'a' appears twice"},
        {"metadata not strings", make_file(R"({"__metadata__":{"k":1}})", ""),
         "__metadata__ value of 'k' is not a string"},
        {"metadata not an object", make_file(R"({"__metadata__":["a"]})", ""),
         "__metadata__ is not an object"},
    };
    return cases;
}

TEST(SafetensorsCorrupt, EachCaseGivesAClearError) {
    TempDir dir;
    for (const auto& c : corrupt_cases()) {
        SCOPED_TRACE(c.label);
        const std::string path = dir.file("bad.safetensors");
        write_bytes(path, c.bytes);
        const std::string message = message_of(path);
        EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;  // names the file first
        EXPECT_NE(message.find(c.expected), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;  // one line
    }
}

TEST(SafetensorsCorrupt, MissingFileAndFolderAreRefused) {
    TempDir dir;
    EXPECT_NE(message_of(dir.file("absent.safetensors")).find("cannot open"), std::string::npos);
    EXPECT_NE(message_of(dir.path().string()).find("not a regular file"), std::string::npos);
}

TEST(SafetensorsCorrupt, EmptyHeaderObjectIsAValidEmptyFile) {
    TempDir dir;
    const std::string path = dir.file("e.safetensors");
    write_bytes(path, make_file("{}      ", ""));
    EXPECT_TRUE(ds::SafetensorsFile::open(path).entries().empty());
}

// Flips and truncates bytes of a valid file at many positions: open() and reading every tensor must
// either work or throw SafetensorsError (anything else, or a crash, fails the test).
TEST(SafetensorsCorrupt, FlippedAndTruncatedBytesNeverCrash) {
    TempDir dir;
    const std::string good_path = dir.file("good.safetensors");
    ds::write_safetensors(good_path,
                          {{"a", at::arange(6, at::kFloat).reshape({2, 3})},
                           {"b", at::tensor({1, 2, 3}, at::kLong)},
                           {"c", at::ones({5}, at::kHalf)},
                           {"d", at::tensor({1, 0}, at::kByte).to(at::kBool)}},
                          {{"k", "v"}});
    const std::string good = read_bytes(good_path);
    const std::string path = dir.file("fuzz.safetensors");
    int opened = 0;
    int refused = 0;
    auto attempt = [&](const std::string& bytes) {
        write_bytes(path, bytes);
        try {
            const auto file = ds::SafetensorsFile::open(path);
            for (const auto& e : file.entries())
                (void)file.tensor(e.name).to(at::kDouble).sum().item<double>();
            ++opened;
        } catch (const ds::SafetensorsError&) {
            ++refused;
        }
    };
    const unsigned char masks[] = {0x01, 0x20, 0x80, 0xFF};
    for (size_t pos = 0; pos < good.size(); ++pos) {
        for (unsigned char mask : masks) {
            std::string bytes = good;
            bytes[pos] = static_cast<char>(static_cast<unsigned char>(bytes[pos]) ^ mask);
            attempt(bytes);
        }
        attempt(good.substr(0, pos));
    }
    // Structural edits of the header text: characters replaced by JSON punctuation.
    const uint64_t n = raw_header(good_path).first;
    for (size_t pos = 8; pos < 8 + n; pos += 3) {
        for (char c : {'{', '[', '"', ',', ':', '-', '9', '\0'}) {
            std::string bytes = good;
            bytes[pos] = c;
            attempt(bytes);
        }
    }
    EXPECT_GT(opened, 0);  // flips inside the data section keep the file valid
    EXPECT_GT(refused, 0);
}

TEST(SafetensorsWrite, UnwritableFolderNamesThePath) {
    TempDir dir;
    const std::string path = dir.file("missing-folder/x.safetensors");
    try {
        ds::write_safetensors(path, {{"x", at::ones({1})}});
        FAIL() << "no error";
    } catch (const ds::SafetensorsError& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
    if (::geteuid() != 0) {  // root ignores folder permissions
        const fs::path locked = dir.path() / "locked";
        fs::create_directory(locked);
        fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
        const std::string locked_path = (locked / "x.safetensors").string();
        EXPECT_THROW(ds::write_safetensors(locked_path, {{"x", at::ones({1})}}), ds::SafetensorsError);
        fs::permissions(locked, fs::perms::owner_all);
    }
}

TEST(SafetensorsWrite, RefusedInputLeavesThePreviousFileIntact) {
    TempDir dir;
    const std::string path = dir.file("keep.safetensors");
    ds::write_safetensors(path, {{"old", at::arange(4, at::kFloat)}});
    const std::string before = read_bytes(path);
    const std::vector<std::pair<const char*, Tensors>> refused = {
        {"complex dtype", {{"ok", at::ones({2})}, {"z", at::ones({2}, at::kComplexFloat)}}},
        {"duplicate name", {{"a", at::ones({2})}, {"a", at::ones({2})}}},
        {"reserved name", {{"__metadata__", at::ones({2})}}},
        {"empty name", {{"", at::ones({2})}}},
        {"undefined tensor", {{"u", at::Tensor()}}},
        {"invalid UTF-8 name", {{"\xff\xfe", at::ones({2})}}},
    };
    for (const auto& [label, tensors] : refused) {
        SCOPED_TRACE(label);
        EXPECT_THROW(ds::write_safetensors(path, tensors), ds::SafetensorsError);
        EXPECT_EQ(read_bytes(path), before);
        EXPECT_EQ(dir.names(), std::vector<std::string>{"keep.safetensors"});  // no temporary file left
    }
}

TEST(SafetensorsWrite, FailureWhileWritingLeavesThePreviousFileIntact) {
    TempDir dir;
    const std::string path = dir.file("keep.safetensors");
    ds::write_safetensors(path, {{"old", at::arange(4, at::kFloat)}});
    const std::string before = read_bytes(path);
    const at::Tensor big = at::zeros({1 << 18}, at::kFloat);  // 1 MiB, over the file size limit below

    // A file size limit makes write(2) fail with EFBIG halfway (SIGXFSZ ignored meanwhile).
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = saved;
    limited.rlim_cur = 64 * 1024;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
    std::string message;
    try {
        ds::write_safetensors(path, {{"big", big}});
    } catch (const ds::SafetensorsError& e) {
        message = e.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, old_handler);

    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_EQ(read_bytes(path), before);
    EXPECT_EQ(dir.names(), std::vector<std::string>{"keep.safetensors"});
    EXPECT_TRUE(at::equal(ds::SafetensorsFile::open(path).tensor("old"), at::arange(4, at::kFloat)));
}

TEST(SafetensorsWrite, OverwritesAFileThatIsStillMapped) {
    TempDir dir;
    const std::string path = dir.file("over.safetensors");
    ds::write_safetensors(path, {{"x", at::full({8}, 1.0f)}});
    const auto old_file = ds::SafetensorsFile::open(path);
    const at::Tensor old_view = old_file.tensor("x");
    ds::write_safetensors(path, {{"x", at::full({8}, 2.0f)}});
    EXPECT_TRUE(at::equal(old_view, at::full({8}, 1.0f)));  // the old mapping keeps the old inode
    EXPECT_TRUE(at::equal(ds::SafetensorsFile::open(path).tensor("x"), at::full({8}, 2.0f)));
}

TEST(SafetensorsFixtures, TinySd1SingleFile) {
    const std::string path = ds::test::sd_tiny_path("tiny-sd1.safetensors");
    DS_REQUIRE_FIXTURE(path);
    const auto file = ds::SafetensorsFile::open(path);
    ASSERT_EQ(file.entries().size(), 964u);
    EXPECT_TRUE(file.metadata().empty());
    uint64_t expected_begin = 0;
    for (const auto& e : file.entries()) {
        EXPECT_EQ(e.dtype, "F16") << e.name;
        EXPECT_EQ(e.begin, expected_begin) << e.name;  // contiguous, in offset order
        expected_begin = e.end;
    }
    const auto [n, header] = raw_header(path);
    EXPECT_EQ(8 + n + expected_begin, fs::file_size(path));
    const at::Tensor w = file.tensor("model.diffusion_model.input_blocks.0.0.weight");
    EXPECT_EQ(w.sizes(), (at::IntArrayRef{32, 4, 3, 3}));
    EXPECT_EQ(w.scalar_type(), at::kHalf);
    EXPECT_TRUE(at::isfinite(w).all().item<bool>());
    EXPECT_GT(w.to(at::kFloat).abs().sum().item<float>(), 0.0f);
    EXPECT_FALSE(file.contains("cond_stage_model.transformer.text_model.embeddings.position_ids"));
}

TEST(SafetensorsFixtures, SchedulerGoldens) {
    const std::string path = ds::test::sd_tiny_path("golden/schedulers.safetensors");
    DS_REQUIRE_FIXTURE(path);
    const auto file = ds::SafetensorsFile::open(path);
    EXPECT_EQ(file.entries().size(), 69u);  // 70 header keys, one of them __metadata__
    EXPECT_EQ(file.metadata().at("file"), "schedulers");
    const at::Tensor betas = file.tensor("betas.scaled_linear");
    ASSERT_EQ(betas.numel(), 1000);
    EXPECT_NEAR(betas[0].item<float>(), 0.00085f, 1e-9);
    EXPECT_NEAR(betas[999].item<float>(), 0.012f, 1e-9);
    // An I64 tensor at an offset that is not 8-aligned in the file (read through the copy path).
    const at::Tensor ts = file.tensor("traj.ddim.timesteps");
    EXPECT_EQ(ts.scalar_type(), at::kLong);
    EXPECT_TRUE(at::equal(ts, at::arange(901, 0, -100, at::kLong)));
    EXPECT_TRUE(at::equal(file.tensor("timesteps20.ddim"), at::arange(951, 0, -50, at::kLong)));
}

}  // namespace
