// Image file I/O (core/io/image_io, core/io/atomic_file): round trips per format (PNG exact to
// 1/255, TIFF 16-bit, EXR half/float), the PNG `parameters` tEXt chunk, channel layouts, and that
// bad files raise ImageError naming the file while failed writes leave nothing behind.
// To add a case: write the file in a TempDir (or craft its bytes with png_bytes()), then assert on
// read_image/write_image's result or the ImageError message.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/io/atomic_file.h"
#include "core/io/image_io.h"

namespace fs = std::filesystem;

namespace {

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "ds-imageio-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (fs::path(path_) / name).string(); }
    std::vector<std::string> entries() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(path_)) out.push_back(e.path().filename().string());
        return out;
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

ds::Image random_image(int w, int h, int c, unsigned seed, bool on_8bit_grid) {
    ds::Image img(w, h, c);
    std::mt19937 rng(seed);
    for (float& v : img.pixels) {
        const int k = static_cast<int>(rng() % 256);
        v = on_8bit_grid ? k / 255.0f : std::uniform_real_distribution<float>(0.0f, 1.0f)(rng);
    }
    return img;
}

float max_abs_diff(const ds::Image& a, const ds::Image& b) {
    EXPECT_EQ(a.pixels.size(), b.pixels.size());
    float m = 0.0f;
    for (size_t i = 0; i < std::min(a.pixels.size(), b.pixels.size()); ++i)
        m = std::max(m, std::abs(a.pixels[i] - b.pixels[i]));
    return m;
}

// A minimal PNG encoder (stored deflate blocks), so tests can craft files OIIO did not write:
// grey+alpha colour types and headers that lie about the size.
uint32_t crc32(const std::string& data) {
    uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char b : data) {
        crc ^= b;
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

std::string be32(uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string chunk(const std::string& type, const std::string& data) {
    return be32(static_cast<uint32_t>(data.size())) + type + data + be32(crc32(type + data));
}

std::string zlib_stored(const std::string& raw) {
    uint32_t a = 1, b = 0;
    for (unsigned char c : raw) {
        a = (a + c) % 65521;
        b = (b + a) % 65521;
    }
    std::string out("\x78\x01", 2);
    const uint16_t len = static_cast<uint16_t>(raw.size());  // tests keep raw below 64 KiB
    out += '\x01';
    out += static_cast<char>(len & 0xFF);
    out += static_cast<char>(len >> 8);
    out += static_cast<char>(~len & 0xFF);
    out += static_cast<char>((~len >> 8) & 0xFF);
    return out + raw + be32((b << 16) | a);
}

// colour_type: 0 grey, 2 RGB, 4 grey+alpha, 6 RGBA; `rows` are the unfiltered 8-bit samples.
std::string png_bytes(uint32_t w, uint32_t h, int colour_type, const std::vector<std::string>& rows) {
    std::string ihdr = be32(w) + be32(h);
    ihdr += static_cast<char>(8);
    ihdr += static_cast<char>(colour_type);
    ihdr += std::string(3, '\0');
    std::string raw;
    for (const std::string& r : rows) raw += '\0' + r;  // filter type 0 per row
    return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", zlib_stored(raw)) +
           chunk("IEND", "");
}

template <typename F>
std::string image_error_of(F&& f) {
    try {
        f();
    } catch (const ds::ImageError& e) {
        return e.what();
    }
    return "<no ImageError>";
}

}  // namespace

TEST(ImageIo, PngRoundTripIsExactOnThe8BitGrid) {
    TempDir dir;
    for (int c : {1, 3, 4}) {
        const ds::Image img = random_image(17, 11, c, 10 + c, /*on_8bit_grid=*/true);
        const std::string path = dir.file("grid" + std::to_string(c) + ".png");
        ds::write_image(path, img);
        const ds::Image back = ds::read_image(path);
        ASSERT_EQ(back.width, 17);
        ASSERT_EQ(back.height, 11);
        ASSERT_EQ(back.channels, c);
        EXPECT_LE(max_abs_diff(img, back), 1e-6f) << c << " channels";
    }
}

TEST(ImageIo, PngQuantisesArbitraryValuesToNearest8BitLevel) {
    TempDir dir;
    const ds::Image img = random_image(23, 9, 3, 3, /*on_8bit_grid=*/false);
    ds::write_image(dir.file("q.png"), img);
    EXPECT_LE(max_abs_diff(img, ds::read_image(dir.file("q.png"))), 0.5f / 255.0f + 1e-6f);
}

TEST(ImageIo, PngKeepsStraightAlpha) {
    TempDir dir;
    ds::Image img(2, 1, 4);
    img.pixels = {1.0f, 0.0f, 0.0f, 128 / 255.0f, 0.2f, 0.4f, 0.6f, 0.0f};
    ds::write_image(dir.file("a.png"), img);
    const ds::Image back = ds::read_image(dir.file("a.png"));
    ASSERT_EQ(back.channels, 4);
    EXPECT_FLOAT_EQ(back.at(0, 0, 0), 1.0f);  // not premultiplied to 0.5
    EXPECT_FLOAT_EQ(back.at(0, 0, 3), 128 / 255.0f);
    EXPECT_NEAR(back.at(1, 0, 1), 0.4f, 0.5f / 255.0f);  // colour under alpha 0 survives
}

TEST(ImageIo, GreyAlphaPngBecomesRgba) {
    TempDir dir;
    const std::string path = dir.file("ga.png");
    write_bytes(path, png_bytes(2, 1, 4, {std::string("\x40\xff\xc0\x00", 4)}));
    const ds::Image img = ds::read_image(path);
    ASSERT_EQ(img.channels, 4);
    for (int c = 0; c < 3; ++c) EXPECT_FLOAT_EQ(img.at(0, 0, c), 0x40 / 255.0f);
    EXPECT_FLOAT_EQ(img.at(0, 0, 3), 1.0f);
    EXPECT_FLOAT_EQ(img.at(1, 0, 2), 0xc0 / 255.0f);
    EXPECT_FLOAT_EQ(img.at(1, 0, 3), 0.0f);
}

TEST(ImageIo, HandCraftedRgbPngReads) {
    TempDir dir;
    const std::string path = dir.file("rgb.png");
    write_bytes(path, png_bytes(1, 2, 2, {std::string("\x00\x80\xff", 3), std::string("\x10\x20\x30", 3)}));
    const ds::Image img = ds::read_image(path);
    ASSERT_EQ(img.width, 1);
    ASSERT_EQ(img.height, 2);
    ASSERT_EQ(img.channels, 3);
    EXPECT_FLOAT_EQ(img.at(0, 0, 1), 0x80 / 255.0f);
    EXPECT_FLOAT_EQ(img.at(0, 1, 2), 0x30 / 255.0f);
}

TEST(ImageIo, Tiff16BitRoundTrip) {
    TempDir dir;
    const ds::Image img = random_image(13, 7, 3, 5, /*on_8bit_grid=*/false);
    for (const char* name : {"t.tif", "t.tiff"}) {
        ds::write_image(dir.file(name), img);
        const ds::Image back = ds::read_image(dir.file(name));
        ASSERT_EQ(back.channels, 3);
        EXPECT_LE(max_abs_diff(img, back), 0.5f / 65535.0f + 1e-6f) << name;
        EXPECT_GT(max_abs_diff(img, back), 0.0f) << "16-bit storage quantises arbitrary floats";
    }
}

TEST(ImageIo, ExrKeepsFloatValuesOutsideUnitRange) {
    TempDir dir;
    ds::Image img = random_image(5, 4, 3, 8, false);
    img.pixels[0] = 2.5f;
    img.pixels[1] = -0.25f;
    img.pixels[2] = 0.1234567f;
    ds::ImageWriteOptions as_float;
    as_float.sample_type = ds::SampleType::Float;
    ds::write_image(dir.file("f.exr"), img, as_float);
    EXPECT_EQ(max_abs_diff(img, ds::read_image(dir.file("f.exr"))), 0.0f);

    ds::write_image(dir.file("h.exr"), img);  // half by default: ~3 significant digits
    const ds::Image half = ds::read_image(dir.file("h.exr"));
    EXPECT_LE(max_abs_diff(img, half), 2e-3f);
    EXPECT_GT(std::abs(half.pixels[2] - img.pixels[2]), 0.0f);
    EXPECT_LT(fs::file_size(dir.file("h.exr")), fs::file_size(dir.file("f.exr")));
}

TEST(ImageIo, JpegCompositesAlphaOverWhite) {
    TempDir dir;
    ds::Image img(16, 16, 4, 0.0f);  // fully transparent black
    for (int x = 0; x < 8; ++x)
        for (int y = 0; y < 16; ++y) img.at(x, y, 3) = 1.0f;  // opaque black on the left half
    for (const char* name : {"j.jpg", "j.jpeg"}) {
        ds::write_image(dir.file(name), img);
        const ds::Image back = ds::read_image(dir.file(name));
        ASSERT_EQ(back.channels, 3) << name;
        EXPECT_LT(back.at(2, 8, 0), 0.1f);
        EXPECT_GT(back.at(13, 8, 0), 0.9f);  // transparent became white, not black
    }
}

TEST(ImageIo, OtherWritableFormatsRoundTrip) {
    TempDir dir;
    const ds::Image img = random_image(12, 10, 3, 9, true);
    for (const char* name : {"b.bmp", "t.tga", "w.webp", "UPPER.PNG"}) {
        ds::write_image(dir.file(name), img);
        const ds::Image back = ds::read_image(dir.file(name));
        EXPECT_EQ(back.width, 12) << name;
        EXPECT_EQ(back.height, 10) << name;
    }
    EXPECT_LE(max_abs_diff(img, ds::read_image(dir.file("b.bmp"))), 1e-6f);
}

TEST(ImageIo, ParametersTextChunkRoundTrips) {
    TempDir dir;
    const std::string params = "a lighthouse at dusk, oil painting\nNegative prompt: blurry\n"
                               "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 8x8";
    ds::ImageWriteOptions options;
    options.text["parameters"] = params;
    options.text["Software"] = "Diffusion Studio";
    const std::string path = dir.file("p.png");
    ds::write_image(path, ds::Image(8, 8, 3, 0.5f), options);

    const auto text = ds::read_image_text(path);
    ASSERT_EQ(text.count("parameters"), 1u);
    EXPECT_EQ(text.at("parameters"), params);
    EXPECT_EQ(text.at("Software"), "Diffusion Studio");
    // Other tools (PIL's PngImageFile.text) look for an uncompressed tEXt chunk with this keyword.
    const std::string bytes = read_bytes(path);
    EXPECT_NE(bytes.find(std::string("tEXtparameters\0", 15) + params), std::string::npos);
}

TEST(ImageIo, MissingFileNamesTheFile) {
    TempDir dir;
    const std::string path = dir.file("nope.png");
    const std::string msg = image_error_of([&] { ds::read_image(path); });
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("no such file"), std::string::npos) << msg;
}

TEST(ImageIo, EmptyFolderAndGarbageFilesAreRefused) {
    TempDir dir;
    write_bytes(dir.file("empty.png"), "");
    write_bytes(dir.file("text.png"), "this is not an image, only some text\n");
    std::string garbage(4096, '\0');
    std::mt19937 rng(1);
    for (char& c : garbage) c = static_cast<char>(rng());
    write_bytes(dir.file("garbage.jpg"), garbage);
    fs::create_directory(dir.file("folder.png"));
    for (const char* name : {"empty.png", "text.png", "garbage.jpg", "folder.png"}) {
        const std::string msg = image_error_of([&] { ds::read_image(dir.file(name)); });
        EXPECT_NE(msg.find(dir.file(name)), std::string::npos) << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
    }
    EXPECT_NE(image_error_of([&] { ds::read_image(dir.file("empty.png")); }).find("empty"), std::string::npos);
}

TEST(ImageIo, TruncatedFilesAreRefused) {
    TempDir dir;
    const ds::Image img = random_image(64, 64, 3, 2, false);  // noise: nothing compresses away
    for (const char* name : {"full.png", "full.jpg", "full.tif", "full.exr"}) {
        ds::write_image(dir.file(name), img);
        const std::string bytes = read_bytes(dir.file(name));
        const std::string cut = dir.file(std::string("cut-") + name);
        write_bytes(cut, bytes.substr(0, bytes.size() / 2));
        const std::string msg = image_error_of([&] { ds::read_image(cut); });
        EXPECT_NE(msg.find(cut), std::string::npos) << name << ": " << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
}

TEST(ImageIo, AbsurdSizeIsRefusedBeforeReadingPixels) {
    TempDir dir;
    const std::string path = dir.file("huge.png");
    // A valid header claiming 20000 x 2 grey pixels, followed by a single row of data.
    write_bytes(path, png_bytes(20000, 2, 0, {std::string(20000, '\x7f')}));
    const std::string msg = image_error_of([&] { ds::read_image(path); });
    EXPECT_NE(msg.find("too large"), std::string::npos) << msg;
    EXPECT_NE(msg.find(path), std::string::npos) << msg;

    const std::string zero = dir.file("zero.png");
    write_bytes(zero, png_bytes(0, 1, 0, {""}));
    EXPECT_NE(image_error_of([&] { ds::read_image(zero); }).find(zero), std::string::npos);
}

TEST(ImageIo, UnknownExtensionWritesNothing) {
    TempDir dir;
    for (const char* name : {"out.xyz", "out", "out.txt"}) {
        const std::string msg = image_error_of([&] { ds::write_image(dir.file(name), ds::Image(4, 4, 3)); });
        EXPECT_NE(msg.find(dir.file(name)), std::string::npos) << msg;
        EXPECT_NE(msg.find(".png"), std::string::npos) << "lists the known extensions: " << msg;
    }
    EXPECT_TRUE(dir.entries().empty());
    EXPECT_THROW(ds::check_writable_image_path("a.gif"), ds::ImageError);
    EXPECT_NO_THROW(ds::check_writable_image_path("a.JPG"));
}

TEST(ImageIo, FailedWritesLeaveNothingBehind) {
    TempDir dir;
    const ds::Image img(4, 4, 3, 0.25f);
    // The folder does not exist / is a file / the target is a folder.
    write_bytes(dir.file("plain"), "x");
    fs::create_directory(dir.file("sub.png"));
    for (const std::string& path : {dir.file("missing/out.png"), dir.file("plain/out.png"), dir.file("sub.png")}) {
        const std::string msg = image_error_of([&] { ds::write_image(path, img); });
        EXPECT_NE(msg.find(path), std::string::npos) << msg;
    }
    // Beyond a format's own size limit (libjpeg would exit() the process): refused, target untouched.
    write_bytes(dir.file("keep.jpg"), "old content");
    const std::string msg = image_error_of([&] { ds::write_image(dir.file("keep.jpg"), ds::Image(70000, 1, 3)); });
    EXPECT_NE(msg.find("too large"), std::string::npos) << msg;
    EXPECT_EQ(read_bytes(dir.file("keep.jpg")), "old content");
    // Invalid images are refused before anything is created.
    ds::Image bad(4, 4, 3);
    bad.pixels.resize(5);
    EXPECT_THROW(ds::write_image(dir.file("bad.png"), bad), ds::ImageError);
    EXPECT_THROW(ds::write_image(dir.file("empty.png"), ds::Image()), ds::ImageError);
    auto entries = dir.entries();
    std::sort(entries.begin(), entries.end());
    EXPECT_EQ(entries, (std::vector<std::string>{"keep.jpg", "plain", "sub.png"}));
}

// A failure in the middle of encoding (here: the file size limit, as on a full disk) after the
// temporary file exists: every format reports it, the old target survives, no temp file remains.
TEST(ImageIo, WriteErrorsMidFileLeaveTheOldTarget) {
    TempDir dir;
    const ds::Image noise = random_image(96, 96, 3, 4, false);
    struct sigaction ignore {}, old_action {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGXFSZ, &ignore, &old_action);
    rlimit old_limit{};
    ::getrlimit(RLIMIT_FSIZE, &old_limit);
    for (const char* name : {"o.png", "o.jpg", "o.tif", "o.exr", "o.bmp", "o.webp", "o.tga", "o.hdr"}) {
        write_bytes(dir.file(name), "old content");
        rlimit small = old_limit;
        small.rlim_cur = 2000;  // bytes: every format needs more for 96x96 noise
        ::setrlimit(RLIMIT_FSIZE, &small);
        const std::string msg = image_error_of([&] { ds::write_image(dir.file(name), noise); });
        ::setrlimit(RLIMIT_FSIZE, &old_limit);
        EXPECT_NE(msg.find(dir.file(name)), std::string::npos) << name << ": " << msg;
        EXPECT_EQ(read_bytes(dir.file(name)), "old content") << name;
    }
    ::sigaction(SIGXFSZ, &old_action, nullptr);
    EXPECT_EQ(dir.entries().size(), 8u) << "no temporary files left";
}

TEST(ImageIoAtomicFile, CommitReplacesTheTargetAtomically) {
    TempDir dir;
    const std::string target = dir.file("data.csv");
    write_bytes(target, "old");
    {
        ds::AtomicFile file(target);
        file.write("new content");
        EXPECT_EQ(read_bytes(target), "old") << "the target is untouched until commit";
        EXPECT_EQ(fs::path(file.temp_path()).parent_path(), fs::path(dir.path()));
        EXPECT_EQ(fs::path(file.temp_path()).filename().string().rfind("data.csv.tmp-", 0), 0u);
        file.commit();
    }
    EXPECT_EQ(read_bytes(target), "new content");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"data.csv"});
}

TEST(ImageIoAtomicFile, AbandonedWriteRemovesTheTempFile) {
    TempDir dir;
    std::string temp;
    {
        ds::AtomicFile file(dir.file("x.png"), /*keep_extension=*/true);
        temp = file.temp_path();
        EXPECT_EQ(fs::path(temp).extension(), ".png");
        file.write("partial");
        EXPECT_TRUE(fs::exists(temp));
    }
    EXPECT_FALSE(fs::exists(temp));
    EXPECT_TRUE(dir.entries().empty());
}

TEST(ImageIoAtomicFile, NewFilesGetUmaskPermissionsNotMkstempsPrivateOnes) {
    TempDir dir;
    const mode_t old = ::umask(022);
    {
        ds::AtomicFile file(dir.file("perm.txt"));
        file.write("x");
        file.commit();
    }
    ::umask(old);
    struct stat st {};
    ASSERT_EQ(::stat(dir.file("perm.txt").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(ImageIoAtomicFile, UnwritableFoldersGiveClearErrors) {
    TempDir dir;
    write_bytes(dir.file("file"), "x");
    auto message = [](const std::string& path) -> std::string {
        try {
            ds::AtomicFile f(path);
        } catch (const ds::FileError& e) {
            return e.what();
        }
        return "<no FileError>";
    };
    EXPECT_NE(message(dir.file("no/such/dir/a.txt")).find("does not exist"), std::string::npos);
    EXPECT_NE(message(dir.file("file/a.txt")).find("is not a folder"), std::string::npos);
    EXPECT_NE(message(dir.path()).find("folder"), std::string::npos);
    EXPECT_NE(message("").find("not a file name"), std::string::npos);
}
