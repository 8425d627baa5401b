# Parser and checksum oracle: scapy builds random frames, our tool parses and checks them.
add_executable(net_oracle_tool ${CMAKE_CURRENT_LIST_DIR}/net_oracle_tool.cpp)
target_link_libraries(net_oracle_tool PRIVATE sy_net nlohmann_json::nlohmann_json)
add_test(NAME net_checksum_oracle
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/checksum_oracle.py
                 --tool $<TARGET_FILE:net_oracle_tool> --count 2000)
set_tests_properties(net_checksum_oracle PROPERTIES LABELS oracle TIMEOUT 600)
