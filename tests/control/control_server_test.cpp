// The socket end to end, in-process: real unix socket, real threads, fake switch.
#include "control/control_server.hpp"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "control/commands.hpp"
#include "control/control_client.hpp"
#include "control/fake_host_links.hpp"
#include "control/fake_switch.hpp"
#include "control/json_rpc.hpp"

namespace sy::control {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ControlServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("sy-ctl-" + std::to_string(getpid()));
        fs::create_directories(dir_);
        socket_ = (dir_ / "switchyard.sock").string();
        host_.links = {"veth1", "veth2"};
        register_all_commands(registry_, service_);
        server_ = std::make_unique<ControlServer>(registry_, socket_);
        ASSERT_TRUE(server_->listen());
        stop_ = eventfd(0, EFD_CLOEXEC);
        thread_ = std::thread([this] { server_->serve(stop_); });
    }
    void TearDown() override {
        std::uint64_t one = 1;
        ASSERT_EQ(write(stop_, &one, sizeof one), 8);
        thread_.join();
        server_.reset();
        close(stop_);
        EXPECT_FALSE(fs::exists(socket_));
        fs::remove_all(dir_);
    }
    // Raw exchange: sends bytes, returns the first response line (empty on EOF).
    std::string raw(const std::string& bytes) {
        const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_.c_str());
        EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) break;  // the server may close early on oversized input
            sent += static_cast<std::size_t>(n);
        }
        shutdown(fd, SHUT_WR);
        std::string out;
        char c;
        while (read(fd, &c, 1) == 1 && c != '\n') out.push_back(c);
        close(fd);
        return out;
    }

    fs::path dir_;
    std::string socket_;
    testing::FakeSwitch sw_;
    testing::FakeHost host_;
    SwitchService service_{sw_, StateStore(""), host_.links_api(), Config{}};
    CommandRegistry registry_;
    std::unique_ptr<ControlServer> server_;
    int stop_ = -1;
    std::thread thread_;
};

TEST_F(ControlServerTest, SocketIsOwnerOnly) {
    struct stat st;
    ASSERT_EQ(stat(socket_.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ControlServerTest, SecondServerOnTheSameSocketIsRefused) {
    ControlServer other(registry_, socket_);
    EXPECT_EQ(other.listen().code(), Errc::already_exists);
}

TEST_F(ControlServerTest, ClientCallsCommands) {
    auto client = ControlClient::connect(socket_);
    ASSERT_TRUE(client) << client.status().message();
    ASSERT_TRUE(client->call("bridge.add", {{"bridge", "br0"}}));
    ASSERT_TRUE(client->call("port.add", {{"bridge", "br0"}, {"port", "veth1"}, {"vlan", 10}}));
    auto dup = client->call("bridge.add", {{"bridge", "br0"}});
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.status().code(), Errc::already_exists);
    auto bad = client->call("port.add", {{"bridge", "br0"}, {"port", "veth2"}, {"vlan", 5000}});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.status().message().find("'vlan'"), std::string::npos);
    auto shown = client->call("show");
    ASSERT_TRUE(shown);
    EXPECT_EQ((*shown)["bridges"][0]["ports"][0]["vlan"], 10);
    EXPECT_EQ(client->call("frobnicate").status().code(), Errc::not_found);
}

TEST_F(ControlServerTest, GarbageOversizedAndUnknownGetErrorsAndTheServerLives) {
    EXPECT_EQ(json::parse(raw("garbage\n"))["error"]["code"], rpc::kParseError);
    EXPECT_EQ(json::parse(raw(std::string("\x00\xff\x10\n", 4)))["error"]["code"],
              rpc::kParseError);
    EXPECT_EQ(json::parse(raw(std::string(200000, 'x')))["error"]["code"], rpc::kInvalidRequest);
    EXPECT_EQ(json::parse(raw(R"({"jsonrpc":"2.0","id":1,"method":"nope"})"
                              "\n"))["error"]["code"],
              rpc::kMethodNotFound);
    // Several requests on one connection, the last one without a newline.
    auto line = raw(R"({"jsonrpc":"2.0","id":5,"method":"show"})");
    EXPECT_EQ(json::parse(line)["id"], 5);
    auto client = ControlClient::connect(socket_);
    ASSERT_TRUE(client);
    EXPECT_TRUE(client->call("show"));
}

TEST_F(ControlServerTest, ConcurrentClients) {
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i) {
        clients.emplace_back([&, i] {
            auto client = ControlClient::connect(socket_);
            if (!client) return;
            const std::string name = "br" + std::to_string(i);
            if (client->call("bridge.add", {{"bridge", name}}) && client->call("show") &&
                client->call("bridge.del", {{"bridge", name}})) {
                ++ok;
            }
        });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(ok, 8);
}

TEST_F(ControlServerTest, CaptureStopsWhenItsClientDisconnects) {
    {
        auto client = ControlClient::connect(socket_);
        ASSERT_TRUE(client);
        ASSERT_TRUE(client->call("bridge.add", {{"bridge", "br0"}}));
        ASSERT_TRUE(client->call("port.add", {{"bridge", "br0"}, {"port", "veth1"}}));
        EXPECT_FALSE(client->call("capture.start",
                                  {{"bridge", "br0"}, {"port", "veth1"}, {"path", "rel.pcapng"}}));
        ASSERT_TRUE(client->call(
            "capture.start", {{"bridge", "br0"}, {"port", "veth1"}, {"path", "/tmp/x.pcapng"}}));
        EXPECT_EQ(sw_.captures.size(), 1u);
    }
    for (int i = 0; i < 200 && !sw_.captures.empty(); ++i) usleep(5000);
    EXPECT_TRUE(sw_.captures.empty());
}

TEST(ControlClient, NoDaemonSaysSoInOneLine) {
    auto client = ControlClient::connect("/nonexistent-dir/switchyard.sock");
    ASSERT_FALSE(client);
    EXPECT_EQ(client.status().code(), Errc::not_found);
    EXPECT_NE(client.status().message().find("no switchyard daemon is running"), std::string::npos);
    EXPECT_EQ(client.status().message().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace sy::control
