// The socket end to end, in-process: real unix socket, real threads, fake switch.
#include "control/control_server.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
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

// A server with short limits on a socket of its own, for the lock-out tests.
class ControlLimitsTest : public ControlServerTest {
  protected:
    void start(ControlLimits limits) {
        limited_socket_ = (dir_ / "limited.sock").string();
        limited_ = std::make_unique<ControlServer>(registry_, limited_socket_, limits);
        ASSERT_TRUE(limited_->listen());
        limited_stop_ = eventfd(0, EFD_CLOEXEC);
        limited_thread_ = std::thread([this] { limited_->serve(limited_stop_); });
    }
    void TearDown() override {
        if (limited_) {
            std::uint64_t one = 1;
            EXPECT_EQ(write(limited_stop_, &one, sizeof one), 8);
            limited_thread_.join();
            limited_.reset();
            close(limited_stop_);
        }
        for (int fd : held_) close(fd);
        ControlServerTest::TearDown();
    }
    int connect_raw() {
        const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", limited_socket_.c_str());
        EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        held_.push_back(fd);
        return fd;
    }
    // Whether the server closed `fd` within `ms` (EOF, or an error line then EOF).
    static std::string read_until_closed(int fd, int ms) {
        std::string got;
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                until - std::chrono::steady_clock::now());
            pollfd p{fd, POLLIN, 0};
            if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0)
                return "still open";
            char buf[512];
            const ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0) return got.empty() ? "closed" : got;
            got.append(buf, static_cast<std::size_t>(n));
        }
    }
    // A full client call on the limited socket, timed.
    bool call_show(std::chrono::milliseconds* took = nullptr) {
        const auto t0 = std::chrono::steady_clock::now();
        auto client = ControlClient::connect(limited_socket_);
        if (!client) return false;
        auto r = client->call("show");
        if (took != nullptr)
            *took = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - t0);
        return static_cast<bool>(r);
    }

    std::string limited_socket_;
    std::unique_ptr<ControlServer> limited_;
    int limited_stop_ = -1;
    std::thread limited_thread_;
    std::vector<int> held_;
};

TEST_F(ControlLimitsTest, IdleConnectionsAtTheLimitDoNotLockANewClientOut) {
    start({std::chrono::milliseconds(5000), std::chrono::milliseconds(60000), 4});
    for (int i = 0; i < 4; ++i) connect_raw();  // idle, all the slots
    usleep(50000);
    std::chrono::milliseconds took{};
    EXPECT_TRUE(call_show(&took)) << "refused while every slot was idle";
    EXPECT_LT(took.count(), 2000);
    // ... again and again: each new client takes the slot of the oldest idle one.
    for (int i = 0; i < 8; ++i) EXPECT_TRUE(call_show()) << i;
}

TEST_F(ControlLimitsTest, SlowRequestsTimeOutAndDoNotLockANewClientOut) {
    start({std::chrono::milliseconds(300), std::chrono::milliseconds(60000), 4});
    std::vector<int> slow;
    for (int i = 0; i < 4; ++i) {
        slow.push_back(connect_raw());
        ASSERT_EQ(send(slow.back(), "{", 1, MSG_NOSIGNAL), 1);  // a request that never ends
    }
    EXPECT_TRUE(call_show()) << "refused while every slot held a slow request";
    // One byte at a time does not keep a request alive past its deadline.
    const int dribble = slow.back();
    for (int i = 0; i < 3; ++i) {
        send(dribble, " ", 1, MSG_NOSIGNAL);
        usleep(100000);
    }
    const std::string got = read_until_closed(dribble, 2000);
    EXPECT_NE(got.find("not complete within"), std::string::npos) << got;
}

TEST_F(ControlLimitsTest, IdleConnectionsAreClosedButCapturesStay) {
    start({std::chrono::milliseconds(300), std::chrono::milliseconds(300), 8});
    const int idle = connect_raw();
    EXPECT_EQ(read_until_closed(idle, 2000), "closed");

    const int capture = connect_raw();
    const std::string setup =
        R"({"jsonrpc":"2.0","id":1,"method":"bridge.add","params":{"bridge":"br0"}})"
        "\n"
        R"({"jsonrpc":"2.0","id":2,"method":"port.add","params":{"bridge":"br0","port":"veth1"}})"
        "\n"
        R"({"jsonrpc":"2.0","id":3,"method":"capture.start","params":{"bridge":"br0","port":"veth1","path":"/tmp/x.pcapng"}})"
        "\n";
    ASSERT_EQ(send(capture, setup.data(), setup.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(setup.size()));
    usleep(100000);
    char buf[4096];
    ASSERT_GT(recv(capture, buf, sizeof buf, 0), 0);
    EXPECT_EQ(read_until_closed(capture, 1000), "still open")
        << "a capture's connection was closed";
    EXPECT_EQ(sw_.captures.size(), 1u);
    // While the capture runs, every other slot can still be used and freed.
    EXPECT_TRUE(call_show());
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
