# Flow syntax oracle: our parser and normal form against ovs-ofctl (openvswitch-common).
add_executable(flow_syntax_tool ${CMAKE_CURRENT_LIST_DIR}/flow_syntax_tool.cpp)
target_link_libraries(flow_syntax_tool PRIVATE sy_flow nlohmann_json::nlohmann_json)
add_test(NAME flow_syntax_oracle
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/flow_syntax_oracle.py
                 --tool $<TARGET_FILE:flow_syntax_tool>)
set_tests_properties(flow_syntax_oracle PROPERTIES LABELS oracle TIMEOUT 600)
# dump-flows lines against a private Open vSwitch (dummy datapath: no kernel device).
add_test(NAME flow_dump_oracle
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/flow_dump_oracle.py
                 --tool $<TARGET_FILE:flow_syntax_tool>)
set_tests_properties(flow_dump_oracle PROPERTIES LABELS oracle TIMEOUT 300)
