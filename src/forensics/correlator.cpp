#include "forensics/correlator.hpp"

namespace sy::forensics {

bool Correlator::seen_at(std::uint32_t group, std::uint32_t point) const {
    // Points arrive in order, so a sighting at `point` can only be the group's last one.
    const auto& g = groups_[group].sightings;
    return !g.empty() && sightings_[g.back()].point == point;
}

std::int64_t Correlator::claim(std::unordered_map<std::uint64_t, Candidates>& index,
                               std::uint64_t key, std::uint32_t point) {
    auto it = index.find(key);
    if (it == index.end()) return -1;
    Candidates& c = it->second;
    if (c.cursor_point != point) {
        c.cursor_point = point;
        c.cursor = 0;
    }
    while (c.cursor < c.groups.size() && seen_at(c.groups[c.cursor], point)) ++c.cursor;
    // Groups past the cursor may have been claimed through the other index: skip those too.
    for (std::uint32_t i = c.cursor; i < c.groups.size(); ++i)
        if (!seen_at(c.groups[i], point)) return c.groups[i];
    return -1;
}

void Correlator::reserve(std::size_t packets) {
    sightings_.reserve(packets);
    groups_.reserve(packets);
    by_strong_.reserve(packets);
    by_weak_.reserve(packets);
}

void Correlator::add(const Sighting& s) {
    const auto index = static_cast<std::uint32_t>(sightings_.size());
    sightings_.push_back(s);
    std::int64_t group = claim(by_strong_, s.strong_key, s.point);
    if (group < 0) group = claim(by_weak_, s.weak_key, s.point);
    if (group < 0) {
        group = static_cast<std::int64_t>(groups_.size());
        groups_.emplace_back();
        by_strong_[s.strong_key].groups.push_back(static_cast<std::uint32_t>(group));
        by_weak_[s.weak_key].groups.push_back(static_cast<std::uint32_t>(group));
    }
    groups_[static_cast<std::size_t>(group)].sightings.push_back(index);
}

}  // namespace sy::forensics
