# Users, roles and the action service on a real control.db, with the demo
# platform's signed webhook receiver as the control plane.
add_library(spanlight_control_fixture STATIC control/controlfixture.cpp control/controlfixture.h)
spanlight_defaults(spanlight_control_fixture)
target_include_directories(spanlight_control_fixture PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/control)
target_link_libraries(spanlight_control_fixture PUBLIC spanlight_services spanlight_demo GTest::gtest)
spanlight_test(control_services_tests
    SOURCES control/authservice_test.cpp control/actionservice_test.cpp
    LIBS spanlight_qt_gtest_main spanlight_control_fixture SQLite::SQLite3)
spanlight_test(control_cli_tests
    SOURCES control/cli_control_test.cpp
    LIBS spanlight_qt_gtest_main spanlight_cli SQLite::SQLite3)
spanlight_test(control_diskfull_tests
    SOURCES control/diskfull_control_test.cpp
    LIBS spanlight_qt_gtest_main spanlight_control_fixture SQLite::SQLite3)
