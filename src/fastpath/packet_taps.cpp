#include "fastpath/packet_taps.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
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

namespace {

// The inodes of this process's sockets ("socket:[N]" links in /proc/self/fd).
std::set<unsigned long> own_socket_inodes() {
    std::set<unsigned long> inodes;
    DIR* d = ::opendir("/proc/self/fd");
    if (!d) return inodes;
    while (const dirent* e = ::readdir(d)) {
        char target[64];
        const std::string path = std::string("/proc/self/fd/") + e->d_name;
        const ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
        if (n <= 0) continue;
        target[n] = '\0';
        unsigned long inode = 0;
        if (std::sscanf(target, "socket:[%lu]", &inode) == 1) inodes.insert(inode);
    }
    ::closedir(d);
    return inodes;
}

}  // namespace

PacketTaps foreign_packet_taps() {
    std::ifstream f("/proc/net/packet");
    if (!f) return {};
    std::stringstream text;
    text << f.rdbuf();
    return parse_packet_taps(text.str(), own_socket_inodes());
}

}  // namespace sy::fastpath
