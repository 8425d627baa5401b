#pragma once
// The key/value tokens of the ovs-ofctl flow syntax, split exactly as ovs-ofctl splits them
// (ofputil_parse_key_value): pairs are separated by commas or white space; a key ends at ':',
// '=' or '('; after ':' or '=' the value runs to the next comma or white space, after '(' to
// the matching ')'; parentheses nest inside values ("write_actions(output:1,output:2)").
// A key with none of those delimiters has an empty value ("tcp", "NORMAL").

#include <string_view>

namespace sy::flow {

struct KeyValue {
    std::string_view key;
    std::string_view value;
    char delim = '\0';      // ':', '=', '(' or '\0' (bare key)
    std::string_view text;  // the whole token as written, for error messages
};

class KeyValueReader {
  public:
    explicit KeyValueReader(std::string_view text) : text_(text) {}
    // The next pair; false at the end (nothing but separators left).
    bool next(KeyValue& out);
    // What has not been read yet.
    std::string_view rest() const { return text_.substr(pos_); }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

// Splits "match actions=..." at the actions keyword the way ovs-ofctl does: the first token
// whose key is "actions" (or "action") followed by '='; everything after it is the action
// text. found == false when there is no such token (the whole text is the match part).
struct FlowTextParts {
    std::string_view match;
    std::string_view actions;
    std::string_view actions_token;  // "actions=..." as written, for error messages
    bool found = false;
};
FlowTextParts split_actions(std::string_view text);

}  // namespace sy::flow
