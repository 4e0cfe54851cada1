# Runs at install time (install(SCRIPT) in dist/CMakeLists.txt), when the
# prefix is known: `cmake --install --prefix P`, or /usr under CPack.
#   /usr (the package)      /etc/capsuled, /lib/systemd/system (bookworm), /etc/logrotate.d
#   /usr/local (the default) /etc/capsuled, /usr/local/lib/systemd/system, /etc/logrotate.d
#   any other prefix P       P/etc/capsuled, P/lib/systemd/system, P/etc/logrotate.d
# An existing file in etc is the administrator's: it is kept, never overwritten.
# Set before this runs: CAPSULED_DIST_DIR, CAPSULED_SBINDIR, CAPSULED_WORK_DIR.

if(CMAKE_INSTALL_PREFIX STREQUAL "/usr" OR CMAKE_INSTALL_PREFIX STREQUAL "/usr/local")
  set(etc_dir /etc)
else()
  set(etc_dir ${CMAKE_INSTALL_PREFIX}/etc)
endif()
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(unit_dir /lib/systemd/system)
else()
  set(unit_dir ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()

# The unit names the binary and the configuration where this install puts them.
set(CAPSULED_BINARY ${CMAKE_INSTALL_PREFIX}/${CAPSULED_SBINDIR}/capsuled)
set(CAPSULED_CONFIG ${etc_dir}/capsuled/capsuled.ini)
configure_file(${CAPSULED_DIST_DIR}/capsuled.service.in ${CAPSULED_WORK_DIR}/capsuled.service @ONLY)
file(INSTALL ${CAPSULED_WORK_DIR}/capsuled.service
  ${CAPSULED_DIST_DIR}/capsuled-gemini.socket ${CAPSULED_DIST_DIR}/capsuled-gopher.socket
  DESTINATION ${unit_dir} FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

function(install_config_file source dir name)
  if(EXISTS "$ENV{DESTDIR}${dir}/${name}")
    message(STATUS "Keeping: $ENV{DESTDIR}${dir}/${name} (the new one is ${source})")
    return()
  endif()
  file(INSTALL ${source} DESTINATION ${dir} RENAME ${name}
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endfunction()

install_config_file(${CAPSULED_DIST_DIR}/capsuled.ini ${etc_dir}/capsuled capsuled.ini)
install_config_file(${CAPSULED_DIST_DIR}/capsuled.logrotate ${etc_dir}/logrotate.d capsuled)
