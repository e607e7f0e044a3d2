#pragma once
// Stable Diffusion 1.5's network sizes (runwayml/stable-diffusion-v1-5's unet/config.json and
// vae/config.json), for benchmarks that build its exact architecture with random weights.
#include "core/model/autoencoder_config.h"
#include "core/model/unet_config.h"

namespace ds::perf {

UNetConfig sd15_unet_config();
AutoencoderConfig sd15_vae_config();

}  // namespace ds::perf
