# Purging a tenant's stored telemetry (issue 5, section 3): the writer's part,
# against real telemetry.db files written by the real writer.
spanlight_test(tenantpurge_tests
    SOURCES unit/tenantpurge_test.cpp unit/tenantpurgeingest_test.cpp unit/tenantpurgedata.cpp unit/tenantpurgedata.h
    LIBS spanlight_qt_gtest_main spanlight_storage spanlight_collector spanlight_proto SQLite::SQLite3)
