// Asserts the original-LDM -> diffusers key conversion: UNet block arithmetic, VAE level reversal
// and attention reshaping, the SD 1.x CLIP prefix and the SD 2.x OpenCLIP split of the fused
// in-projection. To add a case: add a {ldm, diffusers} row to the tables below.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "core/checkpoint/ldm_key_map.h"

namespace {

TEST(LdmKeyMap, UnetKeys) {
    const std::pair<const char*, const char*> rows[] = {
        {"time_embed.0.weight", "time_embedding.linear_1.weight"},
        {"time_embed.2.bias", "time_embedding.linear_2.bias"},
        {"input_blocks.0.0.weight", "conv_in.weight"},
        {"input_blocks.1.0.in_layers.0.weight", "down_blocks.0.resnets.0.norm1.weight"},
        {"input_blocks.2.0.emb_layers.1.bias", "down_blocks.0.resnets.1.time_emb_proj.bias"},
        {"input_blocks.2.1.proj_in.weight", "down_blocks.0.attentions.1.proj_in.weight"},
        {"input_blocks.3.0.op.weight", "down_blocks.0.downsamplers.0.conv.weight"},
        {"input_blocks.4.0.skip_connection.weight", "down_blocks.1.resnets.0.conv_shortcut.weight"},
        {"input_blocks.11.0.out_layers.3.weight", "down_blocks.3.resnets.1.conv2.weight"},
        {"middle_block.0.in_layers.2.weight", "mid_block.resnets.0.conv1.weight"},
        {"middle_block.1.transformer_blocks.0.attn2.to_k.weight", "mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight"},
        {"middle_block.2.out_layers.0.bias", "mid_block.resnets.1.norm2.bias"},
        {"output_blocks.2.1.conv.weight", "up_blocks.0.upsamplers.0.conv.weight"},
        {"output_blocks.5.2.conv.bias", "up_blocks.1.upsamplers.0.conv.bias"},
        {"output_blocks.5.1.norm.weight", "up_blocks.1.attentions.2.norm.weight"},
        {"output_blocks.11.0.skip_connection.bias", "up_blocks.3.resnets.2.conv_shortcut.bias"},
        {"out.0.weight", "conv_norm_out.weight"},
        {"out.2.bias", "conv_out.bias"},
    };
    for (const auto& [ldm, diffusers] : rows) EXPECT_EQ(ds::ldm_unet_key_to_diffusers(ldm, 2), diffusers) << ldm;
    EXPECT_EQ(ds::ldm_unet_key_to_diffusers("betas", 2), "");
}

TEST(LdmKeyMap, VaeKeys) {
    const std::pair<const char*, const char*> rows[] = {
        {"encoder.conv_in.weight", "encoder.conv_in.weight"},
        {"encoder.down.0.block.1.conv2.weight", "encoder.down_blocks.0.resnets.1.conv2.weight"},
        {"encoder.down.1.block.0.nin_shortcut.weight", "encoder.down_blocks.1.resnets.0.conv_shortcut.weight"},
        {"encoder.down.2.downsample.conv.bias", "encoder.down_blocks.2.downsamplers.0.conv.bias"},
        {"encoder.mid.attn_1.q.weight", "encoder.mid_block.attentions.0.to_q.weight"},
        {"decoder.mid.attn_1.proj_out.bias", "decoder.mid_block.attentions.0.to_out.0.bias"},
        {"decoder.mid.attn_1.norm.weight", "decoder.mid_block.attentions.0.group_norm.weight"},
        {"decoder.mid.block_2.norm1.bias", "decoder.mid_block.resnets.1.norm1.bias"},
        {"decoder.up.3.block.0.conv1.weight", "decoder.up_blocks.0.resnets.0.conv1.weight"},
        {"decoder.up.0.block.2.conv2.bias", "decoder.up_blocks.3.resnets.2.conv2.bias"},
        {"decoder.up.1.upsample.conv.weight", "decoder.up_blocks.2.upsamplers.0.conv.weight"},
        {"decoder.norm_out.weight", "decoder.conv_norm_out.weight"},
        {"post_quant_conv.bias", "post_quant_conv.bias"},
    };
    for (const auto& [ldm, diffusers] : rows) EXPECT_EQ(ds::ldm_vae_key_to_diffusers(ldm, 4), diffusers) << ldm;
}

TEST(LdmKeyMap, ConvertsTensorsAndSplitsOpenClip) {
    std::map<std::string, at::Tensor> t;
    t["first_stage_model.encoder.mid.attn_1.k.weight"] = at::ones({8, 8, 1, 1});
    t["cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight"] = at::arange(3 * 4 * 4).view({12, 4}).to(at::kFloat);
    t["cond_stage_model.model.transformer.resblocks.0.ln_1.weight"] = at::ones({4});
    t["cond_stage_model.model.positional_embedding"] = at::zeros({77, 4});
    t["cond_stage_model.model.text_projection"] = at::zeros({4, 4});
    t["model_ema.decay"] = at::zeros({});
    const auto c = ds::convert_ldm_checkpoint(t, 2, 4);
    EXPECT_TRUE(c.open_clip);
    EXPECT_EQ(c.vae.at("encoder.mid_block.attentions.0.to_k.weight").sizes(), (std::vector<int64_t>{8, 8}));
    const at::Tensor q = c.text_encoder.at("text_model.encoder.layers.0.self_attn.q_proj.weight");
    const at::Tensor v = c.text_encoder.at("text_model.encoder.layers.0.self_attn.v_proj.weight");
    EXPECT_EQ(q.sizes(), (std::vector<int64_t>{4, 4}));
    EXPECT_EQ(q[0][0].item<float>(), 0.0f);
    EXPECT_EQ(v[0][0].item<float>(), 32.0f);
    EXPECT_TRUE(c.text_encoder.count("text_model.encoder.layers.0.layer_norm1.weight"));
    EXPECT_TRUE(c.text_encoder.count("text_model.embeddings.position_embedding.weight"));
    EXPECT_EQ(c.ignored.size(), 2u);  // text_projection, model_ema.decay
}

TEST(LdmKeyMap, Sd1ClipPrefixAndPositionIds) {
    std::map<std::string, at::Tensor> t;
    t["cond_stage_model.transformer.text_model.final_layer_norm.weight"] = at::ones({4});
    t["cond_stage_model.transformer.text_model.embeddings.position_ids"] = at::arange(77).to(at::kFloat).view({1, 77});
    t["cond_stage_model.transformer.embeddings.token_embedding.weight"] = at::zeros({10, 4});  // older layout
    const auto c = ds::convert_ldm_checkpoint(t, 2, 4);
    EXPECT_FALSE(c.open_clip);
    EXPECT_TRUE(c.text_encoder.count("text_model.final_layer_norm.weight"));
    EXPECT_TRUE(c.text_encoder.count("text_model.embeddings.token_embedding.weight"));
    EXPECT_FALSE(c.text_encoder.count("text_model.embeddings.position_ids"));
}

}  // namespace
