#include <gtest/gtest.h>

#include "engines/cni/plugin.hpp"

namespace sy::engines::cni {
namespace {

using nlohmann::json;

// The daemon and the IPAM plugin as the CNI plugin sees them, recording every call.
struct World {
    bool daemon_up = true;
    std::vector<std::pair<std::string, json>> calls;  // daemon method, params
    std::vector<std::string> ipam_calls;
    json ipam_add = {{"cniVersion", "1.0.0"},
                     {"ips", {{{"address", "10.88.0.5/16"}, {"gateway", "10.88.0.1"}}}},
                     {"routes", {{{"dst", "0.0.0.0/0"}}}},
                     {"dns", {{"nameservers", {"10.88.0.1"}}}}};
    std::optional<CniError> ipam_fails;
    std::optional<Status> attach_fails;
    Status detach_result = Status::ok();
    json show = {{"bridges", json::array()}};

    PluginIo io() {
        PluginIo io;
        io.connect = [this](const std::string&) -> Result<DaemonCall> {
            if (!daemon_up) return Status(Errc::not_found, "no switchyard daemon is running");
            return DaemonCall(
                [this](const std::string& method, const json& params) -> Result<json> {
                    calls.emplace_back(method, params);
                    if (method == "container.attach") {
                        if (attach_fails) return *attach_fails;
                        return json{{"port", "sy0123456789"}};
                    }
                    if (method == "container.detach") {
                        if (!detach_result) return detach_result;
                        return json{{"port", "sy0123456789"}};
                    }
                    if (method == "show") return show;
                    return json::object();
                });
        };
        io.ipam = [this](const Environment&, const NetworkConfig&) -> IpamRunner {
            return [this](const std::string& command) -> Outcome<json> {
                ipam_calls.push_back(command);
                if (ipam_fails) return *ipam_fails;
                return command == "ADD" ? ipam_add : json();
            };
        };
        io.host_mac = [](const std::string&) { return std::string("aa:bb:cc:dd:ee:ff"); };
        io.link_in_netns = [](const std::string&, const std::string&) { return true; };
        return io;
    }
};

std::map<std::string, std::string> env(const std::string& command) {
    return {{"CNI_COMMAND", command},
            {"CNI_CONTAINERID", "ctr1"},
            {"CNI_NETNS", "/run/netns/x"},
            {"CNI_IFNAME", "eth0"},
            {"CNI_PATH", "/opt/cni/bin"}};
}

std::string config(const std::string& version = "1.0.0", json extra = json::object()) {
    json c{{"cniVersion", version},
           {"name", "synet"},
           {"type", "switchyard"},
           {"bridge", "br0"},
           {"ipam", {{"type", "host-local"}}}};
    c.update(extra);
    return c.dump();
}

TEST(CniPlugin, VersionListsWhatWeSpeak) {
    World w;
    auto out = run_plugin({{"CNI_COMMAND", "VERSION"}}, R"({"cniVersion":"0.4.0"})", w.io(), "");
    EXPECT_EQ(out.exit_code, 0);
    auto j = json::parse(out.stdout_text);
    EXPECT_EQ(j["cniVersion"], "0.4.0");
    EXPECT_NE(std::find(j["supportedVersions"].begin(), j["supportedVersions"].end(), "1.0.0"),
              j["supportedVersions"].end());
}

TEST(CniPlugin, AddAttachesWithIpamAddressesAndAnswersASpecResult) {
    World w;
    auto out = run_plugin(env("ADD"), config(), w.io(), "/run/switchyard/switchyard.sock");
    ASSERT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(w.ipam_calls, std::vector<std::string>{"ADD"});
    ASSERT_EQ(w.calls.size(), 2u);
    EXPECT_EQ(w.calls[0].first, "bridge.add");
    const json& attach = w.calls[1].second;
    EXPECT_EQ(w.calls[1].first, "container.attach");
    EXPECT_EQ(attach["bridge"], "br0");
    EXPECT_EQ(attach["container"], "ctr1");
    EXPECT_EQ(attach["netns"], "/run/netns/x");
    EXPECT_EQ(attach["ifname"], "eth0");
    EXPECT_EQ(attach["ip"], "10.88.0.5/16");
    EXPECT_EQ(attach["mac"], "02:53:0a:58:00:05");
    EXPECT_EQ(attach["offload"], "vnet");
    EXPECT_EQ(attach["routes"], (json{{{"destination", "0.0.0.0/0"}, {"gateway", "10.88.0.1"}}}));
    EXPECT_EQ(attach["external_ids"]["cni.container"], "ctr1");
    EXPECT_EQ(attach["external_ids"]["cni.network"], "synet");

    auto r = json::parse(out.stdout_text);
    EXPECT_EQ(r["cniVersion"], "1.0.0");
    EXPECT_EQ(r["interfaces"][0], (json{{"name", "sy0123456789"}, {"mac", "aa:bb:cc:dd:ee:ff"}}));
    EXPECT_EQ(r["interfaces"][1],
              (json{{"name", "eth0"}, {"mac", "02:53:0a:58:00:05"}, {"sandbox", "/run/netns/x"}}));
    EXPECT_EQ(r["ips"][0],
              (json{{"address", "10.88.0.5/16"}, {"gateway", "10.88.0.1"}, {"interface", 1}}));
    EXPECT_EQ(r["routes"][0], (json{{"dst", "0.0.0.0/0"}}));
    EXPECT_EQ(r["dns"]["nameservers"][0], "10.88.0.1");
}

TEST(CniPlugin, OlderResultsCarryTheIpVersionAndARuntimeMacWins) {
    World w;
    auto out =
        run_plugin(env("ADD"), config("0.4.0", {{"runtimeConfig", {{"mac", "02:aa:bb:cc:dd:ee"}}}}),
                   w.io(), "");
    ASSERT_EQ(out.exit_code, 0) << out.stdout_text;
    auto r = json::parse(out.stdout_text);
    EXPECT_EQ(r["ips"][0]["version"], "4");
    EXPECT_EQ(r["interfaces"][1]["mac"], "02:aa:bb:cc:dd:ee");
}

TEST(CniPlugin, AFailedAttachGivesTheAddressBack) {
    World w;
    w.attach_fails = Status(Errc::already_exists, "port 'sy01' is already on bridge 'br0'");
    auto out = run_plugin(env("ADD"), config(), w.io(), "");
    EXPECT_NE(out.exit_code, 0);
    EXPECT_EQ(w.ipam_calls, (std::vector<std::string>{"ADD", "DEL"}));
    auto e = json::parse(out.stdout_text);
    EXPECT_EQ(e["cniVersion"], "1.0.0");
    EXPECT_EQ(e["code"], 5);
    EXPECT_NE(e["msg"].get<std::string>().find("already on bridge"), std::string::npos);
}

TEST(CniPlugin, IpamErrorsPassThrough) {
    World w;
    w.ipam_fails = CniError{ErrorCode::io_failure, "no IP addresses available in range set", ""};
    auto out = run_plugin(env("ADD"), config(), w.io(), "");
    EXPECT_NE(out.exit_code, 0);
    EXPECT_NE(json::parse(out.stdout_text)["msg"].get<std::string>().find("no IP addresses"),
              std::string::npos);
    EXPECT_EQ(w.calls.size(), 1u);  // the bridge was ensured; nothing attached
}

TEST(CniPlugin, DelIsIdempotentAndAlwaysReleasesTheAddress) {
    World w;
    w.detach_result = Status(Errc::not_found, "container 'ctr1' (eth0) is not attached");
    auto vars = env("DEL");
    vars.erase("CNI_NETNS");  // the namespace may be gone already
    auto out = run_plugin(vars, config(), w.io(), "");
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out.stdout_text, "");
    EXPECT_EQ(w.ipam_calls, std::vector<std::string>{"DEL"});

    World down;
    down.daemon_up = false;
    out = run_plugin(vars, config(), down.io(), "/x.sock");
    EXPECT_NE(out.exit_code, 0);
    EXPECT_EQ(json::parse(out.stdout_text)["code"], 11);  // try again later
    EXPECT_EQ(down.ipam_calls, std::vector<std::string>{"DEL"});
}

TEST(CniPlugin, BadInvocationsGetSpecCodes) {
    World w;
    auto vars = env("ADD");
    vars.erase("CNI_IFNAME");
    EXPECT_EQ(json::parse(run_plugin(vars, config(), w.io(), "").stdout_text)["code"], 4);
    EXPECT_EQ(json::parse(run_plugin(env("FROB"), config(), w.io(), "").stdout_text)["code"], 4);
    EXPECT_EQ(json::parse(run_plugin(env("ADD"), config("9.9.9"), w.io(), "").stdout_text)["code"],
              1);
    EXPECT_EQ(json::parse(run_plugin(env("ADD"), "{nope", w.io(), "").stdout_text)["code"], 6);
    json no_ipam = json::parse(config());
    no_ipam.erase("ipam");
    EXPECT_EQ(json::parse(run_plugin(env("ADD"), no_ipam.dump(), w.io(), "").stdout_text)["code"],
              7);
    EXPECT_EQ(json::parse(run_plugin(env("ADD"), config("1.0.0", {{"bridge", "x/y"}}), w.io(), "")
                              .stdout_text)["code"],
              7);
    EXPECT_EQ(
        json::parse(run_plugin(env("CHECK"), config("0.3.1"), w.io(), "").stdout_text)["code"], 1);
    EXPECT_EQ(
        json::parse(run_plugin(env("STATUS"), config("1.0.0"), w.io(), "").stdout_text)["code"], 1);
    EXPECT_TRUE(w.calls.empty());
    EXPECT_TRUE(w.ipam_calls.empty());
}

TEST(CniPlugin, CheckFindsTheAttachment) {
    World w;
    json prev{{"cniVersion", "1.0.0"}, {"ips", {{{"address", "10.88.0.5/16"}}}}};
    w.show = {{"bridges",
               {{{"name", "br0"},
                 {"ports",
                  {{{"name", "sy0123456789"},
                    {"status", "up"},
                    {"attachment", {{"netns", "/run/netns/x"}, {"address", "10.88.0.5/16"}}},
                    {"external_ids", {{"cni.container", "ctr1"}, {"cni.ifname", "eth0"}}}}}}}}}};
    auto out = run_plugin(env("CHECK"), config("1.0.0", {{"prevResult", prev}}), w.io(), "");
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(w.ipam_calls, std::vector<std::string>{"CHECK"});

    w.show["bridges"][0]["ports"][0]["status"] = "down";
    out = run_plugin(env("CHECK"), config("1.0.0", {{"prevResult", prev}}), w.io(), "");
    EXPECT_NE(out.exit_code, 0);
    EXPECT_NE(out.stdout_text.find("is down"), std::string::npos) << out.stdout_text;

    auto other = env("CHECK");
    other["CNI_CONTAINERID"] = "ctr2";
    out = run_plugin(other, config("1.0.0", {{"prevResult", prev}}), w.io(), "");
    EXPECT_EQ(json::parse(out.stdout_text)["code"], 3);
}

TEST(CniPlugin, StatusAndGcOn110) {
    World w;
    auto vars = env("STATUS");
    EXPECT_EQ(run_plugin(vars, config("1.1.0"), w.io(), "").exit_code, 0);
    World down;
    down.daemon_up = false;
    EXPECT_EQ(json::parse(run_plugin(vars, config("1.1.0"), down.io(), "").stdout_text)["code"],
              50);

    w.show = {
        {"bridges",
         {{{"name", "br0"},
           {"ports",
            {{{"name", "syaaaa"},
              {"external_ids",
               {{"cni.network", "synet"}, {"cni.container", "live"}, {"cni.ifname", "eth0"}}}},
             {{"name", "sybbbb"},
              {"external_ids",
               {{"cni.network", "synet"}, {"cni.container", "dead"}, {"cni.ifname", "eth0"}}}},
             {{"name", "sycccc"},
              {"external_ids", {{"cni.network", "other"}, {"cni.container", "x"}}}}}}}}}};
    w.calls.clear();
    auto out = run_plugin(env("GC"),
                          config("1.1.0", {{"cni.dev/valid-attachments",
                                            {{{"containerID", "live"}, {"ifname", "eth0"}}}}}),
                          w.io(), "");
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    std::vector<std::string> detached;
    for (const auto& [method, params] : w.calls)
        if (method == "container.detach") detached.push_back(params["container"]);
    EXPECT_EQ(detached, std::vector<std::string>{"dead"});
}

}  // namespace
}  // namespace sy::engines::cni
