#include "control/json_rpc.hpp"

#include <gtest/gtest.h>

namespace sy::control::rpc {
namespace {

int error_code_of(std::string_view line) {
    auto parsed = parse_request(line);
    EXPECT_FALSE(parsed.request) << line;
    return parsed.error_response["error"]["code"].get<int>();
}

TEST(ParseRequest, WellFormed) {
    auto parsed = parse_request(
        R"({"jsonrpc":"2.0","id":7,"method":"bridge.add","params":{"bridge":"br0"}})");
    ASSERT_TRUE(parsed.request);
    EXPECT_EQ(parsed.request->id, 7);
    EXPECT_EQ(parsed.request->method, "bridge.add");
    EXPECT_EQ(parsed.request->params["bridge"], "br0");
    EXPECT_FALSE(parsed.request->is_notification);
}

TEST(ParseRequest, ParamsDefaultToEmptyObjectAndStringIdsWork) {
    auto parsed = parse_request(R"({"jsonrpc":"2.0","id":"a","method":"show"})");
    ASSERT_TRUE(parsed.request);
    EXPECT_TRUE(parsed.request->params.is_object());
    EXPECT_EQ(parsed.request->id, "a");
}

TEST(ParseRequest, NotificationHasNoId) {
    auto parsed = parse_request(R"({"jsonrpc":"2.0","method":"show"})");
    ASSERT_TRUE(parsed.request);
    EXPECT_TRUE(parsed.request->is_notification);
}

TEST(ParseRequest, Garbage) {
    EXPECT_EQ(error_code_of("hello"), kParseError);
    EXPECT_EQ(error_code_of("{\"jsonrpc\":\"2.0\""), kParseError);
    EXPECT_EQ(error_code_of("\xff\xfe"), kParseError);
    EXPECT_EQ(error_code_of(""), kParseError);
}

TEST(ParseRequest, InvalidRequests) {
    EXPECT_EQ(error_code_of("42"), kInvalidRequest);
    EXPECT_EQ(error_code_of("[]"), kInvalidRequest);
    EXPECT_EQ(error_code_of(R"({"id":1,"method":"show"})"), kInvalidRequest);
    EXPECT_EQ(error_code_of(R"({"jsonrpc":"1.0","id":1,"method":"show"})"), kInvalidRequest);
    EXPECT_EQ(error_code_of(R"({"jsonrpc":"2.0","id":1})"), kInvalidRequest);
    EXPECT_EQ(error_code_of(R"({"jsonrpc":"2.0","id":1,"method":""})"), kInvalidRequest);
    EXPECT_EQ(error_code_of(R"({"jsonrpc":"2.0","id":1,"method":5})"), kInvalidRequest);
    EXPECT_EQ(error_code_of(R"({"jsonrpc":"2.0","id":{},"method":"show"})"), kInvalidRequest);
    EXPECT_EQ(error_code_of(R"({"jsonrpc":"2.0","id":1.5,"method":"show"})"), kInvalidRequest);
}

TEST(ParseRequest, ErrorKeepsTheIdWhenKnown) {
    auto parsed = parse_request(R"({"jsonrpc":"1.0","id":9,"method":"show"})");
    EXPECT_EQ(parsed.error_response["id"], 9);
}

TEST(ParseRequest, BadParams) {
    EXPECT_EQ(error_code_of(R"({"jsonrpc":"2.0","id":1,"method":"show","params":[1]})"),
              kInvalidParams);
    EXPECT_EQ(error_code_of(R"({"jsonrpc":"2.0","id":1,"method":"show","params":"x"})"),
              kInvalidParams);
}

TEST(ParseRequest, OversizedIsRefused) {
    std::string line = R"({"jsonrpc":"2.0","id":1,"method":"show","params":{"x":")";
    line.append(kMaxRequestBytes, 'a');
    line += "\"}}";
    EXPECT_EQ(error_code_of(line), kInvalidRequest);
}

TEST(ParseRequest, DeepNestingDoesNotCrash) {
    std::string line(20000, '[');
    EXPECT_EQ(error_code_of(line), kParseError);
    std::string deep = R"({"jsonrpc":"2.0","id":1,"method":"show","params":{"x":)" +
                       std::string(10000, '[') + std::string(10000, ']') + "}}";
    EXPECT_TRUE(parse_request(deep).request);
}

TEST(ErrorCodes, RoundTripThroughErrc) {
    for (Errc e : {Errc::invalid_argument, Errc::not_found, Errc::already_exists, Errc::unsupported,
                   Errc::io_error, Errc::corrupt}) {
        EXPECT_EQ(errc_for(error_code_for(e)), e);
    }
}

}  // namespace
}  // namespace sy::control::rpc
