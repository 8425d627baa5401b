# Data-plane end-to-end tests: a Switch joining two namespaces over veth pairs (af_packet ports).
add_executable(dataplane_switch_host ${CMAKE_CURRENT_SOURCE_DIR}/dataplane_switch_host.cpp)
target_link_libraries(dataplane_switch_host PRIVATE sy_datapath fmt::fmt)
foreach(mode vnet_hdr legacy corrupt)
  add_test(NAME dataplane_veth_${mode}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/dataplane_veth_e2e.sh
                   $<TARGET_FILE:dataplane_switch_host> ${mode})
  set_tests_properties(dataplane_veth_${mode} PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 120)
endforeach()
# The veth lesson against the kernel: corruption caught (safe) or delivered (unsafe mark).
foreach(mode safe unsafe)
  add_test(NAME dataplane_veth_lesson_${mode}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/dataplane_veth_lesson.sh
                   $<TARGET_FILE:dataplane_switch_host> ${mode})
  set_tests_properties(dataplane_veth_lesson_${mode} PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 120)
endforeach()
