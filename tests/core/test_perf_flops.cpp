// Asserts core/perf's layer walk: one guided SD 1.5 step at 512x512 counts the issue's 1606.5 GFLOP
// and SD 1.5's UNet has 859,520,964 parameters; on tiny configs every convolution, linear layer and
// attention product counts what a hand count gives; and the walk's weight lists are exactly what
// the UNet and VAE loaders ask for (random weights of those shapes build networks that run).
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "core/model/autoencoder_kl.h"
#include "core/model/unet2d_condition.h"
#include "core/model/weights.h"
#include "core/perf/arch_walk.h"
#include "core/perf/random_weights.h"
#include "core/perf/sd15_config.h"

namespace {

// One block of 32 channels, one resnet per level, no mid block: conv_in, the time MLP, a down
// resnet, two up resnets (with 1x1 shortcuts from the skip concatenation), conv_out.
ds::UNetConfig tiny_unet(bool attention) {
    ds::UNetConfig c;
    c.block_out_channels = {32};
    c.layers_per_block = {1};
    c.down_block_types = {attention ? "CrossAttnDownBlock2D" : "DownBlock2D"};
    c.up_block_types = {attention ? "CrossAttnUpBlock2D" : "UpBlock2D"};
    c.mid_block_type = "";
    c.cross_attention_dim = {16};
    c.attention_head_dim = {8};
    return c;
}

// 2 FLOP per multiply-add.
double conv(double cin, double cout, double k, double pixels) { return 2 * cout * cin * k * k * pixels; }
double linear(double in, double out, double tokens) { return 2 * in * out * tokens; }

}  // namespace

TEST(PerfFlops, Sd15GuidedStepAt512CountsTheIssuesFigure) {
    // Batch 2 (unconditional and conditional), 64x64 latents, CLIP's 77 tokens.
    const ds::perf::ArchWalk walk = ds::perf::walk_unet(ds::perf::sd15_unet_config(), 2, 64, 64, 77);
    EXPECT_NEAR(walk.flops.total() / 1e9, 1606.5, 0.05);
    EXPECT_EQ(walk.parameters(), 859520964);
}

TEST(PerfFlops, TinyUNetMatchesAHandCount) {
    const int64_t batch = 2, side = 8;
    const double px = side * side;
    const ds::perf::ArchWalk walk = ds::perf::walk_unet(tiny_unet(false), batch, side, side, 5);
    const double temb = 4 * 32;
    const double convs = conv(4, 32, 3, px)                                     // conv_in
                         + conv(32, 32, 3, px) * 2                              // down resnet
                         + 2 * (conv(64, 32, 3, px) + conv(32, 32, 3, px)       // up resnets on
                                + conv(64, 32, 1, px))                          // skip concatenations
                         + conv(32, 4, 3, px);                                  // conv_out
    const double linears = linear(32, temb, 1) + linear(temb, temb, 1)          // time MLP
                           + 3 * linear(temb, 32, 1);                           // resnets' time_emb_proj
    EXPECT_DOUBLE_EQ(walk.flops.conv, batch * convs);
    EXPECT_DOUBLE_EQ(walk.flops.linear, batch * linears);
    EXPECT_EQ(walk.flops.attention, 0.0);
    EXPECT_DOUBLE_EQ(walk.flops.total(), batch * (convs + linears));
}

TEST(PerfFlops, TinyUNetAttentionMatchesAHandCount) {
    // Three transformers (one down, two up) of 64 tokens, 8 heads of 4 channels, a 5-token context:
    // q k^T and (softmax) v are 2 * 2 * Lq * Lk * head_dim per head.
    const int64_t batch = 2, tokens = 64, context = 5;
    const ds::perf::ArchWalk walk = ds::perf::walk_unet(tiny_unet(true), batch, 8, 8, context);
    const double per_transformer = 4.0 * tokens * tokens * 32 + 4.0 * tokens * context * 32;
    EXPECT_DOUBLE_EQ(walk.flops.attention, batch * 3 * per_transformer);
    // Adding attention adds its projections to the linear count and only 1x1 proj convs to conv.
    const ds::perf::ArchWalk plain = ds::perf::walk_unet(tiny_unet(false), batch, 8, 8, context);
    const double projections = 3 * (linear(32, 32, tokens) * 3 + linear(32, 32, tokens)     // attn1 q k v out
                                     + linear(32, 32, tokens) + linear(16, 32, context) * 2  // attn2 q, k v
                                     + linear(32, 32, tokens)                                // attn2 out
                                     + linear(32, 256, tokens) + linear(128, 32, tokens));   // GEGLU ff
    EXPECT_DOUBLE_EQ(walk.flops.linear - plain.flops.linear, batch * projections);
    EXPECT_DOUBLE_EQ(walk.flops.conv - plain.flops.conv, batch * 3 * 2 * conv(32, 32, 1, tokens));
}

TEST(PerfFlops, WalkedWeightsAreWhatTheLoadersAskFor) {
    at::manual_seed(0);
    const ds::UNetConfig unet_config = tiny_unet(true);
    const ds::perf::ArchWalk unet_walk = ds::perf::walk_unet(unet_config, 1, 8, 8, 5);
    // load() throws one WeightError naming any missing, misshapen or unexpected tensor.
    const ds::UNet2DCondition unet = ds::UNet2DCondition::load(unet_config, ds::perf::random_weights(unet_walk.weights));
    at::NoGradGuard no_grad;
    const at::Tensor eps = unet.forward(at::randn({2, 4, 8, 8}), at::scalar_tensor(10), at::randn({2, 5, 16}));
    EXPECT_TRUE(at::isfinite(eps).all().item<bool>());

    ds::AutoencoderConfig vae_config;
    vae_config.block_out_channels = {32, 32};
    vae_config.layers_per_block = 1;
    const ds::perf::ArchWalk vae_walk = ds::perf::walk_vae_decode(vae_config, 1, 4, 4);
    const ds::AutoencoderKL vae = ds::AutoencoderKL::load(vae_config, ds::perf::random_weights(vae_walk.weights));
    const at::Tensor image = vae.decode(at::randn({1, 4, 4, 4}));
    EXPECT_EQ(image.sizes(), at::IntArrayRef({1, 3, 8, 8}));
    EXPECT_TRUE(at::isfinite(image).all().item<bool>());
    // The decoder at 4x4 latents: conv_in, two mid resnets, the level resnets (2 per level), the
    // upsampler, conv_out, post_quant_conv; the mid attention's q, k, v, out at 16 tokens.
    const double px = 16, up_px = 64;
    const double convs = conv(4, 32, 3, px) + 4 * conv(32, 32, 3, px)  // conv_in, mid resnets
                         + 4 * conv(32, 32, 3, px) + conv(32, 32, 3, up_px)  // level 0, upsampler
                         + 4 * conv(32, 32, 3, up_px)                  // level 1
                         + conv(32, 3, 3, up_px) + conv(4, 4, 1, px);   // conv_out, post_quant_conv
    EXPECT_DOUBLE_EQ(vae_walk.flops.conv, convs);
    EXPECT_DOUBLE_EQ(vae_walk.flops.linear, 4 * linear(32, 32, px));
    EXPECT_DOUBLE_EQ(vae_walk.flops.attention, 4.0 * px * px * 32);
}
