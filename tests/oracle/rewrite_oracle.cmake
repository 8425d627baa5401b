# Rewrite oracle: scapy builds random packets in every checksum state and random lists of
# set-field actions; rewrite_oracle_tool applies them (offload/rewrite.hpp) and finishes the
# packet as egress does (tx_prepare); scapy recomputes every checksum from scratch.
add_executable(rewrite_oracle_tool ${CMAKE_CURRENT_LIST_DIR}/rewrite_oracle_tool.cpp)
target_link_libraries(rewrite_oracle_tool PRIVATE sy_offload)
add_test(NAME offload_rewrite_oracle
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/rewrite_oracle.py
                 --tool $<TARGET_FILE:rewrite_oracle_tool> --count 2000)
set_tests_properties(offload_rewrite_oracle PROPERTIES LABELS oracle TIMEOUT 600)
# One bit of every output flipped: passes only if the checker reports every case wrong.
add_test(NAME offload_rewrite_oracle_detects_faults
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/rewrite_oracle.py
                 --tool $<TARGET_FILE:rewrite_oracle_tool> --count 300 --inject-fault)
set_tests_properties(offload_rewrite_oracle_detects_faults PROPERTIES LABELS oracle TIMEOUT 600)
