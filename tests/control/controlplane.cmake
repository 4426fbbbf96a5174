# The control-plane webhook (docs/control-plane.md): the real client against a
# receiver written from the document with libsodium on 127.0.0.1, its config
# knobs, and the demo fleet's receiver pausing and resuming tenants.
spanlight_test(controlplane_tests
    SOURCES integration/controlplane_test.cpp integration/controlplanereceiver.cpp integration/controlplanereceiver.h
        control/controlplane_config_test.cpp
    LIBS spanlight_qt_gtest_main spanlight_services PkgConfig::SODIUM Boost::boost)
spanlight_test(demo_controlplane_tests
    SOURCES control/demo_controlplane_test.cpp
    LIBS spanlight_qt_gtest_main spanlight_services spanlight_demo Qt6::Test)
