// Asserts that ds::ClipTokenizer reproduces transformers 4.36's slow CLIPTokenizer (no-ftfy path) exactly:
// the 14 golden prompts of sd-tiny (padded ids, masks, untruncated ids and token strings), the Unicode
// steps (C* removal, whitespace, CJK spacing, NFC, full lowercase with final sigma, CLIP's regex under
// IGNORECASE), special and added tokens (SD2's "!" pad token), truncation/padding, decode, loading
// errors (one line, naming the file), long inputs and concurrent use.
// To add a golden prompt: regenerate the fixtures; the golden tests loop over the manifest. To add an
// edge case: add an EXPECT to the matching test; expected ids not derivable from an equivalence were
// computed by running transformers 4.36's own tokenize/_tokenize/bpe/BasicTokenizer/Trie code.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/io/safetensors.h"
#include "core/tokenizers/clip_tokenizer.h"
#include "core/tokenizers/clip_unicode.h"
#include "tests/support/fixtures.h"
#include "tests/support/golden.h"

namespace {

namespace fs = std::filesystem;
using Ids = std::vector<std::int64_t>;

const char* const kGoldenFile = "golden/tokenizer.safetensors";

std::string tokenizer_dir() { return ds::test::sd_tiny_path("diffusers/tokenizer"); }

const ds::ClipTokenizer& sd1_tokenizer() {
    static const ds::ClipTokenizer tokenizer = ds::ClipTokenizer::load_folder(tokenizer_dir());
    return tokenizer;
}

std::string from_hex(const std::string& hex) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return bytes;
}

Ids row(const at::Tensor& t) {
    const at::Tensor c = t.to(at::kLong).contiguous();
    return Ids(c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel());
}

// A fresh folder under the system temp folder, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::random_device rd;
        path_ = fs::temp_directory_path() / ("ds_clip_tok_" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }
    std::string file(const std::string& name, const std::string& content) const {
        const fs::path p = path_ / name;
        std::ofstream(p, std::ios::binary) << content;
        return p.string();
    }
    void copy_vocab_and_merges() const {
        fs::copy_file(fs::path(tokenizer_dir()) / "vocab.json", path_ / "vocab.json");
        fs::copy_file(fs::path(tokenizer_dir()) / "merges.txt", path_ / "merges.txt");
    }

private:
    fs::path path_;
};

// The message of the std::runtime_error that `f` throws ("" when it throws none).
template <class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

#define REQUIRE_TOKENIZER_FIXTURES()                     \
    DS_REQUIRE_FIXTURE(tokenizer_dir() + "/vocab.json"); \
    DS_REQUIRE_FIXTURE(ds::test::sd_tiny_path(kGoldenFile))

TEST(ClipTokenizerGolden, PaddedIdsAndMasksMatchEveryPrompt) {
    REQUIRE_TOKENIZER_FIXTURES();
    const ds::SafetensorsFile golden = ds::SafetensorsFile::open(ds::test::sd_tiny_path(kGoldenFile));
    const at::Tensor input_ids = golden.tensor("input_ids");
    const at::Tensor attention_mask = golden.tensor("attention_mask");
    const auto& prompts = ds::test::manifest_case(kGoldenFile, "tokenize_batch").at("prompts");
    ASSERT_EQ(prompts.size(), 14u);
    ASSERT_EQ(input_ids.sizes(), at::IntArrayRef({14, 77}));
    for (const auto& prompt : prompts) {
        const int index = prompt.at("index").get<int>();
        const std::string text = from_hex(prompt.at("prompt_utf8_hex").get<std::string>());
        const ds::ClipEncoding enc = sd1_tokenizer().encode_padded(text, 77);
        EXPECT_EQ(enc.input_ids, row(input_ids[index])) << prompt.at("name");
        EXPECT_EQ(enc.attention_mask, row(attention_mask[index])) << prompt.at("name");
    }
}

TEST(ClipTokenizerGolden, UntruncatedIdsAndTokensMatchEveryPrompt) {
    REQUIRE_TOKENIZER_FIXTURES();
    const ds::SafetensorsFile golden = ds::SafetensorsFile::open(ds::test::sd_tiny_path(kGoldenFile));
    for (const auto& prompt : ds::test::manifest_case(kGoldenFile, "tokenize_batch").at("prompts")) {
        const int index = prompt.at("index").get<int>();
        const std::string text = from_hex(prompt.at("prompt_utf8_hex").get<std::string>());
        char name[32];
        std::snprintf(name, sizeof(name), "untruncated_ids.%02d", index);
        const Ids ids = sd1_tokenizer().encode(text);
        EXPECT_EQ(ids, row(golden.tensor(name))) << prompt.at("name");
        EXPECT_EQ(static_cast<std::int64_t>(ids.size()), prompt.at("untruncated_length").get<std::int64_t>());

        // The manifest lists the tokens of the padded call: bos, at most 75 tokens, eos.
        std::vector<std::string> tokens = sd1_tokenizer().tokenize(text);
        if (tokens.size() > 75) tokens.resize(75);
        tokens.insert(tokens.begin(), "<|startoftext|>");
        tokens.push_back("<|endoftext|>");
        EXPECT_EQ(tokens, prompt.at("tokens").get<std::vector<std::string>>()) << prompt.at("name");
    }
}

TEST(ClipTokenizer, Sd1ConfigurationAndPlainLoadAgree) {
    DS_REQUIRE_FIXTURE(tokenizer_dir() + "/vocab.json");
    const ds::ClipTokenizer& folder = sd1_tokenizer();
    EXPECT_EQ(folder.bos_id(), 49406);
    EXPECT_EQ(folder.eos_id(), 49407);
    EXPECT_EQ(folder.unk_id(), 49407);
    EXPECT_EQ(folder.pad_id(), 49407);
    EXPECT_EQ(folder.model_max_length(), 77);
    EXPECT_EQ(folder.vocab_size(), 49408u);
    EXPECT_EQ(folder.token_to_id("photo</w>"), 1125);
    EXPECT_EQ(folder.token_to_id("no such token"), -1);

    const ds::ClipTokenizer plain =
        ds::ClipTokenizer::load(tokenizer_dir() + "/vocab.json", tokenizer_dir() + "/merges.txt");
    EXPECT_EQ(plain.pad_id(), 49407);
    const std::string prompt = "A Photo of an astronaut, riding a horse!! <|endoftext|> 日本 café";
    EXPECT_EQ(plain.encode(prompt), folder.encode(prompt));
    const ds::ClipTokenizer copy = folder;  // copies share the tables and the cache
    EXPECT_EQ(copy.encode_padded(prompt).input_ids, folder.encode_padded(prompt).input_ids);
}

TEST(ClipTokenizer, TruncatesToBosPlusTokensPlusEosAndPads) {
    DS_REQUIRE_FIXTURE(tokenizer_dir() + "/vocab.json");
    const ds::ClipTokenizer& tok = sd1_tokenizer();
    const std::string text = "one two three four five six seven eight";
    const Ids full = tok.encode(text);
    ASSERT_EQ(full.size(), 10u);

    const ds::ClipEncoding short_enc = tok.encode_padded(text, 6);
    EXPECT_EQ(short_enc.input_ids, Ids({49406, full[1], full[2], full[3], full[4], 49407}));
    EXPECT_EQ(short_enc.attention_mask, Ids({1, 1, 1, 1, 1, 1}));

    const ds::ClipEncoding padded = tok.encode_padded(text, 14);
    EXPECT_EQ(padded.input_ids, Ids({49406, full[1], full[2], full[3], full[4], full[5], full[6], full[7],
                                     full[8], 49407, 49407, 49407, 49407, 49407}));
    EXPECT_EQ(padded.attention_mask, Ids({1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}));

    EXPECT_EQ(tok.encode_padded("", 2).input_ids, Ids({49406, 49407}));
    EXPECT_THROW(tok.encode_padded(text, 1), std::invalid_argument);
}

TEST(ClipTokenizer, Sd2FolderPadsWithExclamationMarkAndSplitsIt) {
    DS_REQUIRE_FIXTURE(tokenizer_dir() + "/vocab.json");
    // stabilityai/stable-diffusion-2's tokenizer files: an old-style tokenizer_config.json (no
    // added_tokens_decoder) whose pad token special_tokens_map.json overrides with "!".
    TempDir dir;
    dir.copy_vocab_and_merges();
    dir.file("tokenizer_config.json", R"({
      "bos_token": {"__type": "AddedToken", "content": "<|startoftext|>", "lstrip": false, "normalized": true,
                    "rstrip": false, "single_word": false},
      "do_lower_case": true, "errors": "replace", "model_max_length": 77, "pad_token": "<|endoftext|>",
      "eos_token": {"__type": "AddedToken", "content": "<|endoftext|>", "lstrip": false, "normalized": true,
                    "rstrip": false, "single_word": false},
      "tokenizer_class": "CLIPTokenizer",
      "unk_token": {"__type": "AddedToken", "content": "<|endoftext|>", "lstrip": false, "normalized": true,
                    "rstrip": false, "single_word": false}})");
    dir.file("special_tokens_map.json", R"({
      "bos_token": {"content": "<|startoftext|>", "lstrip": false, "normalized": true, "rstrip": false, "single_word": false},
      "eos_token": {"content": "<|endoftext|>", "lstrip": false, "normalized": true, "rstrip": false, "single_word": false},
      "pad_token": "!",
      "unk_token": {"content": "<|endoftext|>", "lstrip": false, "normalized": true, "rstrip": false, "single_word": false}})");
    const ds::ClipTokenizer sd2 = ds::ClipTokenizer::load_folder(dir.path().string());
    EXPECT_EQ(sd2.pad_id(), 0);
    const ds::ClipEncoding enc = sd2.encode_padded("hello", 6);
    EXPECT_EQ(enc.input_ids, Ids({49406, 3306, 49407, 0, 0, 0}));
    EXPECT_EQ(enc.attention_mask, Ids({1, 1, 1, 0, 0, 0}));
    // transformers 4.36 registers every special token, the pad token included, as an added token
    // that is cut out of the text before BPE: "!!" is two "!" (id 0), not the BPE token "!!</w>".
    EXPECT_EQ(sd2.encode("wow! nice!!"), Ids({49406, 2781, 0, 1805, 0, 0, 49407}));
    EXPECT_EQ(sd1_tokenizer().encode("wow! nice!!"), Ids({49406, 2781, 256, 1805, 748, 49407}));
}

TEST(ClipTokenizer, AddedTokensFromConfigurationKeepTheirStripRules) {
    DS_REQUIRE_FIXTURE(tokenizer_dir() + "/vocab.json");
    TempDir dir;
    dir.copy_vocab_and_merges();
    dir.file("tokenizer_config.json", R"({
      "added_tokens_decoder": {
        "49406": {"content": "<|startoftext|>", "lstrip": false, "normalized": true, "rstrip": false, "single_word": false, "special": true},
        "49407": {"content": "<|endoftext|>", "lstrip": false, "normalized": true, "rstrip": false, "single_word": false, "special": true},
        "49408": {"content": "<sks>", "lstrip": true, "normalized": false, "rstrip": true, "single_word": false, "special": false}},
      "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
      "unk_token": "<|endoftext|>", "model_max_length": 77, "clean_up_tokenization_spaces": false})");
    const ds::ClipTokenizer tok = ds::ClipTokenizer::load_folder(dir.path().string());
    EXPECT_EQ(tok.token_to_id("<sks>"), 49408);
    EXPECT_EQ(tok.encode("a <sks> dog"), Ids({49406, 320, 49408, 1929, 49407}));
    EXPECT_EQ(tok.encode("a<sks>dog"), tok.encode("a <sks> dog"));
    EXPECT_EQ(tok.decode(tok.encode("a <sks> dog"), true), "a <sks> dog");
}

TEST(ClipTokenizer, TypedSpecialTokensBecomeTheirIds) {
    DS_REQUIRE_FIXTURE(tokenizer_dir() + "/vocab.json");
    const ds::ClipTokenizer& tok = sd1_tokenizer();
    EXPECT_EQ(tok.encode("a <|startoftext|> b <|endoftext|> c"),
              Ids({49406, 320, 49406, 321, 49407, 322, 49407}));
    // Cut out before the regex, so "!!" stays a word of its own...
    EXPECT_EQ(tok.encode("!!<|endoftext|>"), Ids({49406, 748, 49407, 49407}));
    // ...and a differently cased one is lowercased, then matched by CLIP's regex.
    EXPECT_EQ(tok.encode("a <|EndOfText|>"), tok.encode("a <|endoftext|>"));
    // Under re.IGNORECASE "'ſ" (long s) is the contraction 's: one piece, BPE'd from its bytes.
    EXPECT_EQ(tok.tokenize("it'ſ"), std::vector<std::string>({"it</w>", "'", "Å", "¿</w>"}));
    EXPECT_EQ(tok.tokenize("it's"), std::vector<std::string>({"it</w>", "'s</w>"}));
}

TEST(ClipTokenizer, NormalisesTextLikeTheBasicTokenizer) {
    DS_REQUIRE_FIXTURE(tokenizer_dir() + "/vocab.json");
    const ds::ClipTokenizer& tok = sd1_tokenizer();
    auto same = [&](const std::string& a, const std::string& b) { return tok.encode(a) == tok.encode(b); };
    EXPECT_TRUE(same("e\xCC\x81t\xC3\xA9", "\xC3\xA9t\xC3\xA9"));  // NFC: e + U+0301 = é
    EXPECT_TRUE(
        same("CAF\xC3\x89 \xC3\x9C"
             "ber",
             "caf\xC3\xA9 \xC3\xBC"
             "ber"));                            // full Unicode lowercase
    EXPECT_TRUE(same("\xC4\xB0", "i\xCC\x87"));  // İ -> i + U+0307
    EXPECT_TRUE(same("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3", "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82"));  // final sigma
    EXPECT_FALSE(same("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3", "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83"));
    EXPECT_TRUE(
        same("a\xE2\x80\x8D"
             "b",
             "ab"));  // ZWJ (Cf) removed, joining the word
    EXPECT_TRUE(
        same("a\x0B"
             "b\x07",
             "ab"));  // other controls removed, not made spaces
    EXPECT_TRUE(
        same("a\tb\r\nc\xE3\x80\x80"
             "d\xE2\x80\xA8"
             "e",
             "a b c d e"));                                                       // whitespace
    EXPECT_TRUE(same("\xE6\x97\xA5\xE6\x9C\xAC", "\xE6\x97\xA5 \xE6\x9C\xAC"));   // CJK ideographs split
    EXPECT_FALSE(same("\xE3\x83\x86\xE3\x82\xAD", "\xE3\x83\x86 \xE3\x82\xAD"));  // kana are not
    EXPECT_TRUE(
        same("a\xCD\x85"
             "b",
             "a b"));                                   // U+0345 matches no regex branch under IGNORECASE
    EXPECT_TRUE(same("a \xF0\x9F\xA9\xB7 b", "a b"));   // U+1FA77 (Unicode 15) is unassigned in 14: removed
    EXPECT_FALSE(same("a \xF0\x9F\xAB\xA0 b", "a b"));  // U+1FAE0 (Unicode 14) is kept
    EXPECT_TRUE(
        same("a\xFF\xFE"
             "b\xE0\x80",
             "ab"));                                              // invalid UTF-8 -> U+FFFD -> removed
    EXPECT_TRUE(same("fish &amp; chips", "fish & amp ; chips"));  // no HTML unescaping
}

TEST(ClipTokenizer, DecodesAsciiBack) {
    DS_REQUIRE_FIXTURE(tokenizer_dir() + "/vocab.json");
    const ds::ClipTokenizer& tok = sd1_tokenizer();
    const std::string prompt = "a photo of an astronaut riding a horse";
    EXPECT_EQ(tok.decode(tok.encode(prompt), true), prompt);
    EXPECT_EQ(tok.decode(tok.encode(prompt)), "<|startoftext|>" + prompt + " <|endoftext|>");
    EXPECT_EQ(tok.decode(tok.encode("Hello, world! It's 42."), true), "hello, world! it's 4 2.");
    EXPECT_EQ(tok.decode(tok.encode("caf\xC3\xA9 \xF0\x9F\x90\xB1"), true), "caf\xC3\xA9 \xF0\x9F\x90\xB1");
    EXPECT_THROW(tok.decode({49406, 123456}), std::out_of_range);
}

TEST(ClipTokenizer, BadFilesGiveOneLineErrorsNamingTheFile) {
    DS_REQUIRE_FIXTURE(tokenizer_dir() + "/vocab.json");
    TempDir dir;
    const std::string merges = tokenizer_dir() + "/merges.txt";
    const std::string vocab = tokenizer_dir() + "/vocab.json";
    const std::string good_vocab =
        dir.file("good_vocab.json", R"({"a</w>": 0, "<|startoftext|>": 1, "<|endoftext|>": 2})");
    struct Case {
        std::string vocab, merges, expected_file, expected_text;
    };
    const std::vector<Case> cases = {
        {(dir.path() / "missing.json").string(), merges, "missing.json", "not found"},
        {dir.file("broken.json", "{\"a\": 1,\n \"b\": "), merges, "broken.json", "invalid JSON"},
        {dir.file("list.json", "[1, 2]"), merges, "list.json", "JSON object"},
        {dir.file("text_id.json", R"({"a": "one"})"), merges, "text_id.json", "not an integer id"},
        {vocab, (dir.path() / "no_merges.txt").string(), "no_merges.txt", "not found"},
        {good_vocab, dir.file("bad_merges.txt", "#version: 0.2\na b\nc d e\n"), "bad_merges.txt", "line 3"},
        {good_vocab, dir.file("one_symbol.txt", "#version: 0.2\nab\n"), "one_symbol.txt", "line 2"},
        {good_vocab, dir.path().string(), dir.path().filename().string(), "not a regular file"},
    };
    for (const Case& c : cases) {
        const std::string message = error_of([&] { ds::ClipTokenizer::load(c.vocab, c.merges); });
        EXPECT_NE(message.find(c.expected_file), std::string::npos) << message;
        EXPECT_NE(message.find(c.expected_text), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }

    EXPECT_NE(error_of([&] { ds::ClipTokenizer::load_folder((dir.path() / "nope").string()); }).find("nope"),
              std::string::npos);
    TempDir folder;
    folder.copy_vocab_and_merges();
    folder.file("tokenizer_config.json", "{\"pad_token\": ");
    const std::string message = error_of([&] { ds::ClipTokenizer::load_folder(folder.path().string()); });
    EXPECT_NE(message.find("tokenizer_config.json"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    folder.file("tokenizer_config.json", R"({"pad_token": 5})");
    EXPECT_NE(error_of([&] { ds::ClipTokenizer::load_folder(folder.path().string()); }).find("pad_token"),
              std::string::npos);
    // A configuration without a pad token loads, but cannot pad.
    folder.file("tokenizer_config.json", R"({"pad_token": null})");
    const ds::ClipTokenizer no_pad = ds::ClipTokenizer::load_folder(folder.path().string());
    EXPECT_EQ(no_pad.pad_id(), -1);
    EXPECT_THROW(no_pad.encode_padded("a"), std::runtime_error);
}

TEST(ClipTokenizer, LongInputsStayFast) {
    DS_REQUIRE_FIXTURE(tokenizer_dir() + "/vocab.json");
    const ds::ClipTokenizer& tok = sd1_tokenizer();
    const std::vector<std::string> words = {
        "majestic", "castle",         "sunset,",     "volumetric",
        "8k",       "(detailed:1.2)", "caf\xC3\xA9", "\xE6\x97\xA5\xE6\x9C\xAC"};
    std::string prompt;
    for (int i = 0; i < 10000; ++i) prompt += words[i % words.size()] + " ";
    const Ids full = tok.encode(prompt);
    EXPECT_GT(full.size(), 10000u);
    const ds::ClipEncoding padded = tok.encode_padded(prompt);
    ASSERT_EQ(padded.input_ids.size(), 77u);
    EXPECT_EQ(Ids(padded.input_ids.begin(), padded.input_ids.begin() + 76),
              Ids(full.begin(), full.begin() + 76));
    EXPECT_EQ(padded.input_ids[76], 49407);

    // One 60000-letter word: BPE merges must not be quadratic.
    std::string word;
    for (int i = 0; i < 20000; ++i) word += "abc";
    const Ids word_ids = tok.encode(word);
    EXPECT_GT(word_ids.size(), 3u);
    const Ids word_padded = tok.encode_padded(word, 12).input_ids;
    EXPECT_EQ(Ids(word_ids.begin(), word_ids.begin() + 11),
              Ids(word_padded.begin(), word_padded.begin() + 11));
}

TEST(ClipTokenizer, ConcurrentEncodesAgreeWithSerialOnes) {
    DS_REQUIRE_FIXTURE(tokenizer_dir() + "/vocab.json");
    const ds::ClipTokenizer tok = ds::ClipTokenizer::load_folder(tokenizer_dir());  // fresh cache
    std::vector<std::string> prompts;
    for (int i = 0; i < 200; ++i) {
        prompts.push_back("prompt " + std::to_string(i * 7919) + " with words like glorious" +
                          std::to_string(i) + " and unusualword" + std::to_string(i % 13));
    }
    std::vector<std::vector<Ids>> results(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (const std::string& p : prompts) results[t].push_back(tok.encode(p));
        });
    }
    for (std::thread& th : threads) th.join();
    const ds::ClipTokenizer serial = ds::ClipTokenizer::load_folder(tokenizer_dir());
    for (std::size_t i = 0; i < prompts.size(); ++i) {
        const Ids expected = serial.encode(prompts[i]);
        for (int t = 0; t < 4; ++t) ASSERT_EQ(results[t][i], expected) << prompts[i];
    }
}

TEST(ClipTokenizerUnicode, MatchesPythonOnKnownStrings) {
    using namespace ds::clip_unicode;
    EXPECT_EQ(nfc(U"e\u0301"), U"\u00e9");
    EXPECT_EQ(nfc(U"\u1100\u1161\u11a8"), U"\uac01");    // Hangul L V T
    EXPECT_EQ(nfc(U"q\u0307\u0323"), U"q\u0323\u0307");  // canonical order, no composite
    EXPECT_EQ(nfc(U"\u0344"), U"\u0308\u0301");          // excluded from composition
    EXPECT_EQ(nfc(U"a\u0301\u0301"), U"\u00e1\u0301");   // the second mark is blocked
    EXPECT_EQ(lower(U"\u03a3\u0391\u03a3 \u03a3"), U"\u03c3\u03b1\u03c2 \u03c3");
    EXPECT_EQ(lower(U"\u0130X\u212a"), U"i\u0307xk");
    EXPECT_EQ(char_class(U'\u200d'), CharClass::kControl);
    EXPECT_EQ(char_class(U'\U0001fa77'), CharClass::kControl);  // unassigned in Unicode 14
    EXPECT_EQ(char_class(U'\u00a0'), CharClass::kSpaceSeparator);
    EXPECT_EQ(char_class(U'\u2028'), CharClass::kOther);
    EXPECT_EQ(char_class(U'\u2167'), CharClass::kNumber);
    EXPECT_EQ(char_class(U'\u01c5'), CharClass::kLetter);
    EXPECT_EQ(utf8_decode("\xE0\x80"), U"\ufffd\ufffd");  // Python's maximal-subpart replacement
    EXPECT_EQ(utf8_decode("\xF0\x9F\x98"
                          "a"),
              U"\ufffd"
              "a");
    EXPECT_EQ(utf8_decode("\xED\xA0\x80"), U"\ufffd\ufffd\ufffd");  // no surrogates
    EXPECT_EQ(utf8_encode(U"\U0001f431\u00e9"), "\xF0\x9F\x90\xB1\xC3\xA9");
}

}  // namespace
