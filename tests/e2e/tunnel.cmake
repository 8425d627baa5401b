# Tunnel ports end to end: hosts are namespaces (sy-tn-*) joined by an underlay veth, each
# Switchyard host a daemon of its own (tests/e2e/tunnel_*.sh, helpers in tunnel_lib.sh).
file(GLOB tunnel_e2e_scripts CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tunnel_*.sh)
list(FILTER tunnel_e2e_scripts EXCLUDE REGEX "tunnel_lib\\.sh$")
foreach(script IN LISTS tunnel_e2e_scripts)
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME e2e_${name} COMMAND bash ${script} ${SY_SWITCHYARD_BIN})
  set_tests_properties(e2e_${name} PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 180)
endforeach()
