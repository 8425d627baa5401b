# FLOW_MOD oracle: random add/mod/del sequences and packets against a private Open vSwitch
# (dummy datapath, own directory, children of the test); the flows and counters must agree.
add_executable(flow_ovs_oracle ${CMAKE_CURRENT_LIST_DIR}/flow_ovs_oracle.cpp)
target_link_libraries(flow_ovs_oracle PRIVATE sy_flow sy_testlib fmt::fmt GTest::gtest
                      GTest::gtest_main)
gtest_discover_tests(flow_ovs_oracle TEST_PREFIX "flow." PROPERTIES LABELS oracle TIMEOUT 600
                     DISCOVERY_TIMEOUT 60)
