# Ingest keys and ingest authentication (issue 5, section 5).

# The receivers' part with an authenticator written in the test: no control.db.
spanlight_test(ingestauth_receiver_tests
    SOURCES control/ingestauth_receiver_test.cpp
    LIBS spanlight_qt_gtest_main spanlight_grpc_services)

# Key format, auth/* settings, and keys over a real control.db: lifecycle
# (create, rotate with grace, revoke, at most two active) and the KeyDirectory.
spanlight_test(ingestkey_tests
    SOURCES control/ingestkey_test.cpp control/keydirectory_test.cpp
    LIBS spanlight_qt_gtest_main spanlight_services)

# End to end: control.db, the KeyDirectory and the real collector on 127.0.0.1:
# refusals, the key's tenant, revocation, the rotation lifecycle, and a canary
# key searched for in both databases' bytes and in the log output.
spanlight_test(ingestauth_e2e_tests
    SOURCES control/ingestauth_e2e_test.cpp
    LIBS spanlight_qt_gtest_main spanlight_services spanlight_grpc_services)
