// The signature level on its own (the exact-match cache over header signatures): found
// exactly for the signature it was given, dead with its entry's epoch, two ways per set, and
// an update in place of a second copy.
#include <gtest/gtest.h>

#include "flow/emc.hpp"
#include "testlib/frame_builder.hpp"

namespace sy::flow {
namespace {

HeaderSignature signature(std::uint16_t sport) {
    testlib::FrameSpec spec;
    spec.sport = sport;
    HeaderSignature s;
    EXPECT_TRUE(header_signature(testlib::build_frame(spec).bytes, 1, s));
    return s;
}

TEST(SignatureCache, FindsWhatItWasGivenAndNothingElse) {
    SignatureCache cache(64);
    CacheEntry e;
    const HeaderSignature a = signature(1000), b = signature(1001);
    EXPECT_EQ(cache.lookup(a, signature_hash(a)), nullptr);
    cache.insert(a, signature_hash(a), &e);
    EXPECT_EQ(cache.lookup(a, signature_hash(a)), &e);
    EXPECT_EQ(cache.lookup(b, signature_hash(b)), nullptr);
}

TEST(SignatureCache, DiesWithItsEntrysEpoch) {
    SignatureCache cache(64);
    CacheEntry e;
    const HeaderSignature a = signature(1000);
    cache.insert(a, signature_hash(a), &e);
    ++e.epoch;  // refilled, evicted or flushed
    EXPECT_EQ(cache.lookup(a, signature_hash(a)), nullptr);
    cache.insert(a, signature_hash(a), &e);
    EXPECT_EQ(cache.lookup(a, signature_hash(a)), &e);
    cache.clear();
    EXPECT_EQ(cache.lookup(a, signature_hash(a)), nullptr);
}

TEST(SignatureCache, TwoWaysPerSetAndUpdatesInPlace) {
    SignatureCache cache(2);  // one set: every signature competes for its two ways
    CacheEntry e1, e2, e3;
    const HeaderSignature a = signature(1), b = signature(2), c = signature(3);
    cache.insert(a, signature_hash(a), &e1);
    cache.insert(b, signature_hash(b), &e2);
    EXPECT_EQ(cache.lookup(a, signature_hash(a)), &e1);
    EXPECT_EQ(cache.lookup(b, signature_hash(b)), &e2);
    cache.insert(a, signature_hash(a), &e3);  // a again: its own way, b stays
    EXPECT_EQ(cache.lookup(a, signature_hash(a)), &e3);
    EXPECT_EQ(cache.lookup(b, signature_hash(b)), &e2);
    cache.insert(c, signature_hash(c), &e1);  // a third: one of the two goes
    EXPECT_EQ(cache.lookup(c, signature_hash(c)), &e1);
    EXPECT_NE(cache.lookup(a, signature_hash(a)) != nullptr,
              cache.lookup(b, signature_hash(b)) != nullptr);
}

TEST(SignatureCache, DisabledWithNoEntries) {
    SignatureCache cache(0);
    CacheEntry e;
    const HeaderSignature a = signature(1000);
    EXPECT_FALSE(cache.enabled());
    cache.insert(a, signature_hash(a), &e);
    EXPECT_EQ(cache.lookup(a, signature_hash(a)), nullptr);
}

}  // namespace
}  // namespace sy::flow
