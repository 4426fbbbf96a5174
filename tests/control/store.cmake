# control.db (issue 5): users, ingest keys, tenants' state, approvals, audit
# appends that fail closed, and tampering detected at the right seq.
spanlight_test(control_store_tests
    SOURCES unit/controlstore_test.cpp unit/controlaudit_test.cpp unit/audittamper_test.cpp unit/auditencoding_test.cpp
        unit/auditchainfixture.h unit/controlstorefixture.h
    LIBS spanlight_qt_gtest_main spanlight_storage SQLite::SQLite3)
