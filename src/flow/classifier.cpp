#include "flow/classifier.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "flow/word_hash.hpp"

namespace sy::flow {

// The rules that share one mask. Only the key words the mask touches are stored, hashed and
// compared (most masks touch two to five of the key's 23 words), in flat arrays so that a
// probe reads one slot, one hash and a few words.
struct Classifier::Subtable {
    FlowMask mask;
    std::uint8_t n_words = 0;
    std::array<std::uint8_t, FlowKey::kWords> words{};        // which key words the mask has
    std::array<std::uint64_t, FlowKey::kWords> mask_words{};  // and their mask bits
    // Node i (one per distinct masked key): keys[i * n_words ...], hashes[i], rules[i]
    // (highest priority first; one rule per priority, since equal match and priority is one
    // flow).
    std::vector<std::uint64_t> keys;
    std::vector<std::uint64_t> hashes;
    std::vector<std::vector<FlowRule*>> rules;
    std::vector<std::uint32_t> slots = std::vector<std::uint32_t>(8, 0);  // node + 1; 0: empty
    std::map<std::uint16_t, std::uint32_t> priorities;  // how many rules of each priority
    std::uint16_t max_priority = 0;
    std::size_t n_rules = 0;
    std::uint64_t id = 0;  // creation order, for a stable subtable order among equals

    explicit Subtable(const FlowMask& m) : mask(m) {
        for (std::size_t w = 0; w < FlowKey::kWords; ++w) {
            if (m.words()[w] == 0) continue;
            words[n_words] = static_cast<std::uint8_t>(w);
            mask_words[n_words] = m.words()[w];
            ++n_words;
        }
    }

    std::size_t node_count() const { return hashes.size(); }
    void extract(const FlowKey& key, std::uint64_t* out) const {
        for (std::size_t i = 0; i < n_words; ++i) out[i] = key.words()[words[i]] & mask_words[i];
    }
    static std::uint64_t hash(const std::uint64_t* vals, std::size_t n) {
        return hash_words(vals, n, 0x2545f4914f6cdd1dull);
    }
    std::size_t home(std::uint64_t h) const { return h & (slots.size() - 1); }
    bool same(std::size_t node, const std::uint64_t* vals) const {
        const std::uint64_t* k = keys.data() + node * n_words;  // no words: no data
        std::uint64_t diff = 0;
        for (std::size_t i = 0; i < n_words; ++i) diff |= k[i] ^ vals[i];
        return diff == 0;
    }
    // The node holding `vals`, or -1.
    long find(const std::uint64_t* vals, std::uint64_t h) const {
        const std::size_t wrap = slots.size() - 1;
        for (std::size_t i = home(h);; i = (i + 1) & wrap) {
            const std::uint32_t s = slots[i];
            if (s == 0) return -1;
            if (hashes[s - 1] == h && same(s - 1, vals)) return static_cast<long>(s - 1);
        }
    }
    std::size_t slot_of(std::size_t node) const {
        const std::size_t wrap = slots.size() - 1;
        for (std::size_t i = home(hashes[node]);; i = (i + 1) & wrap) {
            if (slots[i] == node + 1) return i;
        }
    }
    void place(std::size_t node) {
        const std::size_t wrap = slots.size() - 1;
        std::size_t i = home(hashes[node]);
        while (slots[i] != 0) i = (i + 1) & wrap;
        slots[i] = static_cast<std::uint32_t>(node + 1);
    }
    std::size_t add_node(const std::uint64_t* vals, std::uint64_t h) {
        if ((node_count() + 1) * 2 > slots.size()) {  // keep the load at most 1/2
            slots.assign(slots.size() * 2, 0);
            for (std::size_t n = 0; n < node_count(); ++n) place(n);
        }
        keys.insert(keys.end(), vals, vals + n_words);
        hashes.push_back(h);
        rules.emplace_back();
        place(node_count() - 1);
        return node_count() - 1;
    }
    // Linear probing with backward-shift deletion (no tombstones), then the last node moves
    // into the freed index so the arrays stay dense.
    void remove_node(std::size_t node) {
        const std::size_t wrap = slots.size() - 1;
        std::size_t hole = slot_of(node);
        for (std::size_t j = (hole + 1) & wrap; slots[j] != 0; j = (j + 1) & wrap) {
            const std::size_t k = home(hashes[slots[j] - 1]);
            // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
            const bool stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
            if (!stays) {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = 0;
        const std::size_t last = node_count() - 1;
        if (node != last) {
            std::copy_n(keys.data() + last * n_words, n_words, keys.data() + node * n_words);
            hashes[node] = hashes[last];
            rules[node] = std::move(rules[last]);
            slots[slot_of(last)] = static_cast<std::uint32_t>(node + 1);
        }
        keys.resize(last * n_words);
        hashes.pop_back();
        rules.pop_back();
    }
};

namespace {

std::uint64_t mask_hash(const FlowMask& m) {
    return hash_words(m.words(), FlowKey::kWords, 7);
}

bool overlap(const Match& a, const Match& b) {
    std::uint64_t diff = 0;
    for (std::size_t i = 0; i < FlowKey::kWords; ++i)
        diff |= (a.key.words()[i] ^ b.key.words()[i]) & a.mask.words()[i] & b.mask.words()[i];
    return diff == 0;
}

}  // namespace

Classifier::Classifier() = default;
Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;

Classifier::Subtable* Classifier::find_subtable(const FlowMask& mask) const {
    auto [lo, hi] = by_mask_.equal_range(mask_hash(mask));
    for (auto it = lo; it != hi; ++it) {
        if (it->second->mask == mask) return it->second;
    }
    return nullptr;
}

void Classifier::reorder() {
    order_.clear();
    for (const auto& st : subtables_) order_.push_back(st.get());
    std::sort(order_.begin(), order_.end(), [](const Subtable* a, const Subtable* b) {
        return a->max_priority != b->max_priority ? a->max_priority > b->max_priority
                                                  : a->id < b->id;
    });
}

bool Classifier::insert(FlowRule* rule) {
    Subtable* st = find_subtable(rule->match.mask);
    if (st == nullptr) {
        subtables_.push_back(std::make_unique<Subtable>(rule->match.mask));
        st = subtables_.back().get();
        st->id = next_subtable_id_++;
        by_mask_.emplace(mask_hash(st->mask), st);
    }
    std::uint64_t vals[FlowKey::kWords];
    st->extract(rule->match.key, vals);
    const std::uint64_t h = Subtable::hash(vals, st->n_words);
    long node = st->find(vals, h);
    if (node < 0) node = static_cast<long>(st->add_node(vals, h));
    std::vector<FlowRule*>& v = st->rules[static_cast<std::size_t>(node)];
    auto at = std::find_if(v.begin(), v.end(),
                           [&](const FlowRule* r) { return r->priority <= rule->priority; });
    if (at != v.end() && (*at)->priority == rule->priority) return false;
    v.insert(at, rule);
    ++st->priorities[rule->priority];
    ++st->n_rules;
    ++size_;
    const std::uint16_t max = st->priorities.rbegin()->first;
    if (st->n_rules == 1 || max != st->max_priority) {
        st->max_priority = max;
        reorder();
    }
    return true;
}

bool Classifier::remove(const FlowRule* rule) {
    Subtable* st = find_subtable(rule->match.mask);
    if (st == nullptr) return false;
    std::uint64_t vals[FlowKey::kWords];
    st->extract(rule->match.key, vals);
    const long node = st->find(vals, Subtable::hash(vals, st->n_words));
    if (node < 0) return false;
    std::vector<FlowRule*>& v = st->rules[static_cast<std::size_t>(node)];
    auto it = std::find(v.begin(), v.end(), rule);
    if (it == v.end()) return false;
    v.erase(it);
    if (v.empty()) st->remove_node(static_cast<std::size_t>(node));
    if (--st->priorities[rule->priority] == 0) st->priorities.erase(rule->priority);
    --st->n_rules;
    --size_;
    if (st->n_rules == 0) {
        auto [lo, hi] = by_mask_.equal_range(mask_hash(st->mask));
        for (auto i = lo; i != hi; ++i) {
            if (i->second == st) {
                by_mask_.erase(i);
                break;
            }
        }
        subtables_.erase(std::find_if(subtables_.begin(), subtables_.end(),
                                      [st](const auto& p) { return p.get() == st; }));
        reorder();
    } else if (st->priorities.rbegin()->first != st->max_priority) {
        st->max_priority = st->priorities.rbegin()->first;
        reorder();
    }
    return true;
}

FlowRule* Classifier::find_exact(const Match& match, std::uint16_t priority) const {
    const Subtable* st = find_subtable(match.mask);
    if (st == nullptr) return nullptr;
    std::uint64_t vals[FlowKey::kWords];
    st->extract(match.key, vals);
    const long node = st->find(vals, Subtable::hash(vals, st->n_words));
    if (node < 0) return nullptr;
    for (FlowRule* r : st->rules[static_cast<std::size_t>(node)]) {
        if (r->priority == priority) return r;
    }
    return nullptr;
}

bool Classifier::overlaps(const Match& match, std::uint16_t priority) const {
    for (const auto& st : subtables_) {
        if (st->priorities.count(priority) == 0) continue;
        for (const auto& node : st->rules) {
            for (const FlowRule* r : node) {
                if (r->priority == priority && !(r->match == match) && overlap(r->match, match))
                    return true;
            }
        }
    }
    return false;
}

const FlowRule* Classifier::lookup(const FlowKey& key, FlowMask& consulted) const {
    const FlowRule* best = nullptr;
    std::uint64_t vals[FlowKey::kWords];
    for (const Subtable* st : order_) {
        // Ordered by max priority: nothing from here on can beat `best` (equal priority can
        // still win the tie on seq, so those subtables are looked at too).
        if (best != nullptr && st->max_priority < best->priority) break;
        for (std::size_t i = 0; i < st->n_words; ++i)
            consulted.words()[st->words[i]] |= st->mask_words[i];
        st->extract(key, vals);
        const long node = st->find(vals, Subtable::hash(vals, st->n_words));
        if (node < 0) continue;
        const FlowRule* r = st->rules[static_cast<std::size_t>(node)].front();
        if (best == nullptr || r->priority > best->priority ||
            (r->priority == best->priority && r->seq < best->seq))
            best = r;
    }
    return best;
}

std::size_t Classifier::subtable_node_count(std::size_t subtable) const {
    return subtables_[subtable]->node_count();
}

const std::vector<FlowRule*>& Classifier::subtable_node(std::size_t subtable,
                                                        std::size_t node) const {
    return subtables_[subtable]->rules[node];
}

}  // namespace sy::flow
