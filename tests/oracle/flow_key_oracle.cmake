# Key extraction and packet synthesis against scapy's view of the same frames.
add_executable(flow_key_tool ${CMAKE_CURRENT_LIST_DIR}/flow_key_tool.cpp)
target_link_libraries(flow_key_tool PRIVATE sy_flow nlohmann_json::nlohmann_json)
add_test(NAME flow_key_oracle
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/flow_key_oracle.py
                 --tool $<TARGET_FILE:flow_key_tool>)
set_tests_properties(flow_key_oracle PROPERTIES LABELS oracle TIMEOUT 600)
