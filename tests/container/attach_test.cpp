// Attach's checks that need no namespace; the full attach runs in the e2e tests.
#include "container/attach.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "container/netns_target.hpp"

namespace sy::container {
namespace {

TEST(DeriveHostIfname, DeterministicShortAndDistinct) {
    const auto a = derive_host_ifname("br0", "web", "eth0");
    EXPECT_EQ(a, derive_host_ifname("br0", "web", "eth0"));
    EXPECT_LE(a.size(), 15u);
    EXPECT_TRUE(check_ifname(a));
    EXPECT_EQ(a.rfind("sy", 0), 0u);
    EXPECT_NE(a, derive_host_ifname("br0", "web", "eth1"));
    EXPECT_NE(a, derive_host_ifname("br1", "web", "eth0"));
    EXPECT_NE(a, derive_host_ifname("br0", "db", "eth0"));
    // The separator keeps ("ab","c") and ("a","bc") apart.
    EXPECT_NE(derive_host_ifname("ab", "c", "eth0"), derive_host_ifname("a", "bc", "eth0"));
}

TEST(ResolveNetns, MissingNamedNamespaceIsNotFound) {
    auto r = resolve_netns("sy-no-such-ns", "/nonexistent-netns-dir");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.status().code(), Errc::not_found);
    EXPECT_NE(r.status().message().find("sy-no-such-ns"), std::string::npos);
}

TEST(ResolveNetns, PathAndPid) {
    auto self = resolve_netns("/proc/self/ns/net");
    ASSERT_TRUE(self) << self.status().message();
    EXPECT_EQ(self->path, "/proc/self/ns/net");
    const std::string me = std::to_string(getpid());
    auto by_pid = resolve_netns(me);
    ASSERT_TRUE(by_pid) << by_pid.status().message();
    EXPECT_EQ(by_pid->path, "/proc/" + me + "/ns/net");
    auto gone = resolve_netns("999999999");
    EXPECT_FALSE(gone);
    EXPECT_EQ(gone.status().code(), Errc::not_found);
    EXPECT_FALSE(resolve_netns("/no/such/path"));
    EXPECT_FALSE(resolve_netns(""));
}

TEST(Attach, RejectsBadRequestsBeforeTouchingAnything) {
    AttachRequest r;
    r.container = "sy-no-such-ns";
    r.host_ifname = "syTESTxx";
    r.address = *parse_cidr("10.200.9.1/24");
    r.netns_dir = "/nonexistent-netns-dir";
    auto missing = attach(r);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.status().code(), Errc::not_found);

    r.gateway = *parse_ip("fd00::1");
    EXPECT_EQ(attach(r).status().code(), Errc::invalid_argument);
    r.gateway.reset();
    r.mtu = 20;
    EXPECT_EQ(attach(r).status().code(), Errc::invalid_argument);
    r.mtu.reset();
    r.ifname = "much-too-long-name";
    EXPECT_EQ(attach(r).status().code(), Errc::invalid_argument);
    EXPECT_FALSE(host_link_exists("syTESTxx"));
}

}  // namespace
}  // namespace sy::container

namespace sy::container {
namespace {

// A stand-in `docker` on PATH: resolution by Docker name without a Docker daemon.
class FakeDocker : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = "/tmp/sy-fake-docker-" + std::to_string(getpid());
        std::filesystem::create_directories(dir_);
        old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "";
        setenv("PATH", (dir_ + ":" + old_path_).c_str(), 1);
    }
    void TearDown() override {
        setenv("PATH", old_path_.c_str(), 1);
        std::filesystem::remove_all(dir_);
    }
    void script(const std::string& body) {
        const std::string path = dir_ + "/docker";
        std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
        chmod(path.c_str(), 0755);
    }
    std::string dir_, old_path_;
};

TEST_F(FakeDocker, ResolvesARunningContainerToItsPidNamespace) {
    script("[ \"$1 $2 $3 $4 $5\" = 'inspect -f {{.State.Pid}} -- web' ] && echo " +
           std::to_string(getpid()) + " || exit 3");
    auto r = resolve_netns("web", "/nonexistent-netns-dir");
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_EQ(r->path, "/proc/" + std::to_string(getpid()) + "/ns/net");
}

TEST_F(FakeDocker, ReportsWhatDockerSaid) {
    script("echo 'Error: No such object: web' >&2; exit 1");
    auto r = resolve_netns("web", "/nonexistent-netns-dir");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.status().code(), Errc::not_found);
    EXPECT_NE(r.status().message().find("No such object"), std::string::npos)
        << r.status().message();
}

TEST_F(FakeDocker, StoppedContainerHasPidZero) {
    script("echo 0");
    auto r = resolve_netns("web", "/nonexistent-netns-dir");
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("is it running"), std::string::npos);
}

}  // namespace
}  // namespace sy::container
