#include "fastpath/packet_taps.hpp"

#include <fstream>
#include <sstream>

namespace sy::fastpath {

PacketTaps parse_packet_taps(const std::string& text, const std::set<unsigned long>& own_inodes) {
    // "sk RefCnt Type Proto Iface R Rmem User Inode", one socket per line after the header.
    PacketTaps taps;
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string sk, refcnt, type, proto;
        int iface = -1;
        std::string running, rmem, user;
        unsigned long inode = 0;
        if (!(f >> sk >> refcnt >> type >> proto >> iface >> running >> rmem >> user >> inode))
            continue;
        if (own_inodes.count(inode) != 0) continue;
        if (iface == 0) {
            taps.any = true;
        } else if (iface > 0) {
            taps.ifindexes.insert(iface);
        }
    }
    return taps;
}

PacketTaps packet_taps_except(const std::set<unsigned long>& own_inodes) {
    std::ifstream f("/proc/net/packet");
    if (!f) return {};
    std::stringstream text;
    text << f.rdbuf();
    return parse_packet_taps(text.str(), own_inodes);
}

}  // namespace sy::fastpath
