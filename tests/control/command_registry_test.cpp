#include "control/command_registry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sy::control {
namespace {

using nlohmann::json;

json dispatch(const CommandRegistry& registry, std::string_view line, Session& session) {
    auto response = dispatch_line(registry, line, session);
    EXPECT_TRUE(response) << line;
    return json::parse(response.value_or("{}"));
}

CommandRegistry make_registry() {
    CommandRegistry registry;
    registry.add("echo", "returns its params",
                 [](const json& p, Session&) -> Result<json> { return p; });
    registry.add("fail", "fails", [](const json&, Session&) -> Result<json> {
        return Status(Errc::not_found, "no bridge 'x'");
    });
    registry.add("throw", "throws",
                 [](const json&, Session&) -> Result<json> { throw std::runtime_error("boom"); });
    return registry;
}

TEST(CommandRegistry, RefusesDuplicates) {
    CommandRegistry registry = make_registry();
    EXPECT_EQ(registry.add("echo", "", {}).code(), Errc::already_exists);
    EXPECT_EQ(registry.methods(), (std::vector<std::string>{"echo", "fail", "throw"}));
}

TEST(Dispatch, ResultAndErrors) {
    auto registry = make_registry();
    Session session;
    auto ok =
        dispatch(registry, R"({"jsonrpc":"2.0","id":1,"method":"echo","params":{"a":1}})", session);
    EXPECT_EQ(ok["result"]["a"], 1);
    EXPECT_EQ(ok["id"], 1);
    EXPECT_EQ(ok["jsonrpc"], "2.0");
    auto fail = dispatch(registry, R"({"jsonrpc":"2.0","id":2,"method":"fail"})", session);
    EXPECT_EQ(fail["error"]["code"], -32001);
    EXPECT_EQ(fail["error"]["message"], "no bridge 'x'");
    auto unknown = dispatch(registry, R"({"jsonrpc":"2.0","id":3,"method":"nope"})", session);
    EXPECT_EQ(unknown["error"]["code"], -32601);
    EXPECT_NE(unknown["error"]["message"].get<std::string>().find("nope"), std::string::npos);
    auto thrown = dispatch(registry, R"({"jsonrpc":"2.0","id":4,"method":"throw"})", session);
    EXPECT_EQ(thrown["error"]["code"], -32603);
    auto garbage = dispatch(registry, "\x01\x02 not json", session);
    EXPECT_EQ(garbage["error"]["code"], -32700);
    EXPECT_TRUE(garbage["id"].is_null());
}

TEST(Dispatch, NotificationsGetNoResponse) {
    auto registry = make_registry();
    Session session;
    EXPECT_FALSE(dispatch_line(registry, R"({"jsonrpc":"2.0","method":"echo"})", session));
}

TEST(Session, CleanupsRunAtCloseUnlessCancelled) {
    std::vector<std::string> ran;
    {
        Session session;
        session.on_close("a", [&] { ran.push_back("a"); });
        session.on_close("b", [&] { ran.push_back("b"); });
        session.on_close("c", [&] { ran.push_back("c"); });
        session.cancel("b");
    }
    EXPECT_EQ(ran, (std::vector<std::string>{"c", "a"}));
}

}  // namespace
}  // namespace sy::control
