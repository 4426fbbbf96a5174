# The console side of users, roles and audited actions: the real window,
# offscreen, over a real control.db (ControlRuntime) and generated telemetry.
# Screenshots: <build>/screenshots/{tenants,tenants-dark,audit,login,login-first-admin,action-dialog,key-dialog}.png
spanlight_test(actions_ui_tests
    SOURCES ui/controlconsole.cpp ui/controlconsole.h
        ui/tenantspage.h ui/tenantspage_test.cpp ui/tenantkeys_test.cpp ui/auditpage_test.cpp ui/signin_test.cpp
    LIBS spanlight_qt_ui_gtest_main spanlight_console_fixture spanlight_ui Qt6::Test Qt6::Widgets SQLite::SQLite3
    PROPERTIES ENVIRONMENT QT_QPA_PLATFORM=offscreen)
target_compile_definitions(actions_ui_tests PRIVATE SPANLIGHT_SCREENSHOT_DIR="${CMAKE_BINARY_DIR}/screenshots")
