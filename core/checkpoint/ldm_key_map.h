#pragma once
// Converting the original LDM (CompVis / Stability) single-file key names to the canonical
// diffusers/transformers names that the networks load. Pure string work, no tensors, except for
// the OpenCLIP in-projection split and the VAE attention's 1x1-conv weights.
#include <ATen/core/Tensor.h>

#include <map>
#include <string>

namespace ds {

struct LdmConversion {
    std::map<std::string, at::Tensor> unet;          // diffusers UNet names
    std::map<std::string, at::Tensor> vae;           // diffusers VAE names
    std::map<std::string, at::Tensor> text_encoder;  // transformers CLIPTextModel names (text_model.*)
    bool open_clip = false;                          // SD 2.x: the text encoder came from OpenCLIP
    std::vector<std::string> ignored;                // keys of no network we load (EMA, alphas, ...)
};

// `layers_per_block` is the UNet's (2 for SD 1.x/2.x); `vae_levels` the VAE's number of resolutions.
LdmConversion convert_ldm_checkpoint(const std::map<std::string, at::Tensor>& tensors, int unet_layers_per_block,
                                     int vae_levels);

// The mapping of one key, for tests and `info` ("" when the key is not a network weight).
std::string ldm_unet_key_to_diffusers(const std::string& key, int layers_per_block);
std::string ldm_vae_key_to_diffusers(const std::string& key, int levels);

}  // namespace ds
