# cmake -DIN=file -DOUT=file.cpp -DSYMBOL=name -P EmbedBinary.cmake
# Writes a C++ source defining `extern const unsigned char SYMBOL[]` and `SYMBOL_size` with the
# bytes of IN, so a compiled BPF object ships inside the binary that loads it.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT} "// Generated from ${IN} by cmake/EmbedBinary.cmake. Do not edit.\n"
     "#include <cstddef>\n"
     "extern const unsigned char ${SYMBOL}[];\n"
     "extern const std::size_t ${SYMBOL}_size;\n"
     "alignas(8) const unsigned char ${SYMBOL}[] = {\n${bytes}};\n"
     "const std::size_t ${SYMBOL}_size = ${size};\n")
