#include "flow/syntax_tokens.hpp"

namespace sy::flow {
namespace {

constexpr std::string_view kSeparators = ", \t\r\n";

bool is_one_of(char c, std::string_view set) {
    return set.find(c) != std::string_view::npos;
}

// Length of a value starting at `s` up to (not including) a delimiter; parentheses nest
// (ovs-ofctl's parse_value). Stops at the end of the text, balanced or not. A double-quoted
// port name is one piece, separators and all (ovs-ofctl prints names that need it quoted).
std::size_t value_length(std::string_view s, std::string_view delims) {
    std::size_t n = 0;
    while (n < s.size() && !is_one_of(s[n], delims)) {
        if (s[n] == '"') {
            ++n;
            while (n < s.size() && s[n] != '"') n += s[n] == '\\' ? 2 : 1;
            n = n < s.size() ? n + 1 : s.size();
        } else if (s[n] == '(') {
            int level = 0;
            do {
                if (n == s.size()) return n;
                if (s[n] == '(') ++level;
                if (s[n] == ')') --level;
                ++n;
            } while (level > 0);
        } else {
            ++n;
        }
    }
    return n;
}

}  // namespace

bool KeyValueReader::next(KeyValue& out) {
    while (pos_ < text_.size() && is_one_of(text_[pos_], kSeparators)) ++pos_;
    if (pos_ >= text_.size()) return false;

    const std::size_t start = pos_;
    std::size_t key_len = 0;
    while (start + key_len < text_.size() && !is_one_of(text_[start + key_len], ":=(, \t\r\n"))
        ++key_len;
    out.key = text_.substr(start, key_len);
    pos_ = start + key_len;
    out.delim = pos_ < text_.size() ? text_[pos_] : '\0';
    if (out.delim != ':' && out.delim != '=' && out.delim != '(') {
        out.delim = '\0';
        out.value = {};
        out.text = out.key;
        if (pos_ < text_.size()) ++pos_;  // the separator
        return true;
    }
    ++pos_;  // the delimiter

    const std::string_view rest = text_.substr(pos_);
    std::size_t len = value_length(rest, out.delim == '(' ? std::string_view(")") : kSeparators);
    // "(x)->y": a parenthesised source followed by an arrow continues up to a separator.
    if (out.delim == '(' && len + 2 < rest.size() && rest[len] == ')' && rest[len + 1] == '-' &&
        rest[len + 2] == '>') {
        len += value_length(rest.substr(len), kSeparators);
    }
    out.value = rest.substr(0, len);
    std::size_t end = pos_ + len;   // one past the value
    if (end < text_.size()) ++end;  // its closing delimiter (')' or a separator)
    const std::size_t text_end =
        out.delim == '(' && pos_ + len < text_.size() && text_[pos_ + len] == ')' ? pos_ + len + 1
                                                                                  : pos_ + len;
    out.text = text_.substr(start, text_end - start);
    pos_ = end;
    return true;
}

FlowTextParts split_actions(std::string_view text) {
    FlowTextParts parts;
    parts.match = text;
    KeyValueReader reader(text);
    KeyValue kv;
    while (reader.next(kv)) {
        if ((kv.key == "actions" || kv.key == "action") && kv.delim == '=') {
            const std::size_t key_at = static_cast<std::size_t>(kv.key.data() - text.data());
            const std::size_t value_at = key_at + kv.key.size() + 1;
            parts.match = text.substr(0, key_at);
            parts.actions = text.substr(value_at);
            parts.actions_token = text.substr(key_at);
            parts.found = true;
            return parts;
        }
    }
    return parts;
}

}  // namespace sy::flow
