// The CLIP text transformer reproduces transformers' CLIPTextModel on the sd-tiny fixture
// (golden/text_encoder.safetensors, per-output manifest tolerances), loads from the diffusers folder
// and from the single-file checkpoint, reports bad weights by name, and parses/infers its config.
// To add a golden case: add the tensors to the fixture generator and compare them in
// ClipTextGolden with case_max_abs(kGolden, "text_encoder", "<output>").
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "core/io/safetensors.h"
#include "core/model/clip_text_config.h"
#include "core/model/clip_text_model.h"
#include "core/model/weight_loading.h"
#include "tests/support/fixtures.h"
#include "tests/support/golden.h"

namespace ds {
namespace {

const char* const kGolden = "golden/text_encoder.safetensors";

std::string text_encoder_dir() { return test::sd_tiny_path("diffusers/text_encoder"); }

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

WeightMap fixture_weights() {
    return weights_from_safetensors(SafetensorsFile::open(text_encoder_dir() + "/model.safetensors"));
}

ClipTextConfig fixture_config() { return load_clip_text_config(text_encoder_dir() + "/config.json"); }

// A copy of the fixture's weights with `name` replaced (undefined tensor: removed).
WeightMap edited_weights(const std::string& name, const at::Tensor& replacement) {
    auto tensors = fixture_weights().tensors();
    if (replacement.defined()) tensors[name] = replacement;
    else tensors.erase(name);
    return WeightMap(tensors);
}

std::string load_error(const WeightMap& weights) {
    try {
        ClipTextModel::load(fixture_config(), weights);
    } catch (const WeightError& e) {
        return e.what();
    }
    return "";
}

void expect_matches_golden(const ClipTextOutput& out, const SafetensorsFile& golden) {
    for (const auto& [name, tensor] :
         {std::pair<const char*, at::Tensor>{"last_hidden_state", out.last_hidden_state},
          {"penultimate_hidden_state", out.penultimate_hidden_state},
          {"embeddings_output", out.embeddings_output},
          {"pooler_output", out.pooler_output}}) {
        const double tol = test::case_max_abs(kGolden, "text_encoder", name);
        EXPECT_EQ(tensor.scalar_type(), at::kFloat) << name;
        EXPECT_LE(test::max_abs_diff(tensor, test::golden_tensor(golden, name)), tol) << name;
    }
}

TEST(ClipTextGolden, DiffusersFolderMatchesTransformers) {
    DS_REQUIRE_FIXTURE(test::sd_tiny_path(kGolden));
    const SafetensorsFile golden = SafetensorsFile::open(test::sd_tiny_path(kGolden));
    const ClipTextModel model = ClipTextModel::load_folder(text_encoder_dir());
    const ClipTextOutput out = model.forward(golden.tensor("input_ids"));
    ASSERT_EQ(out.last_hidden_state.sizes(), at::IntArrayRef({3, 77, 32}));
    ASSERT_EQ(out.pooler_output.sizes(), at::IntArrayRef({3, 32}));
    ASSERT_EQ(out.hidden_states.size(), 3u);
    expect_matches_golden(out, golden);
}

TEST(ClipTextGolden, SingleFileCheckpointMatchesTransformers) {
    DS_REQUIRE_FIXTURE(test::sd_tiny_path("tiny-sd1.safetensors"));
    const SafetensorsFile golden = SafetensorsFile::open(test::sd_tiny_path(kGolden));
    const WeightMap weights = weights_from_safetensors(SafetensorsFile::open(test::sd_tiny_path("tiny-sd1.safetensors")),
                                                       "cond_stage_model.transformer.");
    // Only the text encoder's tensors survive the prefix filter, so the strict check passes.
    for (const auto& entry : weights.tensors()) ASSERT_EQ(entry.first.rfind("text_model.", 0), 0u) << entry.first;
    const ClipTextModel model = ClipTextModel::load(fixture_config(), weights);
    expect_matches_golden(model.forward(golden.tensor("input_ids")), golden);
}

TEST(ClipTextGolden, ClipSkipAppliesFinalNormToEarlierLayer) {
    DS_REQUIRE_FIXTURE(test::sd_tiny_path(kGolden));
    const SafetensorsFile golden = SafetensorsFile::open(test::sd_tiny_path(kGolden));
    const WeightMap weights = fixture_weights();
    const ClipTextModel model = ClipTextModel::load(fixture_config(), weights);
    const ClipTextOutput out = model.forward(golden.tensor("input_ids"), 2);
    EXPECT_EQ(out.clip_skip, 2);
    EXPECT_TRUE(out.conditioning(1).equal(out.last_hidden_state));
    // The reference: final_layer_norm of the golden penultimate state (diffusers' clip_skip=1).
    const at::Tensor expected = at::layer_norm(golden.tensor("penultimate_hidden_state"), {32},
                                               weights.get("text_model.final_layer_norm.weight"),
                                               weights.get("text_model.final_layer_norm.bias"), 1e-5);
    EXPECT_LE(test::max_abs_diff(out.conditioning(), expected), 2e-5);
    EXPECT_GT(test::max_abs_diff(out.conditioning(), out.last_hidden_state), 1e-2);
    EXPECT_THROW(out.conditioning(3), std::invalid_argument);
    EXPECT_THROW(out.conditioning(0), std::invalid_argument);
    EXPECT_THROW(model.forward(golden.tensor("input_ids"), 3), std::invalid_argument);
}

TEST(ClipTextGolden, ShorterSequencesAreCausalPrefixes) {
    DS_REQUIRE_FIXTURE(test::sd_tiny_path(kGolden));
    const SafetensorsFile golden = SafetensorsFile::open(test::sd_tiny_path(kGolden));
    const ClipTextModel model = ClipTextModel::load_folder(text_encoder_dir());
    const at::Tensor ids = golden.tensor("input_ids");
    // With a causal mask, the first 10 positions cannot see later tokens.
    const ClipTextOutput out = model.forward(ids.narrow(1, 0, 10).to(at::kInt));
    EXPECT_LE(test::max_abs_diff(out.last_hidden_state, golden.tensor("last_hidden_state").narrow(1, 0, 10)),
              test::case_max_abs(kGolden, "text_encoder", "last_hidden_state"));
}

TEST(ClipTextForward, PoolsAtFirstEosUnlessLegacyEosId) {
    DS_REQUIRE_FIXTURE(text_encoder_dir());
    ClipTextConfig config = fixture_config();
    config.eos_token_id = 7;
    const ClipTextModel model = ClipTextModel::load(config, fixture_weights());
    const at::Tensor ids = at::tensor({49406, 320, 7, 1000, 7, 49407}, at::kLong).view({1, 6});
    const ClipTextOutput out = model.forward(ids);
    EXPECT_TRUE(out.pooler_output.equal(out.last_hidden_state.select(1, 2)));

    config.eos_token_id = 2;  // legacy: argmax of the ids, position 5
    const ClipTextOutput legacy = ClipTextModel::load(config, fixture_weights()).forward(ids);
    EXPECT_TRUE(legacy.pooler_output.equal(legacy.last_hidden_state.select(1, 5)));
}

TEST(ClipTextForward, RejectsBadInput) {
    DS_REQUIRE_FIXTURE(text_encoder_dir());
    const ClipTextModel model = ClipTextModel::load_folder(text_encoder_dir());
    EXPECT_THROW(model.forward(at::zeros({77}, at::kLong)), std::invalid_argument);
    EXPECT_THROW(model.forward(at::zeros({1, 78}, at::kLong)), std::invalid_argument);
    EXPECT_THROW(model.forward(at::zeros({1, 77}, at::kFloat)), std::invalid_argument);
    EXPECT_THROW(model.forward(at::full({1, 77}, 49408, at::kLong)), std::invalid_argument);
    EXPECT_THROW(model.forward(at::full({1, 77}, -1, at::kLong)), std::invalid_argument);
}

TEST(ClipTextWeights, MissingWeightIsNamed) {
    DS_REQUIRE_FIXTURE(text_encoder_dir());
    const std::string message = load_error(edited_weights("text_model.encoder.layers.1.mlp.fc2.bias", {}));
    EXPECT_NE(message.find("text encoder"), std::string::npos) << message;
    EXPECT_NE(message.find("1 missing: text_model.encoder.layers.1.mlp.fc2.bias"), std::string::npos) << message;
}

TEST(ClipTextWeights, WrongShapeIsNamed) {
    DS_REQUIRE_FIXTURE(text_encoder_dir());
    const std::string message =
        load_error(edited_weights("text_model.encoder.layers.0.self_attn.k_proj.weight", at::zeros({32, 16})));
    EXPECT_NE(message.find("text_model.encoder.layers.0.self_attn.k_proj.weight is [32,16], expected [32,32]"),
              std::string::npos)
        << message;
}

TEST(ClipTextWeights, UnexpectedWeightIsNamed) {
    DS_REQUIRE_FIXTURE(text_encoder_dir());
    // A third layer the config does not have.
    const std::string message =
        load_error(edited_weights("text_model.encoder.layers.2.mlp.fc1.bias", at::zeros({64})));
    EXPECT_NE(message.find("unexpected: text_model.encoder.layers.2.mlp.fc1.bias"), std::string::npos) << message;
}

TEST(ClipTextWeights, PositionIdsBufferIsIgnoredWhateverItsType) {
    DS_REQUIRE_FIXTURE(text_encoder_dir());
    const SafetensorsFile golden = SafetensorsFile::open(test::sd_tiny_path(kGolden));
    const at::Tensor reference = ClipTextModel::load_folder(text_encoder_dir()).forward(golden.tensor("input_ids")).last_hidden_state;
    for (const at::ScalarType dtype : {at::kLong, at::kFloat}) {
        const WeightMap weights =
            edited_weights("text_model.embeddings.position_ids", at::arange(77, dtype).view({1, 77}));
        const ClipTextModel model = ClipTextModel::load(fixture_config(), weights);
        EXPECT_TRUE(model.forward(golden.tensor("input_ids")).last_hidden_state.equal(reference));
    }
}

TEST(ClipTextWeights, StripPrefixKeepsOnlyMatchingTensors) {
    DS_REQUIRE_FIXTURE(text_encoder_dir());
    const SafetensorsFile file = SafetensorsFile::open(text_encoder_dir() + "/model.safetensors");
    const WeightMap all = weights_from_safetensors(file);
    EXPECT_EQ(all.tensors().size(), file.entries().size());
    EXPECT_EQ(all.tensors().at("text_model.final_layer_norm.weight").scalar_type(), at::kHalf);
    const WeightMap layer0 = weights_from_safetensors(file, "text_model.encoder.layers.0.");
    EXPECT_EQ(layer0.tensors().size(), 16u);
    EXPECT_TRUE(layer0.contains("mlp.fc1.weight"));
    EXPECT_TRUE(layer0.tensors().at("mlp.fc1.weight").equal(all.tensors().at("text_model.encoder.layers.0.mlp.fc1.weight")));
}

TEST(ClipTextConfigJson, ParsesFixtureConfig) {
    DS_REQUIRE_FIXTURE(text_encoder_dir());
    const ClipTextConfig config = parse_clip_text_config(read_text(text_encoder_dir() + "/config.json"));
    EXPECT_EQ(config.vocab_size, 49408);
    EXPECT_EQ(config.hidden_size, 32);
    EXPECT_EQ(config.intermediate_size, 64);
    EXPECT_EQ(config.num_layers, 2);
    EXPECT_EQ(config.num_heads, 4);
    EXPECT_EQ(config.head_dim(), 8);
    EXPECT_EQ(config.max_positions, 77);
    EXPECT_DOUBLE_EQ(config.layer_norm_eps, 1e-5);
    EXPECT_EQ(config.activation, ClipActivation::QuickGelu);
    EXPECT_EQ(config.bos_token_id, 0);
    EXPECT_EQ(config.eos_token_id, 2);
    EXPECT_EQ(config.pad_token_id, 1);
}

TEST(ClipTextConfigJson, ParsesSd2StyleAndNestedConfigs) {
    const ClipTextConfig sd2 = parse_clip_text_config(
        R"({"hidden_act": "gelu", "hidden_size": 1024, "intermediate_size": 4096, "num_attention_heads": 16,
            "num_hidden_layers": 23, "projection_dim": 512, "eos_token_id": 2, "layer_norm_eps": 1e-05})");
    EXPECT_EQ(sd2.activation, ClipActivation::Gelu);
    EXPECT_EQ(sd2.num_layers, 23);
    EXPECT_EQ(sd2.head_dim(), 64);
    // Absent keys take transformers' CLIPTextConfig defaults.
    EXPECT_EQ(sd2.max_positions, 77);
    EXPECT_EQ(sd2.vocab_size, 49408);
    EXPECT_EQ(sd2.bos_token_id, 49406);

    const ClipTextConfig nested = parse_clip_text_config(
        R"({"model_type": "clip", "text_config": {"hidden_size": 64, "num_attention_heads": 2}, "vision_config": {}})");
    EXPECT_EQ(nested.hidden_size, 64);
    EXPECT_EQ(nested.num_heads, 2);
    EXPECT_EQ(nested.intermediate_size, 2048);
    EXPECT_EQ(nested.eos_token_id, 49407);
}

TEST(ClipTextConfigJson, RejectsBadConfigs) {
    auto message = [](const std::string& json) -> std::string {
        try {
            parse_clip_text_config(json);
        } catch (const ClipTextConfigError& e) {
            return e.what();
        }
        return "no error";
    };
    EXPECT_NE(message(R"({"hidden_act": "relu"})").find("unsupported hidden_act \"relu\""), std::string::npos);
    EXPECT_NE(message(R"({"hidden_size": 30, "num_attention_heads": 4})").find("not divisible"), std::string::npos);
    EXPECT_NE(message(R"({"hidden_size": "768"})").find("\"hidden_size\" must be an integer"), std::string::npos);
    EXPECT_NE(message(R"({"num_hidden_layers": 0})").find("num_hidden_layers must be positive"), std::string::npos);
    EXPECT_NE(message(R"({"hidden_size": 32,)").find("invalid JSON"), std::string::npos);
    EXPECT_NE(message("[1, 2]").find("not an object"), std::string::npos);
    EXPECT_THROW(load_clip_text_config("/nonexistent/config.json"), ClipTextConfigError);
}

TEST(ClipTextInference, InferredFromShapesMatchesFixtureConfig) {
    DS_REQUIRE_FIXTURE(text_encoder_dir());
    const WeightMap weights = fixture_weights();
    const ClipTextConfig inferred = infer_clip_text_config(weights);
    EXPECT_EQ(inferred, fixture_config()) << "heads " << inferred.num_heads << ", layers " << inferred.num_layers
                                          << ", mlp " << inferred.intermediate_size;
    EXPECT_EQ(infer_clip_text_config(weights, "text_model", 2).num_heads, 2);
    // Inference looks at shapes only; it records nothing, so a later load still checks everything.
    EXPECT_NO_THROW(ClipTextModel::load(inferred, weights));
    EXPECT_THROW(infer_clip_text_config(weights, "cond_stage_model.transformer.text_model"), ClipTextConfigError);
}

TEST(ClipTextInference, InferenceFollowsReleasedTowerSizes) {
    // Shapes of SD 2.x's OpenCLIP ViT-H text tower (two layers are enough to count).
    WeightMap weights;
    weights.insert("text_model.embeddings.token_embedding.weight", at::empty({49408, 1024}));
    weights.insert("text_model.embeddings.position_embedding.weight", at::empty({77, 1024}));
    weights.insert("text_model.encoder.layers.0.mlp.fc1.weight", at::empty({4096, 1024}));
    weights.insert("text_model.encoder.layers.22.mlp.fc1.weight", at::empty({4096, 1024}));
    const ClipTextConfig config = infer_clip_text_config(weights);
    EXPECT_EQ(config.num_layers, 23);
    EXPECT_EQ(config.num_heads, 16);
    EXPECT_EQ(config.intermediate_size, 4096);
    EXPECT_EQ(config.activation, ClipActivation::Gelu);
}

}  // namespace
}  // namespace ds
