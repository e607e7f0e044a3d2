#include <stdexcept>
#include <utility>

#include "core/samplers/sampler.h"
#include "core/samplers/sampler_factories.h"

namespace ds {
namespace {

using Factory = std::unique_ptr<Sampler> (*)(const SamplerConfig&);

const std::vector<std::pair<std::string, Factory>>& registry() {
    static const std::vector<std::pair<std::string, Factory>> entries = {
        {"ddpm", make_ddpm_sampler},       {"ddim", make_ddim_sampler},   {"pndm", make_pndm_sampler},
        {"euler", make_euler_sampler},     {"euler-a", make_euler_ancestral_sampler},
        {"heun", make_heun_sampler},       {"lms", make_lms_sampler},     {"dpmpp-2m", make_dpmpp_2m_sampler},
    };
    return entries;
}

}  // namespace

std::vector<std::string> sampler_names() {
    std::vector<std::string> names;
    for (const auto& [name, factory] : registry()) names.push_back(name);
    return names;
}

std::unique_ptr<Sampler> make_sampler(const std::string& name, const SamplerConfig& config) {
    for (const auto& [known, factory] : registry()) {
        if (known == name) return factory(config);
    }
    std::string list;
    for (const auto& known : sampler_names()) list += (list.empty() ? "" : ", ") + known;
    throw std::invalid_argument("unknown sampler '" + name + "' (known: " + list + ")");
}

}  // namespace ds
