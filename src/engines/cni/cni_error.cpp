#include "engines/cni/cni_error.hpp"

namespace sy::engines::cni {

nlohmann::json to_json(const CniError& error, const std::string& cni_version) {
    nlohmann::json j{
        {"cniVersion", cni_version}, {"code", static_cast<int>(error.code)}, {"msg", error.msg}};
    if (!error.details.empty()) j["details"] = error.details;
    return j;
}

}  // namespace sy::engines::cni
