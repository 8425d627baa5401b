# Offload oracle: scapy builds partial frames and TSO/USO super-frames; offload_oracle_tool runs
# them through tx_prepare (completion, segmentation); scapy checks every byte of the result.
add_executable(offload_oracle_tool ${CMAKE_CURRENT_LIST_DIR}/offload_oracle_tool.cpp)
target_link_libraries(offload_oracle_tool PRIVATE sy_offload)
add_test(NAME offload_gso_oracle
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/gso_oracle.py
                 --tool $<TARGET_FILE:offload_oracle_tool> --count 300)
set_tests_properties(offload_gso_oracle PROPERTIES LABELS oracle TIMEOUT 600)
# One bit of every output flipped: passes only if the checker reports every case wrong.
add_test(NAME offload_gso_oracle_detects_faults
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/gso_oracle.py
                 --tool $<TARGET_FILE:offload_oracle_tool> --count 60 --inject-fault)
set_tests_properties(offload_gso_oracle_detects_faults PROPERTIES LABELS oracle TIMEOUT 600)
