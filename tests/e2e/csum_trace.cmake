# csum-trace and `capture --iface` against real namespaces, veth TX offload, tcpdump and TCP.
add_test(NAME csum_trace_e2e
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/csum_trace_e2e.sh ${SY_SWITCHYARD_BIN})
set_tests_properties(csum_trace_e2e PROPERTIES LABELS "e2e;forensics" RUN_SERIAL TRUE TIMEOUT 120)
