# cmake -DINPUT=file -DTEMPLATE=x.cpp.in -DOUTPUT=x.cpp -P EmbedFile.cmake
# Writes INPUT's bytes into TEMPLATE's @EMBEDDED_BYTES@ as a C array: a string
# literal would trip -Woverlength-strings (part of -Wpedantic) past 4095 bytes.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# One line per 16 bytes keeps the generated file readable in a debugger.
string(REGEX REPLACE "((0x..,){16})" "\\1\n    " EMBEDDED_BYTES "${bytes}")
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
