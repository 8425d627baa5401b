// The plugin socket as Docker uses it: HTTP POSTs over a unix socket, keep-alive, one answer
// per request; a stale socket file is replaced, a live one is not taken over.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "control/fake_host_links.hpp"
#include "control/fake_switch.hpp"
#include "control/log.hpp"
#include "engines/docker/docker_plugin.hpp"

namespace sy::engines::docker {
namespace {

int connect_to(const std::string& path) {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

// Sends one request and reads one response (headers and a Content-Length body).
std::string post(int fd, const std::string& target, const std::string& body) {
    const std::string request = "POST " + target +
                                " HTTP/1.1\r\nHost: plugin\r\nContent-Type: application/json\r\n"
                                "Content-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body;
    EXPECT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
    std::string response;
    char buffer[4096];
    for (;;) {
        const auto head_end = response.find("\r\n\r\n");
        if (head_end != std::string::npos) {
            const auto cl = response.find("Content-Length: ");
            const std::size_t length = std::stoul(response.substr(cl + 16));
            if (response.size() >= head_end + 4 + length) return response;
        }
        const ssize_t n = read(fd, buffer, sizeof buffer);
        if (n <= 0) return response;
        response.append(buffer, static_cast<std::size_t>(n));
    }
}

class DockerPluginTest : public ::testing::Test {
  protected:
    void SetUp() override {
        control::g_log_enabled = false;
        options.dir = dir.string();
        options.name = "sy-test";
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("sy-plugin-test-" + std::to_string(getpid()));
    control::testing::FakeSwitch sw;
    control::testing::FakeHost host;
    control::SwitchService service{sw, control::StateStore(""), host.links_api(),
                                   control::Config{}};
    PluginOptions options;
};

TEST_F(DockerPluginTest, AnswersPluginCallsOverItsSocket) {
    auto plugin = DockerPlugin::start(service, options);
    ASSERT_TRUE(plugin) << plugin.status().message();
    EXPECT_EQ((*plugin)->socket_path(), options.dir + "/sy-test.sock");
    const int fd = connect_to((*plugin)->socket_path());
    ASSERT_GE(fd, 0);
    auto r = post(fd, "/Plugin.Activate", "");
    EXPECT_NE(r.find("HTTP/1.1 200"), std::string::npos) << r;
    EXPECT_NE(r.find(R"({"Implements":["NetworkDriver"]})"), std::string::npos) << r;
    // Same connection (keep-alive), next call.
    r = post(fd, "/NetworkDriver.CreateNetwork",
             R"({"NetworkID":")" + std::string(64, 'a') + R"(","Options":{}})");
    EXPECT_NE(r.find("{}"), std::string::npos) << r;
    EXPECT_TRUE(sw.has_bridge("dk-aaaaaaaaaaaa"));
    r = post(fd, "/NetworkDriver.Unknown", "{}");
    EXPECT_NE(r.find("HTTP/1.1 404"), std::string::npos) << r;
    close(fd);

    // A second plugin on the same live socket is refused, naming it.
    auto second = DockerPlugin::start(service, options);
    ASSERT_FALSE(second);
    EXPECT_NE(second.status().message().find("sy-test.sock"), std::string::npos);
    plugin.value().reset();
    EXPECT_FALSE(std::filesystem::exists(options.dir + "/sy-test.sock"));
}

TEST_F(DockerPluginTest, AStaleSocketIsReplaced) {
    std::filesystem::create_directories(dir);
    {
        const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        const std::string path = options.dir + "/sy-test.sock";
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        close(fd);  // the file stays, nobody listens: a crashed daemon's leftover
    }
    auto plugin = DockerPlugin::start(service, options);
    ASSERT_TRUE(plugin) << plugin.status().message();
    const int fd = connect_to((*plugin)->socket_path());
    ASSERT_GE(fd, 0);
    EXPECT_NE(post(fd, "/NetworkDriver.GetCapabilities", "").find(R"("Scope":"local")"),
              std::string::npos);
    close(fd);
}

TEST(DockerPluginName, OnlyFileSafeNames) {
    EXPECT_TRUE(check_plugin_name("switchyard"));
    EXPECT_TRUE(check_plugin_name("sy-e2e_1.2"));
    for (const char* bad : {"", "../x", "Upper", "a/b", ".hidden"})
        EXPECT_FALSE(check_plugin_name(bad)) << bad;
}

}  // namespace
}  // namespace sy::engines::docker
