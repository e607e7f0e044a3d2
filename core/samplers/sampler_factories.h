#pragma once
// One factory per sampler file; the registry in sampler_registry.cpp maps names to them.
#include <memory>

#include "core/samplers/sampler.h"

namespace ds {

std::unique_ptr<Sampler> make_ddpm_sampler(const SamplerConfig& config);
std::unique_ptr<Sampler> make_ddim_sampler(const SamplerConfig& config);
std::unique_ptr<Sampler> make_pndm_sampler(const SamplerConfig& config);
std::unique_ptr<Sampler> make_euler_sampler(const SamplerConfig& config);
std::unique_ptr<Sampler> make_euler_ancestral_sampler(const SamplerConfig& config);
std::unique_ptr<Sampler> make_heun_sampler(const SamplerConfig& config);
std::unique_ptr<Sampler> make_lms_sampler(const SamplerConfig& config);
std::unique_ptr<Sampler> make_dpmpp_2m_sampler(const SamplerConfig& config);

}  // namespace ds
