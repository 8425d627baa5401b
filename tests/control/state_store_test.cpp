#include "control/state_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace sy::control {
namespace {

namespace fs = std::filesystem;

class StateStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               fs::path("sy-state-" + std::to_string(::getpid()) + "-" +
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        path_ = (dir_ / "state.json").string();
    }
    void TearDown() override { fs::remove_all(dir_); }
    void write(const std::string& text) { std::ofstream(path_) << text; }
    std::string read() {
        std::ifstream in(path_);
        return std::string((std::istreambuf_iterator<char>(in)), {});
    }
    static Config sample() {
        Config c;
        datapath::PortConfig p;
        p.name = "veth1";
        p.access_vlan = 10;
        p.offload = datapath::OffloadMode::legacy;
        datapath::PortConfig t;
        t.name = "trunk0";
        t.trunk_vlans = {10, 20};
        t.corrupt_fraction = 0.25;
        t.unsafe_mark_verified = true;
        Attachment a{"web",          "/run/netns/web",    "eth0", "10.200.0.1/24",
                     "10.200.0.254", "02:00:00:00:00:01", 1400};
        c.bridges.push_back({"br0", {{p, a}, {t, std::nullopt}}, std::nullopt});
        c.bridges.push_back({"br1", {}, std::nullopt});
        return c;
    }
    fs::path dir_;
    std::string path_;
};

TEST_F(StateStoreTest, MissingFileIsEmptyConfig) {
    auto c = StateStore(path_).load();
    ASSERT_TRUE(c) << c.status().message();
    EXPECT_TRUE(c->bridges.empty());
}

TEST_F(StateStoreTest, RoundTripsEveryField) {
    StateStore store(path_);
    ASSERT_TRUE(store.save(sample()));
    auto c = store.load();
    ASSERT_TRUE(c) << c.status().message();
    EXPECT_EQ(to_json(*c), to_json(sample()));
    ASSERT_EQ(c->bridges.size(), 2u);
    const auto& port = c->bridges[0].ports[0];
    EXPECT_EQ(port.config.access_vlan, 10);
    EXPECT_EQ(port.config.offload, datapath::OffloadMode::legacy);
    ASSERT_TRUE(port.attachment);
    EXPECT_EQ(port.attachment->mtu, 1400u);
    EXPECT_EQ(c->bridges[0].ports[1].config.trunk_vlans, (std::vector<std::uint16_t>{10, 20}));
    EXPECT_TRUE(c->bridges[0].ports[1].config.unsafe_mark_verified);
}

TEST_F(StateStoreTest, SaveIsOwnerOnlyAndLeavesNoTemporary) {
    ASSERT_TRUE(StateStore(path_).save(sample()));
    struct stat st;
    ASSERT_EQ(stat(path_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_FALSE(fs::exists(path_ + ".tmp"));
}

TEST_F(StateStoreTest, SaveReplacesAtomicallyEvenOverAStaleTemporary) {
    StateStore store(path_);
    ASSERT_TRUE(store.save(sample()));
    std::ofstream(path_ + ".tmp") << "half-written garbage from a crash";
    Config empty;
    ASSERT_TRUE(store.save(empty));
    auto c = store.load();
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->bridges.empty());
}

TEST_F(StateStoreTest, FailedSaveKeepsTheOldFile) {
    StateStore store(path_);
    ASSERT_TRUE(store.save(sample()));
    const std::string before = read();
    // The temporary's name is taken by a directory: the write fails before any rename.
    fs::create_directories(path_ + ".tmp");
    auto s = store.save(Config{});
    EXPECT_FALSE(s);
    EXPECT_EQ(s.code(), Errc::io_error);
    EXPECT_EQ(read(), before);
}

TEST_F(StateStoreTest, CorruptJsonIsReportedAndKept) {
    write("{\"version\":1,\"bridges\":[{\"name\":\"br0\"");
    const std::string before = read();
    auto c = StateStore(path_).load();
    ASSERT_FALSE(c);
    EXPECT_EQ(c.status().code(), Errc::corrupt);
    EXPECT_NE(c.status().message().find(path_), std::string::npos);
    EXPECT_EQ(read(), before);
}

TEST_F(StateStoreTest, InvalidConfigNamesTheField) {
    write(R"({"version":1,"bridges":[{"name":"br0","ports":[{"name":"p","vlan":"ten"}]}]})");
    auto c = StateStore(path_).load();
    ASSERT_FALSE(c);
    EXPECT_EQ(c.status().code(), Errc::corrupt);
    EXPECT_NE(c.status().message().find("bridges[0].ports[0].vlan"), std::string::npos)
        << c.status().message();
}

TEST_F(StateStoreTest, RejectsOtherVersionsAndDuplicates) {
    write(R"({"version":2,"bridges":[]})");
    EXPECT_EQ(StateStore(path_).load().status().code(), Errc::corrupt);
    write(R"({"version":1,"bridges":[{"name":"a"},{"name":"a"}]})");
    EXPECT_EQ(StateStore(path_).load().status().code(), Errc::corrupt);
    write(
        R"({"version":1,"bridges":[{"name":"a","ports":[{"name":"p"}]},{"name":"b","ports":[{"name":"p"}]}]})");
    EXPECT_EQ(StateStore(path_).load().status().code(), Errc::corrupt);
    write(R"([1,2,3])");
    EXPECT_EQ(StateStore(path_).load().status().code(), Errc::corrupt);
}

TEST_F(StateStoreTest, MoveAsideKeepsTheBytes) {
    write("not json");
    StateStore store(path_);
    auto aside = store.move_aside();
    ASSERT_TRUE(aside) << aside.status().message();
    EXPECT_FALSE(fs::exists(path_));
    std::ifstream in(*aside);
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}), "not json");
}

}  // namespace
}  // namespace sy::control
